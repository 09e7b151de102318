"""Issue 17 in Chromium: a referral crosses a district line. Dortmund's coordinator lets its evening
course serve Bochum and sets its opening hours; Bochum's case manager finds the course in the
directory (marked "aus Dortmund"), sees the hours and refers a person; the provider answers through
its link without an account; Bochum's case manager reads the answer on the case. Bochum's
coordinator sees the course but may not change it. axe-core on every page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from coaching.models import Referral
from tests.browser.helpers import serious, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_referral_crosses_a_district_line_and_the_provider_answers_by_its_link(
    live_server,
    page,
    browser,
    home_page,
    coaching_world,
    language_school,
    neighbour,
):
    def checked(p) -> None:
        violations = serious(p)
        assert violations == [], (p.url, violations)

    bochum_case_manager, case = neighbour
    language_school.email = "kurse@vhs.example"
    language_school.save(update_fields=["email"])
    contexts = []

    def signed_in(user):
        context = browser.new_context()
        contexts.append(context)
        sign_in(context, live_server, user)
        return context.new_page()

    try:
        # Dortmund's coordinator: the course also serves Bochum, open Mondays 9–12.
        dortmund = signed_in(coaching_world.coordinator)
        dortmund.goto(f"{live_server.url}/app/coaching/services/{language_school.pk}/")
        dortmund.get_by_role("link", name="Angebot bearbeiten").click()
        expect(dortmund.get_by_role("heading", name="Angebot bearbeiten")).to_be_visible()
        checked(dortmund)
        dortmund.get_by_label("Bochum").check()
        dortmund.get_by_role("button", name="Speichern").click()
        expect(dortmund.get_by_test_id("service-area")).to_contain_text("auch zuständig für: Bochum")
        dortmund.get_by_role("link", name="Öffnungszeiten bearbeiten").click()
        first = dortmund.get_by_test_id("hours-row").first
        first.get_by_label("Wochentag").select_option(label="Montag")
        first.get_by_label("öffnet um").fill("12:00")
        first.get_by_label("schließt um").fill("09:00")
        dortmund.get_by_role("button", name="Speichern").click()
        # Closing before opening: named at the field, the input kept.
        expect(first).to_contain_text("Die Schließzeit muss nach der Öffnungszeit liegen.")
        expect(first.get_by_label("öffnet um")).to_have_value("12:00")
        checked(dortmund)
        first.get_by_label("öffnet um").fill("09:00")
        first.get_by_label("schließt um").fill("12:00")
        dortmund.get_by_role("button", name="Speichern").click()
        expect(dortmund.get_by_test_id("service-hours")).to_contain_text("Montag 09:00–12:00")

        # Bochum's case manager finds it and refers a person of Bochum.
        bochum = signed_in(bochum_case_manager)
        bochum.goto(f"{live_server.url}/app/coaching/services/")
        entry = bochum.locator("main li", has_text="Berufssprachkurs B2")
        expect(entry).to_contain_text("aus Dortmund")
        checked(bochum)
        entry.get_by_role("link", name="Berufssprachkurs B2").click()
        expect(bochum.get_by_test_id("service-hours")).to_contain_text("Montag 09:00–12:00")
        expect(bochum.get_by_role("link", name="Angebot bearbeiten")).to_have_count(0)
        bochum.goto(f"{live_server.url}/app/coaching/cases/{case.pk}/referrals/new/")
        bochum.get_by_label("Angebot").select_option(label="Berufssprachkurs B2 (Dortmund)")
        bochum.get_by_label("Anlass").fill("Abendkurs neben der Arbeit")
        bochum.get_by_role("button", name="Speichern").click()
        expect(bochum.locator("main")).to_contain_text("Verweisung gespeichert.")
        expect(bochum.locator("main")).to_contain_text("Berufssprachkurs B2")
        checked(bochum)

        # The provider: the link from its mail, no account.
        (sent,) = [m for m in mail.outbox if "kurse@vhs.example" in m.to]
        (url,) = re.findall(r"https?://\S+/referrals/answer/\S+/", sent.body)
        page.goto(live_server.url + urlsplit(url).path)
        main = page.locator("main")
        expect(main).to_contain_text("(Bochum)")
        expect(page.get_by_test_id("first-name")).to_have_text(case.candidate.first_name)
        expect(main).not_to_contain_text(case.candidate.last_name)
        checked(page)
        page.get_by_label("Angenommen").check()
        page.get_by_role("button", name="Antwort senden").click()
        expect(page.get_by_test_id("referral-status")).to_have_text(re.compile(r"^\s*angenommen"))

        # Bochum's case manager reads the answer on the case.
        bochum.goto(f"{live_server.url}/app/coaching/cases/{case.pk}/")
        expect(bochum.locator("main li", has_text="Berufssprachkurs B2")).to_contain_text("angenommen")

        # Bochum's coordinator sees the course but may not change it.
        coordinator = signed_in(coaching_world.people["coordinator_elsewhere"])
        coordinator.goto(f"{live_server.url}/app/coaching/services/{language_school.pk}/")
        expect(coordinator.get_by_test_id("service-area")).to_contain_text("Dortmund")
        expect(coordinator.get_by_role("link", name="Angebot bearbeiten")).to_have_count(0)
        response = coordinator.goto(f"{live_server.url}/app/coaching/services/{language_school.pk}/edit/")
        assert response.status == 404
    finally:
        for context in contexts:
            context.close()
    assert Referral.objects.get(case=case).status == "accepted"
