"""Live figures on the home page: aggregate counts from the platform, cached, never personal data."""

from __future__ import annotations

from datetime import date

import pytest

from cms import figures
from employers.models import PlacementStatus
from organisations.models import OrganisationKind, VerificationStatus
from tests.clock import TODAY
from tests.cms.helpers import HOST
from tests.factories import (
    EmploymentFactory,
    OrganisationFactory,
    make_candidate,
    make_placement,
    make_profile,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def platform_rows(municipality, cook_taxonomy):
    verified = OrganisationFactory(
        municipality=municipality, kind=OrganisationKind.EMPLOYER, name="Gasthaus Linde"
    )
    OrganisationFactory(
        municipality=municipality,
        kind=OrganisationKind.EMPLOYER,
        verification_status=VerificationStatus.PENDING,
    )
    OrganisationFactory(municipality=municipality, kind=OrganisationKind.WELFARE)  # verified, not an employer
    profile = make_profile(verified)
    make_placement(profile, cook_taxonomy.cook, status=PlacementStatus.OPEN)
    make_placement(profile, cook_taxonomy.cook, status=PlacementStatus.OPEN)
    make_placement(profile, cook_taxonomy.cook, status=PlacementStatus.DRAFT)
    candidate = make_candidate(
        municipality, occupation=cook_taxonomy.cook, first_name="Xaverinella", last_name="Quandtbrecht"
    )
    return type("Rows", (), {"profile": profile, "candidate": candidate})


def test_figures_count_open_placements_and_verified_employers(platform_rows):
    numbers = figures.compute()
    assert numbers.open_placements == 2
    assert numbers.verified_employers == 1


def test_hires_this_year_count_employments_started_this_year(platform_rows):
    today = TODAY
    EmploymentFactory(candidate=platform_rows.candidate, employer=platform_rows.profile, start_date=today)
    other = make_candidate(platform_rows.candidate.municipality)
    EmploymentFactory(candidate=other, employer=platform_rows.profile, start_date=date(today.year - 1, 6, 1))
    assert figures.compute().hires_this_year == 1


def test_home_page_shows_the_figures_and_no_personal_data(client, platform_rows):
    html = client.get("/", **HOST).content.decode()

    assert "Lotse in Zahlen" in html
    assert "<dt>offene Stellen</dt><dd>2</dd>" in html
    assert "<dt>geprüfte Arbeitgeber</dt><dd>1</dd>" in html
    candidate = platform_rows.candidate
    for secret in (
        candidate.first_name,
        candidate.last_name,
        candidate.email,
        candidate.phone,
        candidate.street,
    ):
        assert secret not in html


def test_figures_are_cached_until_cleared(client, platform_rows, cook_taxonomy):
    assert figures.live_figures()["open_placements"] == 2
    make_placement(platform_rows.profile, cook_taxonomy.cook, status=PlacementStatus.OPEN)

    assert figures.live_figures()["open_placements"] == 2  # served from the cache
    figures.live_figures_clear()
    assert figures.live_figures()["open_placements"] == 3


def test_the_cached_value_holds_numbers_only(platform_rows):
    cached = figures.live_figures()
    assert set(cached) == {"open_placements", "verified_employers", "hires_this_year"}
    assert all(value is None or isinstance(value, int) for value in cached.values())
