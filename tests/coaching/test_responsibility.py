"""Responsibility is explicit (issue 12): every employment has a responsible job coach, requests
route to that person, and go to the team lead or the coordinator once their deadline passed.

Found: the employer's "heißer Draht" reached the case manager, who had been made the hire's job
coach by default; the job coach never saw the request.
"""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from candidates.models import ConsentScope
from candidates.selectors import default_job_coach, job_coach_choices
from coaching import notices as coaching_notices
from coaching import selectors, services
from coaching.models import FollowAlong, SupportRequest
from coaching.workdays import add_working_days
from employers.models import Employment
from notifications.models import Notification
from privacy.models import AuditEntry
from tests.factories import (
    CaseFactory,
    EmployerProfileFactory,
    IntroductionFactory,
    OccupationFactory,
    OrganisationFactory,
    PlacementFactory,
    make_employment,
)
from tests.fixtures.users import new_member

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 2)


def _ask(world, *, employment=None, today=MONDAY) -> SupportRequest:
    return services.support_request_create(
        actor=world.people["employer"],
        organisation=world.employer_org,
        employment=employment or world.employment,
        topic="language",
        message="Die Unterweisung wurde nicht verstanden.",
        token=uuid.uuid4(),
        today=today,
    )


# --- who is responsible ------------------------------------------------------------------------------


def test_a_new_employment_gets_the_teams_job_coach_not_the_case_manager(world):
    world.employment.refresh_from_db()
    assert world.employment.job_coach == world.coach
    assert FollowAlong.objects.get(employment=world.employment).coach == world.coach
    assert world.case_manager not in job_coach_choices(candidate=world.candidate)


def test_the_case_manager_is_the_default_only_when_they_hold_the_job_coach_role_there(world):
    from tests.factories import MembershipFactory

    MembershipFactory(user=world.case_manager, organisation=world.office, role=Role.JOB_COACH)
    assert default_job_coach(candidate=world.candidate) == world.case_manager


def test_without_a_coach_in_the_office_the_partner_organisations_coach_is_the_default(world):
    jobcenter = OrganisationFactory(municipality=world.municipality, kind="jobcenter")
    manager = new_member(Role.CASE_MANAGER, organisation=jobcenter)
    case = CaseFactory(
        responsible_organisation=jobcenter, candidate__municipality=world.municipality, case_manager=manager
    )
    partner_coach = world.people["coach_other_org"]
    # The office's coach comes first only for the office's own cases: here the Jobcenter has none.
    world.coach.memberships.update(is_active=False)
    assert default_job_coach(candidate=case.candidate) == partner_coach


def test_without_any_job_coach_nobody_is_made_responsible_silently(world):
    from organisations.models import Membership

    Membership.objects.filter(role=Role.JOB_COACH).update(is_active=False)
    Employment.objects.filter(pk=world.employment.pk).update(end_reason="other", end_date=MONDAY)
    employment = make_employment(world.case, world.employer_org, start=MONDAY)
    plan = services.follow_along_start(employment_id=employment.pk)
    employment.refresh_from_db()
    assert employment.job_coach is None and plan.coach is None
    # The request then goes to the coordinator — not to the case manager.
    request = _ask(world, employment=employment)
    assert request.assigned_to == world.coordinator
    assert employment in selectors.unassigned_employments(user=world.case_manager)


# --- routing -------------------------------------------------------------------------------------------


def test_a_support_request_on_a_hire_goes_to_its_responsible_job_coach(world, signed_in):
    request = _ask(world)
    assert request.assigned_to == world.coach
    notice = Notification.objects.get(kind=coaching_notices.REQUEST_NEW)
    assert notice.recipient == world.coach
    assert not Notification.objects.filter(recipient=world.case_manager).exists()
    page = signed_in(world.coach).get(reverse("coaching:support_request_detail", args=[request.pk]))
    assert page.status_code == 200 and 'name="answer"' in page.content.decode()


def test_the_case_manager_changes_the_coach_on_the_employment_page(world, signed_in):
    partner_coach = world.people["coach_other_org"]
    client = signed_in(world.case_manager)
    page = client.get(reverse("coaching:employment_detail", args=[world.employment.pk]))
    assert reverse("coaching:employment_coach", args=[world.employment.pk]) in page.content.decode()
    response = client.post(
        reverse("coaching:employment_coach", args=[world.employment.pk]), {"coach": partner_coach.pk}
    )
    assert response.status_code == 302
    world.employment.refresh_from_db()
    assert world.employment.job_coach == partner_coach
    assert FollowAlong.objects.get(employment=world.employment).coach == partner_coach
    assert AuditEntry.objects.filter(
        actor_id=world.case_manager.pk, action="change", record_id=str(world.employment.pk)
    ).exists()
    # From now on the partner's coach gets the requests, sees the hire and can open both pages.
    request = _ask(world)
    assert request.assigned_to == partner_coach
    coach_client = signed_in(partner_coach)
    assert coach_client.get(reverse("coaching:support_request_detail", args=[request.pk])).status_code == 200
    assert (
        coach_client.get(reverse("coaching:employment_detail", args=[world.employment.pk])).status_code == 200
    )
    assert [p.employment_id for p in selectors.coach_caseload(user=partner_coach)] == [world.employment.pk]
    assert not selectors.coach_caseload(user=world.coach).exists()


def test_the_coordinator_changes_the_coach_too(world, signed_in):
    partner_coach = world.people["coach_other_org"]
    response = signed_in(world.coordinator).post(
        reverse("coaching:employment_coach", args=[world.employment.pk]), {"coach": partner_coach.pk}
    )
    assert response.status_code == 302
    world.employment.refresh_from_db()
    assert world.employment.job_coach == partner_coach


def test_the_case_manager_cannot_be_made_job_coach_without_the_role(world, signed_in):
    client = signed_in(world.case_manager)
    url = reverse("coaching:employment_coach", args=[world.employment.pk])
    response = client.post(url, {"coach": world.case_manager.pk})
    assert response.status_code == 400
    assert "Bitte einen Jobcoach aus der Liste auswählen." in response.content.decode()
    with pytest.raises(ValidationError):
        services.employment_coach_set(
            employment=world.employment, actor=world.coordinator, coach=world.case_manager
        )
    # Nor by "taking over" the follow-along.
    client.post(reverse("coaching:follow_along_take", args=[world.employment.pk]))
    world.employment.refresh_from_db()
    assert world.employment.job_coach == world.coach


def test_a_job_coach_of_another_municipality_cannot_be_chosen(world):
    with pytest.raises(ValidationError):
        services.employment_coach_set(
            employment=world.employment, actor=world.case_manager, coach=world.people["coach_elsewhere"]
        )


# --- escalation after the deadline ----------------------------------------------------------------------


def test_an_unanswered_request_goes_to_the_coachs_team_lead_after_its_deadline(world):
    lead = new_member(Role.JOB_COACH, organisation=world.office, lead=True)
    request = _ask(world)
    due = add_working_days(MONDAY, services.RESPONSE_WORKING_DAYS)
    assert request.due_date == due
    assert services.support_requests_escalate(today=due) == 0  # on the day it is still in time
    now = datetime.datetime(2026, 11, 5, 7, 0, tzinfo=datetime.UTC)
    assert services.support_requests_escalate(today=due + datetime.timedelta(days=1), now=now) == 1
    request.refresh_from_db()
    assert (request.status, request.escalated_to, request.escalated_at) == ("escalated", lead, now)
    assert set(
        Notification.objects.filter(kind=coaching_notices.REQUEST_ESCALATED).values_list(
            "recipient", flat=True
        )
    ) == {lead.pk, world.coach.pk}
    # Escalated once: the next run does nothing.
    assert services.support_requests_escalate(today=due + datetime.timedelta(days=2)) == 0


def test_without_a_team_lead_the_coordinator_gets_the_overdue_request(world):
    request = _ask(world)
    services.support_requests_escalate(today=request.due_date + datetime.timedelta(days=1))
    request.refresh_from_db()
    assert request.escalated_to == world.coordinator


def test_an_answered_request_is_not_escalated(world):
    request = _ask(world)
    services.support_request_answer(request=request, actor=world.coach, answer="Ich komme morgen vorbei.")
    assert services.support_requests_escalate(today=request.due_date + datetime.timedelta(days=5)) == 0


# --- the throttle on "Unterstützung anfragen" ---------------------------------------------------------


def test_too_many_requests_get_a_clear_message_the_input_kept_and_nothing_stored(world, signed_in, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "lotse_support_request": "2/h/user"}
    client = signed_in(world.people["employer"])
    url = reverse("coaching:support_request_create")

    def post(message):
        return client.post(
            url,
            {
                "organisation": world.employer_org.pk,
                "employment": world.employment.pk,
                "topic": "tasks",
                "message": message,
                "token": str(uuid.uuid4()),
            },
        )

    assert post("Erste Frage").status_code == 302
    assert post("Zweite Frage").status_code == 302
    third = post("Dritte Frage, bitte nicht verlieren")
    assert third.status_code == 429
    page = third.content.decode()
    assert "schon viele Anfragen gestellt" in page
    assert "Dritte Frage, bitte nicht verlieren" in page
    assert SupportRequest.objects.filter(employer_organisation=world.employer_org).count() == 2


def test_the_request_form_preselects_the_hire_it_was_opened_from(world, signed_in):
    client = signed_in(world.people["employer"])
    page = client.get(
        reverse("coaching:support_request_create") + f"?employment={world.employment.reference}"
    )
    assert f'<option value="{world.employment.pk}" selected>' in page.content.decode()


def test_the_coachs_consent_free_reach_is_the_employment_not_the_case_file(world, signed_in):
    """A partner's coach made responsible opens the employment, not the case (no case-data consent)."""
    partner_coach = world.people["coach_other_org"]
    services.employment_coach_set(employment=world.employment, actor=world.case_manager, coach=partner_coach)
    client = signed_in(partner_coach)
    assert client.get(reverse("coaching:case_detail", args=[world.case.pk])).status_code == 404
    assert not world.candidate.consents.filter(scope=ConsentScope.CASE_DATA).exists()


def test_a_new_hire_appears_in_the_responsible_coachs_follow_along_list(
    world, signed_in, django_capture_on_commit_callbacks
):
    """Found: new hires never appeared in any job coach's list (the case manager had been made coach)."""
    from employers import services as employer_services

    case = CaseFactory(
        responsible_organisation=world.office,
        candidate__municipality=world.municipality,
        case_manager=world.case_manager,
    )
    profile = EmployerProfileFactory(organisation=world.employer_org, sector="handwerk")  # get or create
    occupation = OccupationFactory(
        uri="http://esco.test/occupation/baker", label_de="Bäcker/Bäckerin", isco_code=""
    )
    placement = PlacementFactory(
        employer=profile,
        municipality=world.municipality,
        title="Bäcker*in",
        occupation=occupation,
        postcode="44135",
        status="open",
        openings=1,
        min_german_spoken=None,
        hours_per_week=None,
    )
    intro = IntroductionFactory(placement=placement, candidate=case.candidate, stage="accepted")
    with django_capture_on_commit_callbacks(execute=True):
        employment = employer_services.introduction_hire(
            introduction=intro,
            actor=world.people["employer"],
            start_date=MONDAY,
            contract_type="permanent",
            hours_per_week=30,
        )
    assert employment.job_coach == world.coach
    assert employment.pk in [p.employment_id for p in selectors.coach_caseload(user=world.coach)]
    assert not selectors.coach_caseload(user=world.case_manager).filter(employment=employment).exists()
    home = signed_in(world.coach).get(reverse("coaching:home")).content.decode()
    assert reverse("coaching:employment_detail", args=[employment.pk]) in home
    # The coach hears it, with the way to the employment's page.
    notice = Notification.objects.get(
        recipient=world.coach, kind=coaching_notices.COACH_ASSIGNED, target_id=employment.pk
    )
    assert notice.path() == reverse("coaching:employment_detail", args=[employment.pk])
    assert "Bäckerei Korn" in notice.detail()


def test_a_change_of_coach_tells_the_new_and_the_previous_coach(world, signed_in):
    partner_coach = world.people["coach_other_org"]
    Notification.objects.all().delete()
    signed_in(world.coordinator).post(
        reverse("coaching:employment_coach", args=[world.employment.pk]), {"coach": partner_coach.pk}
    )
    new = Notification.objects.get(kind=coaching_notices.COACH_ASSIGNED)
    assert new.recipient == partner_coach
    assert new.path() == reverse("coaching:employment_detail", args=[world.employment.pk])
    assert (
        signed_in(partner_coach)
        .get(reverse("notifications:inbox"))
        .content.decode()
        .count("Sie begleiten eine Beschäftigung als Jobcoach")
        == 1
    )
    old = Notification.objects.get(kind=coaching_notices.COACH_RELEASED)
    assert old.recipient == world.coach
    # Choosing the same coach again tells nobody anything new.
    signed_in(world.coordinator).post(
        reverse("coaching:employment_coach", args=[world.employment.pk]), {"coach": partner_coach.pk}
    )
    assert Notification.objects.count() == 2


def test_a_coach_taking_an_employment_over_is_not_told_what_they_did(world):
    partner_coach = world.people["coach_other_org"]
    Notification.objects.all().delete()
    services.employment_coach_set(employment=world.employment, actor=partner_coach, coach=partner_coach)
    assert list(Notification.objects.values_list("recipient_id", "kind")) == [
        (world.coach.pk, coaching_notices.COACH_RELEASED)
    ]


# --- every case keeps a responsible case manager ---------------------------------------------------------


def test_a_handover_accepted_by_a_job_coach_gives_the_case_the_receiving_lead_case_manager(world):
    from candidates.services import consent_grant
    from tests.coaching.helpers import handover_kind

    receiving = OrganisationFactory(municipality=world.municipality, kind="jobcenter")
    new_member(Role.CASE_MANAGER, organisation=receiving)
    lead_manager = new_member(Role.CASE_MANAGER, organisation=receiving, lead=True)
    accepting_coach = new_member(Role.JOB_COACH, organisation=receiving)
    consent_grant(
        candidate=world.candidate,
        scope=ConsentScope.CASE_DATA,
        actor=world.case_manager,
        recipient_organisation=receiving,
    )
    handover = services.handover_propose(
        case=world.case, actor=world.case_manager, kind=handover_kind(), to_organisation=receiving
    )
    for item in handover.items.all():
        services.handover_item_set(item=item, actor=world.case_manager, done=True)
    services.handover_decide(handover=handover, actor=accepting_coach, accept=True)
    world.case.refresh_from_db()
    assert world.case.responsible_organisation == receiving
    assert world.case.case_manager == lead_manager


def test_the_case_form_does_not_take_the_case_manager_away(world):
    from candidates.forms import CaseForm

    form = CaseForm({"phase": world.case.phase, "legal_circle": "none", "case_manager": ""}, case=world.case)
    assert not form.is_valid()
    assert form.errors["case_manager"] == ["Bitte die zuständige Case Manager*in auswählen."]
