"""The vectorised index build (NumPy gathers instead of per-person dictionaries, issue 16) holds the
same numbers as the plain per-person formulas: every skill weight, occupation code and breadth mass."""

import numpy as np
import pytest

from matching.engine.records import CandidateRecord, OccupationYears
from matching.engine.scoring import (
    OCCUPATION_CODE_LEVELS,
    CandidateIndex,
    candidate_skill_weights,
    occupation_codes,
    profile_skill_mass,
)
from matching.engine.taxonomy import TaxonomyIndex
from taxonomy.services import DATA_DIR
from tests.matching.synthetic import seeded


@pytest.fixture(scope="module")
def taxonomy():
    return TaxonomyIndex.from_esco_csv(DATA_DIR)


def row(matrix, i, vocabulary):
    names = {c: k for k, c in vocabulary.columns.items()}
    found = matrix.getrow(i)
    return {names[c]: float(v) for c, v in zip(found.indices, found.data, strict=True)}


def test_the_vectorised_build_holds_what_the_per_person_formulas_say(taxonomy):
    candidates, _placements = seeded(taxonomy, 600, 0)
    some = candidates[0]
    candidates += [
        # A skill listed twice, a skill nobody knows, an unknown occupation, one also implied.
        CandidateRecord(
            id="odd",
            skills=(*some.skills, some.skills[0], "s/unknown"),
            occupations=(OccupationYears("occ/unknown", 2), *some.occupations),
        ),
        CandidateRecord(id="empty"),
    ]
    index = CandidateIndex(candidates, taxonomy=taxonomy, coordinates=None)
    index.CHUNK = 100
    index.append(candidates[:250])  # appended blocks, then merged
    index._merge()
    skills = index._parts[0]["skills"].tocsr()
    codes = index._parts[0]["codes"].tocsr()
    for i, c in enumerate(index.records):
        expected = candidate_skill_weights(c, taxonomy)
        got = row(skills, i, index.skill_vocabulary)
        assert got.keys() == expected.keys()
        assert np.allclose([got[k] for k in expected], list(expected.values()))
        assert index.profile_mass[i] == pytest.approx(sum(profile_skill_mass(expected, taxonomy).values()))
        wanted = {
            f"{level[0]}:{code}"
            for o in c.occupations
            for level, code in zip(
                OCCUPATION_CODE_LEVELS, occupation_codes(o.uri, taxonomy.occupation_isco), strict=True
            )
            if code is not None
        }
        assert set(row(codes, i, index.code_vocabulary)) == wanted


def test_many_pairs_over_one_index_score_as_each_pair_alone(taxonomy):
    from datetime import date

    from matching.engine.scoring import Matcher
    from taxonomy.postcodes import coordinates

    candidates, placements = seeded(taxonomy, 60, 6)
    matcher = Matcher(taxonomy, coordinates=coordinates, today=date(2026, 11, 26))
    pairs = [(c, placements[i % len(placements)]) for i, c in enumerate(candidates)]
    together = matcher.score_pairs(pairs)
    for candidate, placement in pairs:
        alone = matcher.score_pair(candidate, placement)
        got = together.get((candidate.id, placement.id))
        if alone is None:
            assert got is None
            continue
        assert got.score == pytest.approx(alone.score, abs=1e-4)
        assert got.explanation.components == pytest.approx(alone.explanation.components, abs=1e-6)
        assert got.explanation.essential_met == alone.explanation.essential_met
