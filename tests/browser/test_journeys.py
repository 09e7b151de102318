"""Journeys across roles in Chromium (issue 12), by clicking only: each person starts at `/app/`
(after signing in) and finds what is addressed to them through the inbox badge in the navigation.
axe-core runs on every page a journey passes.

1. The employer asks to meet a listed profile → the case manager finds it in the inbox and records
   the person's yes → the employer sees the contact, sets an interview (the case manager is told
   the date), makes an offer and records the hire → the person's other open introduction closes
   with a kind notice to that employer → the job coach sees the new hire in the follow-along list.
2. The employer asks the responsible job coach for support on the hire → the coach finds it in
   the inbox and answers → the employer reads the answer; a request left unanswered past its
   deadline reaches the team lead.
"""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from coaching import services as coaching_services
from coaching.models import SupportRequest
from employers import services as employer_services
from employers.models import Employment, Introduction
from notifications.models import Notification
from organisations.models import OrganisationKind, VerificationStatus
from tests.browser.helpers import axe_results
from tests.clock import live_today
from tests.factories import CaseFactory, OrganisationFactory, make_candidate, make_placement, make_profile
from tests.fixtures.users import login_with_mfa, new_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Person:
    """One person's browser: their own context (cookies), signed in, starting at /app/."""

    def __init__(self, browser, live_server, user):
        client = login_with_mfa(Client(), user)
        self.context = browser.new_context(locale="de-DE")
        self.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        self.page = self.context.new_page()
        self.page.goto(live_server.url + "/app/")  # the one goto: the start page after the login
        self.checked()

    def checked(self) -> None:
        """axe-core on the page shown now: nothing serious or critical."""
        results = axe_results(self.page)
        serious = [
            f"{v['impact']}: {v['id']} at {[n['target'] for n in v['nodes']]}"
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not serious, f"{self.page.url}:\n" + "\n".join(serious)

    def click(self, locator) -> None:
        locator.click()
        self.page.wait_for_load_state()
        self.checked()

    def open_inbox(self, *, unread: int | None = None) -> None:
        """The badge in the navigation shows that (and how many) are new; the inbox lists them.
        The person comes back to their start page (the page they had open is from before)."""
        self.click(self.page.get_by_role("link", name="Mein Bereich"))
        badge = self.page.get_by_test_id("unread-count")
        assert badge.is_visible()
        if unread is not None:
            assert badge.inner_text().split()[0] == str(unread)
        self.click(self.page.get_by_test_id("inbox-link"))

    def open_notice(self, headline: str) -> None:
        item = self.page.get_by_test_id("notifications").locator("li", has_text=headline).first
        self.click(item.get_by_role("button", name="öffnen"))

    def text(self) -> str:
        return self.page.locator("main").inner_text()


@pytest.fixture
def town(municipality, cook_taxonomy):  # noqa: F811
    office = OrganisationFactory(
        municipality=municipality, kind=OrganisationKind.MUNICIPALITY_OFFICE, name="Integrationsmanagement"
    )
    case_manager = new_member(Role.CASE_MANAGER, organisation=office, display_name="Clara Case")
    coach = new_member(Role.JOB_COACH, organisation=office, display_name="Jonas Coach")
    # The team lead (a lead case manager of the office): overdue requests go to her.
    lead = new_member(Role.CASE_MANAGER, organisation=office, lead=True, display_name="Lea Leitung")
    candidate = make_candidate(municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[:2])
    CaseFactory(candidate=candidate, responsible_organisation=office, case_manager=case_manager)

    def business(name: str):
        organisation = OrganisationFactory(
            municipality=municipality,
            kind=OrganisationKind.EMPLOYER,
            name=name,
            verification_status=VerificationStatus.VERIFIED,
        )
        person = new_member(Role.EMPLOYER, organisation=organisation)
        placement = make_placement(
            make_profile(organisation),
            cook_taxonomy.cook,
            title=f"Koch (m/w/d) – {name}",
            start_date=live_today() + datetime.timedelta(days=30),
        )
        return person, placement

    employer, placement = business("Gasthaus Linde")
    other_employer, other_placement = business("Hotel Post")
    # The person is also being asked about elsewhere, and the case manager has seen that already.
    other = employer_services.introduction_select(
        placement=other_placement, candidate=candidate, actor=other_employer
    )
    Notification.objects.update(read_at=timezone.now())
    return type(
        "Town",
        (),
        dict(
            candidate=candidate,
            case_manager=case_manager,
            coach=coach,
            lead=lead,
            employer=employer,
            placement=placement,
            other_employer=other_employer,
            other=other,
        ),
    )


def _hire_by_clicking(town, browser, live_server) -> tuple[Person, Introduction]:
    """Journey 1 up to the hire; returns the employer's browser on the introduction page."""
    employer = Person(browser, live_server, town.employer)
    employer.click(employer.page.get_by_role("link", name="Stellen und Vorschläge"))
    employer.click(employer.page.get_by_role("link", name="Anonyme Profile ansehen"))
    employer.click(employer.page.get_by_role("link", name="Kennenlernen anfragen").first)
    employer.page.locator("select[name=placement]").select_option(str(town.placement.pk))
    employer.click(employer.page.get_by_role("button", name="Anfrage senden"))
    intro = Introduction.objects.get(placement=town.placement, candidate=town.candidate)
    assert intro.stage == "selected"
    # Nothing about the person before their yes.
    assert town.candidate.last_name not in employer.text()

    case_manager = Person(browser, live_server, town.case_manager)
    case_manager.open_inbox(unread=1)
    case_manager.open_notice("Ein Betrieb möchte eine Person aus Ihrer Fallverantwortung kennenlernen")
    row = case_manager.page.locator("tr", has_text=town.placement.title)
    assert town.candidate.last_name in row.inner_text()
    case_manager.click(row.get_by_role("button", name="stimmt zu"))
    intro.refresh_from_db()
    assert intro.stage == "accepted"

    employer.open_inbox(unread=1)
    employer.open_notice("Eine Person hat der Vorstellung zugestimmt")
    employer.click(employer.page.get_by_role("button", name="Kontaktdaten anzeigen"))
    contact = employer.page.get_by_test_id("contact").inner_text()
    assert town.candidate.last_name in contact and town.candidate.phone in contact

    interview_at = timezone.localtime() + datetime.timedelta(days=7)
    employer.page.locator("input[name=interview_at]").fill(interview_at.strftime("%Y-%m-%dT10:00"))
    employer.page.get_by_label("Ort des Vorstellungsgesprächs").fill("Hafenstraße 3, Dortmund")
    employer.click(employer.page.get_by_role("button", name="Gesprächstermin speichern"))
    case_manager.click(case_manager.page.get_by_test_id("inbox-link"))
    interview_notice = (
        case_manager.page.get_by_test_id("notifications").locator("li", has_text="Vorstellungsgespräch").first
    )
    assert interview_at.strftime("%d.%m.%Y") in interview_notice.inner_text()
    assert "Hafenstraße 3, Dortmund" in interview_notice.inner_text()

    employer.click(employer.page.get_by_role("button", name="Angebot gemacht"))
    start = employer.page.get_by_label("Beginn der Beschäftigung")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", start.input_value())
    employer.page.get_by_label("Vertragsart").select_option("permanent")
    employer.click(employer.page.get_by_role("button", name="Eingestellt"))
    intro.refresh_from_db()
    assert intro.stage == "hired"
    return employer, intro


def test_journey_1_from_a_profile_to_a_hire_the_job_coach_follows(town, browser, live_server, home_page):
    _employer, intro = _hire_by_clicking(town, browser, live_server)
    employment = Employment.objects.get(candidate=town.candidate)
    assert employment.start_date == town.placement.start_date and employment.contract_type == "permanent"
    assert employment.job_coach == town.coach  # the team's job coach, not the case manager

    # The other open introduction closed, and its employer is told kindly, without the person.
    town.other.refresh_from_db()
    assert (town.other.stage, town.other.close_reason) == ("closed", "hired_elsewhere")
    other = Person(browser, live_server, town.other_employer)
    other.open_inbox(unread=1)
    notice = other.page.get_by_test_id("notifications").inner_text()
    assert "Eine Vorstellung bei Ihnen wurde beendet" in notice and "anderswo eingestellt" in notice
    assert town.candidate.last_name not in other.text()

    # The responsible job coach finds the new hire in the follow-along list.
    coach = Person(browser, live_server, employment.job_coach)
    coach.click(coach.page.get_by_role("link", name="Begleitung nach der Vermittlung"))
    assert "Gasthaus Linde" in coach.text()
    coach.click(coach.page.get_by_role("link", name=re.compile(town.candidate.last_name)).first)
    assert town.placement.title in coach.text()


def test_journey_2_support_request_reaches_the_responsible_coach_and_escalates(
    town, browser, live_server, home_page
):
    employer, intro = _hire_by_clicking(town, browser, live_server)
    employment = Employment.objects.get(candidate=town.candidate)
    employer.click(employer.page.get_by_role("link", name=re.compile("Unterstützung anfragen")))
    employer.page.get_by_label("Thema").select_option(index=1)
    employer.page.get_by_label("Ihre Frage").fill("Wie können wir die Fachsprache in der Küche fördern?")
    employer.click(employer.page.locator("main form button[type=submit]").last)
    first = SupportRequest.objects.get(employer_organisation=town.placement.employer.organisation)
    assert first.assigned_to == employment.job_coach

    coach = Person(browser, live_server, employment.job_coach)
    coach.open_inbox()
    coach.open_notice("Anfrage")
    assert "Fachsprache in der Küche" in coach.text()
    coach.page.locator("textarea[name=answer]").fill("Ich komme Dienstag vorbei, dann planen wir es.")
    coach.click(coach.page.get_by_role("button", name="Antwort senden"))
    first.refresh_from_db()
    assert first.status == "answered"

    employer.click(employer.page.get_by_test_id("inbox-link"))
    assert "beantwortet" in employer.page.get_by_test_id("notifications").inner_text()

    # A second request nobody answers: after its deadline it goes to the team lead.
    second = coaching_services.support_request_create(
        actor=town.employer,
        organisation=town.placement.employer.organisation,
        topic=first.topic,
        message="Noch eine Frage zur Einarbeitung.",
        token=uuid.uuid4(),
        employment=employment,
    )
    assert (
        coaching_services.support_requests_escalate(today=second.due_date + datetime.timedelta(days=1)) == 1
    )
    lead = Person(browser, live_server, town.lead)
    lead.open_inbox(unread=1)
    lead.open_notice("überfällig")
    assert "Einarbeitung" in lead.text()
    assert intro.stage == "hired"
