"""Issue 13 in Chromium: every ESCO field is one WAI-ARIA 1.2 combobox (taxonomy/combobox.js) on
real ESCO data. Typed into, ArrowDown twice makes the second suggestion the active one
(aria-activedescendant), Enter chooses it without sending the form, Escape closes the list and a
second Escape empties the box; a polite live region says how many suggestions there are in the
page's language; axe-core finds nothing serious or critical with the list open.

The fields: the placement form's occupation (whose choice brings the occupation's skills), the
browse filter's occupation and skills, the self-service occupations and skills, and the case page's
occupations and skills."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import ngettext
from playwright.sync_api import expect

from accounts.roles import Role
from candidates.models import CandidateOccupation, CandidateSkill
from tests.factories import CandidateFactory, make_candidate, make_profile, open_case
from tests.fixtures.users import login_with_mfa, new_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['impact']}: {v['id']} – {v['help']} at {[', '.join(n['target']) for n in v['nodes']]}"
        for v in violations
    )


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


def _suggestions_said(language: str, count: int) -> str:
    with translation.override(language):
        return ngettext("%(counter)s Vorschlag", "%(counter)s Vorschläge", count) % {"counter": count}


class Posts:
    """Counts the POSTs the page sends: a form sent by Enter would be one."""

    def __init__(self, page):
        self.count = 0
        page.on("request", self._seen)

    def _seen(self, request) -> None:
        if request.method == "POST":
            self.count += 1


def _second_suggestion_by_keyboard(page, axe, *, box_id: str, query: str, language: str = "de") -> dict:
    """Type ``query``, ArrowDown twice, check the combobox on the way and axe with the list open;
    Enter chooses the second suggestion. Returns its URI and label."""
    box = page.locator(f"#{box_id}")
    expect(box).to_have_attribute("role", "combobox")
    expect(box).to_have_attribute("aria-autocomplete", "list")
    expect(box).to_have_attribute("aria-expanded", "false")
    listbox = page.locator(f"#{box.get_attribute('aria-controls')}")
    expect(listbox).to_have_attribute("role", "listbox")
    status = page.locator(f"[data-combobox]:has(#{box_id}) [data-combobox-status]")
    expect(status).to_have_attribute("aria-live", "polite")

    box.click()
    box.press_sequentially(query, delay=30)
    # The first search after a load builds the search index (a second or more on a busy machine).
    expect(box).to_have_attribute("aria-expanded", "true", timeout=30_000)
    expect(listbox).to_be_visible()
    options = listbox.locator("[role=option]")
    expect(options.nth(1)).to_be_visible()
    expect(status).to_have_text(_suggestions_said(language, options.count()))
    assert box.get_attribute("aria-activedescendant") is None  # typing activates nothing

    page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(0).get_attribute("id"))
    page.keyboard.press("ArrowDown")
    second = options.nth(1)
    expect(box).to_have_attribute("aria-activedescendant", second.get_attribute("id"))
    expect(second).to_have_attribute("aria-selected", "true")
    expect(options.nth(0)).to_have_attribute("aria-selected", "false")
    assert page.evaluate("() => document.activeElement.id") == box_id  # focus stays in the box
    chosen = {"uri": second.get_attribute("data-uri"), "label": second.get_attribute("data-label")}
    assert chosen["uri"].startswith("http://data.europa.eu/esco/")

    violations = axe()
    assert not violations, f"{page.url} with the list of #{box_id} open:\n" + _describe(violations)

    posts = Posts(page)
    page.keyboard.press("Enter")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(listbox).to_be_hidden()
    assert box.get_attribute("aria-activedescendant") is None
    expect(status).to_contain_text(chosen["label"])
    page.wait_for_timeout(300)
    assert posts.count == 0, "Enter on a suggestion sent the form"
    return chosen


def _escape_closes_then_empties(page, *, box_id: str) -> None:
    box = page.locator(f"#{box_id}")
    kept = box.input_value()
    page.keyboard.press("ArrowDown")  # opens the list again (suggestions for the text in the box)
    expect(box).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value(kept)
    page.keyboard.press("Escape")
    expect(box).to_have_value("")


@pytest.fixture
def employer(live_server, page, home_page, esco):
    user = new_member(Role.EMPLOYER, lead=True)
    make_profile(user.memberships.first().organisation)
    _sign_in(page, live_server, user)
    return user


def test_placement_form_occupation_brings_its_skills(live_server, page, employer, axe):
    page.goto(f"{live_server.url}/app/employers/placements/new/")
    page.locator("input[name=title]").fill("Köchin (m/w/d)")

    chosen = _second_suggestion_by_keyboard(page, axe, box_id="occupation-search", query="Koch")

    assert page.url.endswith("/app/employers/placements/new/")
    expect(page.locator("#occupation-search")).to_have_value(chosen["label"])
    expect(page.locator("#id_occupation_uri")).to_have_value(chosen["uri"])
    expect(page.locator("input[name=title]")).to_have_value("Köchin (m/w/d)")  # nothing wiped
    # The chosen occupation's ESCO skills arrive (HTMX follows the hidden field's change).
    skills = page.get_by_test_id("skill-suggestions")
    expect(skills).to_contain_text(chosen["label"])
    assert skills.locator("input[type=checkbox]").count() > 0
    violations = axe()
    assert not violations, "placement form with skills:\n" + _describe(violations)

    # Mouse: a click chooses too (the first suggestion this time).
    box = page.locator("#occupation-search")
    box.fill("")
    box.press_sequentially("Schweiß", delay=30)
    first = page.locator("#occupation-search-listbox [role=option]").first
    label = first.get_attribute("data-label")
    first.click()
    expect(box).to_have_value(label)
    expect(page.locator("#occupation-search-listbox")).to_be_hidden()

    # Tab leaves the box and closes the list, choosing nothing.
    box.fill("")
    box.press_sequentially("Bäcker", delay=30)
    expect(box).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    expect(box).to_have_attribute("aria-expanded", "false")
    assert page.evaluate("() => document.activeElement.id") != "occupation-search"
    expect(page.locator("#id_occupation_uri")).to_have_value("")


def test_browse_filter_occupation_and_skills(live_server, page, employer, axe):
    page.goto(f"{live_server.url}/app/employers/candidates/")

    occupation = _second_suggestion_by_keyboard(page, axe, box_id="occupation-search", query="Koch")
    expect(page.locator("#browse-occupation")).to_have_value(occupation["uri"])
    _escape_closes_then_empties(page, box_id="occupation-search")

    skill = _second_suggestion_by_keyboard(page, axe, box_id="skill-search", query="Lebensmittel")
    # Several skills may be chosen: each one a hidden field in the list below, the box empty again.
    chosen = page.get_by_test_id("chosen-skills")
    expect(chosen).to_contain_text(skill["label"])
    expect(chosen.locator(f'input[type=hidden][name=skills][value="{skill["uri"]}"]')).to_have_count(1)
    expect(page.locator("#skill-search")).to_have_value("")
    # The filter follows: the address carries the chosen skill.
    page.wait_for_url(re.compile(r".*skills=http"))


@pytest.fixture
def candidate_page(live_server, page, home_page, esco):
    user = new_member("candidate")
    CandidateFactory(user=user)
    _sign_in(page, live_server, user)
    return user


def test_self_service_occupations(live_server, page, candidate_page, axe):
    page.goto(f"{live_server.url}/app/candidates/me/occupations/")

    chosen = _second_suggestion_by_keyboard(page, axe, box_id="id_occupation_label", query="Koch")
    expect(page.locator("#id_occupation_uri")).to_have_value(chosen["uri"])
    _escape_closes_then_empties(page, box_id="id_occupation_label")
    expect(page.locator("#id_occupation_uri")).to_have_value("")

    # Chosen again and saved: Enter with the list closed sends the form as usual.
    chosen = _second_suggestion_by_keyboard(page, axe, box_id="id_occupation_label", query="Koch")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".lotse-own-entries")).to_contain_text(chosen["label"])
    assert CandidateOccupation.objects.filter(
        candidate__user=candidate_page, occupation__uri=chosen["uri"]
    ).exists()


def test_self_service_skills(live_server, page, candidate_page, axe):
    page.goto(f"{live_server.url}/app/candidates/me/skills/")

    chosen = _second_suggestion_by_keyboard(page, axe, box_id="id_skill_label", query="Lebensmittel")
    expect(page.locator("#id_skill_uri")).to_have_value(chosen["uri"])
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator(".lotse-own-entries")).to_contain_text(chosen["label"])
    assert CandidateSkill.objects.filter(candidate__user=candidate_page, skill__uri=chosen["uri"]).exists()


def test_case_page_occupations_and_skills(live_server, page, home_page, esco, axe, municipality):
    coach = new_member(Role.CASE_MANAGER, municipality=municipality)
    candidate = make_candidate(municipality)
    open_case(candidate, coach)
    _sign_in(page, live_server, coach)
    page.goto(f"{live_server.url}/app/candidates/{candidate.pk}/")

    occupation = _second_suggestion_by_keyboard(page, axe, box_id="id_occupation_label", query="Koch")
    expect(page.locator("#id_occupation_uri")).to_have_value(occupation["uri"])
    # Two fields on one page: each has its own list.
    skill = _second_suggestion_by_keyboard(page, axe, box_id="id_skill_label", query="Lebensmittel")
    expect(page.locator("#id_skill_uri")).to_have_value(skill["uri"])
    expect(page.locator("#id_occupation_uri")).to_have_value(occupation["uri"])
    page.get_by_role("button", name="Kompetenz hinzufügen").click()
    page.wait_for_url(re.compile(rf".*/app/candidates/{candidate.pk}/$"))
    assert CandidateSkill.objects.filter(candidate=candidate, skill__uri=skill["uri"]).exists()


def test_farsi_page_marks_fallback_labels_and_mirrors(live_server, page, candidate_page, axe):
    """Farsi has no ESCO labels: the suggestions are English, each marked lang="en"; the list opens
    under the box on a right-to-left page, and the chosen label keeps its language in the box."""
    page.goto(f"{live_server.url}/fa/app/candidates/me/occupations/")
    assert page.locator("html").get_attribute("dir") == "rtl"

    chosen = _second_suggestion_by_keyboard(
        page, axe, box_id="id_occupation_label", query="Koch", language="fa"
    )
    assert chosen["label"] == "private chef"
    expect(page.locator("#id_occupation_label")).to_have_attribute("lang", "en")

    box = page.locator("#id_occupation_label")
    box.fill("")
    box.press_sequentially("Koch", delay=30)
    listbox = page.locator("#id_occupation_label-listbox")
    expect(listbox).to_be_visible()
    expect(listbox.locator('[role=option] span[lang="en"]').first).to_be_visible()
    where = page.evaluate(
        """() => {
          const b = document.getElementById('id_occupation_label').getBoundingClientRect();
          const l = document.getElementById('id_occupation_label-listbox').getBoundingClientRect();
          return {boxRight: b.right, listRight: l.right, boxBottom: b.bottom, listTop: l.top};
        }"""
    )
    assert abs(where["listRight"] - where["boxRight"]) < 2, where
    assert abs(where["listTop"] - where["boxBottom"]) < 4, where
