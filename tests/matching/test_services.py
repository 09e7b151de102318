"""Matching inside the platform: ESCO index from the database, learning from decisions."""

import pytest

from matching import services
from matching.engine import rerank
from matching.engine.records import CandidateRecord, PlacementRecord
from matching.models import RerankerModel
from matching.registry import outcome_samples, register_outcome_provider
from tests.factories import OccupationFactory
from tests.matching.synthetic import synthetic_decisions

PROTECTED = {"nationality", "gender", "age", "birth_date", "religion", "residence_status", "name"}


def test_features_are_only_score_components_never_protected_attributes():
    assert set(rerank.FEATURES) == {
        "skills",
        "occupation",
        "language",
        "distance",
        "hours",
        "start",
        "permit",
    }
    assert not PROTECTED & set(rerank.FEATURES)
    assert not PROTECTED & set(CandidateRecord.__dataclass_fields__)


@pytest.mark.django_db
def test_too_few_decisions_keep_the_transparent_base_score():
    assert services.reranker_train(samples=synthetic_decisions(n=20)) is None
    assert RerankerModel.objects.count() == 0


@pytest.mark.django_db
def test_training_stores_versioned_models_that_learn_what_employers_value():
    first = services.reranker_train(samples=synthetic_decisions())
    second = services.reranker_train(samples=synthetic_decisions(seed=4))
    assert (first.version, second.version) == (1, 2)
    assert services.active_reranker() == second
    weights = dict(zip(second.features, second.coefficients, strict=True))
    assert weights["skills"] == max(weights.values()) > 0
    assert second.auc > 0.9


@pytest.mark.django_db
def test_outcome_providers_feed_training():
    register_outcome_provider("test", lambda: synthetic_decisions(n=60))
    try:
        assert len(outcome_samples()) >= 60
        assert services.reranker_train() is not None
    finally:
        from matching import registry

        registry._providers.pop("test")


def test_index_from_database_matches_the_files(esco):
    from matching.engine.taxonomy import TaxonomyIndex
    from taxonomy.services import DATA_DIR

    from_db = services.taxonomy_index()
    from_files = TaxonomyIndex.from_esco_csv(DATA_DIR)
    assert from_db.occupation_isco.keys() == from_files.occupation_isco.keys()
    some = next(iter(from_files.occupation_essential))
    assert from_db.occupation_essential[some] == from_files.occupation_essential[some]


def test_active_reranker_reorders_and_says_so(esco):
    index = services.taxonomy_index()
    cook = next(uri for uri, isco in index.occupation_isco.items() if isco == "5120")
    skills = sorted(index.occupation_essential[cook])
    placement = PlacementRecord(
        id="p", occupation=cook, essential=tuple(skills[:4]), postcode="34117", hours=40
    )
    people = [
        CandidateRecord(id="skilled-far", skills=tuple(skills[:4]), postcode="80331", german="B1"),
        CandidateRecord(id="near-unskilled", skills=(), postcode="34117", german="B1"),
    ]
    base = services.match_candidates(placement=placement, candidates=people)
    assert base[0].model_version is None
    services.reranker_train(samples=synthetic_decisions())
    learned = services.match_candidates(placement=placement, candidates=people)
    assert learned[0].candidate_id == "skilled-far"
    assert learned[0].model_version == 1 and learned[0].base_score is not None


@pytest.fixture
def forget_the_index_after():
    """The test's occupation is rolled back with its transaction, but the process's index and the
    cached version outlive it: the next test (in any order) must build from the database again."""
    yield
    services.taxonomy_index_invalidate()


@pytest.mark.django_db
@pytest.mark.usefixtures("forget_the_index_after")
def test_the_esco_index_follows_a_taxonomy_change_after_the_cache_was_emptied():
    """A Redis flush or restart empties the cache that holds the taxonomy's version: the index a
    process built before must not pass for the taxonomy changed after it (a counter restarting at 1
    did, and the pathway panel of the follow-along page showed another taxonomy's proposals)."""
    from tests.fixtures.caching import clear_own_cache

    services.taxonomy_index_invalidate()
    before = services.taxonomy_index()
    # This run's entries only: cache.clear() would flush the Redis database other runs share.
    clear_own_cache()
    OccupationFactory(uri="http://esco.test/occupation/after-flush", label_de="Neu", isco_code="9333")
    services.taxonomy_index_invalidate()
    after = services.taxonomy_index()
    assert "http://esco.test/occupation/after-flush" not in before.occupation_isco
    assert after.occupation_isco["http://esco.test/occupation/after-flush"] == "9333"
    # Unchanged taxonomy, cache intact: the same index, not a rebuild per request.
    assert services.taxonomy_index() is after
