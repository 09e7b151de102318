"""ESCO labels in the candidate's language: Ukrainian and Arabic from ESCO, else English, else German,
each fallback marked with its ``lang`` so that screen readers pronounce it right (issue 13)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from taxonomy.models import Occupation, Skill, label_order
from taxonomy.selectors import search_occupations
from tests.factories import (
    CandidateOccupationFactory,
    CandidateSkillFactory,
    UserFactory,
    make_candidate,
    make_placement,
    make_profile,
    open_case,
)

WELDER_AR = "عامل لحام / عاملة لحام"
WELDER_UK = "зварник/зварниця"


def _get(client, lang: str, name: str) -> str:
    with translation.override("de"):
        path = reverse(name)
    response = client.get(path if lang == "de" else f"/{lang}{path}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def welder_world(esco, municipality, employer, coach):
    welder = esco.occupation("Schweißer/Schweißerin")
    # A skill ESCO translated into Arabic, and one it did not (English stands in).
    translated = Skill.objects.exclude(label_ar="").exclude(label_en="").order_by("uri").first()
    untranslated = Skill.objects.filter(label_ar="").exclude(label_en="").order_by("uri").first()
    user = UserFactory(is_candidate=True)
    candidate = make_candidate(
        municipality, occupation=welder, user=user, skills=[translated, untranslated], german="B2"
    )
    open_case(candidate, coach)
    make_placement(
        make_profile(employer.organisation),
        welder,
        title="Schweißer (m/w/d)",
        skills=[(translated, "essential"), (untranslated, "essential")],
    )
    return type(
        "W",
        (),
        {"user": user, "candidate": candidate, "welder": welder, "ar": translated, "en": untranslated},
    )


def test_fallback_order_per_reader():
    assert label_order("de") == ("de", "en")
    assert label_order("ar") == ("ar", "en", "de")
    assert label_order("uk") == ("uk", "en", "de")
    assert label_order("fa") == ("en", "de")
    assert label_order("en") == ("en", "de")


def test_label_falls_back_to_english_then_german():
    concept = Occupation(label_de="Koch/Köchin", label_en="cook", label_ar="طاه")
    with translation.override("ar"):
        assert (concept.label, concept.label_language) == ("طاه", "ar")
    with translation.override("uk"):
        assert (concept.label, concept.label_language) == ("cook", "en")
    concept.label_en = ""
    with translation.override("fa"):
        assert (concept.label, concept.label_language) == ("Koch/Köchin", "de")


def test_arabic_profile_shows_the_arabic_esco_label(welder_world, signed_in):
    html = _get(signed_in(welder_world.user), "ar", "candidates:my_profile")
    assert WELDER_AR in html
    assert f'lang="ar">{WELDER_AR}' not in html  # in the page's language: no extra mark
    assert welder_world.ar.label_ar in html
    # No Arabic label: English, marked as English and left to right.
    assert f'<span lang="en" dir="ltr">{welder_world.en.label_en}</span>' in html
    assert "Schweißer/Schweißerin" not in html


def test_ukrainian_profile_shows_the_ukrainian_esco_label(welder_world, signed_in):
    html = _get(signed_in(welder_world.user), "uk", "candidates:my_profile")
    assert WELDER_UK in html


def test_farsi_profile_shows_english_marked_as_english(welder_world, signed_in):
    html = _get(signed_in(welder_world.user), "fa", "candidates:my_profile")
    assert '<span lang="en" dir="ltr">welder</span>' in html
    assert WELDER_AR not in html and "Schweißer/Schweißerin" not in html


def test_german_profile_stays_german(welder_world, signed_in):
    html = _get(signed_in(welder_world.user), "de", "candidates:my_profile")
    assert "Schweißer/Schweißerin" in html and WELDER_AR not in html


def test_jobs_for_me_in_arabic_name_occupation_and_skills_in_arabic(welder_world, signed_in):
    html = _get(signed_in(welder_world.user), "ar", "employers:my_jobs")
    assert WELDER_AR in html
    assert welder_world.ar.label_ar in html
    assert f'<span lang="en" dir="ltr">{welder_world.en.label_en}</span>' in html
    # The employer's own German title is marked as German.
    assert '<span lang="de" dir="ltr">Schweißer (m/w/d)</span>' in html


def test_jobs_for_me_in_farsi_fall_back_to_english(welder_world, signed_in):
    html = _get(signed_in(welder_world.user), "fa", "employers:my_jobs")
    assert '<span lang="en" dir="ltr">welder</span>' in html


def test_suggestions_match_and_show_arabic_labels(esco, signed_in):
    found = search_occupations(query="عامل لحام", language="ar")
    assert esco.occupation("Schweißer/Schweißerin") in found
    # Hamza and short vowels do not stop a match.
    assert search_occupations(query="لحام", language="ar")
    client = signed_in(UserFactory(is_candidate=True))
    with translation.override("de"):
        path = reverse("taxonomy:occupation_search")
    html = client.get(f"/ar{path}", {"q": "зварник"}).content.decode()
    assert WELDER_AR in html


@pytest.mark.parametrize("name", ["candidates:my_profile", "employers:my_jobs"])
def test_queries_do_not_grow_with_labels(welder_world, signed_in, name):
    client = signed_in(welder_world.user)
    _get(client, "ar", name)
    with CaptureQueriesContext(connection) as few:
        _get(client, "ar", name)
    more = Skill.objects.exclude(label_ar="").order_by("uri")[1:6]
    held = set(welder_world.candidate.skills.values_list("skill_id", flat=True))
    for skill in more:
        if skill.pk not in held:
            CandidateSkillFactory(candidate=welder_world.candidate, skill=skill)
    cook = Occupation.objects.exclude(pk=welder_world.welder.pk).order_by("uri")[:3]
    for occupation in cook:
        CandidateOccupationFactory(
            candidate=welder_world.candidate, occupation=occupation, years_experience=0
        )
    with CaptureQueriesContext(connection) as many:
        _get(client, "ar", name)
    assert len(many) == len(few)
