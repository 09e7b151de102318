"""Matching records for a whole municipality are read RECORDS_CHUNK candidates at a time: each
prefetch sends the candidates' ids as parameters, and PostgreSQL takes at most 65,535 in a statement,
so a city's index of 100,000 people could not be built (the matches page answered 503)."""

from __future__ import annotations

import pytest
from django.db import connection

from candidates import matching
from matching.index import candidate_index, forget_indexes
from tests.factories import make_candidate

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(municipality, cook_taxonomy) -> list:
    return [
        make_candidate(municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[: 1 + n % 3])
        for n in range(23)
    ] + [make_candidate(municipality, occupation=cook_taxonomy.cook, listed=False)]


def _widest_statement(read) -> tuple[list, int]:
    """What ``read()`` returns, and the most parameters one of its statements sent."""
    widest = [0]

    def note(execute, sql, params, many, context):
        widest[0] = max(widest[0], len(params or ()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note):
        result = read()
    return result, widest[0]


def test_a_municipalitys_records_are_read_a_chunk_at_a_time_and_all_of_them(
    municipality, people, monkeypatch
):
    whole, _ = _widest_statement(lambda: matching.listable_records(municipality_id=municipality.pk))
    monkeypatch.setattr(matching, "RECORDS_CHUNK", 5)
    chunked, widest = _widest_statement(lambda: matching.listable_records(municipality_id=municipality.pk))
    assert (
        widest <= 5 + 4
    )  # the chunk's ids, and the municipality, the consent's scope, the last id, the limit
    assert sorted(chunked, key=lambda r: int(r.id)) == sorted(whole, key=lambda r: int(r.id))
    assert {r.id for r in chunked} == {str(p.pk) for p in people[:-1]}  # the listed ones
    assert [len(r.skills) for r in sorted(chunked, key=lambda r: int(r.id))] == [1 + n % 3 for n in range(23)]


def test_the_matching_index_of_a_municipality_larger_than_a_chunk_holds_everyone_listed(
    municipality, people, monkeypatch
):
    monkeypatch.setattr(matching, "RECORDS_CHUNK", 4)
    forget_indexes()
    index, widest = _widest_statement(lambda: candidate_index(municipality_id=municipality.pk))
    assert len(index) == 23
    assert widest <= 4 + 4
