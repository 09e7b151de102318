"""Capacity holds when two people register for the last seat at the same moment (PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from cms.models import EventIndexPage, EventPage, EventRegistration
from cms.services import RegistrationRefused, event_registration_create, home_page_ensure

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite locks the file)"
    ),
]


def test_two_registrations_for_the_last_seat_store_exactly_one():
    home = home_page_ensure()
    index = home.add_child(instance=EventIndexPage(title="Termine", slug="termine"))
    event = index.add_child(
        instance=EventPage(
            title="Speed-Dating",
            slug="speed",
            start=timezone.now() + timedelta(days=3),
            place="HWK",
            capacity=1,
            organiser_email="hwk@example.org",
        )
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def register(n: int) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                event_registration_create(
                    event=event, name=f"Gast {n}", email=f"gast{n}@example.org", people=1, consent=True
                )
            outcomes.append("stored")
        except RegistrationRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused", "stored"]
    assert EventRegistration.objects.filter(event=event).count() == 1
