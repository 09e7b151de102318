"""Issue 14 §1 in Chromium: a case manager goes from /app/ to the case, does the life-domain
assessment on its one-page form, and on the proposals page refers the person to an eligible
service and accepts the draft goal (edited); the plan shows the goal. axe-core on every page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from candidates.models import AssessmentEntry, Goal
from coaching.models import Referral
from tests.browser.helpers import serious
from tests.fixtures.users import login_with_mfa

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _serious(p) -> list[dict]:
    return serious(p)


def test_a_case_manager_assesses_and_accepts_a_service_and_a_goal(
    live_server,
    page,
    home_page,
    coaching_world,
    language_school,
):
    person = coaching_world.candidate
    person.residence_status = "aufenthaltserlaubnis"
    person.save()

    def checked() -> None:
        violations = _serious(page)
        assert violations == [], (page.url, violations)

    client = login_with_mfa(Client(), coaching_world.case_manager)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}/app/")
    checked()
    page.locator('a[href="/app/candidates/"]').first.click()
    page.wait_for_url("**/app/candidates/")
    page.locator(f'a[href="/app/candidates/cases/{coaching_world.case.pk}/"]').first.click()
    page.wait_for_url(f"**/app/candidates/cases/{coaching_world.case.pk}/")
    checked()
    page.get_by_role("link", name="Einschätzung beginnen").click()
    page.wait_for_url(f"**/cases/{coaching_world.case.pk}/assessment/new/")
    checked()

    german = page.locator('fieldset[data-domain="german"]')
    german.get_by_label("dringend").check()
    german.locator("summary").click()
    german.get_by_label("in eigenen Worten").fill("Ich möchte schnell B1 schaffen.")
    page.locator('fieldset[data-domain="housing"]').get_by_label("Bedarf", exact=True).check()
    page.get_by_role("button", name="Einschätzung speichern").click()
    page.wait_for_url(f"**/coaching/cases/{coaching_world.case.pk}/assessment/proposals/")
    checked()
    assert AssessmentEntry.objects.get(domain="german").need == "urgent"

    section = page.locator('section[data-domain="german"]')
    section.get_by_role("button", name="verweisen").click()
    page.wait_for_load_state()
    assert Referral.objects.get().service == language_school
    section = page.locator('section[data-domain="german"]')
    section.get_by_label("Entwurf – übernehmen oder ändern").fill("Berufssprachkurs B2 beginnen")
    section.get_by_role("button", name="Ziel übernehmen").click()
    page.wait_for_load_state()
    checked()
    assert list(Goal.objects.filter(case=coaching_world.case).values_list("title", flat=True)) == [
        "Berufssprachkurs B2 beginnen"
    ]

    page.get_by_role("link", name="zum Fall").click()
    page.wait_for_url(f"**/app/candidates/cases/{coaching_world.case.pk}/")
    assert "Berufssprachkurs B2 beginnen" in page.content()
    page.get_by_role("link", name="Einschätzung und Verlauf").click()
    page.wait_for_url(f"**/cases/{coaching_world.case.pk}/assessment/")
    checked()
    assert "Ich möchte schnell B1 schaffen." in page.content()
