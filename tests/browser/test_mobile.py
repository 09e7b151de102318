"""Every role on a phone-sized screen (375×812), issue 13: the header (brand, navigation, language
switcher) takes at most a fifth of the screen, nothing makes the page scroll sideways (wide tables
scroll inside their own box, which the keyboard can reach), and the menu button opens the
navigation by keyboard.

The pages are those a person reaches by following links from the start page, as in test_csp."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.test import Client

from tests.fixtures.users import login_with_mfa

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 375, 812
HEADER_MAX = HEIGHT // 5  # 162 px: a fifth of the screen
PAGES_PER_ROLE = 12
_SKIP = re.compile(r"/(export|logout|erase|figures)/?|\.(csv|json|pdf|xlsx)$|/end/$|/i18n/")

# World attribute per role of tests/fixtures/coaching.py's coaching_world.
ROLES = {
    "candidate": "candidate",
    "case_manager": "case_manager",
    "job_coach": "coach",
    "volunteer": "volunteer",
    "employer": "employer",
    "chamber_editor": "chamber",
    "coordinator": "coordinator",
}

MEASURE = """() => ({
  header: document.querySelector('header.lotse-header').getBoundingClientRect().height,
  scrollWidth: document.documentElement.scrollWidth,
  // What sticks out on the right (outside the scroll boxes): named in the failure message.
  wide: [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest('.lotse-table-scroll'))
    .slice(0, 5).map((e) => `${e.tagName.toLowerCase()}.${e.className}`),
  // Scroll boxes that do scroll but cannot be reached by keyboard, or that are wider than the screen.
  badBoxes: [...document.querySelectorAll('.lotse-table-scroll')]
    .filter((b) => b.tabIndex !== 0 || b.getAttribute('role') !== 'region'
                   || !(b.getAttribute('aria-label') || b.getAttribute('aria-labelledby'))
                   || b.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .map((b) => b.outerHTML.slice(0, 120)),
  // Tables outside a scroll box.
  looseTables: [...document.querySelectorAll('main table')]
    .filter((t) => !t.closest('.lotse-table-scroll'))
    .map((t) => t.outerHTML.slice(0, 80)),
})"""


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": WIDTH, "height": HEIGHT},
        "is_mobile": True,
        "has_touch": True,
    }


def _sign_in(page, live_server, user) -> None:
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


def _pages(page, live_server, *, limit: int) -> dict[str, dict]:
    """Visit the start page and what its links lead to in /app/; measure each page."""
    measured: dict[str, dict] = {}
    seen: set[str] = set()
    queue = deque(["/app/"])
    while queue and len(measured) < limit:
        path = urldefrag(queue.popleft()).url
        if path in seen or not urlsplit(path).path.startswith("/app/") or _SKIP.search(path):
            continue
        seen.add(path)
        response = page.goto(live_server.url + path)
        if (
            response is None
            or response.status != 200
            or "html" not in response.headers.get("content-type", "")
        ):
            continue
        measured[path] = page.evaluate(MEASURE)
        for href in page.eval_on_selector_all(
            "main a[href], header a[href]", "els => els.map(e => e.getAttribute('href'))"
        ):
            if href and href.startswith("/"):
                queue.append(href)
    return measured


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_page_fits_a_phone(role, live_server, page, home_page, coaching_world):
    """The header takes at most a fifth of the screen; nothing scrolls sideways."""
    _sign_in(page, live_server, coaching_world.people[ROLES[role]])
    measured = _pages(page, live_server, limit=PAGES_PER_ROLE)
    assert len(measured) >= 2, measured

    too_tall = {p: m["header"] for p, m in measured.items() if m["header"] > HEADER_MAX}
    sideways = {p: (m["scrollWidth"], m["wide"]) for p, m in measured.items() if m["scrollWidth"] > WIDTH}
    boxes = {p: m["badBoxes"] for p, m in measured.items() if m["badBoxes"]}
    loose = {p: m["looseTables"] for p, m in measured.items() if m["looseTables"]}
    assert not too_tall, f"header taller than {HEADER_MAX}px: {too_tall}"
    assert not sideways, f"the page scrolls sideways: {sideways}"
    assert not boxes, f"table boxes not reachable by keyboard or wider than the screen: {boxes}"
    assert not loose, f"tables outside a scroll box: {loose}"


def test_the_caseload_table_scrolls_in_its_own_box(live_server, page, home_page, coaching_world, axe):
    _sign_in(page, live_server, coaching_world.coach)
    page.goto(f"{live_server.url}/app/coaching/")
    box = page.locator('.lotse-table-scroll[role="region"][aria-labelledby="h-caseload"]')
    table = box.locator("table")
    # The table is wider than the phone; its box is not, and scrolls by keyboard.
    assert table.bounding_box()["width"] > box.bounding_box()["width"]
    assert box.bounding_box()["x"] + box.bounding_box()["width"] <= WIDTH
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    box.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("(b) => b.scrollLeft > 0", arg=box.element_handle())
    # The last column can be read: scrolled to the end, its header is on screen.
    box.evaluate("b => { b.style.scrollBehavior = 'auto'; b.scrollLeft = b.scrollWidth; }")
    last = table.locator("th").last.bounding_box()
    assert last["x"] >= 0 and last["x"] + last["width"] <= WIDTH + 1
    violations = axe()
    assert not violations, violations


def test_the_menu_button_opens_and_closes_the_navigation_by_keyboard(
    live_server, page, home_page, coaching_world
):
    _sign_in(page, live_server, coaching_world.coach)
    page.goto(f"{live_server.url}/app/")
    toggle = page.locator("[data-lotse-menu-toggle]")
    my_area = page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Mein Bereich")
    language = page.get_by_label("Sprache", exact=True)
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not my_area.is_visible() and not language.is_visible()

    # Tab reaches the button (after the skip link and the brand); Enter opens the menu.
    for _ in range(5):
        page.keyboard.press("Tab")
        if toggle.evaluate("b => b === document.activeElement"):
            break
    assert toggle.evaluate("b => b === document.activeElement"), "Tab does not reach the menu button"
    assert toggle.inner_text().strip() == "Menü"
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert my_area.is_visible() and language.is_visible()

    # The next Tab goes into the menu; Escape closes it and the focus is back on the button.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#lotse-menu') !== null")
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert toggle.evaluate("b => b === document.activeElement")
    assert not my_area.is_visible()

    # Space opens it too, and a link in it leads on.
    page.keyboard.press(" ")
    assert toggle.get_attribute("aria-expanded") == "true"
    my_area.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/app/")


def test_on_a_wide_screen_there_is_no_menu_button(live_server, page, home_page, coaching_world):
    page.set_viewport_size({"width": 1366, "height": 900})
    _sign_in(page, live_server, coaching_world.coach)
    page.goto(f"{live_server.url}/app/")
    assert not page.locator("[data-lotse-menu-toggle]").is_visible()
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    assert nav.get_by_role("link", name="Mein Bereich").is_visible()
    assert page.get_by_label("Sprache", exact=True).is_visible()
    assert page.locator("header.lotse-header").bounding_box()["height"] <= 162


@pytest.mark.parametrize("path", ["/", "/ar/", "/accounts/login/"])
def test_public_pages_fit_a_phone(live_server, page, home_page, path):
    page.goto(live_server.url + path)
    measured = page.evaluate(MEASURE)
    assert measured["header"] <= HEADER_MAX, measured
    assert measured["scrollWidth"] <= WIDTH, measured
