"""The index is built chunk by chunk straight into its final CSC matrices (issue 21: ≤ 20 s and ≤ 1 GB
at 1,000,000 people): however many chunks, and whether the weights are kept as one-byte numbers or as
floats while they wait, every row holds what the per-person formulas say and rankings do not change."""

from datetime import date

import numpy as np
import pytest

from matching.engine.records import CandidateRecord, OccupationYears
from matching.engine.scoring import CandidateIndex, Matcher, candidate_skill_weights
from matching.engine.taxonomy import TaxonomyIndex
from taxonomy.postcodes import coordinates
from taxonomy.services import DATA_DIR
from tests.matching.synthetic import seeded

TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def taxonomy():
    return TaxonomyIndex.from_esco_csv(DATA_DIR)


def weights(index, i):
    names = {c: k for k, c in index.skill_vocabulary.columns.items()}
    found = index._parts[0]["skills"].tocsr().getrow(i)
    return {names[c]: float(v) for c, v in zip(found.indices, found.data, strict=True)}


def built(candidates, taxonomy, chunk):
    class Chunked(CandidateIndex):
        CHUNK = chunk

    return Chunked(candidates, taxonomy=taxonomy, coordinates=coordinates)


def test_any_chunk_size_ranks_the_same(taxonomy):
    candidates, placements = seeded(taxonomy, 400, 8)
    matcher = Matcher(taxonomy, coordinates=coordinates, today=TODAY)
    whole, chunked = built(candidates, taxonomy, 10_000), built(candidates, taxonomy, 7)
    skills = chunked._parts[0]["skills"]
    assert skills.has_sorted_indices and skills.shape[0] == len(candidates)
    for key in CandidateIndex._DENSE:
        assert np.allclose(getattr(whole, key), getattr(chunked, key), equal_nan=True), key
    for placement in placements:
        one = matcher.rank_candidates(placement, whole, top=20)
        other = matcher.rank_candidates(placement, chunked, top=20)
        assert [(m.candidate_id, round(m.score, 9)) for m in one] == [
            (m.candidate_id, round(m.score, 9)) for m in other
        ]


def test_many_distinct_weights_are_kept_as_floats(taxonomy):
    # Years as fractions: more than 256 distinct implied weights, past what one byte can number.
    candidates, _placements = seeded(taxonomy, 400, 0)
    odd = [
        CandidateRecord(id=c.id, occupations=(OccupationYears(o.uri, i * 0.0173),), skills=c.skills)
        for i, c in enumerate(candidates)
        for o in c.occupations[:1]
    ]
    index = built(odd, taxonomy, 50)
    assert len(index._implied_pool.table) > 256
    for i, c in enumerate(odd):
        expected = candidate_skill_weights(c, taxonomy)
        got = weights(index, i)
        assert got.keys() == expected.keys()
        assert np.allclose([got[k] for k in expected], list(expected.values()))


def test_a_person_given_twice_keeps_the_last_row(taxonomy):
    candidates, _placements = seeded(taxonomy, 30, 0)
    again = CandidateRecord(id=candidates[3].id, skills=candidates[4].skills)
    index = built([*candidates, again], taxonomy, 10)
    assert len(index) == len(candidates)
    assert index.row_of[again.id] == len(candidates)
    assert not index.alive[3]
    assert weights(index, len(candidates)) == dict.fromkeys(again.skills, 1.0)
