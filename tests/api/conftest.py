"""Fixtures for the API tests: an employer's client and a coordinator's client, each with
neighbours in another organisation of the municipality and in another municipality."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from accounts.roles import Role
from api.models import ApiToken
from api.services import token_create
from organisations.models import OrganisationKind
from tests.api.helpers import DIRECTORY_SCOPES, PLACEMENT_SCOPES, REFERRAL_SCOPES, client_for
from tests.factories import (
    CaseFactory,
    OrganisationFactory,
    ReferralFactory,
    ServiceFactory,
    ServiceOrganisationFactory,
    make_placement,
    make_profile,
)
from tests.fixtures.caching import clear_own_cache
from tests.fixtures.users import new_member


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Rate-limit counts of one test never reach the next."""
    clear_own_cache()
    yield
    clear_own_cache()


@dataclass
class Side:
    """One organisation's token and client, and that organisation's staff member who made it."""

    organisation: object
    user: object
    token: ApiToken
    raw: str

    @property
    def client(self) -> APIClient:
        return client_for(self.raw)


def _side(user, organisation, scopes) -> Side:
    token, raw = token_create(organisation=organisation, actor=user, name="System", scopes=scopes)
    return Side(organisation=organisation, user=user, token=token, raw=raw)


@dataclass
class Employers:
    own: Side
    other: Side  # another business of the same municipality
    foreign: Side  # a business in another municipality


@pytest.fixture
def employers(employer_team, cook_taxonomy) -> Employers:
    t = employer_team
    for org in (t.organisation, t.other_organisation, t.foreign_organisation):
        make_profile(org)
    return Employers(
        own=_side(t.own, t.organisation, PLACEMENT_SCOPES),
        other=_side(t.outsider, t.other_organisation, PLACEMENT_SCOPES),
        foreign=_side(t.elsewhere, t.foreign_organisation, PLACEMENT_SCOPES),
    )


@pytest.fixture
def placements(employers, cook_taxonomy):
    """One placement of each business (own, other, foreign)."""
    return {
        side: make_placement(make_profile(getattr(employers, side).organisation), cook_taxonomy.cook)
        for side in ("own", "other", "foreign")
    }


@dataclass
class Coordinators:
    own: Side
    foreign: Side


@pytest.fixture
def coordinators(coordinator_team) -> Coordinators:
    t = coordinator_team
    return Coordinators(
        own=_side(t.own, t.organisation, DIRECTORY_SCOPES),
        foreign=_side(t.elsewhere, t.foreign_organisation, DIRECTORY_SCOPES),
    )


# --- referrals (issue 17, api17b) -----------------------------------------------------------------


@dataclass
class Referrals:
    """Both sides of three referrals: ``own`` is the referrer's case referred to the provider's
    offer; ``other_org`` another office's case to another provider of the municipality;
    ``other_municipality`` a case and an offer of another municipality."""

    referrer: Side  # the office responsible for the own case
    provider: Side  # the organisation behind the own offer
    referrals: dict


@pytest.fixture
def referrals(municipality, other_municipality) -> Referrals:
    made: dict = {}
    sides: dict = {}
    for target, place in (
        ("own", municipality),
        ("other_org", municipality),
        ("other_municipality", other_municipality),
    ):
        office = OrganisationFactory(municipality=place, kind=OrganisationKind.MUNICIPALITY_OFFICE)
        case_manager = new_member(Role.CASE_MANAGER, organisation=office)
        provider_org = OrganisationFactory(municipality=place, kind=OrganisationKind.WELFARE)
        provider_staff = new_member(Role.CASE_MANAGER, organisation=provider_org)
        # Get-or-create by municipality and name, as before (the factory's django_get_or_create).
        provider = ServiceOrganisationFactory(
            municipality=place, name=f"Beratung {target}", organisation=provider_org
        )
        service = ServiceFactory(
            organisation=provider,
            municipality=place,
            name=f"Anerkennungsberatung {target}",
            category="recognition",
        )
        case = CaseFactory(
            responsible_organisation=office,
            candidate__municipality=place,
            candidate__first_name="Amina",
            candidate__last_name=f"Nachname-{target}",
            case_manager=case_manager,
        )
        made[target] = ReferralFactory(
            case=case, service=service, note="Sucht Anerkennung als Pflegefachkraft.", created_by=case_manager
        )
        if target == "own":
            sides["referrer"] = _side(case_manager, office, REFERRAL_SCOPES)
            sides["provider"] = _side(provider_staff, provider_org, REFERRAL_SCOPES)
    return Referrals(referrals=made, **sides)
