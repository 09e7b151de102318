"""Sessions end after a time without activity and after a longest lifetime; one click ends all."""

import time

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from accounts.signals import LAST_SEEN_SESSION_KEY, LOGIN_AT_SESSION_KEY

pytestmark = pytest.mark.django_db


def _age(client: Client, *, idle: float = 0, since_login: float = 0) -> None:
    session = client.session
    session[LAST_SEEN_SESSION_KEY] = time.time() - idle
    session[LOGIN_AT_SESSION_KEY] = time.time() - max(idle, since_login)
    session.save()


def _signed_out(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@override_settings(LOTSE_STAFF_IDLE_MINUTES=30, LOTSE_CANDIDATE_IDLE_MINUTES=120)
def test_a_case_manager_is_signed_out_after_thirty_idle_minutes_and_led_back(make_member, signed_in):
    client = signed_in(make_member("case_manager"))
    _age(client, idle=29 * 60)
    assert client.get(reverse("accounts:home")).status_code == 200
    _age(client, idle=31 * 60)
    response = client.get(reverse("notifications:inbox"))
    assert _signed_out(response)
    assert "next=%2Fapp%2Fnotifications%2F" in response["Location"]
    # Really signed out: the next page asks for the login too, and the login page says why.
    assert _signed_out(client.get(reverse("accounts:home")))
    assert "30 Minuten ohne Aktivität" in client.get(reverse("account_login")).content.decode()


@override_settings(LOTSE_STAFF_IDLE_MINUTES=30, LOTSE_CANDIDATE_IDLE_MINUTES=120)
def test_a_candidate_has_longer(make_member, signed_in):
    client = signed_in(make_member("candidate"), mfa=False)
    _age(client, idle=90 * 60)
    assert client.get(reverse("accounts:home")).status_code == 200
    _age(client, idle=121 * 60)
    assert _signed_out(client.get(reverse("accounts:home")))


@override_settings(LOTSE_SESSION_MAX_HOURS=12)
def test_every_session_ends_twelve_hours_after_the_login_however_active(make_member, signed_in):
    client = signed_in(make_member("job_coach"))
    _age(client, idle=0, since_login=11.9 * 3600)
    assert client.get(reverse("accounts:home")).status_code == 200
    _age(client, idle=0, since_login=12.1 * 3600)
    assert _signed_out(client.get(reverse("accounts:home")))


def test_activity_on_the_page_keeps_the_session(make_member, signed_in):
    client = signed_in(make_member("case_manager"))
    _age(client, idle=25 * 60)
    assert client.post(reverse("accounts:keepalive")).status_code == 204
    assert time.time() - client.session[LAST_SEEN_SESSION_KEY] < 5
    assert client.get(reverse("accounts:keepalive")).status_code == 405


def test_the_page_carries_the_idle_time_and_the_warning_for_the_script(make_member, signed_in):
    body = signed_in(make_member("case_manager")).get(reverse("accounts:home")).content.decode()
    assert 'data-idle-seconds="1800"' in body
    assert 'id="session-warning"' in body and "Angemeldet bleiben" in body


def test_logging_out_everywhere_ends_the_sessions_on_other_devices_too(make_member, signed_in):
    user = make_member("case_manager")
    phone = signed_in(user)
    office = signed_in(user)
    assert "Überall abmelden" in office.get(reverse("accounts:home")).content.decode()
    response = office.post(reverse("accounts:logout_everywhere"), follow=True)
    assert "auf allen Geräten abgemeldet" in response.content.decode()
    assert _signed_out(phone.get(reverse("accounts:home")))
    assert _signed_out(office.get(reverse("accounts:home")))
    # A new login works as before.
    user.refresh_from_db()
    assert signed_in(user).get(reverse("accounts:home")).status_code == 200


def test_logging_out_everywhere_takes_a_post(make_member, signed_in):
    client = signed_in(make_member("case_manager"))
    assert client.get(reverse("accounts:logout_everywhere")).status_code == 405
    assert client.get(reverse("accounts:home")).status_code == 200


def test_anonymous_cannot_log_anyone_out(client):
    response = client.post(reverse("accounts:logout_everywhere"))
    assert _signed_out(response)


@pytest.mark.parametrize(
    "role",
    ["candidate", "case_manager", "job_coach", "volunteer", "employer", "coordinator", "chamber_editor"],
)
def test_every_role_keeps_its_own_session_alive_and_only_its_own(role, make_member, signed_in, client):
    own = signed_in(make_member(role), mfa=role != "candidate")
    assert own.post(reverse("accounts:keepalive")).status_code == 204
    # Without a session there is nothing to keep: no session is made for an anonymous caller.
    assert client.post(reverse("accounts:keepalive")).status_code == 401
    assert settings.SESSION_COOKIE_NAME not in client.cookies
