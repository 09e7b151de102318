"""Every role × every page of organisations × own / other organisation / other municipality.

The invitation link (by token) is checked for an invitation addressed to someone else.

Expected status codes: 200 ok, 302 done (redirect after a POST), 403 forbidden,
"login" = anonymous is sent to the login page. Everyone signed in has passed TOTP.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from organisations.models import MembershipInvitation
from organisations.services import membership_invite
from tests.factories import MembershipFactory, MembershipInvitationFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

# fmt: off
ROLES = [
    "anonymous", "candidate", "case_manager", "case_manager_lead", "job_coach", "volunteer",
    "employer", "employer_lead", "unverified_employer", "unverified_employer_lead", "chamber_editor",
    "coordinator",
]
# fmt: on
TARGETS = ["own", "other_org", "other_municipality"]

# Pages that do not depend on an organisation: list, create, audit log.
# fmt: off
GLOBAL = {
    # role:                list  create audit
    "anonymous":           ("login", "login", "login"),
    "candidate":           (403, 403, 403),
    "case_manager":        (403, 403, 403),
    "case_manager_lead":   (403, 403, 403),
    "job_coach":           (403, 403, 403),
    "volunteer":           (403, 403, 403),
    "employer":            (403, 403, 403),
    "employer_lead":       (403, 403, 403),
    "unverified_employer": (403, 403, 403),
    "unverified_employer_lead": (403, 403, 403),
    "chamber_editor":      (403, 403, 403),
    "coordinator":         (200, 200, 200),
}
# fmt: on

# Members page (GET) and ending a membership (POST), per target organisation.
# fmt: off
PER_ORGANISATION = {
    # role:                 own                other_org          other_municipality
    "anonymous":           (("login", "login"), ("login", "login"), ("login", "login")),
    "candidate":           ((403, 403), (403, 403), (403, 403)),
    "case_manager":        ((403, 403), (403, 403), (403, 403)),
    "case_manager_lead":   ((200, 302), (403, 403), (403, 403)),
    "job_coach":           ((403, 403), (403, 403), (403, 403)),
    "volunteer":           ((403, 403), (403, 403), (403, 403)),
    "employer":            ((403, 403), (403, 403), (403, 403)),
    "employer_lead":       ((200, 302), (403, 403), (403, 403)),
    "unverified_employer": ((403, 403), (403, 403), (403, 403)),
    # Sees and ends its own memberships, but invites nobody until verified (INVITE below).
    "unverified_employer_lead": ((200, 302), (403, 403), (403, 403)),
    "chamber_editor":      ((403, 403), (403, 403), (403, 403)),
    "coordinator":         ((200, 302), (200, 302), (403, 403)),
}
# fmt: on


@pytest.fixture
def world(request, make_member, municipality, other_municipality, signed_in, client):
    """The requesting user's client and three organisations at increasing distance."""
    role = request.param
    if role == "anonymous":
        user, own = None, OrganisationFactory(municipality=municipality)
    elif role == "candidate":
        user, own = make_member("candidate"), OrganisationFactory(municipality=municipality)
    else:
        real = {
            "case_manager_lead": "case_manager",
            "unverified_employer": "employer",
            "employer_lead": "employer",
            "unverified_employer_lead": "employer",
        }.get(role, role)
        user = make_member(real, lead=role.endswith("_lead"), verified=not role.startswith("unverified"))
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
    membership = MembershipFactory(
        organisation=org, role="job_coach" if org.kind != "employer" else "employer"
    )
    url = reverse("organisations:membership_deactivate", args=[org.pk, membership.pk])
    expected = PER_ORGANISATION[role][TARGETS.index(target)][1]
    _check(world["client"].post(url), expected)
    membership.refresh_from_db()
    assert membership.is_active is (expected != 302)


@pytest.mark.parametrize("world", ROLES, indirect=True)
def test_create_post_follows_the_same_rule(world):
    role = world["role"]
    response = world["client"].post(
        reverse("organisations:create"), {"kind": "welfare", "name": "Neue Stelle"}
    )
    _check(response, 302 if GLOBAL[role][1] == 200 else GLOBAL[role][1])


# Sending an invitation (POST to the members page) and revoking one, per target organisation.
# Only those who manage the memberships of a *verified* organisation invite.
# fmt: off
INVITE = {
    # role:                 own          other_org    other_municipality
    "anonymous":           (("login", "login"), ("login", "login"), ("login", "login")),
    "candidate":           ((403, 403), (403, 403), (403, 403)),
    "case_manager":        ((403, 403), (403, 403), (403, 403)),
    "case_manager_lead":   ((302, 302), (403, 403), (403, 403)),
    "job_coach":           ((403, 403), (403, 403), (403, 403)),
    "volunteer":           ((403, 403), (403, 403), (403, 403)),
    "employer":            ((403, 403), (403, 403), (403, 403)),
    "employer_lead":       ((302, 302), (403, 403), (403, 403)),
    "unverified_employer": ((403, 403), (403, 403), (403, 403)),
    "unverified_employer_lead": ((403, 302), (403, 403), (403, 403)),
    "chamber_editor":      ((403, 403), (403, 403), (403, 403)),
    "coordinator":         ((302, 302), (302, 302), (403, 403)),
}
# fmt: on


def _role_for(org) -> str:
    return "employer" if org.kind == "employer" else "job_coach"


@pytest.mark.parametrize("world", ROLES, indirect=True)
@pytest.mark.parametrize("target", TARGETS)
def test_send_invitation(world, target):
    org = world[target]
    expected = INVITE[world["role"]][TARGETS.index(target)][0]
    response = world["client"].post(
        reverse("organisations:members", args=[org.pk]), {"email": "neu@example.org", "role": _role_for(org)}
    )
    _check(response, expected)
    assert MembershipInvitation.objects.filter(organisation=org).exists() is (expected == 302)


@pytest.mark.parametrize("world", ROLES, indirect=True)
@pytest.mark.parametrize("target", TARGETS)
def test_revoke_invitation(world, target):
    org = world[target]
    # Written directly: an unverified organisation cannot invite, but may hold an old row.
    invitation = MembershipInvitationFactory(
        organisation=org,
        email="offen@example.org",
        role=_role_for(org),
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    expected = INVITE[world["role"]][TARGETS.index(target)][1]
    _check(
        world["client"].post(reverse("organisations:invitation_revoke", args=[org.pk, invitation.pk])),
        expected,
    )
    invitation.refresh_from_db()
    assert invitation.status == ("revoked" if expected == 302 else "pending")


@pytest.mark.parametrize("world", ROLES, indirect=True)
def test_someone_elses_invitation_link(world):
    """Nobody but the invited address answers an invitation; anonymous visitors see the same page."""
    invitation = membership_invite(
        actor=UserFactory(is_superuser=True),
        organisation=world["other_org"],
        email="eingeladen@example.org",
        role=_role_for(world["other_org"]),
    )
    url = reverse("organisations:invitation", args=[invitation.token])
    anonymous = world["role"] == "anonymous"
    assert world["client"].get(url).status_code == (200 if anonymous else 403)
    _check(world["client"].post(url, {"action": "accept"}), "login" if anonymous else 403)
    _check(world["client"].post(url, {"action": "decline"}), "login" if anonymous else 403)
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert not invitation.organisation.memberships.filter(
        role=invitation.role, user__email="eingeladen@example.org"
    ).exists()
