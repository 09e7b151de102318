"""Journey 7 in Chromium (issue 12): a visitor registers for an event on the public site, the
confirmation mail carries the event as an .ics file and a cancellation link; the link shows a
confirm page, and cancelling frees the seats. axe-core on every page passed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from cms.models import ChamberSectionPage, EventIndexPage, EventPage, EventRegistration
from organisations.models import OrganisationKind
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_registers_gets_the_ics_and_cancels_from_the_mail(
    live_server, page, home_page, axe, settings
):
    # Links in mails are absolute from the one configured base URL: here, the live server.
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    chamber = OrganisationFactory(kind=OrganisationKind.CHAMBER, name="IHK Browserstadt")
    section = home_page.add_child(
        instance=ChamberSectionPage(title="IHK Browserstadt", slug="ihk", organisation=chamber)
    )
    events = section.add_child(instance=EventIndexPage(title="Veranstaltungen", slug="veranstaltungen"))
    start = (timezone.now() + timedelta(days=10)).replace(second=0, microsecond=0)
    event = events.add_child(
        instance=EventPage(
            title="Speed-Dating Ausbildung",
            slug="speed-dating",
            start=start,
            place="IHK, Saal 1",
            capacity=30,
            organiser_email="veranstaltungen@ihk.example",
            intro="Betriebe und Bewerber*innen lernen sich in zehn Minuten kennen.",
        )
    )

    def checked() -> None:
        violations = axe()
        assert violations == [], (page.url, violations)

    # The visitor opens the event from the chamber's event list.
    page.goto(f"{live_server.url}/ihk/veranstaltungen/")
    checked()
    page.get_by_role("link", name="Speed-Dating Ausbildung").first.click()
    page.wait_for_url("**/ihk/veranstaltungen/speed-dating/")
    assert page.get_by_text("30 von 30").is_visible()
    checked()
    page.get_by_label("Name").fill("Sandra Weber")
    page.get_by_label("E-Mail-Adresse").fill("s.weber@logistik.example")
    page.get_by_label("Betrieb oder Organisation").fill("Nordhessen Logistik GmbH")
    page.get_by_label("Anzahl Personen").fill("2")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Verbindlich anmelden").click()
    expect(page.get_by_role("status").filter(has_text="Ihre Anmeldung ist eingegangen")).to_be_visible()
    assert page.get_by_text("28 von 30").is_visible()
    checked()
    assert EventRegistration.objects.filter(event=event).count() == 1

    # The confirmation mail: the event's start in the .ics, and a cancellation link.
    [message] = [m for m in mail.outbox if m.to == ["s.weber@logistik.example"]]
    [(filename, content, mimetype)] = message.attachments
    assert filename.endswith(".ics") and mimetype.startswith("text/calendar")
    [vevent] = Calendar.from_ical(content).walk("VEVENT")
    assert vevent.decoded("dtstart") == start
    assert str(vevent["summary"]) == "Speed-Dating Ausbildung"
    [link] = re.findall(rf"{re.escape(live_server.url)}/\S*abmelden/\S+", message.body)

    # Opening the link (as from the mail) shows what would be cancelled and changes nothing.
    page.goto(link)
    assert page.get_by_role("heading", level=1).inner_text() == "Von der Veranstaltung abmelden"
    assert "Sandra Weber" in page.locator("main").inner_text()
    checked()
    assert EventRegistration.objects.filter(event=event).count() == 1

    page.get_by_role("button", name="Ja, abmelden").click()
    expect(page.get_by_role("status").filter(has_text="Ihr Platz ist wieder frei")).to_be_visible()
    checked()
    assert not EventRegistration.objects.filter(event=event).exists()

    # The seats are free again on the event page, one click away.
    page.get_by_role("link", name="zur Veranstaltung").click()
    page.wait_for_url("**/ihk/veranstaltungen/speed-dating/")
    assert page.get_by_text("30 von 30").is_visible()
    checked()
