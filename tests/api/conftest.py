"""Fixtures for the API tests: an employer's client and a coordinator's client, each with
neighbours in another organisation of the municipality and in another municipality."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import token_create
from tests.employers.conftest import candidate, candidate_user, coach  # noqa: F401  (fixtures)
from tests.factories import make_placement, make_profile, make_service  # noqa: F401  (make_service re-exported for test_access_matrix.py, test_fuzz.py)
from tests.fixtures.caching import clear_own_cache

PLACEMENT_SCOPES = ["placements:read", "placements:write"]


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Rate-limit counts of one test never reach the next."""
    clear_own_cache()
    yield
    clear_own_cache()


def client_for(raw: str | None) -> APIClient:
    client = APIClient()
    if raw is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


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
def employers(employer_team, cook_taxonomy) -> Employers:  # noqa: F811
    t = employer_team
    for org in (t.organisation, t.other_organisation, t.foreign_organisation):
        make_profile(org)
    return Employers(
        own=_side(t.own, t.organisation, PLACEMENT_SCOPES),
        other=_side(t.outsider, t.other_organisation, PLACEMENT_SCOPES),
        foreign=_side(t.elsewhere, t.foreign_organisation, PLACEMENT_SCOPES),
    )


@pytest.fixture
def placements(employers, cook_taxonomy):  # noqa: F811
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
        own=_side(t.own, t.organisation, ["directory:read"]),
        foreign=_side(t.elsewhere, t.foreign_organisation, ["directory:read"]),
    )
