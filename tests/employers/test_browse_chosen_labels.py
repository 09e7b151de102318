"""The browse form names the chosen occupation and skills in words, while the URL keeps their URIs."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from employers.selectors import concept_labels

BROWSE = "employers:browse"


def _section(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}">(.*?)</(p|ul)>', html, re.S)
    assert match, f"no {testid} on the page"
    return match.group(1)


def _visible_text(fragment: str) -> str:
    return re.sub(r"<[^>]+>", " ", fragment)


def test_chosen_occupation_and_skills_show_their_german_labels(employer, cook_taxonomy, signed_in):
    cook = cook_taxonomy.cook.uri
    knife, hygiene = (s.uri for s in cook_taxonomy.skills[:2])

    response = signed_in(employer.own).get(reverse(BROWSE), {"occupation": cook, "skills": [knife, hygiene]})

    html = response.content.decode()
    occupation = _visible_text(_section(html, "chosen-occupation"))
    assert "Koch/Köchin" in occupation and cook not in occupation
    skills = _section(html, "chosen-skills")
    assert "Messer handhaben" in _visible_text(skills)
    assert "Lebensmittelhygiene einhalten" in _visible_text(skills)
    assert "esco.test" not in _visible_text(skills)
    # The form still sends URIs, so the query in the URL (and saved searches) stays the same.
    assert f'name="occupation" value="{cook}"' in html
    assert f'<input type="hidden" name="skills" value="{knife}">' in html
    assert f'<input type="hidden" name="skills" value="{hygiene}">' in html
    assert "occupation=http%3A%2F%2Fesco.test%2Foccupation%2Fcook" in response.context["query"]


def test_comma_separated_skills_become_one_hidden_field_each(employer, cook_taxonomy, signed_in):
    knife, hygiene = (s.uri for s in cook_taxonomy.skills[:2])

    html = signed_in(employer.own).get(reverse(BROWSE), {"skills": f"{knife},{hygiene}"}).content.decode()

    assert f'<input type="hidden" name="skills" value="{knife}">' in html
    assert f'<input type="hidden" name="skills" value="{hygiene}">' in html
    assert "Messer handhaben" in _visible_text(_section(html, "chosen-skills"))


def test_an_unknown_uri_stays_visible_as_it_was_sent_and_nothing_breaks(employer, cook_taxonomy, signed_in):
    response = signed_in(employer.own).get(reverse(BROWSE), {"skills": "http://esco.test/skill/<b>nope</b>"})

    assert response.status_code == 200
    skills = _section(response.content.decode(), "chosen-skills")
    assert "&lt;b&gt;nope&lt;/b&gt;" in skills and "<b>" not in skills


@pytest.mark.parametrize("n_skills", [1, 4])
def test_labels_for_every_chosen_uri_in_one_query(cook_taxonomy, django_assert_num_queries, n_skills):
    uris = [
        cook_taxonomy.cook.uri,
        *(s.uri for s in cook_taxonomy.skills[:n_skills]),
        "http://esco.test/unknown",
    ]

    with django_assert_num_queries(1):
        labels = concept_labels(uris)

    assert labels[cook_taxonomy.cook.uri] == "Koch/Köchin"
    assert labels[cook_taxonomy.skills[0].uri] == "Messer handhaben"
    assert len(labels) == 1 + n_skills


def test_no_query_when_nothing_is_chosen(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert concept_labels(["", ""]) == {}
