"""Issue 22 in Chromium: the case manager writes; a Farsi-speaking person finds the message from
/app/ (right to left), answers it; the case manager finds the answer by clicking from /app/ through
the inbox badge, marked as Farsi. axe-core on every page passed."""

from __future__ import annotations

import pytest

from coaching import message_selectors, message_services
from coaching.models import Message
from tests.browser.helpers import serious, sign_in
from tests.factories import CaseFactory
from tests.fixtures.users import new_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "Bitte bringen Sie Ihr B1-Zertifikat mit."
ANSWER = "سلام، گواهی را می‌آورم"  # "Hello, I will bring the certificate"


def test_a_farsi_speaking_person_answers_and_the_case_manager_finds_it(live_server, page, browser, home_page):
    manager = new_member("case_manager", display_name="Clara Casemanager")
    person = new_member("candidate", preferred_language="fa")
    organisation = manager.memberships.get().organisation
    case = CaseFactory(
        responsible_organisation=organisation,
        candidate__municipality=organisation.municipality,
        candidate__user=person,
        case_manager=manager,
    )
    message_services.message_send(
        conversation=message_selectors.case_conversation(user=manager, case_pk=case.pk),
        author=manager,
        body=QUESTION,
        attachment=None,
    )

    def checked(p=page) -> None:
        violations = serious(p)
        assert violations == [], (p.url, violations)

    # She starts at /fa/app/ and follows "پیام‌ها" (Messages), then her adviser's conversation.
    sign_in(page.context, live_server, person)
    page.goto(f"{live_server.url}/fa/app/")
    checked()
    page.get_by_role("link", name="پیام‌ها").first.click()
    page.wait_for_url("**/fa/app/coaching/messages/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    checked()
    page.locator("main").get_by_role("link", name="مشاور شما").first.click()
    page.wait_for_url(f"**/fa/app/coaching/messages/case/{case.pk}/")
    checked()
    question = page.locator('span[lang="de"]', has_text=QUESTION)
    assert question.get_attribute("dir") == "ltr"
    page.get_by_label("پیام شما").fill(ANSWER)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/fa/app/coaching/messages/case/{case.pk}/")
    checked()
    assert ANSWER in page.locator("main").inner_text()
    answer = Message.objects.get(from_candidate=True)
    assert answer.body == ANSWER and answer.body_lang == "fa" and answer.author_id == person.pk

    # The case manager: /app/ → the inbox badge → the notice → the conversation.
    other = browser.new_context()
    try:
        sign_in(other, live_server, manager)
        second = other.new_page()
        second.goto(f"{live_server.url}/app/")
        checked(second)
        badge = second.get_by_test_id("inbox-link")
        assert badge.get_by_test_id("unread-count").inner_text().startswith("1")
        badge.click()
        second.wait_for_url("**/app/notifications/")
        checked(second)
        item = second.get_by_test_id("notifications").locator("li", has_text="neue Nachricht")
        item.get_by_role("button", name="öffnen").click()
        second.wait_for_url(f"**/app/coaching/messages/case/{case.pk}/")
        checked(second)
        shown = second.locator('main span[lang="fa"]', has_text=ANSWER)
        assert shown.get_attribute("dir") == "rtl"
        # And from the start page's "Nachrichten", the conversation is listed and now read.
        second.goto(f"{live_server.url}/app/")
        second.get_by_role("link", name="Nachrichten").first.click()
        second.wait_for_url("**/app/coaching/messages/")
        checked(second)
        assert case.candidate.full_name in second.locator("main").inner_text()
    finally:
        other.close()
    answer.refresh_from_db()
    assert answer.read_at is not None


@pytest.mark.parametrize("language", ["de", "ar"])
def test_a_conversation_fits_a_phone(live_server, page, home_page, language):
    """375 px: a long unbroken word (a pasted link) wraps; nothing scrolls sideways."""
    manager = new_member("case_manager")
    person = new_member("candidate", preferred_language=language)
    organisation = manager.memberships.get().organisation
    case = CaseFactory(
        responsible_organisation=organisation,
        candidate__municipality=organisation.municipality,
        candidate__user=person,
        case_manager=manager,
    )
    message_services.message_send(
        conversation=message_selectors.case_conversation(user=manager, case_pk=case.pk),
        author=manager,
        body="https://www.example.org/" + "x" * 200,
        attachment=None,
    )
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in(page.context, live_server, person)
    page.goto(f"{live_server.url}/{language}/app/coaching/messages/case/{case.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    violations = serious(page)
    assert violations == [], violations
