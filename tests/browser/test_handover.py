"""Journey 5 in Chromium (issue 12): the job coach starts a warm handover from the employment page
by clicking; the missing consent is a form error that links to the consent page; recorded there,
the way back leads to the form as it was; the proposal reaches the receiving organisation's case
manager through the inbox badge, who accepts it. axe-core on every page passed."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from candidates.models import ConsentScope
from coaching.models import Handover
from organisations.models import OrganisationKind
from tests.browser.helpers import serious, sign_in
from tests.coaching.helpers import handover_kind
from tests.factories import OrganisationFactory
from tests.fixtures.users import new_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_job_coach_hands_a_case_over_to_another_municipality_by_clicking(
    live_server,
    page,
    browser,
    home_page,
    coaching_world,
    other_municipality,
):
    kind = handover_kind()
    bochum = OrganisationFactory(
        municipality=other_municipality, kind=OrganisationKind.JOBCENTER, name="Jobcenter Bochum"
    )
    receiver = new_member(Role.CASE_MANAGER, organisation=bochum, display_name="Rita Receiver")
    person = coaching_world.case.candidate

    def checked(p=page) -> None:
        violations = serious(p)
        assert violations == [], (p.url, violations)

    # The job coach: /app/ → coaching → the employment → "Warme Übergabe anfragen".
    sign_in(page.context, live_server, coaching_world.coach)
    page.goto(f"{live_server.url}/app/")
    checked()
    page.locator('a[href="/app/coaching/"]').first.click()
    page.wait_for_url("**/app/coaching/")
    checked()
    page.locator(f'a[href="/app/coaching/employments/{coaching_world.employment.pk}/"]').first.click()
    page.wait_for_url(f"**/app/coaching/employments/{coaching_world.employment.pk}/")
    checked()
    page.get_by_role("link", name="Warme Übergabe anfragen").click()
    page.wait_for_url(f"**/app/coaching/cases/{coaching_world.case.pk}/handovers/new/")
    checked()

    page.get_by_label("Art der Übergabe").select_option(str(kind.pk))
    page.get_by_label("Aufnehmende Organisation").select_option(str(bochum.pk))
    page.get_by_label("Hinweise für die Übernahme").fill("Umzug nach Bochum zum 1. des Monats")
    page.get_by_role("button", name="Speichern").click()
    # No consent to the Jobcenter Bochum yet: the error says so and links to the consent page.
    error = page.locator(".kern-error", has_text="nicht zugestimmt")
    assert error.is_visible()
    assert page.get_by_label("Hinweise für die Übernahme").input_value().startswith("Umzug nach Bochum")
    checked()
    assert not Handover.objects.exists()

    error.get_by_role("link", name="Einwilligung jetzt erfassen").click()
    page.wait_for_url(f"**/app/candidates/{person.pk}/consents/**")
    assert page.get_by_label("Umfang").input_value() == ConsentScope.CASE_DATA
    assert page.get_by_label("empfangende Organisation").input_value() == str(bochum.pk)
    checked()
    page.get_by_label("unterschrieben am").fill(page.evaluate("new Date().toISOString().slice(0, 10)"))
    page.get_by_label("Formular-Referenz").fill("Ordner Umzug, Blatt 3")
    page.get_by_role("button", name="Erfassen").click()
    page.wait_for_url(f"**/app/candidates/{person.pk}/consents/?next=**")
    assert "Einwilligung erfasst." in page.locator("body").inner_text()
    checked()

    page.get_by_role("link", name="Zurück zum angefangenen Formular").click()
    page.wait_for_url(f"**/app/coaching/cases/{coaching_world.case.pk}/handovers/new/?**")
    assert page.get_by_label("Aufnehmende Organisation").input_value() == str(bochum.pk)
    assert page.get_by_label("Art der Übergabe").input_value() == str(kind.pk)
    checked()
    page.get_by_role("button", name="Speichern").click()
    page.wait_for_url("**/app/coaching/handovers/*/")
    handover = Handover.objects.get()
    assert (handover.to_organisation, handover.status) == (bochum, Handover.Status.PROPOSED)
    checked()

    # The receiving side: a second person in a second browser context, found through the badge.
    other = browser.new_context()
    try:
        sign_in(other, live_server, receiver)
        second = other.new_page()
        second.goto(f"{live_server.url}/app/")
        checked(second)
        badge = second.get_by_test_id("inbox-link")
        assert badge.get_by_test_id("unread-count").inner_text().startswith("1")
        badge.click()
        second.wait_for_url("**/app/notifications/")
        checked(second)
        item = second.get_by_test_id("notifications").locator("li", has_text="Übergabe")
        item.get_by_role("button", name="öffnen").click()
        second.wait_for_url(f"**/app/coaching/handovers/{handover.pk}/")
        checked(second)
        second.get_by_role("button", name="erledigt").first.click()
        second.wait_for_url(f"**/app/coaching/handovers/{handover.pk}/")
        second.get_by_role("link", name="Übernehmen oder ablehnen").click()
        second.wait_for_url(f"**/app/coaching/handovers/{handover.pk}/decide/")
        checked(second)
        second.get_by_label("Übernehmen").check()
        second.get_by_role("button", name="Speichern").click()
        second.wait_for_url(f"**/app/coaching/handovers/{handover.pk}/")
        checked(second)
        assert "Entscheidung gespeichert" in second.locator("body").inner_text()
    finally:
        other.close()

    handover.refresh_from_db()
    coaching_world.case.refresh_from_db()
    assert handover.status == Handover.Status.ACCEPTED
    assert coaching_world.case.responsible_organisation == bochum
    assert coaching_world.case.case_manager == receiver
