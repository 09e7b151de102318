"""Journeys 3 and 4 of issue 12 in Chromium, by clicking from each person's start page (one
page.goto per person, to /app/): the case manager proposes a person from "Passende Stellen" after
recording their agreement, the employer finds the proposal through the inbox badge, reads its
explanation and accepts it; the candidate's "interessiert mich" reaches the case manager's inbox,
who proposes from there. axe-core (no serious or critical violation) on every page passed."""

from __future__ import annotations

import re

import pytest

from employers.models import Introduction, JobInterest
from tests.browser.helpers import inbox_item, propose_from_jobs_page, signed_in_page
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
    placement = make_placement(
        make_profile(organisation),
        occupation,
        title=TITLE,
        description="Mittagsküche, Montag bis Freitag, ein kleines Team.",
    )
    case_manager = new_member("case_manager", municipality=organisation.municipality)
    person = new_member("candidate")
    candidate = make_candidate(organisation.municipality, occupation=occupation, user=person, listed=False)
    open_case(candidate, case_manager)
    taxonomy_index_invalidate()
    forget_indexes()
    return type(
        "Story",
        (),
        {
            "employer": employer,
            "case_manager": case_manager,
            "person": person,
            "candidate": candidate,
            "placement": placement,
        },
    )


def _employer_accepts(browser, live_server, axe, story) -> None:
    page = signed_in_page(browser, live_server, story.employer)
    assert axe(page) == []
    inbox_item(page, axe, "Das Case Management schlägt Ihnen eine Person für eine Stelle vor")
    page.wait_for_url(re.compile(r".*/app/employers/introductions/[0-9A-Z-]+/$"))
    proposal = page.get_by_test_id("proposal").inner_text()
    assert "Passung:" in proposal and "Arbeitserlaubnis:" in proposal
    main = page.locator("main").inner_text()
    assert story.candidate.last_name not in main and story.candidate.first_name not in main
    assert axe(page) == []
    page.get_by_role("button", name="Vorschlag annehmen").click()
    page.wait_for_load_state()
    assert axe(page) == []
    page.get_by_role("button", name="Kontaktdaten anzeigen").click()
    page.wait_for_load_state()
    assert story.candidate.last_name in page.get_by_test_id("contact").inner_text()
    assert axe(page) == []
    page.context.close()


def test_journey_3_the_case_manager_proposes_and_the_employer_accepts(live_server, browser, story, axe_on):
    page = signed_in_page(browser, live_server, story.case_manager)
    assert axe_on(page) == []
    page.get_by_role("link", name="Meine Fälle").first.click()
    page.wait_for_url("**/app/candidates/")
    assert axe_on(page) == []
    page.locator("tr", has_text=story.candidate.last_name).locator("a[href*='/cases/']").click()
    page.wait_for_url(re.compile(r".*/app/candidates/cases/\d+/$"))
    assert axe_on(page) == []
    page.get_by_role("link", name="Passende Stellen").click()
    page.wait_for_url(f"**/app/employers/candidates/{story.candidate.pk}/jobs/")
    assert axe_on(page) == []
    propose_from_jobs_page(page, axe_on, story)
    page.context.close()
    intro = Introduction.objects.get()
    assert (intro.stage, intro.source) == (Introduction.Stage.SUGGESTED, Introduction.Source.STAFF_PROPOSAL)

    _employer_accepts(browser, live_server, axe_on, story)
    intro.refresh_from_db()
    assert intro.stage == Introduction.Stage.CONTACT_REVEALED


def test_journey_4_the_candidate_is_interested_and_the_case_manager_proposes(
    live_server, browser, story, axe_on
):
    page = signed_in_page(browser, live_server, story.person)
    assert axe_on(page) == []
    page.get_by_role("link", name="Stellen für mich").first.click()
    page.wait_for_url("**/app/employers/jobs/")
    assert axe_on(page) == []
    page.locator("[data-testid=job]", has_text=TITLE).get_by_role("button", name="Interessiert mich").click()
    page.wait_for_url(re.compile(r".*/app/employers/jobs/(\?seite=\d+)?#job-\d+$"))
    assert "Interesse gemeldet" in page.locator("[data-testid=job]", has_text=TITLE).inner_text()
    assert axe_on(page) == []
    page.context.close()
    assert JobInterest.objects.filter(candidate=story.candidate).exists()

    page = signed_in_page(browser, live_server, story.case_manager)
    assert axe_on(page) == []
    inbox_item(page, axe_on, "Eine Person aus Ihrer Fallverantwortung interessiert sich für eine Stelle")
    page.wait_for_url(f"**/app/employers/candidates/{story.candidate.pk}/jobs/")
    assert "Die Person hat Interesse an dieser Stelle gemeldet." in page.locator("main").inner_text()
    assert axe_on(page) == []
    propose_from_jobs_page(page, axe_on, story)
    page.context.close()
    intro = Introduction.objects.get()
    assert intro.source == Introduction.Source.CANDIDATE_INTEREST

    _employer_accepts(browser, live_server, axe_on, story)
