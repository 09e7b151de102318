"""Every role × every page of organisations × own / other organisation / other municipality.

Expected status codes: 200 ok, 302 done (redirect after a POST), 403 forbidden,
"login" = anonymous is sent to the login page. Everyone signed in has passed TOTP.
"""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous", "candidate", "case_manager", "case_manager_lead", "job_coach", "volunteer",
    "employer", "unverified_employer", "chamber_editor", "coordinator",
]
TARGETS = ["own", "other_org", "other_municipality"]

# Pages that do not depend on an organisation: list, create, audit log.
GLOBAL = {
    # role:                list  create audit
    "anonymous":           ("login", "login", "login"),
    "candidate":           (403, 403, 403),
    "case_manager":        (403, 403, 403),
    "case_manager_lead":   (403, 403, 403),
    "job_coach":           (403, 403, 403),
    "volunteer":           (403, 403, 403),
    "employer":            (403, 403, 403),
    "unverified_employer": (403, 403, 403),
    "chamber_editor":      (403, 403, 403),
    "coordinator":         (200, 200, 200),
}

# Members page (GET) and ending a membership (POST), per target organisation.
PER_ORGANISATION = {
    # role:                 own                other_org          other_municipality
    "anonymous":           (("login", "login"), ("login", "login"), ("login", "login")),
    "candidate":           ((403, 403), (403, 403), (403, 403)),
    "case_manager":        ((403, 403), (403, 403), (403, 403)),
    "case_manager_lead":   ((200, 302), (403, 403), (403, 403)),
    "job_coach":           ((403, 403), (403, 403), (403, 403)),
    "volunteer":           ((403, 403), (403, 403), (403, 403)),
    "employer":            ((403, 403), (403, 403), (403, 403)),
    "unverified_employer": ((403, 403), (403, 403), (403, 403)),
    "chamber_editor":      ((403, 403), (403, 403), (403, 403)),
    "coordinator":         ((200, 302), (200, 302), (403, 403)),
}


@pytest.fixture
def world(request, make_member, municipality, other_municipality, signed_in, client):
    """The requesting user's client and three organisations at increasing distance."""
    role = request.param
    if role == "anonymous":
        user, own = None, OrganisationFactory(municipality=municipality)
    elif role == "candidate":
        user, own = make_member("candidate"), OrganisationFactory(municipality=municipality)
    else:
        real = {"case_manager_lead": "case_manager", "unverified_employer": "employer"}.get(role, role)
        user = make_member(real, lead=role == "case_manager_lead", verified=role != "unverified_employer")
        own = user.memberships.get().organisation
    return {
        "role": role,
        "client": signed_in(user) if user else client,
        "own": own,
        "other_org": OrganisationFactory(municipality=municipality),
        "other_municipality": OrganisationFactory(municipality=other_municipality),
    }


def _check(response, expected):
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("world", ROLES, indirect=True)
@pytest.mark.parametrize("page", ["list", "create", "audit_log"])
def test_global_pages(world, page):
    role = world["role"]
    expected = GLOBAL[role][["list", "create", "audit_log"].index(page)]
    _check(world["client"].get(reverse(f"organisations:{page}")), expected)


@pytest.mark.parametrize("world", ROLES, indirect=True)
@pytest.mark.parametrize("target", TARGETS)
def test_members_page(world, target):
    role = world["role"]
    org = world[target]
    expected = PER_ORGANISATION[role][TARGETS.index(target)][0]
    _check(world["client"].get(reverse("organisations:members", args=[org.pk])), expected)


@pytest.mark.parametrize("world", ROLES, indirect=True)
@pytest.mark.parametrize("target", TARGETS)
def test_end_membership(world, target):
    role = world["role"]
    org = world[target]
    membership = MembershipFactory(organisation=org, role="job_coach" if org.kind != "employer" else "employer")
    url = reverse("organisations:membership_deactivate", args=[org.pk, membership.pk])
    expected = PER_ORGANISATION[role][TARGETS.index(target)][1]
    _check(world["client"].post(url), expected)
    membership.refresh_from_db()
    assert membership.is_active is (expected != 302)


@pytest.mark.parametrize("world", ROLES, indirect=True)
def test_create_post_follows_the_same_rule(world):
    role = world["role"]
    response = world["client"].post(reverse("organisations:create"), {"kind": "welfare", "name": "Neue Stelle"})
    _check(response, 302 if GLOBAL[role][1] == 200 else GLOBAL[role][1])
