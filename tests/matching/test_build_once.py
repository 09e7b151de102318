"""Build once, rank many (issue 16): every batch path builds its index once, however many
placements (or people) it ranks. A spy counts the builds; the answers equal the one-by-one ones."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.management import call_command

from matching import services
from matching.engine import scoring
from matching.engine.taxonomy import TaxonomyIndex
from taxonomy.services import DATA_DIR
from tests.matching.synthetic import seeded, write_jsonl


@pytest.fixture(scope="module")
def taxonomy():
    return TaxonomyIndex.from_esco_csv(DATA_DIR)


@pytest.fixture
def builds(monkeypatch):
    """How many candidate and placement indexes were built since the test began."""
    counts = {"candidates": 0, "placements": 0}
    for cls, key in ((scoring.CandidateIndex, "candidates"), (scoring.PlacementIndex, "placements")):
        original = cls.__init__

        def spy(self, *args, _original=original, _key=key, **kwargs):
            counts[_key] += 1
            _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__init__", spy)
    return counts


@pytest.fixture
def files_taxonomy(monkeypatch, taxonomy):
    """The services read the ESCO index from the files (loading it into the database takes long)."""
    monkeypatch.setattr(services, "taxonomy_index", lambda: taxonomy)
    return taxonomy


def as_line(record) -> dict:
    data = {k: v for k, v in vars(record).items() if v not in (None, (), "")}
    for key in ("available_from", "start"):
        if key in data:
            data[key] = data[key].isoformat()
    if "occupations" in data:
        data["occupations"] = [{"uri": o.uri, "years": o.years} for o in data["occupations"]]
    return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


@pytest.mark.parametrize("placements", [1, 12])
def test_match_file_builds_the_candidate_index_once_for_any_number_of_placements(
    tmp_path, taxonomy, builds, placements
):
    people, jobs = seeded(taxonomy, 300, placements)
    write_jsonl(tmp_path / "c.jsonl", [json.dumps(as_line(c)) for c in people])
    write_jsonl(tmp_path / "p.jsonl", [json.dumps(as_line(p)) for p in jobs])
    out = tmp_path / "r.jsonl"
    call_command(
        "match_file", candidates=str(tmp_path / "c.jsonl"), placements=str(tmp_path / "p.jsonl"), out=str(out)
    )
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["placement"] for line in lines] == [p.id for p in jobs]
    assert all(line["ranked"] for line in lines)
    assert builds["candidates"] == 1


@pytest.mark.django_db
def test_many_placements_share_one_candidate_index_and_rank_as_one_by_one(files_taxonomy, builds):
    people, jobs = seeded(files_taxonomy, 300, 8)
    together = services.match_candidates_many(placements=jobs, candidates=people, top=10)
    assert builds["candidates"] == 1
    for job in jobs:
        alone = services.match_candidates(placement=job, candidates=people, top=10)
        assert [(m.candidate_id, m.score) for m in together[job.id]] == [
            (m.candidate_id, m.score) for m in alone
        ]


@pytest.mark.django_db
def test_jobs_for_many_people_share_one_placement_index_and_rank_as_one_by_one(files_taxonomy, builds):
    people, jobs = seeded(files_taxonomy, 40, 30)
    together = services.match_placements_many(candidates=people, placements=jobs, top=5)
    assert builds["placements"] == 1
    for person in people[:10]:
        alone = services.match_placements(candidate=person, placements=jobs, top=5)
        assert [(m.placement_id, m.score) for m in together[person.id]] == [
            (m.placement_id, m.score) for m in alone
        ]


def test_training_pairs_are_scored_over_one_index(taxonomy, builds):
    people, jobs = seeded(taxonomy, 120, 10)
    matcher = scoring.Matcher(taxonomy, coordinates=None, today=date(2026, 11, 26))
    scored = matcher.score_pairs([(c, jobs[i % len(jobs)]) for i, c in enumerate(people)])
    assert scored and builds["candidates"] == 1


def test_speed_dating_proposals_rank_every_placement_over_one_index(speed_dating_world, builds, coordinator):
    from employers import speeddating
    from employers.models import SpeedDatingFit

    assert speeddating.speed_dating_propose(session=speed_dating_world.session, actor=coordinator) == 2
    assert builds["candidates"] == 1  # the municipality's index, for both businesses' placements
    assert SpeedDatingFit.objects.filter(participant__session=speed_dating_world.session).count() == 4
    speeddating.speed_dating_propose(session=speed_dating_world.session, actor=coordinator)
    assert builds["candidates"] == 1  # and kept for the next batch
