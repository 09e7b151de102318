"""Fixtures for the employers tests: the employer team with profiles, a placement, a listed cook.

The rows come from tests/factories.py (make_candidate, make_placement, make_profile, open_case)
and the small synthetic ESCO corner from the ``cook_taxonomy`` fixture (tests/fixtures/taxonomy.py).
"""

from __future__ import annotations

import pytest

from accounts.roles import Role
from organisations.models import OrganisationKind
from tests.factories import (  # noqa: F401  (re-exported for tests/api/test_access_matrix.py and test_fuzz.py)
    SECRET_FIRST,
    SECRET_LAST,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    make_candidate,
    make_placement,
    make_profile,
    open_case,
)


@pytest.fixture
def employer(employer_team):
    """The employer team with a profile for each organisation."""
    for org in (
        employer_team.organisation,
        employer_team.other_organisation,
        employer_team.foreign_organisation,
    ):
        make_profile(org)
    return employer_team


@pytest.fixture
def placement(employer, cook_taxonomy):
    skills = cook_taxonomy.skills
    return make_placement(
        make_profile(employer.organisation),
        cook_taxonomy.cook,
        skills=[(skills[0], "essential"), (skills[1], "essential"), (skills[2], "optional")],
    )


@pytest.fixture
def coach(municipality):
    """A case manager with an organisation responsible for cases in the municipality."""
    org = OrganisationFactory(municipality=municipality, kind=OrganisationKind.MUNICIPALITY_OFFICE)
    return MembershipFactory(user=UserFactory(), organisation=org, role=Role.CASE_MANAGER).user


@pytest.fixture
def candidate_user(db):
    """A self-service login for ``candidate``."""
    return UserFactory(is_candidate=True)


@pytest.fixture
def candidate(municipality, cook_taxonomy, candidate_user, coach):
    """A listed cook with a self-service login and an open case with ``coach``."""
    c = make_candidate(
        municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[:2], user=candidate_user
    )
    open_case(c, coach)
    return c
