"""The case page's plan in Chromium: a case manager with two goals adds a step to the second one,
sends it without its title first, and gets the error beside the field with what she typed; every
label on the page leads to its own field. axe-core on the page."""

from __future__ import annotations

import pytest

from tests.browser.helpers import case_of_amal, serious, to_the_case_from_app

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_step_sent_without_its_title_comes_back_under_its_goal(live_server, page, home_page):
    case, (_first, second) = case_of_amal("Deutschkurs B1", "Führerschein")
    to_the_case_from_app(page, live_server, case)

    goal = page.locator("section.lotse-goal").filter(has_text="Führerschein")
    # a label leads to the field of its own goal, not to the first goal's (or the new goal's) title
    goal.locator("label", has_text="verantwortlich").click()
    assert page.evaluate("document.activeElement.id") == f"id_step{second.pk}_responsible"
    goal.get_by_label("verantwortlich").fill("Fahrschule Yilmaz")
    goal.get_by_role("button", name="Schritt hinzufügen").click()
    page.wait_for_load_state()

    goal = page.locator("section.lotse-goal").filter(has_text="Führerschein")
    assert goal.get_by_label("verantwortlich").input_value() == "Fahrschule Yilmaz"
    assert goal.get_by_role("alert").count() >= 1  # the title's error, beside it
    other = page.locator("section.lotse-goal").filter(has_text="Deutschkurs B1")
    assert other.get_by_label("verantwortlich").input_value() == ""
    assert serious(page) == []

    goal.get_by_label("Schritt", exact=True).fill("Theorieprüfung anmelden")
    goal.get_by_role("button", name="Schritt hinzufügen").click()
    page.wait_for_url(f"**/app/candidates/cases/{case.pk}/")
    assert second.steps.get().title == "Theorieprüfung anmelden"
    assert second.steps.get().responsible == "Fahrschule Yilmaz"
