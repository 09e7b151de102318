# ruff: noqa: F811  (fixtures imported from the employers tests are parameters here)
"""Every constraint counted and said (issue 16): hours, availability after the start and a permit
that still needs approval lower the score and are said with what they cost; skills inferred from an
occupation are marked as inferred (never "2 of 2" when 1 was listed); a recognised qualification
names its occupation as the source of the skills it implies. Every explanation still adds up to the score."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from employers.matching import constraint_notes
from matching.engine.records import CandidateRecord, OccupationYears, PlacementRecord
from matching.engine.scoring import WEIGHTS, Matcher
from matching.engine.taxonomy import TaxonomyIndex
from tests.clock import TODAY
from tests.factories import make_placement, make_profile

# "Today" is tests.clock.TODAY, in the test and in the app alike.
pytestmark = pytest.mark.usefixtures("frozen_today")

COOK = [f"s/cook{i}" for i in range(6)]
TODAY = date(2026, 11, 26)


@pytest.fixture
def matcher():
    taxonomy = TaxonomyIndex.build(
        occupations=[("occ/cook", "5120")], relations=[("occ/cook", "essential", s) for s in COOK]
    )
    return Matcher(taxonomy, coordinates=None, today=TODAY)


def job(**overrides):
    data = dict(id="p", essential=tuple(COOK), hours=40, start=TODAY + timedelta(days=30))
    data.update(overrides)
    return PlacementRecord(**data)


def person(pid, **overrides):
    data = dict(id=pid, skills=tuple(COOK), hours=40, available_from=TODAY)
    data.update(overrides)
    return CandidateRecord(**data)


def ranked(matcher, placement, *people):
    found = {m.candidate_id: m for m in matcher.rank_candidates(placement, list(people))}
    for m in found.values():  # exact: the score is the sum of its explained parts
        assert m.score == pytest.approx(
            sum(WEIGHTS[k] * v for k, v in m.explanation.components.items()), abs=1e-4
        )
    return found


def test_fewer_hours_a_late_start_and_a_pending_permit_each_cost_points_and_are_said(matcher):
    found = ranked(
        matcher,
        job(),
        person("fits"),
        person("part-time", hours=20),
        person("late", available_from=TODAY + timedelta(days=75)),
        person("approval", permit="needs_approval"),
    )
    fits = found["fits"]
    for pid, component in (("part-time", "hours"), ("late", "start"), ("approval", "permit")):
        assert found[pid].score < fits.score
        notes = constraint_notes(found[pid].explanation, skills={}, occupations={})
        lost = round(100 * (fits.score - found[pid].score))
        assert getattr(notes, f"{component}_points") == lost > 0
    late = found["late"].explanation
    assert (late.days_late, late.start, late.available_from) == (45, job().start, TODAY + timedelta(days=75))
    assert (found["part-time"].explanation.hours, found["part-time"].explanation.hours_required) == (20, 40)
    assert found["fits"].explanation.days_late == 0
    as_dict = late.as_dict()  # what match_file writes
    assert as_dict["days_late"] == 45 and as_dict["start"] == "2026-12-26"


def test_skills_inferred_from_an_occupation_are_marked_with_their_source(matcher):
    cook = person("cook", skills=tuple(COOK[:2]), occupations=(OccupationYears("occ/cook", 5),))
    explanation = ranked(matcher, job(), cook)["cook"].explanation
    assert explanation.essential_met == list(COOK)  # counted as met ...
    assert explanation.essential_listed == COOK[:2]  # ... but only two were listed
    assert explanation.essential_inferred == dict.fromkeys(COOK[2:], ("occ/cook", 5.0, False))
    notes = constraint_notes(explanation, skills={}, occupations={"occ/cook": "Koch"})
    assert (len(notes.listed), notes.inferred_count, notes.essential_total) == (2, 4, 6)
    assert notes.inferred[0].occupation == "Koch" and notes.inferred[0].years == 5


def test_a_recognised_qualification_counts_like_a_declared_occupation_and_is_named_as_the_source(matcher):
    declared = person("declared", skills=(), occupations=(OccupationYears("occ/cook", 0),))
    # The file interface: a qualification recognised in an occupation the person did not declare.
    recognised = CandidateRecord.from_dict(
        {"id": "recognised", "hours": 40, "available_from": TODAY.isoformat(), "recognised": ["occ/cook"]}
    )
    assert recognised.occupations == (OccupationYears("occ/cook", 0.0),)
    found = ranked(matcher, job(), declared, recognised)
    assert found["recognised"].score == found["declared"].score > 0.5
    assert found["recognised"].explanation.essential_inferred[COOK[0]] == ("occ/cook", 0.0, True)
    assert found["declared"].explanation.essential_inferred[COOK[0]] == ("occ/cook", 0.0, False)


def test_the_employers_explanation_says_inferred_skills_hours_start_and_permit(matcher):
    cook = person(
        "cook",
        skills=tuple(COOK[:1]),
        occupations=(OccupationYears("occ/cook", 5),),
        hours=25,
        available_from=TODAY + timedelta(days=60),
        permit="needs_approval",
    )
    match = ranked(matcher, job(), cook)["cook"]
    notes = constraint_notes(match.explanation, skills={s: s.upper() for s in COOK}, occupations={})
    row = SimpleNamespace(
        notes=notes,
        essential_met=[s.upper() for s in COOK],
        permit="needs_approval",
        permit_note="braucht Zustimmung der Ausländerbehörde",
    )
    html = render_to_string("employers/_explanation.html", {"m": row})
    assert "1 von 6 wesentlichen Kompetenzen angegeben, 5 weitere zählen aus dem Beruf." in html
    assert "Vermutlich, aus 5 Jahren als occ/cook: S/COOK1" in html
    assert "Wesentliche Kompetenzen vorhanden" not in html  # not "6 of 6"
    assert "Arbeitszeit: Stelle 40 Stunden pro Woche, die Person 25." in html
    assert f"(−{notes.hours_points} Punkte)" in html and notes.hours_points == 4
    assert "Verfügbar ab" in html and "Stellenbeginn" in html
    assert f"(−{notes.permit_points} Punkt" in html


@pytest.mark.django_db
def test_the_persons_jobs_page_says_what_was_listed_and_what_is_inferred(
    candidate,
    cook_taxonomy,
    employer,
    signed_in,
):
    from candidates.models import Candidate, CandidateSkill

    # The cook listed one of the two essential skills; three years as a cook imply the other.
    CandidateSkill.objects.filter(candidate=candidate, skill=cook_taxonomy.skills[1]).delete()
    Candidate.objects.filter(pk=candidate.pk).update(
        hours_per_week_max=20,
        postcode="44135",
        available_from=TODAY + timedelta(days=60),
        work_permission="needs_approval",
    )
    skills = cook_taxonomy.skills
    make_placement(
        make_profile(employer.organisation),
        cook_taxonomy.cook,
        skills=[(skills[0], "essential"), (skills[1], "essential")],
        start_date=TODAY + timedelta(days=14),
    )
    html = signed_in(candidate.user).get(reverse("employers:my_jobs")).content.decode()
    assert "1 von 2 wichtigen Fähigkeiten haben Sie angegeben, 1 weitere zählt aus Ihrem Beruf." in html
    assert "Vermutlich, aus 3 Jahren als Koch/Köchin:" in html
    assert "2 von 2 wichtigen Fähigkeiten" not in html
    assert "Arbeitszeit: Die Stelle hat 40 Stunden pro Woche, Sie haben 20 angegeben." in html
    assert "Sie sind ab" in html and "verfügbar." in html
    assert "Zustimmung der Ausländerbehörde" in html
