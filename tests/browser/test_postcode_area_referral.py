"""Issue 17 in Chromium: a referral crosses a district line by postcode. Bochum's coordinator lets
its nursing language course take one Dortmund postcode (first mistyped: named, the input kept) and
notes its waiting time and documents; Dortmund's case manager refers a person living there (the
course is listed with its municipality); the provider opens the signed link without an account,
sees the waiting time, and accepts; the case manager finds the answer by clicking from /app/.
axe-core on every page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from coaching.models import Referral
from tests.browser.helpers import serious, sign_in
from tests.factories import ServiceFactory, ServiceOrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_neighbours_offer_takes_a_postcode_and_the_provider_answers_by_its_link(
    live_server,
    page,
    browser,
    home_page,
    coaching_world,
    other_municipality,
):
    def checked(p) -> None:
        violations = serious(p)
        assert violations == [], (p.url, violations)

    case = coaching_world.case
    case.candidate.postcode = "44135"
    case.candidate.save(update_fields=["postcode"])
    provider = ServiceOrganisationFactory(municipality=other_municipality, name="Bildungswerk Bochum")
    course = ServiceFactory(
        organisation=provider,
        municipality=other_municipality,
        name="Pflegekurs B2",
        category="language_course",
        email="pflege@bildungswerk.example",
    )
    contexts = []

    def signed_in(user):
        context = browser.new_context()
        contexts.append(context)
        sign_in(context, live_server, user)
        return context.new_page()

    try:
        # Bochum's coordinator: the course also takes Dortmund's 44135.
        bochum = signed_in(coaching_world.people["coordinator_elsewhere"])
        bochum.goto(f"{live_server.url}/app/coaching/services/{course.pk}/")
        bochum.get_by_role("link", name="Angebot bearbeiten").click()
        area = bochum.get_by_label("Einzugsgebiet: einzelne Postleitzahlen")
        area.fill("44135 4413")
        bochum.get_by_label("Wartezeit").fill("etwa 5 Wochen")
        bochum.get_by_label("Benötigte Unterlagen").fill("Aufenthaltstitel\nSprachzertifikat B1")
        bochum.get_by_role("button", name="Speichern").click()
        expect(bochum.locator("main")).to_contain_text("Diese Postleitzahlen gibt es nicht: 4413")
        expect(area).to_have_value("44135 4413")
        expect(bochum.get_by_label("Wartezeit")).to_have_value("etwa 5 Wochen")
        checked(bochum)
        area.fill("44135")
        bochum.get_by_role("button", name="Speichern").click()
        expect(bochum.get_by_test_id("service-area")).to_contain_text(
            "Postleitzahlen im Einzugsgebiet: 44135"
        )
        expect(bochum.get_by_test_id("service-documents")).to_contain_text("Sprachzertifikat B1")

        # Dortmund's case manager refers the person who lives at 44135.
        dortmund = signed_in(coaching_world.case_manager)
        dortmund.goto(f"{live_server.url}/app/coaching/cases/{case.pk}/referrals/new/")
        dortmund.get_by_label("Angebot").select_option(label="Pflegekurs B2 (Bochum)")
        dortmund.get_by_label("Anlass").fill("Möchte in die Pflege")
        dortmund.get_by_role("button", name="Speichern").click()
        expect(dortmund.locator("main")).to_contain_text("Verweisung gespeichert.")
        checked(dortmund)

        # The provider: the link from its mail, no account.
        (sent,) = [m for m in mail.outbox if "pflege@bildungswerk.example" in m.to]
        (url,) = re.findall(r"https?://\S+/referrals/answer/\S+/", sent.body)
        page.goto(live_server.url + urlsplit(url).path)
        main = page.locator("main")
        expect(main).to_contain_text("(Dortmund)")
        expect(page.get_by_test_id("first-name")).to_have_text(case.candidate.first_name)
        expect(page.get_by_test_id("referral-wait-time")).to_have_text("etwa 5 Wochen")
        expect(main).not_to_contain_text(case.candidate.last_name)
        checked(page)
        page.get_by_label("Angenommen").check()
        page.get_by_role("button", name="Antwort senden").click()
        expect(page.get_by_test_id("referral-status")).to_have_text(re.compile(r"^\s*angenommen"))

        # Dortmund's case manager: from /app/ through the inbox to the case, where the answer shows.
        dortmund.goto(f"{live_server.url}/app/")
        dortmund.get_by_test_id("inbox-link").click()
        dortmund.wait_for_url("**/app/notifications/")
        item = dortmund.get_by_test_id("notifications").locator("li", has_text="Pflegekurs B2").first
        item.get_by_role("button", name="öffnen").click()
        dortmund.wait_for_url(f"**/app/coaching/cases/{case.pk}/")
        expect(dortmund.locator("main li", has_text="Pflegekurs B2")).to_contain_text("angenommen")
        checked(dortmund)
    finally:
        for context in contexts:
            context.close()
    assert Referral.objects.get(case=case, service=course).status == "accepted"
