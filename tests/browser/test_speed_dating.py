"""Issue 15 in Chromium, by clicking from each person's start page (one page.goto per person, to
/app/): the coordinator sets up a speed dating, adds a business with its placement and lets the
matcher propose people; the case manager finds the proposal in the inbox and invites the person;
the coordinator plans the rounds and records a mutual interest; the case manager turns it into an
introduction with one click. axe-core (no serious or critical violation) on every page passed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from employers.models import Introduction, SpeedDatingCandidate, SpeedDatingMeeting
from tests.browser.helpers import inbox_item, signed_in_page
from tests.factories import OccupationFactory, make_candidate, make_placement, make_profile, open_case
from tests.fixtures.users import new_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUSINESS = "Gasthaus Zur Linde"
TITLE = "Koch*Köchin (m/w/d)"


@pytest.fixture
def story(home_page):
    from matching.index import forget_indexes
    from matching.services import taxonomy_index_invalidate

    employer = new_member("employer")
    organisation = employer.memberships.get().organisation
    organisation.name = BUSINESS
    organisation.save(update_fields=["name"])
    occupation = OccupationFactory(
        uri="http://esco.test/occupation/cook", label_de="Koch/Köchin", label_en="cook", isco_code=""
    )
    placement = make_placement(make_profile(organisation), occupation, title=TITLE)
    municipality = organisation.municipality
    coordinator = new_member("coordinator", municipality=municipality)
    case_manager = new_member("case_manager", municipality=municipality)
    candidate = make_candidate(municipality, occupation=occupation)
    open_case(candidate, case_manager)
    taxonomy_index_invalidate()
    forget_indexes()
    return type(
        "Story",
        (),
        {
            "coordinator": coordinator,
            "case_manager": case_manager,
            "candidate": candidate,
            "placement": placement,
        },
    )


def test_a_coordinator_builds_a_speed_dating_from_matches_and_an_outcome_becomes_an_introduction(
    live_server, browser, story, axe_on
):
    page = signed_in_page(browser, live_server, story.coordinator)
    page.get_by_role("link", name="Speed-Datings").first.click()
    page.wait_for_url("**/app/employers/speed-dating/")
    assert axe_on(page) == []
    page.get_by_role("link", name="Neues Speed-Dating").click()
    page.get_by_label("Titel").fill("Azubi-Speed-Dating Gastro")
    starts = (timezone.localtime() + timedelta(days=20)).strftime("%Y-%m-%dT14:00")
    page.get_by_label("Beginn").fill(starts)
    page.get_by_label("Ort").fill("Rathaus, Saal 2")
    page.get_by_label("Runden", exact=True).fill("3")
    assert axe_on(page) == []
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url(re.compile(r".*/app/employers/speed-dating/\d+/$"))
    assert axe_on(page) == []
    page.get_by_label("Stelle", exact=True).select_option(label=f"{BUSINESS}: {TITLE}")
    page.get_by_role("button", name="Betrieb mit Stelle hinzufügen").click()
    page.wait_for_load_state()
    assert BUSINESS in page.get_by_test_id("business").inner_text()
    page.get_by_role("button", name="Personen vorschlagen lassen").click()
    page.wait_for_load_state()
    row = page.get_by_test_id("participant").first
    # The coordinator is not responsible for the person: a reference, no name, no invitation button.
    assert (
        story.candidate.public_ref in row.inner_text() and story.candidate.last_name not in row.inner_text()
    )
    assert axe_on(page) == []
    page.context.close()

    page = signed_in_page(browser, live_server, story.case_manager)
    inbox_item(page, axe_on, "ist für ein Speed-Dating vorgeschlagen")
    page.wait_for_url(re.compile(r".*/app/employers/speed-dating/\d+/.*"))
    row = page.get_by_test_id("participant").first
    assert story.candidate.last_name in row.inner_text()
    row.get_by_role("button", name="einladen", exact=True).click()
    page.wait_for_load_state()
    assert "eingeladen" in page.get_by_test_id("participant").first.inner_text()
    assert axe_on(page) == []
    page.context.close()
    assert SpeedDatingCandidate.objects.get().status == SpeedDatingCandidate.Status.INVITED

    page = signed_in_page(browser, live_server, story.coordinator)
    page.get_by_role("link", name="Speed-Datings").first.click()
    page.get_by_role("link", name="Azubi-Speed-Dating Gastro").click()
    page.get_by_role("button", name="Runden planen").click()
    page.wait_for_load_state()
    meeting = page.get_by_test_id("meeting").first
    assert BUSINESS in meeting.inner_text()
    meeting.get_by_label("Interesse der Person").select_option("yes")
    meeting.get_by_label("Interesse des Betriebs").select_option("yes")
    meeting.get_by_role("button", name="Ergebnis speichern").click()
    page.wait_for_load_state()
    assert (
        "die zuständige Case Manager*in legt die Vorstellung an"
        in page.get_by_test_id("meeting").first.inner_text()
    )
    assert axe_on(page) == []
    page.context.close()

    page = signed_in_page(browser, live_server, story.case_manager)
    page.get_by_role("link", name="Speed-Datings").first.click()
    page.get_by_role("link", name="Azubi-Speed-Dating Gastro").click()
    page.get_by_test_id("meeting").first.get_by_role("button", name="Vorstellung anlegen").click()
    page.wait_for_load_state()
    assert "Vorstellung angelegt" in page.get_by_test_id("meeting").first.inner_text()
    assert axe_on(page) == []
    page.context.close()
    intro = Introduction.objects.get()
    assert intro.source == Introduction.Source.EVENT
    assert SpeedDatingMeeting.objects.get().introduction == intro
