"""Issue 13 in Chromium: a candidate reading Arabic signs in and reaches their profile, their
consents and "Stellen für mich" with the keyboard alone (Tab, Shift+Tab, Enter, Space), and adds an
occupation through the ESCO combobox. Every element that takes focus shows it; the skip link leads
to the main content; axe-core finds nothing serious or critical on those pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import ngettext
from playwright.sync_api import expect

from candidates.models import CandidateOccupation, ConsentScope
from tests.factories import CandidateFactory, ConsentFactory, UserFactory
from tests.fixtures.users import login_with_mfa

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "ein-langes-Passwort-42"
MAX_TABS = 80

# What has focus, and whether it is visibly marked (an outline or a box shadow).
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  return {tag: e.tagName, id: e.id, href: e.getAttribute('href') || '', name: e.getAttribute('name') || '',
          text: (e.innerText || e.value || '').trim().slice(0, 60), visible: Boolean(outline || shadow)};
}"""


def _describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['impact']}: {v['id']} – {v['help']} at {[', '.join(n['target']) for n in v['nodes']]}"
        for v in violations
    )


def _tab_to(page, matches, *, backwards: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until the focused element satisfies ``matches``; check on the way
    that every focused element shows its focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        assert focused["visible"], f"focus not visible on {focused}"
        if matches(focused):
            return focused
    raise AssertionError(f"not reached with {MAX_TABS} presses of Tab")


def _href_ends(path: str):
    return lambda f: f["href"].split("?")[0].endswith(path)


@pytest.fixture
def candidate(transactional_db):
    # UserFactory gives the verified, primary e-mail address the login needs.
    user = UserFactory(
        email="amal@lotse.example",
        password=PASSWORD,
        is_candidate=True,
        preferred_language="ar",
        display_name="",
    )
    person = CandidateFactory(user=user, phone="+49 (0)231 5578 9", postcode="44135", city="Dortmund")
    ConsentFactory(candidate=person, scope=ConsentScope.LISTING)
    return user


def test_an_arabic_candidate_reaches_profile_consents_and_jobs_by_keyboard(
    live_server, page, home_page, candidate, axe
):
    page.goto(f"{live_server.url}/ar/accounts/login/?next=/ar/app/")
    assert page.locator("html").get_attribute("dir") == "rtl"

    # The first Tab reaches the skip link, visibly; Enter moves focus into the main content.
    page.keyboard.press("Tab")
    skip = page.evaluate(FOCUSED)
    assert skip["href"] == "#main" and skip["visible"], skip
    assert page.locator(".lotse-skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"

    _tab_to(page, lambda f: f["name"] == "login")
    page.keyboard.type(candidate.email)
    _tab_to(page, lambda f: f["name"] == "password")
    page.keyboard.type(PASSWORD)
    # One step back and forth again: Shift+Tab returns to the e-mail field.
    assert _tab_to(page, lambda f: f["name"] == "login", backwards=True)["name"] == "login"
    _tab_to(page, lambda f: f["name"] == "password")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/ar/app/")

    _tab_to(page, _href_ends("/ar/app/candidates/me/"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/ar/app/candidates/me/")
    violations = axe()
    assert not violations, "profile:\n" + _describe(violations)

    _tab_to(page, _href_ends("/ar/app/candidates/me/consents/"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/ar/app/candidates/me/consents/")
    violations = axe()
    assert not violations, "consents:\n" + _describe(violations)

    # Back up through the page to the header's "my area" link, and from there to the jobs.
    _tab_to(page, _href_ends("/ar/app/"), backwards=True)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/ar/app/")
    _tab_to(page, _href_ends("/ar/app/employers/jobs/"))
    page.keyboard.press("Space")  # a link does not follow Space: the page stays
    assert page.url == f"{live_server.url}/ar/app/"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/ar/app/employers/jobs/")
    violations = axe()
    assert not violations, "jobs for me:\n" + _describe(violations)


def test_an_arabic_candidate_adds_an_occupation_with_the_keyboard_alone(
    live_server, page, home_page, candidate, esco, axe
):
    """The ESCO field is a combobox (taxonomy/combobox.js): typed into in Arabic, ArrowDown moves
    through the suggestions, Enter chooses one without sending the form, the next Enter saves."""
    client = login_with_mfa(Client(), candidate)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/ar/app/candidates/me/")
    _tab_to(page, _href_ends("/ar/app/candidates/me/occupations/"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/ar/app/candidates/me/occupations/")

    box = page.locator("#id_occupation_label")
    _tab_to(page, lambda f: f["id"] == "id_occupation_label")
    page.keyboard.type("طاهي", delay=40)
    expect(box).to_have_attribute("aria-expanded", "true", timeout=30_000)
    options = page.locator("#id_occupation_label-listbox [role=option]")
    with translation.override("ar"):
        said = ngettext("%(counter)s Vorschlag", "%(counter)s Vorschläge", options.count()) % {
            "counter": options.count()
        }
    expect(page.locator("[data-combobox-status]")).to_have_text(said)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    second = options.nth(1)
    expect(box).to_have_attribute("aria-activedescendant", second.get_attribute("id"))
    label, uri = second.get_attribute("data-label"), second.get_attribute("data-uri")
    # Right to left: the list opens under the box, flush with its right edge.
    where = page.evaluate(
        """() => [document.getElementById('id_occupation_label').getBoundingClientRect(),
                  document.getElementById('id_occupation_label-listbox').getBoundingClientRect()]
                 .map((r) => ({right: r.right, top: r.top, bottom: r.bottom}))"""
    )
    assert abs(where[0]["right"] - where[1]["right"]) < 2 and abs(where[1]["top"] - where[0]["bottom"]) < 4, (
        where
    )
    violations = axe()
    assert not violations, "occupations with suggestions open:\n" + _describe(violations)

    page.keyboard.press("Enter")  # chooses; the page stays
    expect(box).to_have_value(label)
    expect(box).to_have_attribute("aria-expanded", "false")
    assert page.url == f"{live_server.url}/ar/app/candidates/me/occupations/"
    _tab_to(page, lambda f: f["name"] == "years_experience")
    page.keyboard.press("Control+a")
    page.keyboard.type("2")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".lotse-own-entries")).to_contain_text(label)
    entry = CandidateOccupation.objects.get(candidate__user=candidate)
    assert (entry.occupation.uri, entry.years_experience) == (uri, 2)
