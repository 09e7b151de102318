"""A match's explanation composed in Python (card_text.explanation_html, issue 21) is the bytes
``employers/_explanation.html`` renders, in every language, for every branch of the template:
recognised qualification, listed and inferred skills (one / many, from a recognised qualification,
from years, from an occupation without years, an unknown occupation URI), skills missing, a skill
focus under 100 %, German met / missing / bridged / unknown, hours with and without numbers,
start late with and without a start date, distance, permit open / needing approval / plain, points
of one and of many, and markup in a label."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from employers.card_text import explanation_html
from employers.matching import ConstraintNotes, InferredSkills
from employers.selectors import AnonymousCandidate, MatchRow
from taxonomy.models import Occupation

NOTES = ConstraintNotes(
    listed=["Gemüse schneiden", "Spülen <b>&</b>"],
    inferred=[],
    essential_total=5,
    hours=None,
    hours_required=None,
    hours_points=0,
    available_from=None,
    start=None,
    days_late=0,
    start_points=0,
    permit="may_work",
    permit_points=0,
)
BASE = MatchRow(
    card=AnonymousCandidate(ref="K7M2P-9QX4T"),
    score=73,
    essential_met=["Gemüse schneiden", "Spülen <b>&</b>"],
    essential_missing=[],
    german=None,
    german_required=None,
    language_gap=0,
    bridged=False,
    distance_km=None,
    permit_note="darf arbeiten",
    permit="may_work",
    notes=NOTES,
)
COOK = Occupation(uri="occ/cook", label_de="Koch/Köchin", label_en="cook", label_uk="", label_ar="")

ROWS = [
    BASE,
    replace(BASE, essential_met=[], permit="unknown", permit_note="noch offen"),
    replace(
        BASE,
        recognised=True,
        essential_missing=["Tandoor-Ofen <script>", "Backen"],
        skills_listed=7,
        skills_listed_fitting=3,
        skill_focus_percent=43,
        german="A2",
        german_required="B1",
        language_gap=1,
        bridged=True,
        distance_km=12,
        permit="needs_approval",
        permit_note="braucht Zustimmung der Ausländerbehörde",
        notes=replace(
            NOTES,
            inferred=[
                InferredSkills(occupation=COOK, years=5, recognised=False, skills=["Braten", "Kochen"]),
                InferredSkills(occupation=COOK, years=1, recognised=False, skills=["Würzen"]),
                InferredSkills(occupation="occ/unknown", years=0, recognised=False, skills=["X & Y"]),
                InferredSkills(occupation=COOK, years=0, recognised=True, skills=["Anrichten"]),
            ],
            hours=25,
            hours_required=40,
            hours_points=4,
            available_from=date(2031, 7, 19),
            start=date(2031, 6, 1),
            days_late=48,
            start_points=1,
            permit="needs_approval",
            permit_points=7,
        ),
    ),
    replace(
        BASE,
        german=None,
        german_required="A2",
        language_gap=2,
        distance_km=0,
        permit="needs_approval",
        notes=replace(
            NOTES,
            listed=[],
            inferred=[InferredSkills(occupation=COOK, years=2, recognised=False, skills=["Braten"])],
            hours_points=1,
            available_from=date(2031, 1, 2),
            days_late=3,
            start_points=0,
            permit="needs_approval",
            permit_points=0,
        ),
    ),
    replace(BASE, german="C1", german_required="B1", language_gap=0, skill_focus_percent=99),
]


@pytest.mark.parametrize("language", ["de", "en", "ar", "uk", "fa"])
def test_the_explanation_composed_in_python_is_the_templates_markup_byte_for_byte(language):
    with translation.override(language):
        for row in ROWS:
            assert str(explanation_html(row)) == render_to_string("employers/_explanation.html", {"m": row})


def test_markup_in_a_skill_label_stays_escaped_once():
    got = str(explanation_html(ROWS[2]))
    assert "<script>" not in got and "Tandoor-Ofen &lt;script&gt;" in got
    assert "Spülen &lt;b&gt;&amp;&lt;/b&gt;" in str(explanation_html(BASE)) and "&amp;amp;" not in got


def test_the_explanation_says_what_the_employer_needs_to_know():
    with translation.override("de"):
        got = str(explanation_html(ROWS[2]))
    assert "Vermutlich, aus 5 Jahren als Koch/Köchin: Braten, Kochen" in got
    assert "Vermutlich, aus dem Beruf occ/unknown: X &amp; Y" in got
    assert "Aus anerkanntem Abschluss als Koch/Köchin: Anrichten" in got
    assert "Deutsch: A2, gefordert B1. Ihre Sprachförderung kann die Lücke schließen." in got
    assert "(−4 Punkte)" in got and "(−1 Punkt)" in got and "(−7 Punkte)" in got
