"""Racing hires against PostgreSQL: openings never below zero, nobody hired twice.

SQLite serialises every write transaction, so the race cannot happen there; these tests need
the real row locks (run with DATABASE_URL=postgres://...).
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from employers import services
from employers.models import Employment, Introduction, Placement, PlacementStatus
from tests.factories import IntroductionFactory, make_candidate, make_placement, make_profile

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks; SQLite serialises writes so hires cannot race",
    ),
]


def _race(calls) -> list[object]:
    """Run the calls at the same moment in threads; each returns its result or its exception."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what we assert on
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def _accepted(placement, candidate, actor):
    return IntroductionFactory(
        placement=placement, candidate=candidate, created_by=actor, stage=Introduction.Stage.OFFER
    )


@pytest.mark.parametrize("attempt", range(3))
def test_two_hires_for_the_last_opening(employer, cook_taxonomy, municipality, attempt):
    placement = make_placement(make_profile(employer.organisation), cook_taxonomy.cook, openings=1)
    intros = [_accepted(placement, make_candidate(municipality), employer.own) for _ in range(2)]
    results = _race(
        [
            lambda i=i: services.introduction_hire(
                introduction=i, actor=employer.own, start_date=date(2027, 1, 4)
            )
            for i in intros
        ]
    )
    assert sum(isinstance(r, Employment) for r in results) == 1
    assert sum(isinstance(r, ValidationError) for r in results) == 1
    placement.refresh_from_db()
    assert (placement.openings, placement.status) == (0, PlacementStatus.FILLED)
    assert Employment.objects.filter(placement=placement).count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_the_same_candidate_hired_by_two_employers_at_once(employer, cook_taxonomy, municipality, attempt):
    candidate = make_candidate(municipality)
    first = make_placement(make_profile(employer.organisation), cook_taxonomy.cook, openings=2)
    second = make_placement(make_profile(employer.other_organisation), cook_taxonomy.cook, openings=2)
    intros = [_accepted(first, candidate, employer.own), _accepted(second, candidate, employer.outsider)]
    actors = [employer.own, employer.outsider]
    results = _race(
        [
            lambda i=i, a=a: services.introduction_hire(introduction=i, actor=a, start_date=date(2027, 1, 4))
            for i, a in zip(intros, actors, strict=True)
        ]
    )
    assert sum(isinstance(r, Employment) for r in results) == 1
    assert Employment.objects.filter(candidate=candidate).count() == 1
    # Exactly one opening went, on the placement that won.
    assert sorted(
        Placement.objects.filter(pk__in=[first.pk, second.pk]).values_list("openings", flat=True)
    ) == [1, 2]


def test_many_hires_never_take_openings_below_zero(employer, cook_taxonomy, municipality):
    placement = make_placement(make_profile(employer.organisation), cook_taxonomy.cook, openings=3)
    intros = [_accepted(placement, make_candidate(municipality), employer.own) for _ in range(8)]
    results = _race(
        [
            lambda i=i: services.introduction_hire(
                introduction=i, actor=employer.own, start_date=date(2027, 1, 4)
            )
            for i in intros
        ]
    )
    assert sum(isinstance(r, Employment) for r in results) == 3
    placement.refresh_from_db()
    assert (placement.openings, placement.status) == (0, PlacementStatus.FILLED)
