"""The pathway logic of the matching engine (issue 20), on a hand-made ESCO index: the missing
skills are exactly the set difference, explicit and inferred are marked, and proposals are the
occupations one skill level up sharing most essential skills. Figures are hand-written."""

from __future__ import annotations

import pytest

from matching.engine.pathways import PathwayProposer, UnknownOccupation, pathway, target_level
from matching.engine.taxonomy import TaxonomyIndex
from taxonomy.isco import skill_level

HELPER, DRIVER, SPECIALIST, CLERK, BAKER, ENGINEER = (
    "helper",
    "driver",
    "specialist",
    "clerk",
    "baker",
    "engineer",
)

INDEX = TaxonomyIndex.build(
    occupations=[
        (HELPER, "9333"),  # level 1: Lagerhelfer*in
        (DRIVER, "8344"),  # level 2: Staplerfahrer*in
        (SPECIALIST, "4321"),  # level 2: Fachkraft Lagerlogistik
        (CLERK, "4110"),  # level 2: Bürokraft
        (BAKER, "7512"),  # level 2: Bäcker*in
        (ENGINEER, "2141"),  # level 4
    ],
    relations=[
        (HELPER, "essential", "lift"),
        (HELPER, "essential", "pack"),
        (HELPER, "optional", "scan"),
        (DRIVER, "essential", "lift"),
        (DRIVER, "essential", "forklift"),
        (SPECIALIST, "essential", "pack"),
        (SPECIALIST, "essential", "lift"),
        (SPECIALIST, "essential", "scan"),
        (SPECIALIST, "essential", "stock"),
        (SPECIALIST, "essential", "dangerous-goods"),
        (SPECIALIST, "optional", "forklift"),
        (CLERK, "essential", "office"),
        (CLERK, "essential", "scan"),
        (BAKER, "essential", "dough"),
        (ENGINEER, "essential", "stock"),
    ],
)


def test_missing_is_the_set_difference_and_held_skills_are_marked():
    result = pathway(INDEX, target=SPECIALIST, skills=["scan", "forklift", "lift"], occupations=[HELPER])
    # essential(specialist) = pack, lift, scan, stock, dangerous-goods
    assert result.missing == {"stock", "dangerous-goods"}
    # named by the person (lift is named too, so it is explicit, not inferred)
    assert result.explicit == {"scan", "lift"}
    # from the declared helper occupation, not named
    assert result.inferred == {"pack"}
    assert result.essential == {"pack", "lift", "scan", "stock", "dangerous-goods"}


def test_optional_skills_of_a_declared_occupation_are_not_inferred():
    # helper lists scan as optional only: it is not taken as held
    result = pathway(INDEX, target=SPECIALIST, skills=[], occupations=[HELPER])
    assert result.inferred == {"lift", "pack"}
    assert result.explicit == frozenset()
    assert result.missing == {"scan", "stock", "dangerous-goods"}


def test_nothing_held_means_everything_missing_and_unknown_target_is_refused():
    assert pathway(INDEX, target=DRIVER, skills=[], occupations=[]).missing == {"lift", "forklift"}
    with pytest.raises(UnknownOccupation):
        pathway(INDEX, target="nope", skills=[], occupations=[])


def test_target_level_is_one_above_the_highest_known():
    assert target_level([1]) == 2
    assert target_level([1, 2, None]) == 3
    assert target_level([4]) is None
    assert target_level([None]) is None
    assert target_level([]) is None


def test_proposals_are_one_level_up_ranked_by_shared_essential_skills():
    proposer = PathwayProposer(INDEX, skill_level)
    found = proposer.propose(skills=["scan"], occupations=[HELPER])
    # has lift, pack (inferred), scan (named); level 2 candidates:
    # specialist shares pack, lift, scan = 3 (2 missing), driver lift = 1 (1 missing),
    # clerk scan = 1 (1 missing), baker 0 (left out)
    assert [(p.occupation, p.shared, p.missing) for p in found] == [
        (SPECIALIST, 3, 2),
        (CLERK, 1, 1),
        (DRIVER, 1, 1),
    ]
    assert [p.occupation for p in proposer.propose(skills=["scan"], occupations=[HELPER], top=1)] == [
        SPECIALIST
    ]


def test_no_proposals_without_occupation_or_at_the_top_level():
    proposer = PathwayProposer(INDEX, skill_level)
    assert proposer.propose(skills=["lift", "pack"], occupations=[]) == []
    assert proposer.propose(skills=["stock"], occupations=[ENGINEER]) == []


def test_a_declared_occupation_is_never_proposed_and_many_people_at_once_agree_with_one():
    proposer = PathwayProposer(INDEX, skill_level)
    # helper (1) and driver (2) declared: level 3 has no occupation here
    assert proposer.propose(skills=[], occupations=[HELPER, DRIVER]) == []
    people = [(["scan"], [HELPER]), ([], []), (["office"], [HELPER])]
    many = proposer.propose_many(people)
    assert many == [proposer.propose(skills=s, occupations=o) for s, o in people]
    assert [p.occupation for p in many[2]][:2] == [SPECIALIST, CLERK]


def test_the_pathways_to_every_occupation_at_once_agree_with_one_at_a_time():
    proposer = PathwayProposer(INDEX, skill_level)
    skills, occupations = ["scan", "forklift", "lift"], [HELPER]
    missing, explicit, inferred = proposer.pathways_all(skills=skills, occupations=occupations)
    for occupation in INDEX.occupation_isco:
        one = pathway(INDEX, target=occupation, skills=skills, occupations=occupations)
        assert proposer.skills_of(missing, occupation) == one.missing, occupation
        assert proposer.skills_of(explicit, occupation) == one.explicit, occupation
        assert proposer.skills_of(inferred, occupation) == one.inferred, occupation
    assert proposer.skills_of(missing, SPECIALIST) == {"stock", "dangerous-goods"}
