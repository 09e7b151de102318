"""Issue 20 in Chromium, on the real ESCO data: a case manager goes from /app/ to a case, follows
"Weg zum Zielberuf", picks the proposed occupation one step up, sees its missing skills grouped
with the local course that teaches one of them, and puts the course into the plan with one click;
a second click (from a tab opened before the first) adds nothing. The person then opens "Mein Weg
zum Beruf" in Arabic, right to left, and finds the course marked as in her plan. axe-core (no
serious or critical violation) on every page passed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from candidates import pathways
from candidates.models import Goal
from coaching import pathway_selectors
from tests.browser.helpers import serious, sign_in
from tests.factories import (
    CandidateOccupationFactory,
    CaseFactory,
    ServiceFactory,
    ServiceOrganisationFactory,
)
from tests.fixtures.users import new_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COURSE = "Lagerlogistik kompakt"
PROVIDER = "Bildungswerk Musterstadt"


@pytest.fixture
def story(esco, home_page):
    from matching.index import forget_indexes
    from matching.services import taxonomy_index_invalidate

    manager = new_member("case_manager", display_name="Clara Casemanager")
    organisation = manager.memberships.get().organisation
    person = new_member("candidate", preferred_language="ar")
    case = CaseFactory(
        responsible_organisation=organisation,
        candidate__municipality=organisation.municipality,
        candidate__first_name="Amal",
        candidate__last_name="Haddad",
        candidate__user=person,
        case_manager=manager,
    )
    # A warehouse worker (ISCO 9333, skill level 1) by her own account.
    CandidateOccupationFactory(
        candidate=case.candidate,
        occupation=esco.occupation("Lagerarbeiter/Lagerarbeiterin"),
        years_experience=3,
    )
    taxonomy_index_invalidate()
    forget_indexes()
    target = pathways.person_proposals(candidate=case.candidate)[0].occupation
    missing = pathway_selectors.pathway_view(case=case, target=target).groups[0].skills[0].skill
    provider = ServiceOrganisationFactory(municipality=organisation.municipality, name=PROVIDER)
    course = ServiceFactory(
        organisation=provider,
        municipality=organisation.municipality,
        name=COURSE,
        category="training",
        is_active=True,
    )
    course.skills.set([missing])
    yield type(
        "Story",
        (),
        {
            "manager": manager,
            "person": person,
            "case": case,
            "target": target,
            "missing": missing,
            "course": course,
        },
    )
    taxonomy_index_invalidate()
    forget_indexes()


def test_a_case_manager_turns_a_pathway_into_a_goal_and_the_person_reads_it_in_arabic(
    live_server, page, browser, story
):
    case, course = story.case, story.course

    def checked(p=page) -> None:
        violations = serious(p)
        assert violations == [], (p.url, violations)

    sign_in(page.context, live_server, story.manager)
    page.goto(f"{live_server.url}/app/")
    checked()
    page.get_by_role("link", name="Meine Fälle").first.click()
    page.wait_for_url("**/app/candidates/")
    checked()
    page.locator("main").get_by_role("link", name="Haddad, Amal").click()
    page.wait_for_url(f"**/app/candidates/{case.candidate_id}/")
    checked()
    page.locator(f'main a[href$="/cases/{case.pk}/"]').first.click()
    page.wait_for_url(f"**/app/candidates/cases/{case.pk}/")
    checked()
    page.get_by_test_id("pathway-link").click()
    page.wait_for_url(f"**/app/coaching/cases/{case.pk}/pathway/")
    checked()
    page.get_by_test_id("pathway-proposals").get_by_role(
        "link", name=story.target.label_de, exact=True
    ).click()
    expect(page).to_have_url(re.compile(rf"/app/coaching/cases/{case.pk}/pathway/\?target="))
    expect(page.get_by_test_id("pathway")).to_be_visible()
    checked()

    # The missing skills, grouped; the one the course teaches names the course.
    pathway = page.get_by_test_id("pathway")
    taught = pathway.locator(f'li[data-missing="{story.missing.uri}"]')
    expect(taught).to_contain_text(story.missing.label_de)
    expect(taught.get_by_role("link", name=COURSE)).to_be_visible()
    expect(pathway.locator("[data-group]").first).to_be_visible()
    offer = page.get_by_test_id("pathway-offers").locator(f'li[data-service="{course.pk}"]')
    expect(offer).to_contain_text(PROVIDER)

    # A second tab, opened before the click, still shows the button: its click must add nothing.
    stale = page.context.new_page()
    stale.goto(page.url)
    offer.get_by_role("button", name="als Ziel übernehmen").click()  # the one click
    expect(page.locator("body")).to_contain_text("Ziel in den Integrationsplan übernommen.")
    expect(
        page.get_by_test_id("pathway-offers").locator(f'li[data-service="{course.pk}"] [data-in-plan]')
    ).to_be_visible()
    checked()
    stale.get_by_test_id("pathway-offers").locator(f'li[data-service="{course.pk}"]').get_by_role(
        "button", name="als Ziel übernehmen"
    ).click()
    expect(stale.locator("body")).to_contain_text("Dieses Ziel steht schon im Integrationsplan.")
    stale.close()
    assert Goal.objects.filter(case=case).count() == 1

    # The goal is on the case's plan.
    page.locator("main").get_by_role("link", name="zum Fall").click()
    page.wait_for_url(f"**/app/candidates/cases/{case.pk}/")
    checked()
    goal = page.locator("main .lotse-goal", has_text=COURSE)
    expect(goal).to_have_count(1)
    expect(goal).to_contain_text(story.target.label_de)

    # The person, in Arabic, from her start page.
    other = browser.new_context()
    try:
        sign_in(other, live_server, story.person)
        mine = other.new_page()
        mine.goto(f"{live_server.url}/ar/app/")
        checked(mine)
        mine.get_by_role("link", name="طريقي إلى المهنة").first.click()  # "Mein Weg zum Beruf"
        mine.wait_for_url("**/ar/app/coaching/me/pathway/")
        assert mine.locator("html").get_attribute("dir") == "rtl"
        checked(mine)
        section = mine.get_by_test_id("my-pathway")
        # Her first proposal is the occupation the case manager chose (its label as ESCO has it).
        expect(section.locator("h2")).to_have_text(re.compile(r"\S"))
        assert (
            mine.get_by_test_id("my-pathway-proposals").locator("a").first.get_attribute("aria-current")
            == "page"
        )
        mine_offer = mine.get_by_test_id("my-pathway-offers").locator(f'li[data-service="{course.pk}"]')
        expect(mine_offer).to_contain_text(COURSE)
        expect(mine_offer.locator("[data-in-plan]")).to_be_visible()
    finally:
        other.close()
