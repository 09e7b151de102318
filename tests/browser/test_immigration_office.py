"""Issue 14 §3 in Chromium: a case manager asks the Ausländerbehörde a question from the case page;
the office's member finds it through the inbox badge, answers it without seeing anything of the case,
and the answer reaches the case manager's inbox and the case page. axe-core on every page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from accounts.roles import Role
from candidates import services
from candidates.models import ImmigrationQuestion
from organisations.models import OrganisationKind
from tests.browser.helpers import serious
from tests.factories import CandidateFactory, CaseNoteFactory, OrganisationFactory
from tests.fixtures.users import login_with_mfa, new_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "Fallnotiz: Therapie montags, nur für die Fallverantwortlichen"


def _serious(p) -> list[dict]:
    return serious(p)


def _sign_in(context, live_server, user) -> None:
    client = login_with_mfa(Client(), user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_an_immigration_office_user_answers_a_question_without_seeing_the_case(
    live_server, page, browser, home_page
):
    case_manager = new_member("case_manager")
    organisation = case_manager.memberships.get().organisation
    office = OrganisationFactory(
        municipality=organisation.municipality,
        kind=OrganisationKind.IMMIGRATION_OFFICE,
        name="Ausländerbehörde Teststadt",
    )
    officer = new_member(Role.IMMIGRATION_OFFICE, organisation=office, display_name="Olaf Amt")
    person = CandidateFactory(municipality=organisation.municipality, first_name="Amal", last_name="Saleh")
    case = services.case_open(
        candidate=person, actor=case_manager, responsible_organisation=organisation, case_manager=case_manager
    )
    CaseNoteFactory(case=case, author=case_manager, text=SECRET)

    def checked(p=page) -> None:
        violations = _serious(p)
        assert violations == [], (p.url, violations)

    # The case manager: /app/ → Meine Fälle → the case → "Frage an die Ausländerbehörde stellen".
    _sign_in(page.context, live_server, case_manager)
    page.goto(f"{live_server.url}/app/")
    page.locator('a[href="/app/candidates/"]').first.click()
    page.wait_for_url("**/app/candidates/")
    page.locator(f'a[href="/app/candidates/cases/{case.pk}/"]').first.click()
    page.wait_for_url(f"**/app/candidates/cases/{case.pk}/")
    checked()
    page.get_by_role("link", name="Frage an die Ausländerbehörde stellen").click()
    page.wait_for_url(f"**/cases/{case.pk}/immigration-questions/new/")
    checked()
    page.get_by_label("Thema").select_option("work_permission")
    page.get_by_label("Ihre Frage").fill("Ist die Beschäftigungserlaubnis für die Lagerstelle in Aussicht?")
    # Without the person's agreement the form says what is missing and keeps the question.
    page.get_by_role("button", name="Frage senden").click()
    page.wait_for_load_state()
    assert page.get_by_label("Ihre Frage").input_value().startswith("Ist die Beschäftigungserlaubnis")
    assert not ImmigrationQuestion.objects.exists()
    checked()
    page.get_by_label("Die Person ist einverstanden", exact=False).check()
    page.get_by_role("button", name="Frage senden").click()
    page.wait_for_url(f"**/app/candidates/cases/{case.pk}/#abh")
    checked()
    question = ImmigrationQuestion.objects.get()
    assert question.office == office

    # The office: a second browser context; the badge leads to the question, never to the case.
    other = browser.new_context()
    try:
        _sign_in(other, live_server, officer)
        second = other.new_page()
        second.goto(f"{live_server.url}/app/")
        checked(second)
        badge = second.get_by_test_id("inbox-link")
        assert badge.get_by_test_id("unread-count").inner_text().startswith("1")
        badge.click()
        second.wait_for_url("**/app/notifications/")
        checked(second)
        item = second.get_by_test_id("notifications").locator("li", has_text="Ausländerbehörde")
        item.get_by_role("button", name="öffnen").click()
        second.wait_for_url(f"**/app/candidates/immigration-office/{question.pk}/")
        checked(second)
        body = second.locator("body").inner_text()
        assert "Amal Saleh" in body and "Lagerstelle" in body
        assert SECRET not in body and person.email not in body and person.phone not in body
        assert second.locator(f'a[href*="/cases/{case.pk}"]').count() == 0
        second.get_by_label("Antwort der Ausländerbehörde").fill("Ja, die Zustimmung der BA ist angefragt.")
        second.get_by_role("button", name="Antwort senden").click()
        second.wait_for_url("**/app/candidates/immigration-office/")
        checked(second)
        assert "beantwortet" in second.locator("body").inner_text()
        # Hostile: the case page itself stays closed to the office.
        response = second.goto(f"{live_server.url}/app/candidates/cases/{case.pk}/")
        assert response.status == 403
    finally:
        other.close()

    # The case manager hears of the answer and reads it on the case page.
    page.goto(f"{live_server.url}/app/")
    page.get_by_test_id("inbox-link").click()
    page.wait_for_url("**/app/notifications/")
    checked()
    item = page.get_by_test_id("notifications").locator("li", has_text="beantwortet")
    item.get_by_role("button", name="öffnen").click()
    page.wait_for_url(f"**/app/candidates/cases/{case.pk}/")
    checked()
    assert (
        "Ja, die Zustimmung der BA ist angefragt." in page.get_by_test_id("immigration-answer").inner_text()
    )
