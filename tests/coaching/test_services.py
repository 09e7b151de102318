"""The rules of coaching, through the services: plan at hire, follow-up log, reminders once,
employer requests with a two-working-day deadline, language needs, risks, volunteers, referrals
and the warm handover."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from candidates.models import ConsentScope
from candidates.services import consent_grant, consent_revoke
from coaching import services
from coaching.models import (
    FollowAlong,
    FollowUpDue,
    FollowUpReminder,
    Handover,
    LanguageSupportNeed,
    Referral,
    SupportRequest,
    VolunteerAssignment,
)
from coaching.workdays import add_working_days
from notifications.models import Notification
from organisations.models import OrganisationKind
from tests.clock import TODAY
from tests.coaching.helpers import handover_kind
from tests.factories import (
    FollowUpReminderFactory,
    OrganisationFactory,
    RiskFlagFactory,
    SupportRequestFactory,
    make_employment,
)
from tests.fixtures.users import new_member

# Dates are built from TODAY: the clock stands at noon in Berlin that day (tests/clock.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


# --- plan at hire ------------------------------------------------------------------------------------


def test_hire_creates_the_default_plan_with_the_case_offices_coach(world, django_capture_on_commit_callbacks):
    world.employment.end_reason = "other"
    world.employment.save()
    start = datetime.date(2025, 1, 15)
    with django_capture_on_commit_callbacks(execute=True):
        employment = make_employment(world.case, world.employer_org, start=start)
    plan = FollowAlong.objects.get(employment=employment)
    assert plan.coach == world.coach
    dues = list(FollowUpDue.objects.filter(employment=employment).values_list("due_date", "label"))
    assert dues == [
        (datetime.date(2025, 1, 22), "nach 1 Woche"),
        (datetime.date(2025, 2, 12), "nach 4 Wochen"),
        (datetime.date(2025, 4, 15), "nach 3 Monaten"),
    ]


def test_plan_rolls_on_every_three_months_after_a_year_and_stops_at_the_end_date():
    start = datetime.date(2024, 3, 1)
    assert services.plan_entry(start, 4) == (datetime.date(2025, 3, 1), "nach 12 Monaten")
    assert services.plan_entry(start, 5) == (datetime.date(2025, 6, 1), "nach 15 Monaten")
    assert services.plan_entry(start, 6) == (datetime.date(2025, 9, 1), "nach 18 Monaten")


def test_no_planned_follow_up_beyond_a_fixed_end(world):
    FollowUpDue.objects.all().delete()
    world.employment.end_date = world.employment.start_date + datetime.timedelta(days=20)
    world.employment.save()
    services.schedule_extend(employment=world.employment)
    assert list(FollowUpDue.objects.values_list("label", flat=True)) == ["nach 1 Woche"]


def test_starting_the_plan_twice_changes_nothing(world):
    before = FollowUpDue.objects.count()
    services.follow_along_start(employment_id=world.employment.pk)
    # The plan keeps the next three follow-ups ahead (1 week, 4 weeks, 3 months), no more.
    assert FollowUpDue.objects.count() == before == 3


# --- follow-up log -------------------------------------------------------------------------------------


def _log(world, **overrides):
    data = {
        "date": TODAY,
        "mode": "phone",
        "with_whom": "both",
        "place": "",
        "topics": ["conflict"],
        "notes": "Alles gut",
        "next_date": None,
        "token": uuid.uuid4(),
    }
    data.update(overrides)
    return services.follow_up_log(employment=world.employment, actor=world.coach, **data)


def test_a_follow_up_fulfils_the_overdue_plan_entry_and_the_plan_extends(world):
    week = FollowUpDue.objects.get(employment=world.employment, sequence=0)
    entry = _log(world)
    week.refresh_from_db()
    assert week.done_by == entry
    assert FollowUpDue.objects.filter(employment=world.employment, done_at__isnull=True).count() == 3


def test_the_next_date_the_coach_agrees_is_the_next_due_date(world):
    agreed = TODAY + datetime.timedelta(days=10)
    _log(world, next_date=agreed)
    row = services_selectors().coach_caseload(user=world.coach).get(employment=world.employment)
    assert row.next_due == agreed
    nxt = FollowUpDue.objects.filter(employment=world.employment, done_at__isnull=True).order_by("due_date")[
        0
    ]
    assert nxt.due_date == agreed
    assert nxt.label == "vereinbarter Termin"
    # Nothing is due before the agreed date any more: no reminder in between.
    assert not FollowUpDue.objects.filter(
        employment=world.employment, done_at__isnull=True, due_date__lt=agreed
    ).exists()
    assert FollowUpDue.objects.filter(employment=world.employment, done_at__isnull=True).count() == 3


def test_the_caseload_row_counts_each_thing_once_however_many_there_are(world):
    """Several follow-ups, risks and requests of one employment: the row's figures are the latest
    contact, the earliest open due date and the open counts, not products of each other."""
    _log(world, date=TODAY - datetime.timedelta(days=3))
    _log(world, date=TODAY - datetime.timedelta(days=1))
    for resolved in (None, None, timezone.now()):
        RiskFlagFactory(
            employment=world.employment,
            kind="dropout",
            raised_by=world.coach,
            resolved_at=resolved,
            resolution_note="geklärt" if resolved else "",
        )
    for status in ("open", "escalated", "answered"):
        SupportRequestFactory(
            employer_organisation=world.employment.employer.organisation,
            employment=world.employment,
            municipality=world.municipality,
            topic="language",
            message="Frage",
            due_date=TODAY,
            status=status,
            answer="Erledigt" if status == "answered" else "",
            answered_at=timezone.now() if status == "answered" else None,
        )
    row = services_selectors().coach_caseload(user=world.coach).get(employment=world.employment)
    open_dues = FollowUpDue.objects.filter(employment=world.employment, done_at__isnull=True)
    assert row.last_contact == TODAY - datetime.timedelta(days=1)
    assert row.next_due == min(due.due_date for due in open_dues)
    assert (row.open_risks, row.open_requests) == (2, 2)
    assert row.employment.candidate.full_name == world.employment.candidate.full_name


def test_an_agreed_date_after_a_reminder_was_sent_is_reminded_again(world):
    services.reminders_send()
    agreed = TODAY + datetime.timedelta(days=3)
    _log(world, next_date=agreed)
    assert services.reminders_send(today=agreed) == 1
    assert services.reminders_send(today=agreed) == 0


def test_an_agreed_date_beyond_later_plan_points_covers_them_without_repeating_them(world):
    agreed = world.employment.start_date + datetime.timedelta(days=200)
    _log(world, next_date=agreed)
    open_dates = sorted(
        FollowUpDue.objects.filter(employment=world.employment, done_at__isnull=True).values_list(
            "due_date", flat=True
        )
    )
    assert open_dates[0] == agreed
    assert all(day > agreed for day in open_dates[1:])


def services_selectors():
    from coaching import selectors

    return selectors


def test_follow_up_before_the_employment_started_is_refused(world):
    with pytest.raises(ValidationError) as error:
        _log(world, date=world.employment.start_date - datetime.timedelta(days=1))
    assert "vor dem Beginn" in str(error.value.message_dict["date"])
    assert not world.employment.follow_ups.exists()


def test_a_replayed_follow_up_post_is_saved_once(world):
    token = uuid.uuid4()
    _log(world, token=token)
    with pytest.raises(services.AlreadySaved):
        _log(world, token=token)
    assert world.employment.follow_ups.count() == 1


# --- reminders -----------------------------------------------------------------------------------------


def test_reminders_go_out_once_per_due_follow_up(world):
    overdue = FollowUpDue.objects.filter(employment=world.employment, due_date__lte=TODAY).count()
    assert overdue == 2  # after 1 and after 4 weeks; the employment began 40 days ago
    assert services.reminders_send() == 2
    assert services.reminders_send() == 0
    assert len(mail.outbox) == 2
    assert {m.to[0] for m in mail.outbox} == {world.coach.email}
    assert Notification.objects.filter(recipient=world.coach, kind="coaching.follow_up_due").count() == 2
    assert set(FollowUpReminder.objects.values_list("state", flat=True)) == {"sent"}


def test_a_run_at_a_given_moment_reminds_what_is_due_by_that_moments_day(world):
    """``now`` alone names the day too (it was the clock's day: a run for a later moment reminded
    only what was due today)."""
    later = timezone.now() + datetime.timedelta(days=60)
    due_by_then = FollowUpDue.objects.filter(
        employment=world.employment, due_date__lte=timezone.localdate(later)
    ).count()
    assert due_by_then > FollowUpDue.objects.filter(employment=world.employment, due_date__lte=TODAY).count()
    assert services.reminders_send(now=later) == due_by_then
    assert len(mail.outbox) == due_by_then


def test_a_claim_left_by_a_dead_run_is_sent_later_but_a_fresh_one_is_not_stolen(world):
    due = FollowUpDue.objects.filter(employment=world.employment).order_by("due_date").first()
    FollowUpReminderFactory(due=due)  # claimed, then the worker died before sending
    services.reminders_send()
    assert len(mail.outbox) == 1  # only the other due entry: the claim is still fresh
    later = timezone.now() + services.REMINDER_STALE_AFTER + datetime.timedelta(minutes=1)
    services.reminders_send(now=later)
    services.reminders_send(now=later)
    assert len(mail.outbox) == 2
    assert FollowUpReminder.objects.get(due=due).state == "sent"


@pytest.mark.parametrize("meanwhile", ["logged", "erased", "ended"])
def test_a_claim_taken_over_from_a_dead_run_is_not_sent_when_nothing_is_due_any_more(world, meanwhile):
    """The claim is hours old when it is taken over: what happened since then counts."""
    from candidates.services import candidate_erase

    due = FollowUpDue.objects.filter(employment=world.employment).order_by("due_date").first()
    FollowUpReminderFactory(due=due)  # claimed, then the worker died before sending
    services.reminders_send()
    mail.outbox.clear()  # the other due entry's reminder
    if meanwhile == "logged":
        FollowUpDue.objects.filter(pk=due.pk).update(done_at=timezone.now())
    elif meanwhile == "erased":
        candidate_erase(candidate=world.employment.candidate, actor=world.case_manager)
    else:
        world.employment.end_reason = "probation"
        world.employment.end_date = due.due_date - datetime.timedelta(days=1)
        world.employment.save()
    later = timezone.now() + services.REMINDER_STALE_AFTER + datetime.timedelta(minutes=1)
    assert services.reminders_send(now=later) == 0
    assert not mail.outbox
    assert not Notification.objects.filter(
        recipient=world.coach, kind="coaching.follow_up_due", target_id=due.pk
    ).exists()
    assert not FollowUpReminder.objects.filter(due_id=due.pk).exists()  # no claim left "sending"


def test_a_run_whose_claim_was_taken_over_leaves_it_to_the_run_that_took_it(world):
    """A run slowed past REMINDER_STALE_AFTER: another run took its claim over; the slow one neither
    deletes nor marks it (it finds the follow-up logged meanwhile)."""
    due = FollowUpDue.objects.filter(employment=world.employment).order_by("due_date").first()
    slow = FollowUpReminderFactory(due=due)  # the slow run's claim, as it holds it in memory
    later = timezone.now() + services.REMINDER_STALE_AFTER + datetime.timedelta(minutes=1)
    taken = services._reclaim_stale(later, services.REMINDER_STALE_AFTER)  # another run takes it
    assert [r.pk for r in taken] == [slow.pk] and taken[0].claimed_at == later
    FollowUpDue.objects.filter(pk=due.pk).update(done_at=timezone.now())
    assert services._send_reminder(slow, TODAY) is False
    assert FollowUpReminder.objects.get(pk=slow.pk).claimed_at == later  # still the other run's
    assert services._send_reminder(taken[0], TODAY) is False
    assert not FollowUpReminder.objects.filter(pk=slow.pk).exists()  # its owner let it go


def test_no_reminder_for_an_ended_employment(world):
    world.employment.end_reason = "probation"
    world.employment.end_date = TODAY
    world.employment.save()
    assert services.reminders_send() == 0


def test_no_reminder_about_an_erased_person(world):
    from candidates.services import candidate_erase

    candidate_erase(candidate=world.employment.candidate, actor=world.case_manager)
    assert services.reminders_send() == 0
    assert not mail.outbox


# --- employer support requests -------------------------------------------------------------------------


def test_working_days_skip_weekends_and_national_holidays():
    assert add_working_days(datetime.date(2025, 6, 6), 2) == datetime.date(
        2025, 6, 11
    )  # Fri → Pfingstmontag → Wed
    assert add_working_days(datetime.date(2025, 12, 23), 2) == datetime.date(2025, 12, 29)
    assert add_working_days(datetime.date(2025, 4, 16), 2) == datetime.date(2025, 4, 22)  # over Easter


def test_request_about_an_employee_goes_to_their_coach_due_in_two_working_days(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.support_request_create(
            actor=world.people["employer"],
            organisation=world.employer_org,
            employment=world.employment,
            topic="language",
            message="Versteht die Sicherheitsunterweisung nicht.",
            token=uuid.uuid4(),
            today=datetime.date(2025, 6, 6),
        )
    assert request.assigned_to == world.coach
    assert request.due_date == datetime.date(2025, 6, 11)
    assert [m.to for m in mail.outbox] == [[world.coach.email]]


def test_general_request_without_coach_goes_to_the_coordinator(world):
    request = services.support_request_create(
        actor=world.people["employer"],
        organisation=world.employer_org,
        topic="funding",
        message="Gibt es Zuschüsse?",
        token=uuid.uuid4(),
    )
    assert request.assigned_to == world.coordinator


def test_request_about_someone_elses_employee_is_refused(world):
    other = world.people["employer_other"].memberships.get().organisation
    with pytest.raises(ValidationError):
        services.support_request_create(
            actor=world.people["employer_other"],
            organisation=other,
            employment=world.employment,
            topic="other",
            message="?",
            token=uuid.uuid4(),
        )


def test_overdue_request_is_escalated_once_then_answered(world):
    request = services.support_request_create(
        actor=world.people["employer"],
        organisation=world.employer_org,
        employment=world.employment,
        topic="conflict",
        message="Streit im Team",
        token=uuid.uuid4(),
        today=TODAY - datetime.timedelta(days=10),
    )
    assert services.support_requests_escalate() == 1
    assert services.support_requests_escalate() == 0
    request.refresh_from_db()
    assert request.status == SupportRequest.Status.ESCALATED
    assert request.escalated_to == world.coordinator
    services.support_request_answer(request=request, actor=world.coach, answer="Ich komme morgen vorbei.")
    with pytest.raises(ValidationError):
        services.support_request_answer(request=request, actor=world.coach, answer="Noch einmal")
    request.refresh_from_db()
    assert (request.status, request.answer) == ("answered", "Ich komme morgen vorbei.")


# --- language needs, risks ----------------------------------------------------------------------------


def test_language_need_target_must_be_above_current(world, language_school):
    common = {
        "area": "technical",
        "measure": "berufssprachkurs",
        "funding": "bamf",
        "status": "open",
        "provider": language_school,
        "note": "",
    }
    with pytest.raises(ValidationError) as error:
        services.language_need_create(
            employment=world.employment,
            actor=world.coach,
            token=uuid.uuid4(),
            current_level="B1",
            target_level="B1",
            **common,
        )
    assert "target_level" in error.value.message_dict
    need = services.language_need_create(
        employment=world.employment,
        actor=world.coach,
        token=uuid.uuid4(),
        current_level="B1",
        target_level="B2",
        **common,
    )
    assert need.place == "Dortmund"
    assert LanguageSupportNeed.objects.count() == 1


def test_risk_escalates_to_the_case_manager_once_and_resolves_only_with_a_note(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        risk = services.risk_raise(
            employment=world.employment,
            actor=world.coach,
            kind="dropout",
            severity="high",
            note="Fehlt oft in der Berufsschule",
            escalate=True,
            token=uuid.uuid4(),
        )
    assert risk.escalated_to == world.case_manager
    assert [m.to for m in mail.outbox] == [[world.case_manager.email]]
    with pytest.raises(ValidationError):
        services.risk_escalate(risk=risk, actor=world.coach)
    with pytest.raises(ValidationError):
        services.risk_resolve(risk=risk, actor=world.coach, note="  ")
    services.risk_resolve(risk=risk, actor=world.coach, note="Nachhilfe organisiert")
    risk.refresh_from_db()
    assert not risk.is_open


def test_case_manager_escalates_to_the_coordinator(world):
    risk = services.risk_raise(
        employment=world.employment,
        actor=world.case_manager,
        kind="permit",
        severity="medium",
        escalate=True,
        token=uuid.uuid4(),
    )
    assert risk.escalated_to == world.coordinator


# --- volunteers -------------------------------------------------------------------------------------------


def test_volunteer_needs_a_live_consent_naming_them(world):
    stranger = world.people["volunteer_other"]
    with pytest.raises(ValidationError):
        services.volunteer_assign(
            candidate=world.candidate, volunteer=stranger, actor=world.case_manager, focus="language"
        )
    services.volunteer_assign(
        candidate=world.candidate,
        volunteer=world.people["volunteer"],
        actor=world.case_manager,
        focus="language",
    )
    assert VolunteerAssignment.objects.count() == 1


def test_the_tutoring_log_counts_days_in_berlin_not_in_utc(world, freeze_now):
    # 23:30 UTC on 30 November is 00:30 on 1 December in Berlin: the volunteer's "today" is the 1st.
    freeze_now(datetime.datetime(2026, 11, 30, 23, 30, tzinfo=datetime.UTC))
    assignment = services.volunteer_assign(
        candidate=world.candidate,
        volunteer=world.people["volunteer"],
        actor=world.case_manager,
        focus="language",
    )
    volunteer = world.people["volunteer"]

    def log(day):
        return services.tutoring_session_log(
            assignment=assignment, actor=volunteer, token=uuid.uuid4(), date=day, minutes=45, topic="Lesen"
        )

    log(datetime.date(2026, 12, 1))  # today in Berlin, not "in the future"
    with pytest.raises(ValidationError) as refused:
        log(datetime.date(2026, 11, 30))  # the day before the assignment began, in Berlin
    assert "date" in refused.value.message_dict
    assert list(assignment.sessions.values_list("date", flat=True)) == [datetime.date(2026, 12, 1)]


# --- referrals -------------------------------------------------------------------------------------------


def test_referral_respects_eligibility_and_moves_only_forward(world, language_school):
    world.candidate.residence_status = "duldung"
    world.candidate.save()
    with pytest.raises(ValidationError):
        services.referral_create(case=world.case, service=language_school, actor=world.case_manager)
    world.candidate.residence_status = "aufenthaltserlaubnis"
    world.candidate.save()
    referral = services.referral_create(case=world.case, service=language_school, actor=world.case_manager)
    with pytest.raises(ValidationError):
        services.referral_create(case=world.case, service=language_school, actor=world.case_manager)
    with pytest.raises(ValidationError):
        services.referral_update(referral=referral, actor=world.case_manager, status="completed", outcome="x")
    services.referral_update(referral=referral, actor=world.case_manager, status="accepted")
    with pytest.raises(ValidationError):
        services.referral_update(referral=referral, actor=world.case_manager, status="completed")
    services.referral_update(
        referral=referral, actor=world.case_manager, status="completed", outcome="B2 bestanden"
    )
    assert Referral.objects.get().status == "completed"


# --- handover ---------------------------------------------------------------------------------------------


@pytest.fixture
def jobcenter(world):
    org = OrganisationFactory(
        municipality=world.municipality, kind=OrganisationKind.JOBCENTER, name="Jobcenter"
    )
    return org, new_member("case_manager", organisation=org)


def test_handover_to_the_same_organisation_or_without_consent_is_refused(world, jobcenter):
    org, _person = jobcenter
    with pytest.raises(ValidationError) as error:
        services.handover_propose(
            case=world.case, actor=world.case_manager, kind=handover_kind(), to_organisation=world.office
        )
    assert "to_organisation" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.handover_propose(
            case=world.case, actor=world.case_manager, kind=handover_kind(), to_organisation=org
        )
    assert not Handover.objects.exists()


def test_warm_handover_moves_ownership_only_on_acceptance(world, jobcenter):
    org, receiver = jobcenter
    consent_grant(
        candidate=world.candidate,
        scope=ConsentScope.CASE_DATA,
        actor=world.case_manager,
        recipient_organisation=org,
    )
    handover = services.handover_propose(
        case=world.case, actor=world.case_manager, kind=handover_kind(), to_organisation=org
    )
    assert Notification.objects.filter(recipient=receiver, kind="coaching.handover_proposed").exists()
    world.case.refresh_from_db()
    assert world.case.responsible_organisation == world.office
    with pytest.raises(ValidationError):  # a required checklist item is open
        services.handover_decide(handover=handover, actor=receiver, accept=True)
    for item in handover.items.filter(required=True):
        services.handover_item_set(item=item, actor=world.case_manager, done=True)
    services.handover_record_appointment(handover=handover, actor=world.case_manager, at=timezone.now())
    services.handover_decide(handover=handover, actor=receiver, accept=True)
    with pytest.raises(ValidationError):
        services.handover_decide(handover=handover, actor=receiver, accept=False, reason="doch nicht")
    ticked = handover.items.filter(required=True).first()  # the object as read before the decision
    with pytest.raises(ValidationError) as refused:
        services.handover_item_set(item=ticked, actor=world.case_manager, done=False)
    assert refused.value.code == "decided"
    assert handover.items.get(pk=ticked.pk).done_at is not None
    handover.refresh_from_db()
    world.case.refresh_from_db()
    assert handover.status == "accepted" and handover.is_warm
    assert world.case.responsible_organisation == org
    assert world.case.case_manager == receiver
    assert Notification.objects.filter(
        recipient=world.case_manager, kind="coaching.handover_decided"
    ).exists()
    assert Notification.objects.filter(recipient=receiver, kind="coaching.handover_decided").exists()


def test_rejection_needs_a_reason_and_keeps_ownership(world, jobcenter):
    org, receiver = jobcenter
    consent = consent_grant(
        candidate=world.candidate,
        scope=ConsentScope.CASE_DATA,
        actor=world.case_manager,
        recipient_organisation=org,
    )
    handover = services.handover_propose(
        case=world.case, actor=world.case_manager, kind=handover_kind(), to_organisation=org
    )
    with pytest.raises(ValidationError):
        services.handover_decide(handover=handover, actor=receiver, accept=False)
    consent_revoke(consent=consent, actor=world.case_manager)
    services.handover_decide(handover=handover, actor=receiver, accept=False, reason="nicht zuständig")
    world.case.refresh_from_db()
    assert world.case.responsible_organisation == world.office
