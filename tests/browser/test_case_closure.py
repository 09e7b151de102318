"""Issue 14 §4 in Chromium: a case manager goes from /app/ to the case, closes it with an
evaluation (reason, a goal reached), sees the evaluation and the dated phases, and finds the case
under "Abgeschlossene Fälle". axe-core on every page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from candidates import services
from candidates.models import CaseEvaluation, CasePhase
from tests.browser.helpers import serious
from tests.factories import CandidateFactory
from tests.fixtures.users import login_with_mfa, new_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _serious(p) -> list[dict]:
    return serious(p)


def test_a_case_manager_closes_a_case_with_an_evaluation(live_server, page, home_page):
    case_manager = new_member("case_manager")
    organisation = case_manager.memberships.get().organisation
    person = CandidateFactory(municipality=organisation.municipality, first_name="Amal", last_name="Saleh")
    case = services.case_open(
        candidate=person, actor=case_manager, responsible_organisation=organisation, case_manager=case_manager
    )
    services.case_set_phase(case=case, actor=case_manager, phase=CasePhase.MONITORING)
    services.goal_add(case=case, actor=case_manager, title="Arbeit als Lagerhelferin")
    services.goal_add(case=case, actor=case_manager, title="Führerschein")

    def checked() -> None:
        violations = _serious(page)
        assert violations == [], (page.url, violations)

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
    page.goto(f"{live_server.url}/app/")
    page.locator('a[href="/app/candidates/"]').first.click()
    page.wait_for_url("**/app/candidates/")
    page.locator(f'a[href="/app/candidates/cases/{case.pk}/"]').first.click()
    page.wait_for_url(f"**/app/candidates/cases/{case.pk}/")
    checked()
    page.get_by_role("link", name="Fall abschließen").click()
    page.wait_for_url(f"**/cases/{case.pk}/close/")
    checked()

    # Without a reason the form says so and keeps what was typed.
    page.get_by_label("Bemerkung zum Abschluss").fill("Praktikum wurde zur Festanstellung.")
    page.get_by_role("button", name="Fall mit Bewertung abschließen").click()
    page.wait_for_load_state()
    assert page.get_by_text("Bitte wählen Sie den Grund des Abschlusses.").first.is_visible()
    assert page.get_by_label("Bemerkung zum Abschluss").input_value() == "Praktikum wurde zur Festanstellung."
    checked()

    page.get_by_label("Beschäftigung aufgenommen").check()
    page.get_by_label("Arbeit als Lagerhelferin").check()
    page.get_by_role("button", name="Fall mit Bewertung abschließen").click()
    page.wait_for_url(f"**/cases/{case.pk}/closure/")
    checked()
    evaluation = page.get_by_test_id("evaluation")
    assert "Beschäftigung aufgenommen" in evaluation.inner_text()
    assert "Arbeit als Lagerhelferin" in evaluation.inner_text()
    assert "Nachfrage fällig am" in evaluation.inner_text()
    assert page.get_by_test_id("phase-history").locator("tbody tr").count() == 3
    saved = CaseEvaluation.objects.get(case=case)
    assert saved.reason == "employment" and saved.follow_up_due is not None

    page.get_by_role("link", name="Abgeschlossene Fälle").first.click()
    page.wait_for_url("**/app/candidates/cases/closed/")
    checked()
    assert page.locator(f'a[href="/app/candidates/cases/{case.pk}/closure/"]').count() == 1
