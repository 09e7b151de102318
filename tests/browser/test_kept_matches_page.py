"""An employer going back and forth between a placement and its matches in Chromium, from /app/: from
the third visit on the matches are served from their last drawing (organisations.kept_page), and the
shortlist form on that page still works (its CSRF token is the request's); the person shows as on the
shortlist at once. axe-core on the kept page."""

from __future__ import annotations

import pytest

from employers import views
from tests.browser.helpers import serious, signed_in_page
from tests.clock import live_today
from tests.fixtures.employers import four_cooks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_kept_matches_take_a_person_onto_the_shortlist(
    live_server, browser, employer, placement, municipality, cook_taxonomy, monkeypatch
):
    four_cooks(placement, municipality, cook_taxonomy, today=live_today())
    drawn = []
    draw = views._placement_matches
    monkeypatch.setattr(views, "_placement_matches", lambda *a, **k: (drawn.append(1), draw(*a, **k))[1])
    page = signed_in_page(browser, live_server, employer.own)
    page.get_by_role("link", name="Stellen und Vorschläge").click()
    page.get_by_role("link", name=placement.title).first.click()
    for visit in range(3):  # a first visit, the drawing kept, then served kept
        page.get_by_role("link", name="Passende Profile").click()
        page.get_by_test_id("match-filter").wait_for()
        if visit < 2:
            page.go_back()
    assert len(drawn) == 2
    matches = page.get_by_test_id("match")
    assert matches.count() == 4
    assert serious(page) == []

    matches.first.get_by_role("button", name="Auf die Merkliste").click()
    page.get_by_text("Auf der Merkliste gespeichert.").wait_for()
    assert placement.shortlist.count() == 1
    assert len(drawn) == 3  # the shortlist changed the page: drawn anew
