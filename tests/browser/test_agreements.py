"""Issue 23 in Chromium: the coordinator follows "Systemische Hürden" from /app/ to the cooperation
agreements, records one with the Jobcenter whose review comes in three weeks (a review before the
signing is refused with the input kept), and finds it flagged as due on the list and counted on the
network page. axe-core on every page passed."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from coaching.models import CooperationAgreement
from organisations.models import OrganisationKind
from tests.browser.helpers import serious, sign_in
from tests.clock import live_today
from tests.factories import OrganisationFactory
from tests.fixtures.users import new_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_records_an_agreement_and_sees_it_due_for_review(live_server, page, home_page):
    coordinator = new_member("coordinator")
    municipality = coordinator.memberships.get().organisation.municipality
    OrganisationFactory(municipality=municipality, kind=OrganisationKind.JOBCENTER, name="Jobcenter Kassel")
    today = live_today()  # Chromium against the live server: the clock runs (tests/clock.py)
    signed = today - datetime.timedelta(days=300)
    review = today + datetime.timedelta(days=21)

    def checked() -> None:
        violations = serious(page)
        assert violations == [], (page.url, violations)

    sign_in(page.context, live_server, coordinator)
    page.goto(f"{live_server.url}/app/")
    checked()
    page.get_by_role("link", name="Systemische Hürden").first.click()
    page.wait_for_url("**/app/coaching/network/barriers/")
    checked()
    page.locator("main").get_by_role("link", name="Kooperationsvereinbarungen").click()
    page.wait_for_url("**/app/coaching/network/agreements/")
    checked()
    page.get_by_role("link", name="Kooperationsvereinbarung anlegen").click()
    page.wait_for_url("**/app/coaching/network/agreements/new/")
    checked()

    page.get_by_label("Titel").fill("Übergang AsylbLG – SGB II")
    page.get_by_label("Jobcenter Kassel").check()
    page.get_by_label("Zweck").fill("Warme Übergabe beim Rechtskreiswechsel")
    page.get_by_label("Regelung zum Datenaustausch").fill("Nur mit Einwilligung der Person")
    page.get_by_label("unterzeichnet am").fill(signed.isoformat())
    page.get_by_label("zu überprüfen am").fill((signed - datetime.timedelta(days=1)).isoformat())
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Die Überprüfung kann nicht vor der Unterzeichnung liegen.")
    assert page.get_by_label("Titel").input_value() == "Übergang AsylbLG – SGB II"  # kept
    checked()
    page.get_by_label("zu überprüfen am").fill(review.isoformat())
    page.locator("main form button[type=submit]").click()
    agreement = CooperationAgreement.objects.get()
    page.wait_for_url(f"**/app/coaching/network/agreements/{agreement.pk}/")
    checked()
    assert "Überprüfung bald fällig" in page.locator("main").inner_text()

    page.get_by_role("link", name="alle Kooperationsvereinbarungen").click()
    page.wait_for_url("**/app/coaching/network/agreements/")
    row = page.get_by_test_id(f"agreement-{agreement.pk}")
    assert "Jobcenter Kassel" in row.inner_text() and "Überprüfung bald fällig" in row.inner_text()
    assert f"{review:%d.%m.%Y}" in row.inner_text()
    checked()

    page.get_by_role("link", name="Systemische Hürden").first.click()
    page.wait_for_url("**/app/coaching/network/barriers/")
    figures = page.get_by_test_id("network-figures").locator("tbody tr").first
    assert figures.locator("td").nth(2).inner_text() == "1"  # agreements due for review
