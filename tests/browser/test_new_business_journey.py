"""Journey 6 in Chromium, by clicking: the public home page → sign-up → e-mail confirmation →
business registration → second factor → the chamber editor verifies it → the "verified" mail →
the first placement. axe-core (no serious or critical violation) on every page passed."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from employers.models import Placement
from organisations.models import Organisation, OrganisationKind, VerificationStatus
from taxonomy.selectors import clear_search_index
from tests.browser.helpers import serious
from tests.factories import MunicipalityFactory, OccupationFactory, OrganisationFactory
from tests.fixtures.users import login_with_mfa, new_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "inhaberin@baeckerei-morgenrot.example"
PASSWORD = "Morgenrot-Backstube-2027"
BUSINESS = "Bäckerei Morgenrot"


def _axe(page) -> list[dict]:
    return serious(page)


def _path_of_link(pattern: str, message) -> str:
    url = re.search(pattern, message.body).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _submit(page, field: str) -> None:
    page.locator(f"form:has([name={field}]) button[type=submit]").first.click()


def test_a_new_business_registers_from_the_public_page_and_posts_its_first_placement(
    live_server, page, browser, home_page, totp_code
):
    municipality = MunicipalityFactory(name="Landkreis Testland")
    office = OrganisationFactory(
        municipality=municipality,
        kind=OrganisationKind.MUNICIPALITY_OFFICE,
        name="Integrationsmanagement Testland",
        email="koordination@testland.example",
        phone="0561 123456",
    )
    municipality.coordination_office = office
    municipality.save()
    editor = new_member("chamber_editor", municipality=municipality)
    OccupationFactory(
        uri="http://esco.test/occupation/baker",
        label_de="Bäcker/Bäckerin",
        label_en="baker",
        isco_code="7512",
    )
    clear_search_index()

    # The public home page: "Betrieb registrieren" leads to the sign-up.
    page.goto(live_server.url + "/")
    assert _axe(page) == []
    page.get_by_test_id("register-business-home").click()
    page.wait_for_url("**/accounts/signup/**")
    assert _axe(page) == []
    page.locator("input[name=email]").fill(EMAIL)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    _submit(page, "password1")
    page.wait_for_url("**/accounts/confirm-email/**")
    assert _axe(page) == []

    # The confirmation link from the mail, opened in the same browser, signs in and goes on.
    [message] = [m for m in mail.outbox if m.to == [EMAIL]]
    page.goto(live_server.url + _path_of_link(r"https?://\S+/accounts/confirm-email/\S+", message))
    assert _axe(page) == []
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/app/employers/register/")
    assert _axe(page) == []

    page.locator("input[name=name]").fill(BUSINESS)
    page.locator("select[name=municipality]").select_option(label="Landkreis Testland")
    page.locator("input[name=street]").fill("Markt 3")
    page.locator("input[name=postcode]").fill("34117")
    page.locator("input[name=city]").fill("Kassel")
    page.locator("select[name=sector]").select_option(index=1)
    page.locator("input[name=contact_name]").fill("Petra Morgenrot")
    _submit(page, "contact_name")

    # An employer needs a second factor: set it up, then the pending page says what happens next.
    # Signed in a minute ago by the confirmation link: no second password prompt before it.
    page.wait_for_load_state()
    assert "/2fa/totp/activate/" in page.url, (page.url, page.locator("main").inner_text())
    assert _axe(page) == []
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name=code]").fill(totp_code(secret))
    _submit(page, "code")
    page.wait_for_url("**/accounts/2fa/recovery-codes/")  # allauth shows the recovery codes once
    assert _axe(page) == []
    # allauth forgets where the employer was going; the page leads them on to it.
    page.get_by_test_id("mfa-continue").click()
    page.wait_for_url("**/app/**")
    assert "wird geprüft" in page.locator("main").inner_text()
    assert _axe(page) == []
    organisation = Organisation.objects.get(name=BUSINESS)
    assert organisation.verification_status == VerificationStatus.PENDING

    # The chamber editor finds it from /app/ and verifies it by clicking.
    chamber = browser.new_context()
    client = login_with_mfa(Client(), editor)
    chamber.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    editor_page = chamber.new_page()
    editor_page.goto(live_server.url + "/app/")
    editor_page.get_by_role("link", name="Arbeitgeber prüfen").first.click()
    editor_page.wait_for_url("**/app/employers/verification/")
    assert _axe(editor_page) == []
    editor_page.locator("tr", has_text=BUSINESS).locator("button[value=verify]").click()
    editor_page.wait_for_url("**/app/employers/verification/")
    assert "Keine Registrierungen warten auf Prüfung." in editor_page.locator("main").inner_text()
    chamber.close()
    organisation.refresh_from_db()
    assert organisation.verification_status == VerificationStatus.VERIFIED

    # The "verified" mail leads to the first placement.
    [verified] = [m for m in mail.outbox if m.to == [EMAIL] and "geprüft" in m.subject]
    page.goto(live_server.url + _path_of_link(r"https?://\S+/app/employers/placements/new/", verified))
    assert _axe(page) == []
    page.locator("input[name=title]").fill("Bäcker*in (m/w/d)")
    page.locator("#occupation-search").press_sequentially("Bäcker", delay=50)
    page.locator("#occupation-search-listbox [role=option][data-uri]").first.click()
    page.locator("textarea[name=description]").fill("Frühschicht ab 4 Uhr, ein freundliches Team.")
    page.locator("input[name=postcode]").fill("34117")
    status = page.locator("select[name=status]")
    if status.count():
        status.select_option("open")
    _submit(page, "title")
    page.wait_for_url(re.compile(r".*/app/employers/placements/\d+/$"))
    assert _axe(page) == []
    placement = Placement.objects.get(employer__organisation=organisation)
    assert placement.title == "Bäcker*in (m/w/d)" and placement.occupation.label_de == "Bäcker/Bäckerin"
    assert "Frühschicht ab 4 Uhr" in page.locator("main").inner_text()
