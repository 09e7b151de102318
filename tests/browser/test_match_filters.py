"""The matches page's filter in Chromium (issue 16), reached by clicking from the employer's start
page: the German level chosen in the list, a radius and a date typed into the browser's own inputs
narrow the profiles; a wrong radius is said beside its field and kept as typed while the German
level still narrows; "Alle passenden Profile zeigen" brings everyone back. axe-core on each state."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.helpers import signed_in_page
from tests.clock import live_today
from tests.fixtures.employers import four_cooks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(placement, municipality, cook_taxonomy):
    """Four cooks for the placement in Dortmund (44135), which starts in 30 days."""
    # Chromium against the live server: the clock runs (tests/clock.py)
    return four_cooks(placement, municipality, cook_taxonomy, today=live_today())


def _shown(page, people: dict) -> set[str]:
    refs = set(
        page.locator('form input[name="candidate"]').evaluate_all("inputs => inputs.map(i => i.value)")
    )
    return {name for name, candidate in people.items() if candidate.public_ref in refs}


def test_the_employer_narrows_the_matches_and_gets_everyone_back(
    live_server, browser, employer, placement, people, axe_on
):
    page = signed_in_page(browser, live_server, employer.own)
    page.get_by_role("link", name="Stellen und Vorschläge").click()
    page.get_by_role("link", name=placement.title).first.click()
    page.get_by_role("link", name="Passende Profile").click()
    page.get_by_test_id("match-filter").wait_for()
    assert _shown(page, people) == {"near", "muenster", "a2", "late"}
    assert not axe_on(page)

    # The German level from the list, the radius typed: Münster (about 60 km) and A2 drop out.
    page.get_by_label("Deutsch mündlich mindestens").select_option("B1")
    page.get_by_label("Umkreis (km)").fill("20")
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_url("**german=B1**")
    assert _shown(page, people) == {"near", "late"}
    assert page.get_by_test_id("filtered-count").inner_text().startswith("2 passende Profile")
    # The form shows what was asked for.
    assert page.get_by_label("Deutsch mündlich mindestens").input_value() == "B1"
    assert page.get_by_label("Umkreis (km)").input_value() == "20"

    # The browser's date input: available by the start of the placement leaves out "late".
    start = live_today() + timedelta(days=30)
    page.get_by_label("verfügbar bis spätestens").fill(start.isoformat())
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_url(f"**available_by={start.isoformat()}**")
    assert _shown(page, people) == {"near"}
    assert page.get_by_label("verfügbar bis spätestens").input_value() == start.isoformat()

    # A radius out of range: said beside the field, kept as typed; the German level still narrows.
    page.get_by_label("verfügbar bis spätestens").fill("")
    page.get_by_label("Umkreis (km)").fill("500")
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_url("**radius=500**")
    assert page.get_by_text("Bitte eine ganze Zahl von 1 bis 300 angeben.").is_visible()
    assert page.get_by_label("Umkreis (km)").input_value() == "500"
    assert _shown(page, people) == {"near", "muenster", "late"}
    assert not axe_on(page)

    page.get_by_role("link", name="Alle passenden Profile zeigen").click()
    page.wait_for_url(lambda url: "?" not in url)
    assert _shown(page, people) == {"near", "muenster", "a2", "late"}


def test_the_browse_filter_says_a_wrong_radius_at_the_top_and_forgets_it_when_corrected(
    live_server, browser, employer, placement, people, axe_on
):
    """The browse filter answers through htmx with the results only: a radius out of range (the
    browser's own check stopped it before, in the browser's language) is said at the top of the
    form, linked to its field, while the field keeps what was typed (it is not redrawn under the
    person's hands); a corrected radius empties the notice and narrows."""
    page = signed_in_page(browser, live_server, employer.own)
    page.get_by_role("link", name="Stellen und Vorschläge").click()
    page.get_by_role("link", name="Anonyme Profile ansehen").click()
    page.wait_for_url("**/app/employers/candidates/")
    page.get_by_label("Entfernung von PLZ").fill("44135")
    page.get_by_label("Umkreis (km)").fill("500")
    page.get_by_role("button", name="Suchen").click()
    errors = page.get_by_test_id("filter-errors")
    errors.wait_for()
    assert "Umkreis (km): Bitte eine ganze Zahl von 1 bis 300 angeben." in errors.inner_text()
    assert page.get_by_label("Umkreis (km)").input_value() == "500"
    assert not axe_on(page)
    assert errors.get_by_role("link", name="Umkreis (km)").get_attribute("href") == "#id_radius"
    radius = page.locator("#id_radius")
    page.wait_for_function(
        "() => document.getElementById('id_radius').getAttribute('aria-invalid') === 'true'"
    )
    assert "id_radius_summary" in radius.get_attribute("aria-describedby")

    # Loaded anew at that address (a reload, a bookmark): the error is drawn beside the field too.
    page.reload()
    assert (
        page.locator("#id_radius_error").inner_text().strip()
        == "Bitte eine ganze Zahl von 1 bis 300 angeben."
    )
    assert not axe_on(page)

    # Corrected through htmx: the list goes, and so do the field's own error and marks.
    page.get_by_label("Umkreis (km)").fill("20")
    page.get_by_role("button", name="Suchen").click()
    errors.wait_for(state="detached")
    page.wait_for_url("**radius=20**")
    page.locator("#id_radius_error").wait_for(state="detached")
    assert radius.get_attribute("aria-invalid") is None
    assert "_error" not in (radius.get_attribute("aria-describedby") or "")
    assert _shown_cards(page, people) == {"near", "a2", "late"}
    assert not axe_on(page)


def _shown_cards(page, people: dict) -> set[str]:
    """Who the browse page's cards show (each card names its reference number)."""
    text = page.locator("#browse-results").inner_text()
    return {name for name, candidate in people.items() if candidate.public_ref in text}
