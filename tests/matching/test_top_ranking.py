"""A page asks the engine for its first N only (issue 21): that must be exactly the first N of the
whole ranking (same people, order, scores, explanations), and ``eligible_ids`` exactly the whole
ranking's people, so a pager's count does not need everyone ranked and explained."""

import random

import pytest

from matching import services
from matching.engine.scoring import Matcher
from matching.models import RerankerModel
from taxonomy.postcodes import coordinates
from tests.matching.synthetic import TODAY, seeded, synthetic_decisions


@pytest.mark.parametrize("top", [1, 25, 60, 700, 5000])
def test_the_first_n_equal_the_first_n_of_the_whole_ranking(esco_files, top):
    candidates, placements = seeded(esco_files, 1500, 9, seed=top)
    matcher = Matcher(esco_files, coordinates=coordinates, today=TODAY)
    index = matcher.candidate_index(candidates)
    index.remove(["c0004", "c0011"])  # revoked: dead rows must not come back in either path
    rng = random.Random(top)
    index.append([rng.choice(candidates)])  # an update: the old row dead, the new one appended
    for placement in placements:
        whole = matcher.rank_candidates(placement, index)
        assert len(whole) > 0
        first = matcher.rank_candidates(placement, index, top=top)
        assert first == whole[:top]
        assert [m.explanation.as_dict() for m in first] == [m.explanation.as_dict() for m in whole[:top]]


def test_eligible_ids_are_exactly_the_people_a_whole_ranking_lists(esco_files):
    candidates, placements = seeded(esco_files, 1500, 12, seed=5)
    matcher = Matcher(esco_files, coordinates=coordinates, today=TODAY)
    index = matcher.candidate_index(candidates)
    index.remove(["c0002", "c0009"])
    sizes = set()
    for placement in placements:
        whole = [m.candidate_id for m in matcher.rank_candidates(placement, index)]
        eligible = matcher.eligible_ids(placement, index)
        assert sorted(eligible) == sorted(whole)
        assert len(set(eligible)) == len(eligible)
        sizes.add(len(eligible))
    # German and permit filters bite: not everyone, and not the same number for every placement.
    assert max(sizes) < len(candidates) - 2 and len(sizes) > 1
    assert matcher.eligible_ids(placements[0], []) == []


@pytest.mark.django_db
@pytest.mark.parametrize("trained", [False, True])
def test_services_top_n_equals_the_whole_list_with_and_without_a_reranker(esco_files, trained):
    """With a learned model the first RERANK_DEPTH are reordered: asking for 25 still gives the
    whole reordered list's first 25; without one only 25 are scored and explained."""
    candidates, placements = seeded(esco_files, 1200, 4, seed=11)
    if trained:
        services.reranker_train(samples=synthetic_decisions())
        assert RerankerModel.objects.filter(is_active=True).exists()
    services._index = (0, esco_files)  # the files' index, as the database would give it
    try:
        for placement in placements:
            whole = services.match_candidates(placement=placement, candidates=candidates)
            for top in (25, 250):
                assert (
                    services.match_candidates(placement=placement, candidates=candidates, top=top)
                    == (whole[:top])
                )
            assert sorted(
                services.eligible_candidate_ids(placement=placement, candidates=candidates)
            ) == sorted(m.candidate_id for m in whole)
    finally:
        services._index = None
