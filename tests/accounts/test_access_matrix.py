"""Every role × the pages of accounts × with and without a second factor.

200 = the page; "totp" = sent to TOTP set-up first; "login" = sent to the login page.
The start page shows only the user's own data, so own / other organisation /
other municipality do not apply; each user sees their own memberships (checked below).
"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

EXPECTED = {
    # role:                without TOTP  with TOTP
    "anonymous": ("login", "login"),
    "candidate": (200, 200),
    "case_manager": ("totp", 200),
    "job_coach": ("totp", 200),
    "volunteer": ("totp", 200),
    "employer": ("totp", 200),
    "unverified_employer": ("totp", 200),
    "chamber_editor": ("totp", 200),  # they verify employers, the gate to candidate data
    "coordinator": ("totp", 200),
}


def _user(role, make_member):
    if role == "unverified_employer":
        return make_member("employer", verified=False)
    return make_member(role)


@pytest.mark.parametrize("role", EXPECTED)
@pytest.mark.parametrize("mfa", [False, True], ids=["no-totp", "totp"])
def test_home(role, mfa, make_member, signed_in, client):
    expected = EXPECTED[role][mfa]
    c = client if role == "anonymous" else signed_in(_user(role, make_member), mfa=mfa)
    response = c.get(reverse("accounts:home"))
    if expected == "login":
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    elif expected == "totp":
        assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_activate_totp"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("role", [r for r in EXPECTED if r not in ("anonymous", "candidate")])
def test_home_shows_own_organisation_not_colleagues_or_others(role, team, signed_in):
    t = team(role)
    body = signed_in(t.own).get(reverse("accounts:home")).content.decode()
    assert t.organisation.name in body
    assert t.other_organisation.name not in body
    assert t.foreign_organisation.name not in body
    assert t.colleague.email not in body
