"""Issue 22 in Chromium: a Farsi-speaking person opens her plan from /app/ (right to left, the staff's
German words marked as German), ticks off her own step and answers a task with a message; her case
manager finds the change through the inbox badge on /app/ and reads it on the case page, with who
did it. axe-core on every page passed."""

from __future__ import annotations

import datetime

import pytest

from candidates.models import Step, StepEvent
from tests.browser.helpers import serious, sign_in
from tests.clock import live_today
from tests.factories import CaseFactory, GoalFactory, StepFactory
from tests.fixtures.users import new_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWER = "برای کلاس ۳ مارس ثبت نام کردم"  # "I registered for the class on 3 March"


def test_a_farsi_speaking_person_works_on_her_plan_and_the_case_manager_sees_it(
    live_server, page, browser, home_page
):
    manager = new_member("case_manager", display_name="Clara Casemanager")
    person = new_member("candidate", preferred_language="fa")
    case = CaseFactory(
        responsible_organisation=manager.memberships.get().organisation,
        candidate__municipality=manager.memberships.get().organisation.municipality,
        candidate__user=person,
        case_manager=manager,
    )
    goal = GoalFactory(case=case, title="Deutsch auf Niveau B1")
    own = StepFactory(goal=goal, title="Vokabeln lernen", assignee="candidate", due_date=None)
    task = StepFactory(
        goal=goal,
        title="Zum B1-Kurs anmelden",
        assignee="candidate",
        due_date=live_today() + datetime.timedelta(days=5),
    )
    StepFactory(goal=goal, title="Kursplatz anfragen", assignee="staff")

    def checked(p=page) -> None:
        violations = serious(p)
        assert violations == [], (p.url, violations)

    # She starts at /fa/app/ and follows "برنامهٔ من" (My plan).
    sign_in(page.context, live_server, person)
    page.goto(f"{live_server.url}/fa/app/")
    checked()
    page.get_by_role("link", name="برنامهٔ من").first.click()
    page.wait_for_url("**/fa/app/candidates/me/plan/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    checked()
    # The goal as staff wrote it, marked German and (its own direction) left to right inside the Farsi page.
    heading = page.locator('h3 span[lang="de"]', has_text="Deutsch auf Niveau B1")
    assert heading.get_attribute("dir") == "auto"
    assert heading.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert "وظایف من" in page.locator("main").inner_text()  # "My tasks", translated

    # She ticks off her own step ("انجام شد" = done); the staff's step has no button.
    page.locator(f'li[data-step="{own.pk}"]').get_by_role("button").click()
    page.wait_for_url("**/fa/app/candidates/me/plan/")
    checked()
    assert page.locator(f'li[data-step="{own.pk}"] form').count() == 0
    assert page.locator('li:has-text("Kursplatz anfragen") form').count() == 0

    # She answers the task from her task list with a message.
    page.get_by_test_id("my-tasks").get_by_role("link").first.click()
    page.wait_for_url(f"**/fa/app/candidates/me/plan/steps/{task.pk}/#answer")
    checked()
    page.get_by_label("با یک پیام پاسخ می‌دهم").check()
    page.get_by_label("پیام شما (اختیاری)").fill(ANSWER)
    page.locator('form:has(input[name="form"][value="answer"]) button[type="submit"]').click()
    page.wait_for_url("**/fa/app/candidates/me/plan/#tasks")
    checked()

    own.refresh_from_db()
    task.refresh_from_db()
    assert own.status == "done"
    assert task.answer == "answered" and task.answer_text == ANSWER and task.answer_lang == "fa"
    assert StepEvent.objects.filter(by_candidate=True).count() == 2

    # The case manager: /app/ → the inbox badge → the notice → the case page.
    other = browser.new_context()
    try:
        sign_in(other, live_server, manager)
        second = other.new_page()
        second.goto(f"{live_server.url}/app/")
        checked(second)
        badge = second.get_by_test_id("inbox-link")
        assert badge.get_by_test_id("unread-count").inner_text().startswith("2")
        badge.click()
        second.wait_for_url("**/app/notifications/")
        checked(second)
        item = second.get_by_test_id("notifications").locator("li", has_text="Aufgabe beantwortet")
        item.get_by_role("button", name="öffnen").click()
        second.wait_for_url(f"**/app/candidates/cases/{case.pk}/")
        checked(second)
        body = second.locator("main")
        answer = body.locator(f'li[data-step="{task.pk}"] .lotse-step-answer')
        assert "Antwort der Person" in answer.inner_text() and ANSWER in answer.inner_text()
        # Her Farsi answer, marked Farsi, runs right to left by its own letters inside the German page.
        farsi = answer.locator('span[lang="fa"]')
        assert farsi.get_attribute("dir") == "auto"
        assert farsi.evaluate("e => getComputedStyle(e).direction") == "rtl"
        history = body.locator(f'li[data-step="{own.pk}"] details')
        history.locator("summary").click()
        assert "die Person: als erledigt markiert" in history.inner_text()
        checked(second)
    finally:
        other.close()
    assert Step.objects.get(pk=task.pk).status == "open"  # a message does not close the task
