"""A ranking for the top N scores in full only the people sharing a skill or code who could still
reach the list (issue 21): a few are scored first for a floor, everyone whose upper bound lies below
it is left out. The list must stay exactly the full scan's: same people, order, scores and
explanations, also where the floor cannot be found (filters removing most people, small pools),
where many people tie at the cut, and with several index blocks and dead rows."""

from dataclasses import replace

import numpy as np
import pytest

from matching.engine.records import CandidateRecord, OccupationYears, PlacementRecord
from matching.engine.scoring import Matcher, _highest
from taxonomy.postcodes import coordinates
from tests.matching.synthetic import TODAY, seeded


def same_as_full_scan(matcher, placement, index, top, where=None):
    fast = matcher.rank_candidates(placement, index, top=top, where=where)
    full = matcher._rank_all(placement, index, top, where)
    assert fast == full, (placement.id, top)
    assert [m.explanation.as_dict() for m in fast] == [m.explanation.as_dict() for m in full]
    return fast


@pytest.fixture(scope="module")
def pool(esco_files):
    candidates, placements = seeded(esco_files, 3000, 12, seed=21)
    matcher = Matcher(esco_files, coordinates=coordinates, today=TODAY)
    index = matcher.candidate_index(candidates[:2000])
    # Three blocks (the later ones appended unmerged), a replaced row and revoked rows.
    index.append(candidates[2000:2600], merge=False)
    index.append([*candidates[2600:], replace(candidates[7], german="C1")], merge=False)
    index.remove(["c0011", "c2100", "c2700"])
    return matcher, index, placements


def test_the_blocks_keep_each_columns_rows_ascending(pool):
    """``focus_of`` finds a row's entries by binary search: every column's rows must be sorted."""
    _matcher, index, _placements = pool
    assert len(index._parts) == 3
    for part in index._parts:
        for key in ("skills", "codes"):
            assert part[key].has_sorted_indices


def test_focus_and_scores_of_some_rows_equal_the_whole_indexs(pool):
    _matcher, index, placements = pool
    rng = np.random.default_rng(3)
    n = len(index.records)
    for placement in placements:
        for size in (1, 17, 400, n):
            rows = np.sort(rng.choice(n, size=size, replace=False))
            assert np.array_equal(index.focus_of(placement, rows), index.focus(placement)[rows])
        rows, skills, occupation = index.overlap(placement)
        assert np.array_equal(skills, index.skill_scores(placement)[rows])
        assert np.array_equal(occupation, index.occupation_scores(placement)[rows])
        everyone_else = np.setdiff1d(np.arange(n), rows)
        assert not index.skill_scores(placement)[everyone_else].any()
        assert not index.occupation_scores(placement)[everyone_else].any()


@pytest.mark.parametrize("top", [1, 7, 50, 300])
def test_a_bounded_ranking_equals_the_full_scan(pool, top, monkeypatch):
    matcher, index, placements = pool
    scored = []
    original = Matcher._scored

    def counting(self, placement, index, rows, *args):
        scored.append(len(rows))
        return original(self, placement, index, rows, *args)

    monkeypatch.setattr(Matcher, "_scored", counting)
    pruned = 0
    for placement in placements:
        scored.clear()
        same_as_full_scan(matcher, placement, index, top)
        shared = len(index.shared(placement)[0])
        # A floor was found (pilot and list) and fewer people than share something were scored.
        pruned += len(scored) == 2 and scored[-1] < shared
    if top <= 7:  # a pool of 3,000: for a larger top most people sharing something are scored anyway
        assert pruned >= len(placements) // 2


@pytest.mark.parametrize("narrowing", [{"max_km": 15}, {"min_german": "C1"}, {"max_km": 60}])
def test_a_filter_that_removes_most_people_still_gives_the_full_scans_list(pool, narrowing, monkeypatch):
    """The first people who could score most may mostly be filtered out: the pilot grows, and
    when it would cover most people the ranking scores everyone sharing something."""
    matcher, index, placements = pool
    pilots = []
    original = Matcher._floor

    def recording(self, placement, index, shared, *args):
        found = original(self, placement, index, shared, *args)
        pilots.append(found is not None)
        return found

    monkeypatch.setattr(Matcher, "_floor", recording)
    for placement in placements:
        where = matcher.narrow(replace(placement, postcode="34117"), index, **narrowing)
        for top in (2, 5, 40):
            same_as_full_scan(matcher, placement, index, top, where)
    assert any(pilots)


def test_many_people_tied_at_the_cut_are_ordered_by_id_as_the_full_scan(esco_files):
    occupation = sorted(o for o, s in esco_files.occupation_essential.items() if len(s) >= 5)[3]
    skills = tuple(sorted(esco_files.occupation_essential[occupation]))
    twin = CandidateRecord(
        id="",
        occupations=(OccupationYears(occupation, 3),),
        skills=skills[:3],
        german="B1",
        postcode="34117",
        hours=30,
        permit="may_work",
    )
    others, _placements = seeded(esco_files, 800, 0, seed=4)
    # 300 identical people (ids out of order) among others: the 10th, 60th and 200th place are ties.
    twins = [replace(twin, id=f"t{(i * 7919) % 1000:03d}") for i in range(300)]
    matcher = Matcher(esco_files, coordinates=coordinates, today=TODAY)
    index = matcher.candidate_index(others[:400] + twins + others[400:])
    placement = PlacementRecord(
        id="p", occupation=occupation, essential=skills[:6], min_german="A2", postcode="34117", hours=30
    )
    for top in (10, 60, 200):
        ranked = same_as_full_scan(matcher, placement, index, top)
        assert sum(m.candidate_id.startswith("t") for m in ranked) >= min(top, 60)


def test_a_placement_whose_skills_nobody_holds_ranks_by_occupation_code(esco_files):
    candidates, placements = seeded(esco_files, 1500, 6, seed=9)
    matcher = Matcher(esco_files, coordinates=coordinates, today=TODAY)
    index = matcher.candidate_index(candidates)
    for placement in placements:
        # Skills that exist in ESCO but nobody in the pool lists or is implied to have.
        held = set().union(*(c.skills for c in candidates)) | set(index.skill_vocabulary.columns)
        nobody = tuple(sorted(set(esco_files.skill_idf) - held))[:4]
        only_code = replace(placement, essential=nobody, optional=())
        rows, skills, occupation = index.overlap(only_code)
        assert len(rows) and not skills.any() and occupation.all()
        for top in (1, 10, 50):
            same_as_full_scan(matcher, only_code, index, top)
        # No occupation either: nobody shares anything, the full scan decides.
        nothing = replace(only_code, occupation=None)
        assert len(index.overlap(nothing)[0]) == 0
        assert matcher._rank_overlap(nothing, index, 10) is None
        same_as_full_scan(matcher, nothing, index, 10)


@pytest.mark.parametrize("n", [50, 5_000, 400_000])
def test_the_pilot_is_the_highest_bounds_whether_a_sample_finds_them_or_not(n):
    """``_highest`` cuts a sample first at a million people; it must still give the highest."""
    rng = np.random.default_rng(n)
    spread = rng.random(n)
    # The highest all at positions a strided sample skips: the sample's cut keeps too few of them.
    hidden = np.zeros(n)
    hidden[1::7][:40] = 1 + rng.random(min(40, len(hidden[1::7])))
    for values in (spread, hidden):
        size = min(40, n // 2)
        picked = _highest(values, size)
        assert list(picked) == sorted(picked) and len(set(picked.tolist())) == size
        assert sorted(values[picked]) == sorted(np.sort(values)[-size:])
