"""The employer's forms on an introduction in Chromium, reached by clicking from the start page: a
required field left empty is said by the server beside the field, in the language the person chose,
with what was typed kept (the browser's own tooltip spoke the browser's language and never reached
the server). axe-core on each state."""

from __future__ import annotations

import pytest
from django.utils import translation

from employers.forms import HireForm, InterviewForm
from employers.models import Employment, Introduction
from tests.browser.helpers import introduction_with_contact, signed_in_page
from tests.clock import live_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Fachkraft Lagerlogistik (m/w/d)"


@pytest.fixture
def introduction(coaching_world):
    # Chromium against the live server: the clock runs (tests/clock.py)
    return introduction_with_contact(coaching_world, today=live_today(), sector="handel", title=TITLE)


def _error_of(page, field_id: str) -> str:
    """The error the server drew for a field (inputs.fields_html: ``{id}_error``)."""
    return page.locator(f"#{field_id}_error").inner_text().strip()


def test_an_empty_required_field_is_said_by_the_server_in_the_persons_language(
    live_server, browser, coaching_world, introduction, axe_on
):
    page = signed_in_page(browser, live_server, coaching_world.people["employer"])
    page.get_by_role("link", name="Stellen und Vorschläge").click()
    page.get_by_role("link", name=f"{TITLE} – Vorstellung {introduction.reference}").click()
    page.wait_for_url(f"**/app/employers/introductions/{introduction.reference}/")

    # The interview's place typed, its date left empty: the browser lets it through (novalidate),
    # the server says what is missing beside the date and keeps the place.
    page.get_by_label("Ort des Vorstellungsgesprächs").fill("Lagerstraße 4, Tor 2")
    page.get_by_role("button", name="Gesprächstermin speichern").click()
    page.get_by_text("Bitte prüfen Sie Ihre Eingaben.").wait_for()
    with translation.override("de"):
        expected = InterviewForm({"interview_place": "x"}).errors["interview_at"][0]
    assert _error_of(page, "id_interview_at") == expected
    assert page.get_by_label("Ort des Vorstellungsgesprächs").input_value() == "Lagerstraße 4, Tor 2"
    introduction.refresh_from_db()
    assert introduction.interview_at is None and introduction.stage == Introduction.Stage.CONTACT_REVEALED
    assert not axe_on(page)

    # In English, from the language switch: hours out of range (the browser's own min check stopped
    # them before, in its own language) are said in English beside the field and kept.
    page.select_option("#lotse-language-select", "en")
    page.get_by_role("button", name="Sprache wechseln").click()
    page.get_by_role("button", name="Hired").wait_for()
    page.get_by_label("Hours per week").fill("0")
    page.get_by_role("button", name="Hired").click()
    page.get_by_text("Please check your entries.").wait_for()
    with translation.override("en"):
        form = HireForm({"hours_per_week": "0"}, placement=introduction.placement)
        expected = form.errors["hours_per_week"][0]
    assert _error_of(page, "id_hours_per_week") == expected
    assert page.get_by_label("Hours per week").input_value() == "0"
    assert not Employment.objects.filter(candidate=introduction.candidate).exists()
    assert not axe_on(page)
