"""A case manager going back and forth between a case and the person's profile in Chromium, from
/app/: from the third visit on the case page is served from its last drawing
(organisations.kept_page), and its note form still works (its CSRF token and one-time key are the
request's); the note shows at once, because the page is drawn anew when a row it shows changed.
axe-core on the kept page."""

from __future__ import annotations

import pytest

from candidates.views import case as case_views
from tests.browser.helpers import case_of_amal, serious, to_the_case_from_app

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_case_page_served_kept_takes_a_note_and_shows_it(live_server, page, home_page, monkeypatch):
    drawn = []
    draw = case_views._case_page
    monkeypatch.setattr(case_views, "_case_page", lambda *a, **k: (drawn.append(1), draw(*a, **k))[1])
    case, _goals = case_of_amal("Deutschkurs B1")
    person = case.candidate
    to_the_case_from_app(page, live_server, case)
    for _ in range(2):  # to the profile and back: drawn and kept, then served kept
        page.get_by_role("link", name="zum Profil").click()
        page.wait_for_url(f"**/app/candidates/{person.pk}/")
        page.locator(f'a[href="/app/candidates/cases/{case.pk}/"]').first.click()
        page.wait_for_url(f"**/app/candidates/cases/{case.pk}/")
    assert len(drawn) == 2
    assert page.get_by_role("heading", name="Fall von Amal Saleh").is_visible()
    assert page.locator("section.lotse-goal").filter(has_text="Deutschkurs B1").is_visible()
    assert serious(page) == []

    page.locator("#id_note_text").fill("Rückruf am Montag wegen des Sprachkurses")
    page.get_by_role("button", name="Notiz speichern").click()
    page.wait_for_url(f"**/app/candidates/cases/{case.pk}/")
    assert (
        page.locator("article.lotse-note")
        .filter(has_text="Rückruf am Montag wegen des Sprachkurses")
        .is_visible()
    )
    assert case.notes.get().text == "Rückruf am Montag wegen des Sprachkurses"
    assert len(drawn) == 3  # the note changed the page: drawn anew
