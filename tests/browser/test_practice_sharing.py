"""Issue 23 §4 in Chromium: the coordinator of Kassel writes a handover checklist from /app/ and
shares it; the coordinator of Waldeck-Frankenberg finds it by clicking from /app/, imports it with
one click, changes an item on the copy's edit page and saves; the copy says where it came from and
Kassel's original is unchanged. axe-core on every page passed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from coaching.models import PracticeTemplate
from tests.browser.helpers import serious, sign_in
from tests.factories import MunicipalityFactory
from tests.fixtures.users import new_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEMS = ["Einwilligung zur Weitergabe liegt vor", "Bescheid liegt vor", "Gemeinsamer Termin vereinbart"]


def test_a_shared_checklist_is_imported_by_another_municipality_and_adapted(
    live_server, page, browser, home_page
):
    kassel = MunicipalityFactory(name="Stadt Kassel", slug="kassel")
    waldeck = MunicipalityFactory(name="Landkreis Waldeck-Frankenberg", slug="waldeck")
    coordinator_a = new_member("coordinator", municipality=kassel)
    coordinator_b = new_member("coordinator", municipality=waldeck)

    def checked(p) -> None:
        violations = serious(p)
        assert violations == [], (p.url, violations)

    # --- A writes the checklist and shares it
    sign_in(page.context, live_server, coordinator_a)
    page.goto(f"{live_server.url}/app/")
    page.get_by_role("link", name="Geteilte Praxis").first.click()
    page.wait_for_url("**/app/coaching/network/practice/")
    checked(page)
    page.get_by_role("link", name="Vorlage anlegen").click()
    page.wait_for_url("**/app/coaching/network/practice/new/")
    checked(page)
    page.get_by_label("Art").select_option(label="Übergabe-Checkliste")
    page.get_by_label("Titel").fill("Warme Übergabe SGB II")
    page.get_by_label("Kurzbeschreibung").fill("Bewährt beim Rechtskreiswechsel")
    page.get_by_label("Punkte").fill("\n".join([*ITEMS, "Rückfragen an team@kassel.example"]))
    page.locator("main form button[type=submit]").click()
    # an e-mail address is refused on its field, the input kept
    expect(page.locator("main")).to_contain_text("E-Mail-Adresse")
    assert "team@kassel.example" in page.get_by_label("Punkte").input_value()
    checked(page)
    page.get_by_label("Punkte").fill("\n".join(ITEMS))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/app/coaching/network/practice/\d+/$"))
    original = PracticeTemplate.objects.get()
    expect(page.get_by_test_id("practice-status")).to_contain_text("nicht geteilt")
    checked(page)
    page.get_by_role("button", name="Mit anderen Kommunen teilen").click()
    expect(page.get_by_test_id("practice-status")).to_contain_text("geteilt seit")
    checked(page)

    # --- B finds it from /app/, imports it with one click and adapts an item
    other = browser.new_context(base_url=live_server.url)
    page_b = other.new_page()
    sign_in(other, live_server, coordinator_b)
    page_b.goto(f"{live_server.url}/app/")
    page_b.get_by_role("link", name="Geteilte Praxis").first.click()
    page_b.wait_for_url("**/app/coaching/network/practice/")
    shared = page_b.get_by_test_id("practice-others")
    expect(shared).to_contain_text("Warme Übergabe SGB II")
    expect(shared).to_contain_text("Stadt Kassel")
    checked(page_b)
    shared.get_by_role("button", name="Übernehmen").click()
    page_b.wait_for_url("**/app/coaching/network/practice/*/edit/")
    copy = PracticeTemplate.objects.get(municipality=waldeck)
    assert page_b.url.endswith(f"/network/practice/{copy.pk}/edit/")
    checked(page_b)
    items = page_b.get_by_label("Punkte")
    expect(items).to_have_value("\n".join(ITEMS))
    items.fill("\n".join([ITEMS[0], "Bescheid und Mietvertrag liegen vor", ITEMS[2]]))
    page_b.locator("main form button[type=submit]").click()
    page_b.wait_for_url(f"**/app/coaching/network/practice/{copy.pk}/")
    expect(page_b.get_by_test_id("practice-source")).to_have_text("übernommen von Stadt Kassel")
    expect(page_b.get_by_test_id("practice-items")).to_contain_text("Bescheid und Mietvertrag liegen vor")
    checked(page_b)
    other.close()

    # --- A's original is unchanged
    original.refresh_from_db()
    assert original.items == ITEMS and original.municipality == kassel
    page.reload()
    expect(page.get_by_test_id("practice-items")).not_to_contain_text("Mietvertrag")
    expect(page.get_by_test_id("practice-items")).to_contain_text("Bescheid liegt vor")
