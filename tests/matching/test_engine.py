"""The matching engine on plain records: what an employer sees first, and why."""

from datetime import date

import pytest

from matching.engine.records import CandidateRecord, OccupationYears, PlacementRecord, RecordError
from matching.engine.scoring import Matcher
from matching.engine.taxonomy import TaxonomyIndex

OCC_COOK = "occ/cook"
OCC_CHEF = "occ/chef"  # same ISCO-4 group as the cook
OCC_BAKER = "occ/baker"  # same ISCO-2 group only
OCC_WELDER = "occ/welder"

POINTS = {"34117": (51.3127, 9.4797), "34119": (51.3200, 9.4500), "80331": (48.1372, 11.5755)}


def coords(postcode):
    return POINTS.get(postcode)


@pytest.fixture
def taxonomy():
    return TaxonomyIndex.build(
        occupations=[(OCC_COOK, "5120"), (OCC_CHEF, "5120"), (OCC_BAKER, "5131"), (OCC_WELDER, "7212")],
        relations=[
            (OCC_COOK, "essential", "s/cook"),
            (OCC_COOK, "essential", "s/hygiene"),
            (OCC_COOK, "optional", "s/menu"),
            (OCC_CHEF, "essential", "s/cook"),
            (OCC_CHEF, "essential", "s/hygiene"),
            (OCC_BAKER, "essential", "s/hygiene"),
            (OCC_BAKER, "essential", "s/bake"),
            (OCC_WELDER, "essential", "s/weld"),
            (OCC_WELDER, "essential", "s/hygiene"),
        ],
    )


@pytest.fixture
def matcher(taxonomy):
    return Matcher(taxonomy, coordinates=coords, today=date(2026, 11, 26))


def cook_job(**overrides):
    data = dict(
        id="p",
        occupation=OCC_COOK,
        essential=("s/cook", "s/hygiene"),
        optional=("s/menu",),
        min_german="B1",
        postcode="34117",
        hours=40,
    )
    data.update(overrides)
    return PlacementRecord(**data)


def person(pid, **overrides):
    data = dict(id=pid, german="B1", postcode="34117", hours=40, permit="may_work")
    data.update(overrides)
    return CandidateRecord(**data)


def ids(ranked):
    return [r.candidate_id for r in ranked]


def test_essential_skills_count_more_than_optional(matcher):
    essential = person("ess", skills=("s/cook",))
    optional = person("opt", skills=("s/menu",))
    assert ids(matcher.rank_candidates(cook_job(), [optional, essential])) == ["ess", "opt"]


def test_rarer_skill_counts_more(matcher, taxonomy):
    # s/hygiene is listed by every occupation, s/cook by two of four: cooking is the rarer signal.
    assert taxonomy.idf("s/cook") > taxonomy.idf("s/hygiene")
    job = cook_job(essential=("s/cook", "s/hygiene"), optional=())
    assert ids(
        matcher.rank_candidates(job, [person("h", skills=("s/hygiene",)), person("c", skills=("s/cook",))])
    ) == ["c", "h"]


def test_years_in_an_occupation_imply_its_skills(matcher):
    novice = person("novice", occupations=(OccupationYears(OCC_COOK, 0),))
    veteran = person("veteran", occupations=(OccupationYears(OCC_COOK, 6),))
    ranked = matcher.rank_candidates(cook_job(), [novice, veteran])
    assert ids(ranked) == ["veteran", "novice"]
    assert "s/cook" in ranked[1].explanation.essential_met


def test_occupation_closeness_follows_isco_hierarchy(matcher):
    job = cook_job(essential=(), optional=())
    people = [
        person("welder", occupations=(OccupationYears(OCC_WELDER, 3),)),
        person("baker", occupations=(OccupationYears(OCC_BAKER, 3),)),
        person("chef", occupations=(OccupationYears(OCC_CHEF, 3),)),
        person("cook", occupations=(OccupationYears(OCC_COOK, 3),)),
    ]
    ranked = matcher.rank_candidates(job, people)
    assert ids(ranked) == ["cook", "chef", "baker", "welder"]
    assert [r.explanation.occupation for r in ranked] == ["same", "isco4", "isco2", "none"]


def test_one_level_below_qualifies_only_with_language_support(matcher):
    a2 = person("a2", german="A2", skills=("s/cook",))
    a1 = person("a1", german="A1", skills=("s/cook",))
    assert ids(matcher.rank_candidates(cook_job(language_support=False), [a2, a1])) == []
    ranked = matcher.rank_candidates(cook_job(language_support=True), [a2, a1])
    assert ids(ranked) == ["a2"]
    assert ranked[0].explanation.language_gap == 1
    assert ranked[0].explanation.bridged_by_language_support


def test_permit_none_is_excluded_and_approval_noted(matcher):
    free = person("free", skills=("s/cook",))
    approval = person("approval", skills=("s/cook",), permit="needs_approval")
    nothing = person("nothing", skills=("s/cook",), permit="none")
    ranked = matcher.rank_candidates(cook_job(), [nothing, approval, free])
    assert ids(ranked) == ["free", "approval"]
    assert ranked[1].explanation.permit == "needs_approval"


def test_distance_decays_and_is_explained_in_km(matcher):
    near = person("near", skills=("s/cook",), postcode="34119")
    far = person("far", skills=("s/cook",), postcode="80331")
    ranked = matcher.rank_candidates(cook_job(), [far, near])
    assert ids(ranked) == ["near", "far"]
    assert ranked[0].explanation.distance_km < 5
    assert 380 < ranked[1].explanation.distance_km < 400


def test_late_availability_ranks_lower(matcher):
    job = cook_job(start=date(2027, 1, 1))
    now = person("now", skills=("s/cook",), available_from=date(2026, 12, 1))
    later = person("later", skills=("s/cook",), available_from=date(2027, 3, 1))
    ranked = matcher.rank_candidates(job, [later, now])
    assert ids(ranked) == ["now", "later"]
    assert ranked[1].explanation.available_in_time is False


def test_explanation_names_met_and_missing_essential_skills(matcher):
    ranked = matcher.rank_candidates(cook_job(), [person("x", skills=("s/hygiene", "s/menu"))])
    explanation = ranked[0].explanation
    assert explanation.essential_met == ["s/hygiene"]
    assert explanation.essential_missing == ["s/cook"]
    assert explanation.other_relevant == ["s/menu"]


def test_both_directions_give_the_same_score(matcher):
    people = [person("a", skills=("s/cook",)), person("b", occupations=(OccupationYears(OCC_BAKER, 2),))]
    jobs = [cook_job(id="j1"), cook_job(id="j2", occupation=OCC_BAKER, essential=("s/bake",), optional=())]
    for job in jobs:
        for candidate in people:
            forward = {r.candidate_id: r.score for r in matcher.rank_candidates(job, people)}
            backward = {r.placement_id: r.score for r in matcher.rank_placements(candidate, jobs)}
            assert forward[candidate.id] == backward[job.id]


def test_scores_lie_between_zero_and_one(matcher):
    ranked = matcher.rank_candidates(
        cook_job(), [person(str(i), skills=("s/cook",) * (i % 2)) for i in range(10)]
    )
    assert all(0 <= r.score <= 1 for r in ranked)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"occupations": []}, "missing field 'id'"),
        ({"id": 1, "german": "B7"}, "german"),
        ({"id": 1, "permit": "maybe"}, "permit"),
        ({"id": 1, "available_from": "next week"}, "available_from"),
        ({"id": 1, "hours": "many"}, "hours"),
    ],
)
def test_bad_candidate_records_say_which_field(data, message):
    with pytest.raises(RecordError, match=message):
        CandidateRecord.from_dict(data)


def test_index_replaces_a_candidate_listed_twice_and_removes_at_once(matcher):
    index = matcher.candidate_index([person("a", skills=("s/menu",)), person("a", skills=("s/cook",))])
    assert len(index) == 1
    ranked = matcher.rank_candidates(cook_job(), index)
    assert ids(ranked) == ["a"] and ranked[0].explanation.essential_met == ["s/cook"]
    index.append([person("b", skills=("s/cook", "s/hygiene"))])
    assert ids(matcher.rank_candidates(cook_job(), index)) == ["b", "a"]
    index.remove(["b"])
    assert ids(matcher.rank_candidates(cook_job(), index)) == ["a"]
