"""Issue 23 in Chromium: a case manager flags a systemic barrier from a case in two clicks; the
coordinator follows "Systemische Hürden" from /app/ and finds it counted (with the four flagged
before, the month's cell reaches five and is shown). axe-core on every page passed."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coaching.models import Barrier
from tests.browser.test_handover import _serious, _sign_in
from tests.candidates.factories import CaseFactory
from tests.fixtures.users import new_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_case_manager_flags_a_barrier_and_the_coordinator_finds_it_counted(
    live_server, page, browser, home_page
):
    manager = new_member("case_manager", display_name="Clara Casemanager")
    organisation = manager.memberships.get().organisation
    municipality = organisation.municipality
    coordinator = new_member("coordinator", municipality=municipality)
    case = CaseFactory(
        responsible_organisation=organisation,
        candidate__municipality=municipality,
        candidate__first_name="Amina",
        case_manager=manager,
    )
    today = timezone.localdate()
    Barrier.objects.bulk_create(
        Barrier(
            municipality=municipality, organisation=organisation, category="no_childcare", flagged_on=today
        )
        for _i in range(4)
    )

    def checked(p=page) -> None:
        violations = _serious(p)
        assert violations == [], (p.url, violations)

    _sign_in(page.context, live_server, manager)
    page.goto(f"{live_server.url}/app/candidates/cases/{case.pk}/")
    checked()
    page.locator("main").get_by_role("link", name="Hürde melden").click()  # click 1
    page.wait_for_url(f"**/app/coaching/cases/{case.pk}/barriers/new/")
    checked()
    page.get_by_label("Art der Hürde").select_option(label="kein Kita-Platz")
    # A note with her name is refused, the choice kept; without it the barrier is stored.
    page.get_by_label("Anmerkung (optional, anonym)").fill("Amina findet keinen Platz")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("den Namen der Klient*in")
    checked()
    page.get_by_label("Anmerkung (optional, anonym)").fill("Kein U3-Platz im Stadtteil")
    page.locator("main form button[type=submit]").click()  # click 2
    page.wait_for_url(f"**/app/candidates/cases/{case.pk}/")
    assert "ohne Bezug zur Person gemeldet" in page.locator("body").inner_text()
    assert Barrier.objects.filter(category="no_childcare", note="Kein U3-Platz im Stadtteil").count() == 1

    other = browser.new_context()
    try:
        _sign_in(other, live_server, coordinator)
        second = other.new_page()
        second.goto(f"{live_server.url}/app/")
        checked(second)
        second.get_by_role("link", name="Systemische Hürden").first.click()
        second.wait_for_url("**/app/coaching/network/barriers/")
        checked(second)
        table = second.get_by_test_id("barrier-counts")
        month = f"{today:%m/%Y}"
        headers = table.locator("thead th").all_inner_texts()
        column = headers.index(month)
        row = table.locator("tbody tr", has_text="kein Kita-Platz")
        assert row.locator("th, td").nth(column).inner_text() == "5"
        # The note shows under its category (five flagged), never with the person's name.
        main = second.locator("main").inner_text()
        assert "Kein U3-Platz im Stadtteil" in main and "Amina" not in main
    finally:
        other.close()
