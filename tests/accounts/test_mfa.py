"""The MFA policy: roles that read other people's personal data must set up TOTP."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from demo.accounts import DEMO_LOGIN_EMAILS, DEMO_LOGINS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _goes_to_totp_setup(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("mfa_activate_totp"))


def test_case_manager_without_totp_is_sent_to_totp_setup(make_member, signed_in):
    client = signed_in(make_member("case_manager"), mfa=False)
    response = client.get("/app/")
    assert _goes_to_totp_setup(response)
    assert "next=%2Fapp%2F" in response["Location"]


def test_totp_setup_page_itself_is_reachable_without_totp(make_member, signed_in):
    client = signed_in(make_member("case_manager"), mfa=False)
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200


def test_case_manager_with_totp_gets_through(make_member, signed_in):
    client = signed_in(make_member("case_manager"), mfa=True)
    assert client.get("/app/").status_code == 200


@pytest.mark.parametrize(
    "role", ["case_manager", "job_coach", "volunteer", "employer", "coordinator", "chamber_editor"]
)
def test_every_staff_role_is_forced(role, make_member, signed_in):
    client = signed_in(make_member(role), mfa=False)
    assert _goes_to_totp_setup(client.get("/app/"))


def test_unverified_employer_is_forced_too(make_member, signed_in):
    # They will read candidates as soon as they are verified; set up the factor first.
    client = signed_in(make_member("employer", verified=False), mfa=False)
    assert _goes_to_totp_setup(client.get("/app/"))


def test_staff_are_forced(signed_in):
    client = signed_in(UserFactory(is_staff=True), mfa=False)
    assert _goes_to_totp_setup(client.get("/django-admin/"))


def test_candidates_are_not_forced(make_member, signed_in):
    client = signed_in(make_member("candidate"), mfa=False)
    assert client.get("/app/").status_code == 200


def test_user_without_any_role_is_not_forced(user, signed_in):
    assert signed_in(user, mfa=False).get("/app/").status_code == 200


def test_a_path_merely_containing_accounts_is_not_exempt(make_member, signed_in):
    client = signed_in(make_member("case_manager"), mfa=False)
    assert _goes_to_totp_setup(client.get("/app/organisations/accounts/"))


def test_logout_stays_reachable_without_totp(make_member, signed_in):
    client = signed_in(make_member("case_manager"), mfa=False)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get("/app/").status_code == 302
    assert reverse("account_login") in client.get("/app/")["Location"]


@override_settings(LOTSE_MFA_EXEMPT_EMAILS=frozenset(DEMO_LOGIN_EMAILS))
def test_dev_exempts_the_demo_logins(make_member, signed_in):
    demo = make_member("case_manager", email=DEMO_LOGINS["case_manager"])
    assert signed_in(demo, mfa=False).get("/app/").status_code == 200


@override_settings(LOTSE_MFA_EXEMPT_EMAILS=frozenset(DEMO_LOGIN_EMAILS))
def test_dev_exemption_covers_nobody_but_the_demo_logins(make_member, signed_in):
    real = make_member("case_manager", email="echte.person@stadt.example")
    assert _goes_to_totp_setup(signed_in(real, mfa=False).get("/app/"))


def test_test_settings_exempt_nobody(make_member, signed_in, settings):
    assert not settings.LOTSE_MFA_EXEMPT_EMAILS
    demo = make_member("case_manager", email=DEMO_LOGINS["case_manager"])
    assert _goes_to_totp_setup(signed_in(demo, mfa=False).get("/app/"))


def _exempt_emails_in(module: str) -> list[str]:
    """Import a settings module in a fresh interpreter, with the variables production needs."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "platform"),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "WAGTAILADMIN_BASE_URL": "https://lotse.example",
        "DATABASE_URL": "postgres://lotse:lotse@127.0.0.1:5432/lotse",
        "DJANGO_ALLOWED_HOSTS": "lotse.example",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "REDIS_CACHE_URL": "redis://127.0.0.1:6379/1",
    }
    code = (
        "import importlib, json, sys; m = importlib.import_module(sys.argv[1]);"
        "print(json.dumps(sorted(m.LOTSE_MFA_EXEMPT_EMAILS)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, module], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", ["config.settings.base", "config.settings.prod", "config.settings.test"])
def test_only_dev_settings_exempt_anyone(module):
    assert _exempt_emails_in(module) == []


def test_dev_settings_exempt_exactly_the_demo_logins():
    assert set(_exempt_emails_in("config.settings.dev")) == set(DEMO_LOGIN_EMAILS)


def test_a_session_signed_in_without_a_password_record_sets_up_totp_without_a_second_password(
    client, make_member
):
    # Signing in by the e-mail confirmation link leaves no allauth record; the login a moment
    # ago still counts, so the set-up form comes straight away.
    client.force_login(make_member("employer"))
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    assert "form" in response.context


def test_after_totp_setup_the_recovery_codes_page_leads_on_to_where_the_person_was_going(
    make_member, signed_in, totp_code
):
    client = signed_in(make_member("case_manager"), mfa=False)
    wanted = reverse("notifications:inbox")
    assert _goes_to_totp_setup(client.get(wanted))
    form = client.get(reverse("mfa_activate_totp")).context["form"]
    code = totp_code(form.secret)
    done = client.post(reverse("mfa_activate_totp"), {"code": code}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    assert f'href="{wanted}" data-testid="mfa-continue"' in done.content.decode()


def test_the_continue_link_never_leads_off_the_site(make_member, signed_in):
    client = signed_in(make_member("case_manager"), mfa=False)
    # A path starting with two slashes would be a link to another host.
    response = client.get("/", PATH_INFO="//evil.example/phish")
    assert _goes_to_totp_setup(response)
    assert "lotse_mfa_next" not in client.session
