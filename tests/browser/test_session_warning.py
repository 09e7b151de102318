"""In Chromium: before the idle sign-out a warning offers to stay signed in, and one click keeps
the session (WCAG 2.2.1); the warning passes axe."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from accounts.signals import IDLE_SECONDS_SESSION_KEY, LAST_SEEN_SESSION_KEY
from tests.fixtures.users import login_with_mfa, new_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_idle_warning_appears_and_staying_signed_in_keeps_the_session(live_server, page, home_page, axe):
    client = login_with_mfa(Client(), new_member("case_manager"))
    # A short idle limit for this session: the warning is due two minutes before its end.
    session = client.session
    session[IDLE_SECONDS_SESSION_KEY] = 190
    session.save()
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": live_server.url}])

    page.goto(f"{live_server.url}/app/")
    warning = page.locator("#session-warning")
    warning.wait_for(state="visible", timeout=20_000)
    assert "Inaktivität" in warning.inner_text()
    assert axe() == []

    before = time.time()
    # The warning hides at once; the server notes the activity when the request has answered.
    with page.expect_response(lambda response: "/sitzung/aktiv/" in response.url) as answer:
        page.get_by_role("button", name="Angemeldet bleiben").click()
    assert answer.value.status == 204
    warning.wait_for(state="hidden")
    data = Session.objects.get(session_key=key).get_decoded()
    assert data[LAST_SEEN_SESSION_KEY] >= before - 1
    page.goto(f"{live_server.url}/app/")
    assert page.url.endswith("/app/")
