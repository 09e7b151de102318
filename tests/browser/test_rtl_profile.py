"""Issue 13 in Chromium: the candidate's profile in Arabic is right to left, the phone number and
the postcode keep their left-to-right order on screen, and the switcher leads to Ukrainian and back
to German on the same page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.candidates.factories import CandidateFactory
from tests.fixtures.users import login_with_mfa, new_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "+49 (0)231 5578 9"

# Screen x of the first and last character of the LTR isolate holding ``text``, and of ``needle``.
X_OF = """([text, needle]) => {
  const bdi = [...document.querySelectorAll('bdi[dir="ltr"]')].find((e) => e.textContent === text);
  if (!bdi) return null;
  const node = bdi.firstChild;
  const x = (i) => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                     return r.getBoundingClientRect().left; };
  return {text: node.textContent, first: x(0), last: x(text.length - 1), needle: x(text.indexOf(needle))};
}"""


@pytest.fixture
def signed_in_page(live_server, page, home_page):
    user = new_member("candidate")
    CandidateFactory(user=user, phone=PHONE, postcode="44135", city="Dortmund")
    client = login_with_mfa(Client(), user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page


def test_the_arabic_profile_keeps_phone_and_postcode_in_reading_order(live_server, signed_in_page):
    page = signed_in_page
    page.goto(f"{live_server.url}/ar/app/candidates/me/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"

    phone = page.locator(f'bdi[dir="ltr"]:text-is("{PHONE}")')
    assert phone.inner_text() == PHONE
    # On screen, "+" stands left of the last digit: the number reads as dialled.
    where = page.evaluate(X_OF, [PHONE, "9"])
    assert where and where["first"] < where["last"], where

    place = page.evaluate(X_OF, ["44135 Dortmund", "D"])
    assert place, "postcode and city are not in one left-to-right isolate"
    # The postcode stays left of the city.
    assert place["first"] < place["needle"], place


def test_the_switcher_goes_from_arabic_to_ukrainian_and_to_german_on_the_same_page(
    live_server, signed_in_page
):
    page = signed_in_page
    page.goto(f"{live_server.url}/ar/app/candidates/me/")
    page.select_option("#lotse-language-select", "uk")
    page.locator("form.lotse-language button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/uk/app/candidates/me/")
    assert page.locator("html").get_attribute("lang") == "uk"
    assert page.locator("html").get_attribute("dir") == "ltr"

    page.select_option("#lotse-language-select", "de")
    page.locator("form.lotse-language button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/app/candidates/me/")
    assert page.locator("html").get_attribute("lang") == "de"
