"""Smoke test in a real browser: the home page, the login, the start page, accessibility, RTL."""

import pytest

from tests.browser.helpers import describe
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "ein-langes-Passwort-42"


@pytest.fixture
def candidate(transactional_db):
    # UserFactory gives the verified, primary e-mail address the login needs.
    return UserFactory(email="amal@lotse.example", password=PASSWORD, is_candidate=True, display_name="Amal")


def test_login_then_home_page_has_no_serious_accessibility_violations(
    live_server, page, home_page, candidate, axe
):
    page.goto(live_server.url + "/")
    assert page.title().startswith("Lotse")
    assert page.locator("html").get_attribute("dir") == "ltr"

    violations = axe()
    assert not violations, "home page (signed out):\n" + describe(violations)

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Anmelden").click()
    page.get_by_label("E-Mail-Adresse").fill(candidate.email)
    page.get_by_label("Passwort").fill(PASSWORD)
    violations = axe()
    assert not violations, "login page:\n" + describe(violations)
    page.locator("main").get_by_role("button", name="Anmeldung").click()

    page.wait_for_url(live_server.url + "/app/")
    assert page.get_by_role("link", name="Mein Bereich").is_visible()

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Start").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == home_page.title
    assert page.get_by_role("button", name="Abmelden").is_visible()

    violations = axe()
    assert not violations, "home page (signed in):\n" + describe(violations)


def test_language_switcher_and_arabic_right_to_left(live_server, page, home_page, axe):
    page.goto(live_server.url + "/")
    page.get_by_label("Sprache", exact=True).select_option("ar")
    page.get_by_role("button", name="Sprache wechseln").click()

    page.wait_for_url(live_server.url + "/ar/")
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl"
    assert html.get_attribute("lang") == "ar"
    # The layout mirrors: the brand sits at the right edge, the language form at the left.
    brand = page.locator(".lotse-brand").bounding_box()
    language = page.locator(".lotse-language").bounding_box()
    assert brand["x"] > language["x"]

    violations = axe()
    assert not violations, "home page (Arabic):\n" + describe(violations)
