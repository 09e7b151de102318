"""Skill fit that holds on thin and on broad profiles (issue 16): a person whose few skills fit ranks
above one listing many unrelated skills; a few km across one city do not outweigh a real skill
difference; every explanation still adds up to the score."""

from datetime import date

import pytest

from matching.engine.records import CandidateRecord, OccupationYears, PlacementRecord
from matching.engine.scoring import FOCUS_FLOOR, WEIGHTS, Matcher
from matching.engine.taxonomy import TaxonomyIndex

COOK_SKILLS = [f"s/cook{i}" for i in range(6)]
OTHERS = {f"occ/other{k}": [f"s/other{k}-{i}" for i in range(6)] for k in range(3)}
# Kassel: Königsplatz, about 1 km and about 8 km from it; Munich far away.
POINTS = {"34117": (51.3162, 9.4930), "34119": (51.3170, 9.4790), "34128": (51.3600, 9.4200)}


@pytest.fixture
def taxonomy():
    relations = [("occ/cook", "essential", s) for s in COOK_SKILLS]
    for occupation, skills in OTHERS.items():
        relations += [(occupation, "essential", s) for s in skills]
    return TaxonomyIndex.build(
        occupations=[("occ/cook", "5120"), *((o, "7212") for o in OTHERS)], relations=relations
    )


@pytest.fixture
def matcher(taxonomy):
    return Matcher(taxonomy, coordinates=POINTS.get, today=date(2026, 11, 26))


def job(**overrides):
    data = dict(id="p", essential=tuple(COOK_SKILLS), min_german="B1", postcode="34117", hours=40)
    data.update(overrides)
    return PlacementRecord(**data)


def person(pid, skills, **overrides):
    data = dict(id=pid, skills=tuple(skills), german="B1", postcode="34117", hours=40)
    data.update(overrides)
    return CandidateRecord(**data)


def adds_up(match):
    parts = match.explanation.components
    return abs(sum(WEIGHTS[name] * value for name, value in parts.items()) - match.score) < 1e-3


def test_a_few_fitting_skills_rank_above_many_unrelated_ones(matcher):
    focused = person("focused", COOK_SKILLS[:3])
    broad = person("broad", COOK_SKILLS[:4] + [s for skills in OTHERS.values() for s in skills])
    ranked = matcher.rank_candidates(job(), [broad, focused])
    assert [r.candidate_id for r in ranked] == ["focused", "broad"]
    said = ranked[1].explanation
    assert (said.skills_listed, said.skills_listed_fitting) == (22, 4)
    assert FOCUS_FLOOR <= said.skill_focus < 0.5
    assert ranked[0].explanation.skill_focus == 1.0
    assert all(adds_up(r) for r in ranked)


def test_a_few_km_inside_one_city_do_not_outweigh_a_real_skill_difference(matcher):
    better_further = person("better", COOK_SKILLS[:4], postcode="34128")
    weaker_nearer = person("weaker", COOK_SKILLS[:3], postcode="34119")
    ranked = matcher.rank_candidates(job(), [weaker_nearer, better_further])
    assert [r.candidate_id for r in ranked] == ["better", "weaker"]
    assert 5 < ranked[0].explanation.distance_km < 10
    assert all(adds_up(r) for r in ranked)


def test_a_thin_profile_with_an_occupation_is_hardly_lowered_by_a_stray_skill(matcher):
    # Five years as a cook imply the cook's skills; one unrelated listed skill hardly matters beside them.
    thin = person(
        "thin", COOK_SKILLS[:2] + OTHERS["occ/other0"][:1], occupations=(OccupationYears("occ/cook", 5),)
    )
    broad = person("broad", COOK_SKILLS[:4] + [s for skills in OTHERS.values() for s in skills])
    ranked = matcher.rank_candidates(job(), [broad, thin])
    assert [r.candidate_id for r in ranked] == ["thin", "broad"]
    assert ranked[0].explanation.skill_focus > 0.8
    assert all(adds_up(r) for r in ranked)


def test_skills_no_occupation_asks_for_do_not_lower_the_fit(matcher):
    # Languages and other skills outside every occupation's list say nothing about breadth.
    speaker = person("speaker", COOK_SKILLS[:3] + ["s/speak-arabic", "s/speak-farsi"])
    assert matcher.rank_candidates(job(), [speaker])[0].explanation.skill_focus == 1.0


def test_both_directions_and_both_ranking_paths_give_the_same_broad_score(matcher):
    broad = person("broad", COOK_SKILLS[:4] + OTHERS["occ/other1"])
    placement = job()
    for_employer = matcher.rank_candidates(placement, [broad])[0]
    fast = matcher.rank_candidates(placement, [broad, person("x", ["s/none"])], top=1)[0]
    for_person = matcher.rank_placements(broad, [placement])[0]
    assert for_employer.score == fast.score == for_person.score
    assert for_employer.explanation.skill_focus == for_person.explanation.skill_focus
    assert adds_up(for_person) and adds_up(for_employer)
