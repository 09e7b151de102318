"""The next step while employed (issue 20) in Chromium: a job coach goes from /app/ to a person in a
helper job by clicking, sees on the follow-along page the occupations one step up that fit (best
first), opens one, and turns the local course that teaches a missing skill into a goal of the plan.
axe-core (no serious or critical violation) on every page on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from candidates.models import Goal
from employers.models import Employment
from tests.browser.helpers import serious, sign_in
from tests.coaching.helpers import quality as _quality
from tests.coaching.helpers import service as _service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COURSE = "Gefahrgutschulung"


def test_a_job_coach_turns_a_proposed_next_step_into_a_goal(
    live_server,
    page,
    home_page,
    coaching_world,
    warehouse,
    person,
):
    Employment.objects.filter(pk=coaching_world.employment.pk).update(job_coach=coaching_world.coach)
    _quality(coaching_world.employment, job_level=1)  # a helper job (ISCO skill level 1)
    course = _service(coaching_world.municipality, COURSE, [warehouse.sk["danger"]])

    def checked() -> None:
        violations = serious(page)
        assert violations == [], (page.url, violations)

    sign_in(page.context, live_server, coaching_world.coach)
    page.goto(f"{live_server.url}/app/")
    checked()
    page.get_by_role("link", name="Begleitung nach der Vermittlung").first.click()
    page.locator("main").get_by_role("link", name=coaching_world.candidate.full_name).first.click()
    page.wait_for_url(f"**/app/coaching/employments/{coaching_world.employment.pk}/")
    checked()

    # The panel: occupations one level up, the one sharing most essential skills first.
    panel = page.get_by_test_id("next-step")
    expect(panel.get_by_role("heading", name="Nächster Schritt im Beruf")).to_be_visible()
    proposals = page.get_by_test_id("next-step-proposals").get_by_role("link")
    expect(proposals.first).to_have_text("Fachkraft für Lagerlogistik")
    expect(panel).to_contain_text("Bürokraft")
    expect(panel).to_contain_text("Kontakte nach 6 und 12 Monaten")

    proposals.first.click()
    expect(page).to_have_url(re.compile(rf"/app/coaching/cases/{coaching_world.case.pk}/pathway/\?target="))
    pathway = page.get_by_test_id("pathway")
    expect(pathway).to_be_visible()
    checked()
    # What is missing for the specialist, and the course nearby that teaches one of it.
    expect(pathway).to_contain_text("Gefahrgutvorschriften")
    offer = page.get_by_test_id("pathway-offers").locator(f'li[data-service="{course.pk}"]')
    expect(offer).to_contain_text(COURSE)
    offer.get_by_role("button", name="als Ziel übernehmen").click()
    expect(page.locator("body")).to_contain_text("Ziel in den Integrationsplan übernommen.")
    expect(
        page.get_by_test_id("pathway-offers").locator(f'li[data-service="{course.pk}"] [data-in-plan]')
    ).to_be_visible()
    checked()
    goal = Goal.objects.get(case=coaching_world.case)
    assert COURSE in goal.title or COURSE in " ".join(goal.steps.values_list("title", flat=True))
