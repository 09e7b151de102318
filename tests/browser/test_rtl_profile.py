"""Issue 13 in Chromium: the candidate's profile in Arabic is right to left, the phone number and
the postcode keep their left-to-right order on screen, and the switcher leads to Ukrainian and back
to German on the same page.

The screenshot test photographs every self-service page in Arabic and Farsi at 1366 and 375 px
(PNG files under the test's tmp_path, named in the failure message) and checks each for a
mirrored layout."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import CandidateFactory
from tests.fixtures.users import login_with_mfa, new_member
from tests.security import test_headers_and_state as hostile

# A candidate with a case, a matching job and an accepted introduction (as in test_csp).
world = hostile.world

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


# --- screenshots: the self-service pages mirrored ------------------------------------------------

SELF_SERVICE = [
    "/app/",
    "/app/candidates/me/",
    "/app/candidates/me/edit/",
    "/app/candidates/me/languages/",
    "/app/candidates/me/occupations/",
    "/app/candidates/me/skills/",
    "/app/candidates/me/consents/",
    "/app/candidates/me/audit/",
    "/app/candidates/me/plan/",
    "/app/employers/jobs/",
    "/app/employers/my/introductions/",
    "/app/notifications/",
]
EMAIL = "zainab.q@beispiel.example"
POSTCODE_CITY = "44135 Dortmund"

# Where things are on the page, in CSS pixels of the viewport.
LAYOUT = """() => {
  const content = document.querySelector('main .kern-container');
  const style = getComputedStyle(content);
  const contentLeft = content.getBoundingClientRect().left + parseFloat(style.paddingLeft);
  const contentRight = content.getBoundingClientRect().right - parseFloat(style.paddingRight);
  const h1 = document.querySelector('main h1');
  const range = document.createRange(); range.selectNodeContents(h1);
  const text = range.getBoundingClientRect();
  const inner = document.querySelector('.lotse-header__inner');
  const innerStyle = getComputedStyle(inner);
  const brand = document.querySelector('.lotse-brand').getBoundingClientRect();
  return {
    dir: document.documentElement.dir, lang: document.documentElement.lang,
    contentLeft, contentRight,
    h1: {left: text.left, right: text.right, align: getComputedStyle(h1).textAlign,
         direction: getComputedStyle(h1).direction, text: h1.textContent.trim()},
    brand: {left: brand.left, right: brand.right},
    headerRight: inner.getBoundingClientRect().right - parseFloat(innerStyle.paddingRight),
    header: document.querySelector('header.lotse-header').getBoundingClientRect().height,
    scrollWidth: document.documentElement.scrollWidth,
    // Left-to-right isolates that the page turned around anyway.
    ltrTurned: [...document.querySelectorAll('bdi[dir="ltr"]')]
      .filter((e) => getComputedStyle(e).direction !== 'ltr').map((e) => e.textContent),
  };
}"""


@pytest.fixture
def candidate_page(live_server, page, home_page, world):
    candidate = world.candidate
    candidate.phone, candidate.email = PHONE, EMAIL
    candidate.postcode, candidate.city = POSTCODE_CITY.split(" ")
    candidate.save(update_fields=["phone", "email", "postcode", "city"])
    client = login_with_mfa(Client(), world.candidate_user)
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


def _mirrored(layout: dict, *, code: str, width: int) -> list[str]:
    """What is not mirrored on one page; empty if the layout reads from the right."""
    wrong = []
    if (layout["dir"], layout["lang"]) != ("rtl", code):
        wrong.append(f"html dir={layout['dir']} lang={layout['lang']}")
    h1 = layout["h1"]
    if h1["direction"] != "rtl" or h1["align"] not in ("start", "right"):
        wrong.append(f"heading {h1['text']!r} is {h1['direction']}, text-align {h1['align']}")
    # The heading starts at the content's right edge (a heading of one line ends further left).
    if abs(h1["right"] - layout["contentRight"]) > 2 or h1["left"] < layout["contentLeft"] - 1:
        wrong.append(
            f"heading {h1['text']!r} spans {h1['left']:.0f}–{h1['right']:.0f}, "
            f"content {layout['contentLeft']:.0f}–{layout['contentRight']:.0f}"
        )
    # The brand stands at the right end of the header.
    if abs(layout["brand"]["right"] - layout["headerRight"]) > 2:
        wrong.append(f"brand ends at {layout['brand']['right']:.0f}, header at {layout['headerRight']:.0f}")
    if layout["scrollWidth"] > width:
        wrong.append(f"scrolls sideways: {layout['scrollWidth']} > {width}")
    if width < 400 and layout["header"] > 162:
        wrong.append(f"header {layout['header']:.0f} px high")
    if layout["ltrTurned"]:
        wrong.append(f"left-to-right isolates turned around: {layout['ltrTurned']}")
    return wrong


@pytest.mark.parametrize("width", [1366, 375])
@pytest.mark.parametrize("code", ["ar", "fa"])
def test_every_self_service_page_is_mirrored(live_server, candidate_page, tmp_path, code, width):
    page = candidate_page
    page.set_viewport_size({"width": width, "height": 812 if width < 400 else 900})
    problems: dict[str, list[str]] = {}
    shots = []
    for path in SELF_SERVICE:
        response = page.goto(f"{live_server.url}/{code}{path}")
        assert response.status == 200, (path, response.status)
        shot = tmp_path / f"{code}-{width}-{path.strip('/').replace('/', '-') or 'app'}.png"
        page.screenshot(path=shot, full_page=True)
        shots.append(shot)
        if wrong := _mirrored(page.evaluate(LAYOUT), code=code, width=width):
            problems[path] = wrong
    assert all(shot.stat().st_size > 1000 for shot in shots)
    assert not problems, f"not mirrored (screenshots in {tmp_path}): {problems}"

    # On the profile, phone, postcode and e-mail read left to right with the digits in order.
    page.goto(f"{live_server.url}/{code}/app/candidates/me/")
    for text, first, last in ((PHONE, "+", "9"), (POSTCODE_CITY, "4", "D"), (EMAIL, "z", "e")):
        where = page.evaluate(X_OF, [text, last])
        assert where, f"{text!r} is not in a left-to-right isolate"
        assert where["text"].startswith(first)
        assert where["first"] < where["needle"], (text, where)
    digits = page.evaluate(
        """(text) => {
      const node = [...document.querySelectorAll('bdi[dir="ltr"]')].find((e) => e.textContent === text).firstChild;
      return [...text].map((c, i) => [c, i]).filter(([c]) => /[0-9]/.test(c)).map(([c, i]) => {
        const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
        return r.getBoundingClientRect().left; });
    }""",
        PHONE,
    )
    assert digits == sorted(digits), "the phone number's digits are not in reading order"


def test_the_mirror_check_sees_a_left_to_right_page(live_server, candidate_page):
    """The German profile is left to right: the check above names the heading and the brand."""
    page = candidate_page
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/app/candidates/me/")
    wrong = " ".join(_mirrored(page.evaluate(LAYOUT), code="ar", width=1366))
    assert "html dir=ltr lang=de" in wrong
    assert "heading" in wrong and "brand ends at" in wrong
