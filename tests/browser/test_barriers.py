"""Issue 23 in Chromium: a case manager flags a systemic barrier from a case in two clicks; the
coordinator follows "Systemische Hürden" from /app/ and finds it counted (with the four flagged
before, the month's cell reaches five and is shown), then opens the next coordination round from
/app/, finds the barrier on its agenda with its count and records a decision with an owner and a
deadline. axe-core on every page passed. (The overdue reminder through a real beat and worker:
tests/coaching/test_round_reminder_worker.py.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from coaching import barrier_services
from coaching.models import Barrier, RoundAction
from tests.browser.helpers import serious, sign_in
from tests.clock import live_today
from tests.factories import BarrierFactory, CaseFactory
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
    today = live_today()  # Chromium against the live server: the clock runs (tests/clock.py)
    coordination_round = barrier_services.round_create(
        actor=coordinator,
        municipality_id=municipality.pk,
        name="Bündniskerngruppe Kita und Arbeit",
        kind="core_group",
        members=[organisation],
    )
    BarrierFactory.create_batch(
        4, municipality=municipality, organisation=organisation, category="no_childcare", flagged_on=today
    )

    def checked(p=page) -> None:
        violations = serious(p)
        assert violations == [], (p.url, violations)

    sign_in(page.context, live_server, manager)
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
        sign_in(other, live_server, coordinator)
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

        # The next round: its agenda counts the barriers flagged since it last met.
        second.goto(f"{live_server.url}/app/")
        second.get_by_role("link", name="Koordinationsrunden").first.click()
        second.wait_for_url("**/app/coaching/network/rounds/")
        checked(second)
        second.locator("main").get_by_role("link", name="Bündniskerngruppe Kita und Arbeit").click()
        second.wait_for_url(f"**/app/coaching/network/rounds/{coordination_round.pk}/")
        checked(second)
        agenda = second.get_by_test_id("agenda")
        assert agenda.locator("tbody tr", has_text="kein Kita-Platz").locator("td").inner_text() == "5"
        assert "Amina" not in second.locator("main").inner_text()
        second.get_by_role("link", name="Beschluss und Maßnahme festhalten").click()
        second.wait_for_url(f"**/app/coaching/network/rounds/{coordination_round.pk}/actions/new/")
        checked(second)
        second.get_by_label("Beschluss und Maßnahme").fill("Mit dem Jugendamt Randzeiten-Betreuung klären")
        second.get_by_label("verantwortlich").select_option(label="Clara Casemanager")
        second.get_by_label("Frist").fill((today + timedelta(days=14)).isoformat())
        second.locator("main form button[type=submit]").click()
        second.wait_for_url(f"**/app/coaching/network/rounds/{coordination_round.pk}/")
        expect(second.get_by_test_id("actions")).to_contain_text("verantwortlich: Clara Casemanager")
        checked(second)
        action = RoundAction.objects.get(round=coordination_round)
        assert action.owner == manager and action.deadline == today + timedelta(days=14)
    finally:
        other.close()
