"""Selectors of the coaching app that the views lean on (issue 19: the rules live here, not in views)."""

from __future__ import annotations

import pytest

from coaching import selectors
from tests.factories import ServiceFactory, ServiceOrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(world, language_school, other_municipality):
    """The language school (de/ar, two statuses) plus an offer open to everyone, an inactive one
    and one of another municipality."""
    provider = language_school.organisation
    open_to_all = ServiceFactory(
        organisation=provider,
        municipality=world.municipality,
        name="Migrationsberatung",
        category="migration_counselling",
        languages=["de", "uk"],
    )
    ServiceFactory(
        organisation=provider,
        municipality=world.municipality,
        name="Alt",
        category="housing",
        is_active=False,
    )
    elsewhere = ServiceOrganisationFactory(municipality=other_municipality, name="VHS Bochum")
    ServiceFactory(
        organisation=elsewhere,
        municipality=other_municipality,
        name="Kurs Bochum",
        category="language_course",
    )
    return language_school, open_to_all


def _names(services) -> set[str]:
    return {s.name for s in services}


def test_the_directory_holds_the_active_offers_of_the_users_municipality(world, directory):
    assert _names(selectors.directory_services(user=world.case_manager)) == {
        "Berufssprachkurs B2",
        "Migrationsberatung",
    }


def test_the_directory_filters_by_category_language_and_residence_status(world, directory):
    user = world.case_manager
    assert _names(selectors.directory_services(user=user, category="language_course")) == {
        "Berufssprachkurs B2"
    }
    assert _names(selectors.directory_services(user=user, language="uk")) == {"Migrationsberatung"}
    # An offer that names no residence status is open to everyone.
    assert _names(selectors.directory_services(user=user, residence_status="duldung")) == {
        "Migrationsberatung"
    }
    assert _names(
        selectors.directory_services(user=user, language="ar", residence_status="aufenthaltserlaubnis")
    ) == {"Berufssprachkurs B2"}
