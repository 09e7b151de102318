"""Fixtures for the coaching tests. ``world`` is the coaching world of tests/fixtures/coaching.py
(``coaching_world``), under the short name these tests have always used."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from coaching import services
from coaching.models import Service, ServiceLocation
from tests.fixtures.users import new_member


@pytest.fixture
def world(coaching_world):
    """Here ``world`` is the coaching world (tests/fixtures/coaching.py); elsewhere the name is taken."""
    return coaching_world


@pytest.fixture
def demo_directory(municipality):
    """The demo's directory, created the way seed_demo creates it."""
    from demo.coaching import _SERVICES

    actor = new_member(Role.COORDINATOR, municipality=municipality)
    for entry in _SERVICES:
        services.service_create(municipality_id=municipality.pk, actor=actor, **dict(entry))
    # One inactive offer and one accessible location, so both travel too.
    first = Service.objects.filter(municipality=municipality).order_by("pk").first()
    first.is_active = False
    first.save()
    ServiceLocation.objects.filter(organisation__municipality=municipality).update(accessible=True)
    return municipality
