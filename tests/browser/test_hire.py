"""The employer records a hire in Chromium (issue 12): the date input shows the placement's start
(an ISO value; a German "15.01.2027" was silently dropped by the browser), contract type and hours
are asked for, and the employment gets the team's job coach."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client

from employers.models import Employment
from tests.browser.helpers import introduction_with_contact
from tests.clock import live_today
from tests.factories import OccupationFactory
from tests.fixtures.users import login_with_mfa

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_employer_hires_with_a_working_date_field(live_server, page, home_page, coaching_world, axe):
    today = live_today()  # Chromium against the live server: the clock runs (tests/clock.py)
    start = today + timedelta(days=30)
    intro = introduction_with_contact(
        coaching_world,
        today=today,
        sector="handwerk",
        title="Bäcker*in",
        occupation=OccupationFactory(
            uri="http://esco.test/occupation/baker", label_de="Bäcker/Bäckerin", isco_code=""
        ),
    )

    client = login_with_mfa(Client(), coaching_world.people["employer"])
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}/app/employers/introductions/{intro.reference}/")
    date_input = page.get_by_label("Beginn der Beschäftigung")
    # The browser keeps the value only if it is a valid ISO date.
    assert date_input.input_value() == start.isoformat()
    assert page.get_by_label("Stunden pro Woche").input_value() == "38"
    violations = axe()
    assert not violations, violations

    page.get_by_label("Vertragsart").select_option("fixed_term")
    page.get_by_role("button", name="Eingestellt").click()
    page.wait_for_url(f"{live_server.url}/app/employers/introductions/{intro.reference}/")
    employment = Employment.objects.get(candidate=intro.candidate)
    assert (employment.start_date, employment.contract_type, employment.hours_per_week) == (
        start,
        "fixed_term",
        38,
    )
    assert employment.job_coach == coaching_world.coach
