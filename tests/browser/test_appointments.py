"""Issue 22 in Chromium: a job coach goes from /app/ to the person's case through her employment,
plans a job interview with a Farsi interpreter; the invitation with its .ics goes out by e-mail;
the Farsi-speaking person finds the appointment on "Mein Plan" (right to left). axe-core clean on
every page."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from candidates.models import Appointment
from tests.browser.helpers import serious, sign_in
from tests.clock import live_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLACE = "Rathaus, Zimmer 3"


def test_a_job_coach_plans_an_interview_and_the_farsi_speaking_person_sees_it(
    live_server,
    page,
    browser,
    coaching_world,
):
    person = coaching_world.people["candidate"]
    person.preferred_language = "fa"
    person.save(update_fields=["preferred_language"])
    mail.outbox.clear()

    def checked(p=page) -> None:
        violations = serious(p)
        assert violations == [], (p.url, violations)

    # The job coach: /app/ → follow-along → the employment → the case → "Termin planen".
    sign_in(page.context, live_server, coaching_world.coach)
    page.goto(f"{live_server.url}/app/")
    checked()
    page.get_by_role("link", name="Begleitung nach der Vermittlung").first.click()
    page.wait_for_url("**/app/coaching/**")
    checked()
    page.locator(f'a[href$="/employments/{coaching_world.employment.pk}/"]').first.click()
    page.wait_for_url(f"**/employments/{coaching_world.employment.pk}/")
    checked()
    page.get_by_test_id("employment-case").get_by_role("link").first.click()
    page.wait_for_url(f"**/cases/{coaching_world.case.pk}/")
    checked()
    page.get_by_role("link", name="Termin planen").click()
    page.wait_for_url(f"**/app/candidates/cases/{coaching_world.case.pk}/appointments/add/")
    checked()
    day = live_today() + datetime.timedelta(days=4)
    page.get_by_label("Art des Termins").select_option("interview")
    page.get_by_label("Datum", exact=True).fill(day.isoformat())
    page.get_by_label("von").fill("10:00")
    page.get_by_label("bis").fill("11:00")
    page.locator("#id_place").fill(PLACE)  # labelled "Ort – optional"
    page.get_by_label("Dolmetschung nötig").check()
    page.get_by_label("Sprache der Dolmetschung").select_option("fa")
    page.get_by_role("button", name="Termin planen und einladen").click()
    page.wait_for_url(f"**/app/candidates/cases/{coaching_world.case.pk}/#termine")
    checked()
    appointment = Appointment.objects.get()
    assert appointment.interpreter_language == "fa" and appointment.kind == "interview"
    row = page.locator(f'li[data-appointment="{appointment.pk}"]')
    assert PLACE in row.inner_text() and "Persisch" in row.inner_text()

    # The invitation with its calendar file went out, to the person in Farsi.
    invitations = [m for m in mail.outbox if m.to == [person.email]]
    assert len(invitations) == 1
    [(name, ics, mimetype)] = invitations[0].attachments
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert name.endswith(".ics") and "method=REQUEST" in mimetype
    assert "METHOD:REQUEST" in ics and f"UID:{appointment.uid}@lotse" in ics
    assert "مصاحبه" in invitations[0].subject or "قرار" in invitations[0].subject

    # The person: /fa/app/ → "برنامهٔ من" (My plan) → her next appointment.
    other = browser.new_context()
    try:
        sign_in(other, live_server, person)
        second = other.new_page()
        second.goto(f"{live_server.url}/fa/app/")
        checked(second)
        second.get_by_role("link", name="برنامهٔ من").first.click()
        second.wait_for_url("**/fa/app/candidates/me/plan/")
        assert second.locator("html").get_attribute("dir") == "rtl"
        checked(second)
        item = second.locator(f'li[data-appointment="{appointment.pk}"]')
        text = item.inner_text()
        assert PLACE in text
        assert "مترجم شفاهی در نظر گرفته شده است" in text  # "an interpreter is planned"
    finally:
        other.close()
