"""Issue 14 §2 in Chromium, by clicking: a job coach (who is also the person's case manager, as is
often the case) records a placement found with a business, the business confirms it through the
link in its e-mail without logging in, the coach finds the confirmation in the inbox and proposes a
person from "Passende Stellen". axe-core (no serious or critical violation) on every page passed."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from accounts.roles import Role
from employers.models import Introduction, Placement, PlacementStatus
from organisations.models import MembershipInvitation, OrganisationKind
from tests.browser.helpers import inbox_item, propose_from_jobs_page, signed_in_page
from tests.factories import (
    MembershipFactory,
    OccupationFactory,
    OrganisationFactory,
    make_candidate,
    make_profile,
    open_case,
)
from tests.fixtures.users import new_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUSINESS = "Gasthaus Zur Linde"
TITLE = "Koch*Köchin (m/w/d)"
CONTACT = "wirtin@zurlinde.example"


@pytest.fixture
def story(home_page):
    from matching.index import forget_indexes
    from matching.services import taxonomy_index_invalidate
    from taxonomy.selectors import clear_search_index

    coach = new_member("case_manager")
    office = coach.memberships.get().organisation
    MembershipFactory(user=coach, organisation=office, role=Role.JOB_COACH)
    # The business is known already (verified, nobody has a login): the coach's entry finds it.
    business = OrganisationFactory(
        municipality=office.municipality, kind=OrganisationKind.EMPLOYER, name=BUSINESS
    )
    make_profile(business)
    occupation = OccupationFactory(
        uri="http://esco.test/occupation/cook", label_de="Koch/Köchin", label_en="cook", isco_code=""
    )
    candidate = make_candidate(office.municipality, occupation=occupation, listed=False)
    open_case(candidate, coach)
    clear_search_index()
    taxonomy_index_invalidate()
    forget_indexes()
    return type("Story", (), {"coach": coach, "business": business, "candidate": candidate})


def test_a_job_coach_finds_a_placement_the_business_confirms_by_link_and_proposes_a_person(
    live_server, browser, story, axe_on
):
    # The coach: /app/ → "Gefundene Stellen" → the form.
    page = signed_in_page(browser, live_server, story.coach)
    assert axe_on(page) == []
    page.get_by_role("link", name="Gefundene Stellen").first.click()
    page.wait_for_url("**/app/employers/found/")
    assert axe_on(page) == []
    page.get_by_role("link", name="Stelle für einen Betrieb anlegen").click()
    page.wait_for_url("**/app/employers/found/new/")
    assert axe_on(page) == []
    page.locator("input[name=b-name]").fill(BUSINESS.upper())
    page.locator("input[name=b-postcode]").fill("44135")
    page.locator("select[name=b-sector]").select_option("gastronomie")
    page.locator("input[name=b-contact_name]").fill("Frau Linde")
    page.locator("input[name=b-contact_email]").fill(CONTACT)
    page.locator("input[name=title]").fill(TITLE)
    page.locator("#occupation-search").press_sequentially("Koch", delay=50)
    page.locator("#occupation-search-listbox [role=option][data-uri]").first.click()
    page.locator("textarea[name=description]").fill("Mittagsküche, Montag bis Freitag, ein kleines Team.")
    page.locator("input[name=postcode]").fill("44135")
    page.get_by_role("button", name="Anlegen und Betrieb um Bestätigung bitten").click()
    page.wait_for_url("**/app/employers/found/")
    assert f"wartet auf Bestätigung durch {CONTACT}" in page.get_by_test_id("acquisitions").inner_text()
    assert axe_on(page) == []
    page.context.close()
    placement = Placement.objects.get(title=TITLE)
    assert placement.employer.organisation == story.business  # one business record
    assert placement.status == PlacementStatus.DRAFT

    # The business: the link from its e-mail, no login; it reads the placement and confirms it.
    [message] = [m for m in mail.outbox if m.to == [CONTACT]]
    link = re.search(r"https?://\S+/confirm/\S+", message.body).group(0)
    business = browser.new_context()
    confirm = business.new_page()
    confirm.goto(live_server.url + "/" + link.split("://", 1)[1].split("/", 1)[1])
    assert "Mittagsküche" in confirm.locator("main").inner_text()
    assert axe_on(confirm) == []
    confirm.get_by_role("button", name="Stelle bestätigen und veröffentlichen").click()
    confirm.wait_for_load_state()
    assert "Die Stelle ist bestätigt und veröffentlicht." in confirm.get_by_test_id("confirmed").inner_text()
    assert axe_on(confirm) == []
    business.close()
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.OPEN
    # Nobody at the business has a login yet: its contact is invited to take the record over.
    assert MembershipInvitation.objects.get(organisation=story.business).email == CONTACT

    # The coach: the inbox badge → the notice → the list; then the person's "Passende Stellen".
    page = signed_in_page(browser, live_server, story.coach)
    inbox_item(page, axe_on, "Ein Betrieb hat die Stelle bestätigt, die Sie angelegt haben")
    page.wait_for_url("**/app/employers/found/")
    assert "vom Betrieb bestätigt am" in page.get_by_test_id("acquisitions").inner_text()
    assert axe_on(page) == []
    page.context.close()
    page = signed_in_page(browser, live_server, story.coach)
    page.get_by_role("link", name="Meine Fälle").first.click()
    page.wait_for_url("**/app/candidates/")
    page.locator("tr", has_text=story.candidate.last_name).locator("a[href*='/cases/']").click()
    page.wait_for_url(re.compile(r".*/app/candidates/cases/\d+/$"))
    page.get_by_role("link", name="Passende Stellen").click()
    page.wait_for_url(f"**/app/employers/candidates/{story.candidate.pk}/jobs/")
    assert axe_on(page) == []
    propose_from_jobs_page(page, axe_on, story)
    page.context.close()
    intro = Introduction.objects.get()
    assert (intro.stage, intro.source, intro.placement) == (
        Introduction.Stage.SUGGESTED,
        Introduction.Source.STAFF_PROPOSAL,
        placement,
    )
