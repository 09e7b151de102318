"""HTMX autocomplete: logged-in users get a fragment of ESCO suggestions."""

import pytest
from django.urls import reverse

from taxonomy.models import Occupation

OCCUPATIONS = "taxonomy:occupation_search"
SKILLS = "taxonomy:skill_search"


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", [OCCUPATIONS, SKILLS])
def test_anonymous_is_sent_to_login(client, db, name):
    response = client.get(reverse(name), {"q": "Koch"})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_occupation_suggestions_carry_label_and_uri(esco, user_client):
    welder = Occupation.objects.get(label_de="Schweißer/Schweißerin")
    response = user_client.get(reverse(OCCUPATIONS), {"q": "Schweisser"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-uri="{welder.uri}"' in html
    assert 'data-label="Schweißer/Schweißerin"' in html
    assert 'role="listbox"' in html
    assert "<html" not in html  # a fragment, not a page


def test_skill_suggestions(esco, user_client):
    response = user_client.get(reverse(SKILLS), {"q": "Gabelstapler"})
    assert "Gabelstapler bedienen" in response.content.decode()


def test_alternative_label_is_shown_as_hint(esco, user_client):
    html = user_client.get(reverse(OCCUPATIONS), {"q": "Lagerist"}).content.decode()
    assert "Warenlagerverwalter/Warenlagerverwalterin" in html
    assert "„<bdi>Lagerist</bdi>“" in html  # the matched label isolated: it may be in another script


def test_suggestions_say_how_many_there_are_in_the_readers_language(esco, user_client):
    """What the combobox's live region announces comes with the suggestions, in the page's language."""
    html = user_client.get(reverse(SKILLS), {"q": "Gabelstapler"}).content.decode()
    assert 'data-announce="2 Vorschläge"' in html
    html = user_client.get(reverse(SKILLS), {"q": "qxzqxzqxz"}).content.decode()
    assert 'data-announce="Keine Treffer für „qxzqxzqxz“."' in html
    html = user_client.get("/uk" + reverse(SKILLS), {"q": "Gabelstapler"}).content.decode()
    assert 'data-announce="2 варіанти"' in html


def test_english_interface_shows_english_labels(esco, user_client):
    html = user_client.get("/en" + reverse(OCCUPATIONS), {"q": "welder"}).content.decode()
    assert 'data-label="welder"' in html


@pytest.mark.parametrize("query", ["", "K", " "])
def test_empty_or_one_letter_query_gives_empty_list(esco, user_client, query):
    response = user_client.get(reverse(OCCUPATIONS), {"q": query})
    assert response.status_code == 200
    assert "data-uri" not in response.content.decode()
    assert "Keine Treffer" not in response.content.decode()


def test_no_match_says_so(esco, user_client):
    response = user_client.get(reverse(SKILLS), {"q": "qxzqxzqxz"})
    assert response.status_code == 200
    assert "Keine Treffer" in response.content.decode()


def test_very_long_query_is_no_error(esco, user_client):
    # 5,000 characters: refused before the view with the short German page (inputs.middleware), not a 500.
    response = user_client.get(reverse(SKILLS), {"q": "Schweißen " * 500})
    assert response.status_code == 400 and "Ungültige Eingabe" in response.content.decode()
    assert user_client.get(reverse(SKILLS), {"q": "Schweißen " * 150}).status_code == 200


def test_post_is_refused(esco, user_client):
    assert user_client.post(reverse(SKILLS), {"q": "Koch"}).status_code == 405


def test_query_count_does_not_grow_with_results(esco, user_client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user_client.get(reverse(SKILLS), {"q": "warm"})  # build the index once
    counts = []
    for query in ("Gabelstapler", "Pflege", "Deutsch"):
        with CaptureQueriesContext(connection) as ctx:
            response = user_client.get(reverse(SKILLS), {"q": query})
        counts.append(len(ctx.captured_queries))
        assert response.content.decode().count("data-uri=") >= 1
    assert len(set(counts)) == 1
    # session, user, memberships, the second-factor gate's one look at Wagtail's admin permission,
    # the taxonomy lookups: a handful, whatever the number of results.
    assert counts[0] <= 7
