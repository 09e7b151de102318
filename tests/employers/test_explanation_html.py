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
from django.utils.safestring import mark_safe

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


OLD_LOOP = r"""{% load i18n %}{% translate "Notiz" as note_label %}{% translate "Notiz speichern" as save_note %}{% translate "Auf die Merkliste" as shortlist_add %}{% for m, card, explanation in match_cards %}
<section class="lotse-match" data-testid="match">
  {{ card }}
  <p class="kern-body"><strong>{% blocktranslate with s=m.score %}Passung: {{ s }} von 100{% endblocktranslate %}</strong></p>
  {{ explanation }}
  <form method="post" action="{{ shortlist_url }}" class="lotse-inline-form">{% csrf_token %}
    <input type="hidden" name="candidate" value="{{ m.card.ref }}"><input type="hidden" name="next" value="{{ request.get_full_path }}">
    <label class="kern-label" for="note-{{ m.card.ref }}">{{ note_label }}</label>
    <input class="kern-form-input__input" id="note-{{ m.card.ref }}" name="note" maxlength="500" value="{{ m.note }}">
    <button class="kern-btn kern-btn--secondary kern-btn--small"><span class="kern-label">{% if m.shortlisted %}{{ save_note }}{% else %}{{ shortlist_add }}{% endif %}</span></button>
  </form>
</section>
{% endfor %}"""
NEW_LOOP = (
    r"""{% load i18n employer_matches %}{% translate "Notiz" as note_label %}"""
    r"""{% translate "Notiz speichern" as save_note %}{% translate "Auf die Merkliste" as shortlist_add %}"""
    r"""{% match_sections match_cards %}"""
)


@pytest.mark.parametrize("language", ["de", "en", "ar"])
def test_the_match_sections_tag_is_the_old_loops_markup_byte_for_byte(language, rf):
    """placement_matches.html's loop over the matches became one tag (issue 21): the same bytes,
    the page's own CSRF token in every shortlist form, a note with markup escaped once."""
    from django.middleware.csrf import get_token
    from django.template import engines

    request = rf.get("/app/employers/placements/7/matches/?seite=2&german=B1&x=<b>")
    rows = [
        replace(ROWS[0], note='Rückruf "bald" <b>&</b>', shortlisted=True),
        replace(ROWS[2], card=AnonymousCandidate(ref="AB12C-D34EF")),
    ]
    # Both composed in Python and safe, as the view passes them (card_html, explanation_html)
    cards = [(mark_safe("<article>card</article>"), mark_safe("<ul>explanation</ul>")) for _ in rows]
    match_cards = [(row, *card) for row, card in zip(rows, cards, strict=True)]
    engine = engines["django"]
    with translation.override(language):
        # The page's token given, not the processor's (each rendering would mask the secret anew)
        context = {
            "match_cards": match_cards,
            "shortlist_url": "/app/employers/placements/7/shortlist/",
            "csrf_token": get_token(request),
        }
        old = engine.from_string(OLD_LOOP).render(context, request)
        new = engine.from_string(NEW_LOOP).render(context, request)
    assert new == old
    assert new.count('name="csrfmiddlewaretoken"') == 2
    assert "Rückruf &quot;bald&quot; &lt;b&gt;&amp;&lt;/b&gt;" in new
