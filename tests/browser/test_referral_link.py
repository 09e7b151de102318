"""Issue 17 in Chromium: a referral closes the loop. The provider opens the link from its mail in a
browser without an account, sees the first name and the note only, first forgets the outcome when
completing (a clear error, the choice kept), then answers; the case manager finds the answer from
/app/ through the inbox badge and lands on the case's referrals. axe-core on every page passed."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from coaching import services
from coaching.models import Referral
from tests.browser.helpers import serious, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_provider_answers_by_its_link_and_the_case_manager_finds_it_from_app(
    live_server,
    page,
    browser,
    home_page,
    coaching_world,
    language_school,
):
    def checked(p) -> None:
        violations = serious(p)
        assert violations == [], (p.url, violations)

    language_school.email = "kurse@vhs.example"
    language_school.save(update_fields=["email"])
    services.referral_create(
        case=coaching_world.case,
        service=language_school,
        actor=coaching_world.case_manager,
        note="Kurs am Abend gesucht",
    )
    (sent,) = [m for m in mail.outbox if "kurse@vhs.example" in m.to]
    (url,) = re.findall(r"https?://\S+/referrals/answer/\S+/", sent.body)

    # The provider: no account, a fresh browser.
    page.goto(live_server.url + urlsplit(url).path)
    checked(page)
    main = page.locator("main")
    assert coaching_world.case.candidate.first_name in main.inner_text()
    assert coaching_world.case.candidate.last_name not in main.inner_text()
    page.get_by_label("Angenommen").check()
    page.get_by_role("button", name="Antwort senden").click()
    expect(page.get_by_test_id("referral-status")).to_have_text(re.compile(r"^\s*angenommen"))
    page.get_by_label("abgeschlossen").check()
    page.get_by_role("button", name="Antwort senden").click()
    expect(main).to_contain_text("Bitte das Ergebnis angeben.")
    assert page.get_by_label("abgeschlossen").is_checked()
    checked(page)
    page.get_by_label("Ergebnis (bei Absage oder Abschluss nötig)").fill("Kurs B2 begonnen und bestanden")
    page.get_by_role("button", name="Antwort senden").click()
    expect(main).to_contain_text("Die Verweisung ist abgeschlossen")

    # The case manager: from /app/ through the inbox badge to the case.
    staff = browser.new_context()
    try:
        sign_in(staff, live_server, coaching_world.case_manager)
        second = staff.new_page()
        second.goto(f"{live_server.url}/app/")
        second.get_by_test_id("inbox-link").click()
        second.wait_for_url("**/app/notifications/")
        checked(second)
        item = second.get_by_test_id("notifications").locator("li", has_text="Berufssprachkurs B2").first
        item.get_by_role("button", name="öffnen").click()
        second.wait_for_url(f"**/app/coaching/cases/{coaching_world.case.pk}/")
        checked(second)
        assert "Kurs B2 begonnen und bestanden" in second.locator("main").inner_text()
    finally:
        staff.close()
    assert Referral.objects.get().status == "completed"
