"""Issue 14 §3 in Chromium: a case manager records a qualification's recognition procedure from the
case page (a decision without its date comes back with the input, then a partial recognition with an
adaptation training); the case page shows it. axe-core on every page."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.test import Client

from candidates import services
from tests.browser.helpers import serious
from tests.clock import live_today
from tests.factories import CandidateFactory, QualificationFactory
from tests.fixtures.users import login_with_mfa, new_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _serious(p) -> list[dict]:
    return serious(p)


def test_a_case_manager_records_a_partial_recognition_with_adaptation_training(live_server, page, home_page):
    case_manager = new_member("case_manager")
    organisation = case_manager.memberships.get().organisation
    person = CandidateFactory(municipality=organisation.municipality, first_name="Olena", last_name="Koval")
    case = services.case_open(
        candidate=person, actor=case_manager, responsible_organisation=organisation, case_manager=case_manager
    )
    qualification = QualificationFactory(
        candidate=person, title="Молодша медична сестра", kind="vocational", country="Ukraine"
    )
    client = login_with_mfa(Client(), case_manager)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )

    def checked() -> None:
        violations = _serious(page)
        assert violations == [], (page.url, violations)

    today = live_today()  # Chromium against the live server: the clock runs (tests/clock.py)
    page.goto(f"{live_server.url}/app/")
    page.locator('a[href="/app/candidates/"]').first.click()
    page.wait_for_url("**/app/candidates/")
    page.locator(f'a[href="/app/candidates/cases/{case.pk}/"]').first.click()
    page.wait_for_url(f"**/app/candidates/cases/{case.pk}/")
    checked()
    page.locator(f'a[href="/app/candidates/cases/{case.pk}/recognition/{qualification.pk}/"]').click()
    page.wait_for_url(f"**/cases/{case.pk}/recognition/{qualification.pk}/")
    checked()
    page.get_by_label("anerkennende Stelle").fill("Landesprüfungsamt für Gesundheitsberufe")
    page.get_by_label("Anerkennung beantragt am").fill((today - datetime.timedelta(days=120)).isoformat())
    page.get_by_label("Stand und Entscheidung").select_option("partial")
    page.locator("#id_adaptation_training").fill("Anpassungslehrgang Pflege")
    # A decision without its date: the form says so and keeps what was typed.
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_load_state()
    assert page.locator("#id_adaptation_training").input_value() == "Anpassungslehrgang Pflege"
    assert "wann entschieden wurde" in page.locator("body").inner_text()
    checked()
    page.get_by_label("Anerkennung entschieden am").fill((today - datetime.timedelta(days=20)).isoformat())
    page.get_by_label("Träger der Anpassungsqualifizierung").fill("Pflegeschule am Klinikum")
    page.get_by_label("Anpassungsqualifizierung von").fill(today.isoformat())
    page.get_by_label("Anpassungsqualifizierung bis").fill((today + datetime.timedelta(days=180)).isoformat())
    page.get_by_label("Förderung der Anpassungsqualifizierung").select_option("gutschein")
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url(f"**/app/candidates/cases/{case.pk}/#anerkennung")
    checked()
    entry = page.locator(f'[data-recognition="{qualification.pk}"]').inner_text()
    assert (
        "teilweise anerkannt" in entry
        and "Anpassungslehrgang Pflege" in entry
        and "Bildungsgutschein" in entry
    )
    qualification.refresh_from_db()
    assert qualification.recognition_status == "partial" and qualification.adaptation_funding == "gutschein"
