"""Issue 15 §1 in Chromium, by clicking from /app/: a job coach opens the businesses, sees who last
spoke to a business before calling it, logs the call and sets a reminder; on the day the reminder
is in the inbox and leads back to the record. axe-core (no serious or critical violation) on
every page passed."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from accounts.roles import Role
from employers.models import BusinessContactLog, BusinessRelation
from employers.services import business_contact_reminders_send
from organisations.models import OrganisationKind
from tests.browser.helpers import inbox_item, signed_in_page
from tests.clock import live_today
from tests.factories import (
    BusinessContactFactory,
    BusinessContactLogFactory,
    BusinessRelationFactory,
    EmployerProfileFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.fixtures.users import new_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUSINESS = "Spedition Kaya"


@pytest.fixture
def story(home_page):
    coach = new_member(Role.JOB_COACH)
    office = coach.memberships.get().organisation
    colleague = new_member(
        Role.EMPLOYER_SERVICE, municipality=office.municipality, display_name="Aylin Service"
    )
    business = OrganisationFactory(
        municipality=office.municipality, kind=OrganisationKind.EMPLOYER, name=BUSINESS
    )
    EmployerProfileFactory(organisation=business, sector="logistik", contact_name="")
    BusinessRelationFactory(organisation=business, partner_level="active")
    contact = BusinessContactFactory(organisation=business, name="Deniz Kaya", phone="0231 4711")
    BusinessContactLogFactory(
        organisation=business, kind="visit", happened_on=date(2026, 10, 2), by=colleague, contact=contact
    )
    UserFactory()  # somebody else in the system, never shown
    return type("Story", (), {"coach": coach, "business": business})


def test_a_coach_sees_the_last_contact_logs_a_call_and_is_reminded(live_server, browser, story, axe_on):  # noqa: F811
    page = signed_in_page(browser, live_server, story.coach)
    assert axe_on(page) == []
    page.get_by_role("link", name="Betriebe", exact=True).first.click()
    page.wait_for_url("**/app/employers/businesses/")
    assert axe_on(page) == []
    row = page.locator("[data-testid=business-row]", has_text=BUSINESS)
    assert "Aylin Service" in row.inner_text() and "Besuch" in row.inner_text()
    row.get_by_role("link", name=BUSINESS).click()
    page.wait_for_url(re.compile(rf".*/app/employers/businesses/{story.business.pk}/$"))
    assert axe_on(page) == []
    assert "Aylin Service" in page.get_by_test_id("last-contact").inner_text()

    today = live_today()  # Chromium against the live server: the clock runs (tests/clock.py)
    due = today + timedelta(days=7)
    form = page.locator("form[action$='/log/']")
    form.get_by_label("Art des Kontakts").select_option("call")
    form.get_by_label(re.compile(r"^mit\b")).select_option(label="Deniz Kaya")
    form.get_by_label("Notiz").fill("Sucht zwei Fahrer*innen ab Januar, Führerschein C.")
    form.get_by_label("Erinnerung: nächster Kontakt am").fill(due.isoformat())
    form.get_by_label("Anlass des nächsten Kontakts").fill("Stellen aufnehmen")
    form.get_by_role("button", name="Kontakt speichern").click()
    page.wait_for_url(re.compile(rf".*/app/employers/businesses/{story.business.pk}/$"))
    assert axe_on(page) == []
    assert "Der Kontakt ist eingetragen." in page.content()
    first = page.get_by_test_id("log-entry").first.inner_text()
    assert "Anruf" in first and "Deniz Kaya" in first
    assert "Stellen aufnehmen" in page.get_by_test_id("next-contact").inner_text()
    entry = BusinessContactLog.objects.get(kind="call")
    assert entry.by == story.coach and entry.happened_on == today
    relation = BusinessRelation.objects.get(organisation=story.business)
    assert relation.owner == story.coach and relation.next_contact_on == due

    # On the day: the beat task reminds the coach once; the inbox leads back to the record.
    assert business_contact_reminders_send(today=due) == 1
    assert business_contact_reminders_send(today=due) == 0
    page.reload()
    inbox_item(page, axe_on, "Ein Kontakt mit einem Betrieb, für den Sie zuständig sind, ist fällig")
    page.wait_for_url(re.compile(rf".*/app/employers/businesses/{story.business.pk}/$"))
    assert axe_on(page) == []
