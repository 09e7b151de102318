"""Writes of the coaching app. Keyword-only arguments; access is checked by the caller (views use
coaching.selectors), services enforce the data rules, write audit entries for personal data, and
start e-mails after commit.

Replayed posts: every create form carries a one-time token that becomes a unique column; a second
post with the same token raises :class:`AlreadySaved` and changes nothing.
"""

from __future__ import annotations

import importlib
import logging
import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import CASE_STAFF, Role
from candidates import selectors as candidate_selectors
from candidates.listing import listing_changed
from candidates.models import Candidate, Case, CasePhase, ConsentScope
from candidates.selectors import (
    RECEIVING_KINDS,
    candidate_has_live_consent,
    default_job_coach,
    job_coach_choices,
    responsible_case_manager,
)
from employers.models import Employment
from notifications.links import absolute_url
from notifications.mail import reader_language
from notifications.services import notification_mark_read_for, notify
from organisations.models import Membership, Organisation
from outbox.services import enqueue
from privacy.models import AuditEntry
from privacy.services import audit_record
from taxonomy.cefr import cefr_rank

from . import notices
from .models import (
    FollowAlong,
    FollowUp,
    FollowUpDue,
    FollowUpReminder,
    Handover,
    HandoverChecklistItem,
    HandoverChecklistTemplate,
    HandoverKind,
    LanguageSupportNeed,
    Referral,
    RiskFlag,
    Service,
    ServiceLocation,
    ServiceOrganisation,
    ServiceRequiredDocument,
    SupportRequest,
    TutoringSession,
    VolunteerAssignment,
)
from .selectors import service_covers, service_eligible
from .workdays import add_working_days

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# Open planned follow-ups kept materialised per employment; the next is added when one is done.
SCHEDULE_AHEAD = 3
# A logged contact counts for a planned follow-up due up to this many days later.
FULFIL_AHEAD = timedelta(days=7)
# A reminder claim still "sending" after this long was lost (worker died): a later run sends it.
REMINDER_STALE_AFTER = timedelta(minutes=30)
RESPONSE_WORKING_DAYS = 2


class AlreadySaved(ValidationError):
    """The same form was posted twice (double tap, reload, replay): nothing was changed again."""

    def __init__(self) -> None:
        super().__init__(_("Dieser Eintrag wurde bereits gespeichert."), code="replayed")


def new_token() -> str:
    return uuid.uuid4().hex


def _token(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            _("Das Formular ist ungültig. Bitte laden Sie die Seite neu."), code="token"
        ) from exc


def _audit(
    *, actor: Any, action: str, candidate: Candidate, fields: Iterable[str] = (), note: str = ""
) -> None:
    audit_record(
        actor=actor,
        action=action,
        record=candidate,
        municipality_id=candidate.municipality_id,
        fields=fields,
        note=note,
    )


def audit_view(*, actor: Any, candidate: Candidate, fields: Iterable[str], note: str = "") -> None:
    """Every coaching page that shows a candidate's personal data records the view."""
    _audit(actor=actor, action=AuditEntry.Action.VIEW, candidate=candidate, fields=fields, note=note)


# --- who is responsible ---------------------------------------------------------------------------


def _open_case(candidate_id: int) -> Case | None:
    return (
        Case.objects.filter(candidate_id=candidate_id)
        .exclude(phase=CasePhase.CLOSED)
        .select_related("responsible_organisation", "case_manager")
        .order_by("-opened_at")
        .first()
    )


def _members(
    *, organisation_ids: Iterable[int] = (), municipality_id: int | None = None, roles: Iterable[str]
):
    """Active members with one of ``roles``, leads first (stable order)."""
    q = Q(is_active=True, role__in=list(roles))
    if municipality_id is not None:
        q &= Q(organisation__municipality_id=municipality_id)
    else:
        q &= Q(organisation_id__in=list(organisation_ids))
    return [m.user for m in Membership.objects.filter(q).select_related("user").order_by("-is_lead", "pk")]


def coordinator_for(*, municipality_id: int) -> User | None:
    return candidate_selectors.coordinator_for(municipality_id=municipality_id)


def responsible_coach(*, employment: Employment) -> User | None:
    """The employment's responsible job coach (Employment.job_coach, set at hire and changed only
    through employment_coach_set); None while nobody is assigned — never the case manager in
    their stead."""
    # Read from the row, not from the caller's copy: the coach may have changed since it was loaded.
    current = Employment.objects.filter(pk=employment.pk).select_related("job_coach").first()
    return current.job_coach if current is not None else None


def team_lead_for(*, employment: Employment, coach: User | None) -> User | None:
    """Whom an overdue request of the coach goes to: the lead (Membership.is_lead) among the case
    staff of the coach's own organisation in the person's municipality, not the coach themself."""
    return candidate_selectors.team_lead_for(
        user=coach, role=Role.JOB_COACH, municipality_id=employment.candidate.municipality_id
    )


# --- notifications ----------------------------------------------------------------------------------


# --- follow-along plan ------------------------------------------------------------------------------

# (months, weeks, label) of the first planned follow-ups; afterwards every 3 months.
PLAN = (
    (0, 1, "nach 1 Woche"),
    (0, 4, "nach 4 Wochen"),
    (3, 0, "nach 3 Monaten"),
    (6, 0, "nach 6 Monaten"),
    (12, 0, "nach 12 Monaten"),
)


def plan_entry(start: date, sequence: int) -> tuple[date, str]:
    """Due date and label of the ``sequence``-th planned follow-up (0-based)."""
    if sequence < len(PLAN):
        months, weeks, label = PLAN[sequence]
        return start + relativedelta(months=months, weeks=weeks), label
    months = 12 + 3 * (sequence - len(PLAN) + 1)
    return start + relativedelta(months=months), f"nach {months} Monaten"


def schedule_extend(*, employment: Employment) -> int:
    """Keep SCHEDULE_AHEAD open entries while the employment lasts; none beyond an end date."""
    if not employment.is_running:
        return 0
    existing = list(FollowUpDue.objects.filter(employment=employment).values_list("sequence", "done_at"))
    open_count = sum(1 for _seq, done in existing if done is None)
    sequence = max((s for s, _d in existing), default=-1) + 1
    made = 0
    while open_count < SCHEDULE_AHEAD:
        due_date, label = plan_entry(employment.start_date, sequence)
        if employment.end_date is not None and due_date > employment.end_date:
            break
        _obj, created = FollowUpDue.objects.get_or_create(
            employment=employment, sequence=sequence, defaults={"due_date": due_date, "label": label}
        )
        made += created
        open_count += 1
        sequence += 1
    return made


def follow_along_start(*, employment_id: int) -> FollowAlong | None:
    """At hire: the follow-along plan with its coach and first due dates. Safe to call twice.

    The plan's coach is the employment's responsible job coach; an employment made without one
    (the admin, an import) gets the team's (candidates.selectors.default_job_coach) here.
    """
    employment = Employment.objects.select_related("candidate", "job_coach").filter(pk=employment_id).first()
    if employment is None:
        return None
    case = _open_case(employment.candidate_id)
    coach = employment.job_coach
    if coach is None:
        coach = default_job_coach(candidate=employment.candidate)
        if coach is not None:
            Employment.objects.filter(pk=employment.pk, job_coach__isnull=True).update(job_coach=coach)
            employment.job_coach = coach
    try:
        with transaction.atomic():
            plan, created = FollowAlong.objects.get_or_create(
                employment=employment,
                defaults={
                    "coach": coach,
                    "organisation": case.responsible_organisation if case else None,
                    "municipality_id": employment.candidate.municipality_id,
                },
            )
    except IntegrityError:
        plan, created = FollowAlong.objects.get(employment=employment), False
    schedule_extend(employment=employment)
    if created:
        _coach_notify(employment, assigned=coach, released_id=None, actor=None)
    return plan


def _coach_notify(employment: Employment, *, assigned: User | None, released_id: int | None, actor) -> None:
    """The coach who now follows the employment hears it with the way to its page; the one who
    no longer does hears it too. Nobody hears about their own change."""
    params = {
        "employer": Organisation.objects.filter(employer_profile__pk=employment.employer_id)
        .values_list("name", flat=True)
        .first()
        or "",
        "start": employment.start_date.isoformat(),
    }
    actor_id = getattr(actor, "pk", None)
    if assigned is not None and assigned.pk != actor_id:
        notify(
            recipients=[assigned],
            kind=notices.COACH_ASSIGNED,
            params=params,
            link="coaching:employment_detail",
            link_kwargs={"pk": employment.pk},
            target=employment,
        )
    if released_id is not None and released_id != actor_id:
        released = get_user_model().objects.filter(pk=released_id, is_active=True).first()
        notify(
            recipients=[released],
            kind=notices.COACH_RELEASED,
            params=params,
            link="coaching:home",
            target=employment,
        )


def employment_coach_set(*, employment: Employment, actor: User, coach: User) -> Employment:
    """Make ``coach`` the employment's responsible job coach (a case manager or coordinator on the
    employment page, or a job coach taking it over). Only a job coach of the person's municipality
    (candidates.selectors.job_coach_choices); audited; the follow-along plan follows."""
    if not any(user.pk == coach.pk for user in job_coach_choices(candidate=employment.candidate)):
        raise ValidationError({"coach": _("Diese Person ist hier nicht als Jobcoach tätig.")})
    plan = follow_along_start(employment_id=employment.pk)
    with transaction.atomic():
        current = Employment.objects.select_for_update().get(pk=employment.pk)
        if current.job_coach_id == coach.pk and plan is not None and plan.coach_id == coach.pk:
            employment.job_coach = coach
            return current
        before = current.job_coach_id
        Employment.objects.filter(pk=current.pk).update(job_coach=coach)
        FollowAlong.objects.filter(employment=current).update(coach=coach)
        audit_record(
            actor=actor,
            action=AuditEntry.Action.CHANGE,
            record=current,
            municipality_id=employment.candidate.municipality_id,
            fields=["job_coach"],
            note=f"job coach: {before or '-'} -> {coach.pk}",
        )
        if before != coach.pk:
            _coach_notify(current, assigned=coach, released_id=before, actor=actor)
    employment.job_coach = coach
    if plan is not None:
        plan.coach = coach
    return employment


def follow_along_take_over(*, employment: Employment, actor: User) -> FollowAlong:
    """A job coach takes the employment over: the same rule as any change of coach."""
    employment_coach_set(employment=employment, actor=actor, coach=actor)
    return FollowAlong.objects.get(employment=employment)


# --- follow-up log ---------------------------------------------------------------------------------

FOLLOW_UP_FIELDS = ("date", "mode", "with_whom", "place", "topics", "notes", "next_date", "next_step")


def follow_up_log(*, employment: Employment, actor: User, token: Any, **data: Any) -> FollowUp:
    """Log one contact; it fulfils the earliest open planned follow-up due within a week of it."""
    unknown = set(data) - set(FOLLOW_UP_FIELDS)
    if unknown:
        raise TypeError(f"unknown follow-up fields: {sorted(unknown)}")
    token = _token(token)
    when = data["date"]
    if when < employment.start_date:
        raise ValidationError(
            {
                "date": _("Das Datum liegt vor dem Beginn der Beschäftigung ({start}).").format(
                    start=employment.start_date.strftime("%d.%m.%Y")
                )
            }
        )
    if when > timezone.localdate():
        raise ValidationError(
            {"date": _("Das Datum liegt in der Zukunft. Bitte den Tag des Kontakts angeben.")}
        )
    if data.get("next_date") and data["next_date"] < when:
        raise ValidationError({"next_date": _("Der nächste Termin muss nach dem Kontakt liegen.")})
    try:
        with transaction.atomic():
            entry = FollowUp.objects.create(employment=employment, author=actor, token=token, **data)
            due = (
                FollowUpDue.objects.select_for_update()
                .filter(employment=employment, done_at__isnull=True, due_date__lte=when + FULFIL_AHEAD)
                .order_by("due_date", "sequence")
                .first()
            )
            if due is not None:
                FollowUpDue.objects.filter(pk=due.pk, done_at__isnull=True).update(
                    done_at=timezone.now(), done_by=entry
                )
                # Logging the follow-up answers its reminder.
                notification_mark_read_for(user=actor, target=due)
            _audit(
                actor=actor,
                action=AuditEntry.Action.CHANGE,
                candidate=employment.candidate,
                fields=["follow_up"],
            )
    except IntegrityError as exc:
        if FollowUp.objects.filter(token=token).exists():
            raise AlreadySaved() from exc
        raise
    schedule_extend(employment=employment)
    if data.get("next_date"):
        _agree_next_date(employment=employment, entry=entry, actor=actor, next_date=data["next_date"])
    return entry


# The label of a planned follow-up moved to the date the coach agreed with the person.
AGREED_LABEL = "vereinbarter Termin"


def _agree_next_date(*, employment: Employment, entry: FollowUp, actor: User, next_date: date) -> None:
    """The next date the coach agreed is the next due date: the earliest open plan entry moves to
    it (with a fresh reminder), plan entries before it count as covered by the agreement."""
    with transaction.atomic():
        open_dues = list(
            FollowUpDue.objects.select_for_update()
            .filter(employment=employment, done_at__isnull=True)
            .order_by("due_date", "sequence")
        )
        if not open_dues:
            return
        first, rest = open_dues[0], open_dues[1:]
        # A reminder sent for the old date must not keep the new one from being reminded.
        FollowUpReminder.objects.filter(due=first).delete()
        notification_mark_read_for(user=actor, target=first)
        FollowUpDue.objects.filter(pk=first.pk).update(due_date=next_date, label=AGREED_LABEL)
        covered = [due.pk for due in rest if due.due_date < next_date]
        if covered:
            FollowUpDue.objects.filter(pk__in=covered).update(done_at=timezone.now(), done_by=entry)
    schedule_extend(employment=employment)


# --- reminders (exactly one e-mail per due follow-up) ---------------------------------------------


def _still_due(today: date):
    """Due entries a coach is to be reminded of today, claimed or not."""
    return (
        FollowUpDue.objects.filter(
            done_at__isnull=True,
            due_date__lte=today,
            employment__end_reason="",
            employment__candidate__erased_at__isnull=True,  # nobody to follow up any more
        )
        .filter(Q(employment__end_date__isnull=True) | Q(employment__end_date__gte=F("due_date")))
        .select_related("employment__candidate", "employment__job_coach", "employment__follow_along__coach")
    )


def _due_for_reminder(today: date):
    return _still_due(today).filter(reminder__isnull=True).order_by("due_date", "pk")


def _reminder_recipient(due: FollowUpDue) -> User | None:
    """The responsible job coach; with nobody assigned, the coordinator (never the case manager)."""
    coach = responsible_coach(employment=due.employment)
    if coach is not None:
        return coach
    plan = getattr(due.employment, "follow_along", None)
    if plan is not None and plan.coach is not None:
        return plan.coach
    return coordinator_for(municipality_id=due.employment.candidate.municipality_id)


def _claim(due: FollowUpDue) -> FollowUpReminder | None:
    """INSERT the claim row; the unique constraint lets exactly one run win. Committed at once."""
    try:
        with transaction.atomic():
            return FollowUpReminder.objects.create(due=due)
    except IntegrityError:
        return None


def _reclaim_stale(now: datetime, stale_after: timedelta) -> list[FollowUpReminder]:
    """Claims left in "sending" by a run that died: take each over with a conditional UPDATE."""
    cutoff = now - stale_after
    taken = []
    for reminder in FollowUpReminder.objects.filter(
        state=FollowUpReminder.State.SENDING, claimed_at__lt=cutoff
    ):
        won = FollowUpReminder.objects.filter(
            pk=reminder.pk, state=FollowUpReminder.State.SENDING, claimed_at=reminder.claimed_at
        ).update(claimed_at=now, attempts=reminder.attempts + 1)
        if won:
            reminder.claimed_at = now  # ours now: what follows writes only while it stays so
            taken.append(reminder)
    return taken


def _send_reminder(reminder: FollowUpReminder, today: date) -> bool:
    # Read again: a claim taken over from a dead run may be hours old, and since then the follow-up
    # may have been logged, the employment ended or the person erased.
    due = (
        _still_due(today)
        .select_related("employment__employer__organisation")
        .filter(pk=reminder.due_id)
        .first()
    )
    # Every write below is conditional on the claim still being this run's (``claimed_at``): a run
    # slowed past REMINDER_STALE_AFTER may have had it taken over by another.
    ours = FollowUpReminder.objects.filter(
        pk=reminder.pk, state=FollowUpReminder.State.SENDING, claimed_at=reminder.claimed_at
    )
    if due is None:
        # Nothing to remind of any more: the claim goes, so a date agreed later is claimed afresh.
        ours.delete()
        return False
    recipient = _reminder_recipient(due)
    if recipient is None or not recipient.email:
        ours.update(state=FollowUpReminder.State.NO_RECIPIENT)
        logger.warning("no coach to remind of planned follow-up %s", due.pk)
        return False
    # In the app: at most one notice per person and due entry (the inbox's dedupe key). The
    # reminder mails by itself below (its own Message-ID), so the inbox mails nothing more.
    notify(
        recipients=[recipient],
        kind=notices.FOLLOW_UP_DUE,
        params={
            "label": due.label,
            "day": due.due_date.isoformat(),
            "employer": str(due.employment.employer),
        },
        link="coaching:employment_detail",
        link_kwargs={"pk": due.employment_id},
        target=due,
        dedupe_key=f"follow_up_due:{due.pk}",
        email=False,
    )
    # The coach's own language, and an absolute link (a mail program cannot follow "/app/...").
    with translation.override(reader_language(recipient)):
        subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{_('Nachbetreuung fällig')}"
        body = _(
            "Guten Tag,\n\neine Nachbetreuung ist fällig: {label}, fällig am {day}.\n"
            "Bitte melden Sie sich bei Lotse an: {url}\n\nIhr Lotse-Team"
        ).format(
            label=due.label,
            day=due.due_date.strftime("%d.%m.%Y"),
            url=absolute_url(reverse("coaching:employment_detail", args=[due.employment_id])),
        )
    message = EmailMessage(
        subject,
        body,
        None,
        [recipient.email],
        # The same Message-ID on a (rare) second delivery lets mail programs drop the duplicate.
        headers={"Message-ID": f"<followup-due-{due.pk}@lotse.reminder>"},
    )
    message.send()
    # Marked sent whoever holds the claim now: the mail has left (its Message-ID lets a mail program
    # drop the second copy should the run that took it over send it too).
    FollowUpReminder.objects.filter(pk=reminder.pk).update(
        state=FollowUpReminder.State.SENT, sent_at=timezone.now(), recipient=recipient
    )
    return True


def reminders_send(
    *, today: date | None = None, now: datetime | None = None, stale_after: timedelta = REMINDER_STALE_AFTER
) -> int:
    """Daily: remind the coach of every due or overdue planned follow-up, once.

    1. claim: INSERT a FollowUpReminder (state "sending", unique per due entry) and commit it — a
       second, concurrent or later run finds the row and skips;
    2. send the in-app notice (unique) and the e-mail;
    3. mark "sent".
    A run that dies between 1 and 3 leaves "sending"; a run more than ``stale_after`` later takes
    the claim over and sends. So a crash before the e-mail left never loses it, and a rerun never
    repeats a sent one. The one window left is a crash after the mail server accepted the e-mail
    and before step 3 (one UPDATE): then it goes out twice, with the same Message-ID — we prefer
    that (at least once) to losing a reminder (at most once).
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)  # (a caller's moment names its day too)
    sent = 0
    for reminder in _reclaim_stale(now, stale_after):
        sent += _send_reminder(reminder, today)
    for due in _due_for_reminder(today):
        reminder = _claim(due)
        if reminder is None:
            continue
        sent += _send_reminder(reminder, today)
    return sent


# --- employer support requests ---------------------------------------------------------------------


def support_request_create(
    *,
    actor: User,
    organisation: Organisation,
    topic: str,
    message: str,
    token: Any,
    employment: Employment | None = None,
    today: date | None = None,
) -> SupportRequest:
    """Route to the responsible coach (or the coordinator when there is none); due in 2 working days."""
    token = _token(token)
    today = today or timezone.localdate()
    if employment is not None and employment.employer.organisation_id != organisation.pk:
        raise ValidationError({"employment": _("Diese Beschäftigung gehört nicht zu Ihrem Betrieb.")})
    if employment is not None:
        municipality_id = employment.candidate.municipality_id
        assignee = responsible_coach(employment=employment)
    else:
        municipality_id = organisation.municipality_id
        assignee = None
    assignee = assignee or coordinator_for(municipality_id=municipality_id)
    try:
        with transaction.atomic():
            request = SupportRequest.objects.create(
                employer_organisation=organisation,
                employment=employment,
                municipality_id=municipality_id,
                requested_by=actor,
                topic=topic,
                message=message,
                assigned_to=assignee,
                due_date=add_working_days(today, RESPONSE_WORKING_DAYS),
                token=token,
            )
            notify(
                recipients=[assignee],
                kind=notices.REQUEST_NEW,
                params={"org": organisation.name, "topic": request.topic},
                link="coaching:support_request_detail",
                link_kwargs={"pk": request.pk},
                target=request,
            )
    except IntegrityError as exc:
        if SupportRequest.objects.filter(token=token).exists():
            raise AlreadySaved() from exc
        raise
    return request


def support_request_answer(*, request: SupportRequest, actor: User, answer: str) -> SupportRequest:
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Bitte eine Antwort schreiben.")})
    with transaction.atomic():
        # Conditional UPDATE: a replayed post or a colleague's answer at the same moment changes nothing.
        done = (
            SupportRequest.objects.filter(pk=request.pk)
            .exclude(status=SupportRequest.Status.ANSWERED)
            .update(
                status=SupportRequest.Status.ANSWERED,
                answer=answer,
                answered_by=actor,
                answered_at=timezone.now(),
            )
        )
        if not done:
            raise ValidationError(_("Diese Anfrage ist bereits beantwortet."), code="answered")
        request.refresh_from_db()
        notify(
            recipients=[request.requested_by],
            kind=notices.REQUEST_ANSWERED,
            params={"topic": request.topic},
            link="coaching:support_request_detail",
            link_kwargs={"pk": request.pk},
            target=request,
        )
        # Answering is the POST that settles the request: the answerer's notices about it are read.
        notification_mark_read_for(user=actor, target=request)
    return request


def support_request_escalation_target(*, request: SupportRequest) -> User | None:
    """Whom an unanswered request goes to after its deadline: the team lead of the coach it was
    routed to (team_lead_for), else the coordinator of the person's municipality."""
    if request.employment_id is not None and request.assigned_to_id is not None:
        lead = team_lead_for(employment=request.employment, coach=request.assigned_to)
        if lead is not None:
            return lead
    return coordinator_for(municipality_id=request.municipality_id)


def support_requests_escalate(*, today: date | None = None, now: datetime | None = None) -> int:
    """Daily: open requests past their due date go to the coach's team lead or the coordinator
    (once: the status changes in a conditional UPDATE)."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    count = 0
    overdue = SupportRequest.objects.filter(
        status=SupportRequest.Status.OPEN, due_date__lt=today
    ).select_related("employment__candidate", "assigned_to", "employer_organisation")
    for request in overdue:
        target = support_request_escalation_target(request=request)
        with transaction.atomic():
            won = SupportRequest.objects.filter(pk=request.pk, status=SupportRequest.Status.OPEN).update(
                status=SupportRequest.Status.ESCALATED, escalated_at=now, escalated_to=target
            )
            if not won:
                continue
            count += 1
            notify(
                recipients=[target, request.assigned_to],
                kind=notices.REQUEST_ESCALATED,
                params={"org": str(request.employer_organisation), "day": request.due_date.isoformat()},
                link="coaching:support_request_detail",
                link_kwargs={"pk": request.pk},
                target=request,
            )
    return count


# --- language support --------------------------------------------------------------------------------

NEED_FIELDS = ("area", "current_level", "target_level", "measure", "provider", "status", "funding", "note")


def language_need_create(
    *, employment: Employment, actor: User, token: Any, **data: Any
) -> LanguageSupportNeed:
    unknown = set(data) - set(NEED_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    token = _token(token)
    if cefr_rank(data.get("target_level")) <= cefr_rank(data.get("current_level")):
        raise ValidationError({"target_level": _("Das Zielniveau muss über dem jetzigen Niveau liegen.")})
    candidate = employment.candidate
    provider = data.get("provider")
    if provider is not None and provider.municipality_id != candidate.municipality_id:
        raise ValidationError({"provider": _("Dieses Angebot gibt es in der Kommune der Person nicht.")})
    place = (employment.placement.city if employment.placement_id else "") or candidate.city
    try:
        with transaction.atomic():
            need = LanguageSupportNeed.objects.create(
                employment=employment,
                municipality_id=candidate.municipality_id,
                place=place,
                created_by=actor,
                token=token,
                **data,
            )
            _audit(
                actor=actor, action=AuditEntry.Action.CHANGE, candidate=candidate, fields=["language_need"]
            )
    except IntegrityError as exc:
        if LanguageSupportNeed.objects.filter(token=token).exists():
            raise AlreadySaved() from exc
        raise
    return need


def language_need_set_status(*, need: LanguageSupportNeed, actor: User, status: str) -> LanguageSupportNeed:
    if status not in dict(LanguageSupportNeed._meta.get_field("status").choices):
        raise ValidationError(_("Unbekannter Status."))
    if need.status != status:
        need.status = status
        need.save(update_fields=["status"])
        _audit(
            actor=actor,
            action=AuditEntry.Action.CHANGE,
            candidate=need.employment.candidate,
            fields=["language_need.status"],
        )
    return need


# --- risks ----------------------------------------------------------------------------------------------


def _risk_escalation_target(risk: RiskFlag, actor: User) -> User | None:
    case = _open_case(risk.employment.candidate_id)
    if case is not None and case.case_manager_id and case.case_manager_id != actor.pk:
        return case.case_manager
    return coordinator_for(municipality_id=risk.employment.candidate.municipality_id)


def risk_raise(
    *,
    employment: Employment,
    actor: User,
    kind: str,
    severity: str,
    note: str = "",
    escalate: bool = False,
    token: Any,
) -> RiskFlag:
    token = _token(token)
    try:
        with transaction.atomic():
            risk = RiskFlag.objects.create(
                employment=employment, kind=kind, severity=severity, note=note, raised_by=actor, token=token
            )
            _audit(
                actor=actor, action=AuditEntry.Action.CHANGE, candidate=employment.candidate, fields=["risk"]
            )
    except IntegrityError as exc:
        if RiskFlag.objects.filter(token=token).exists():
            raise AlreadySaved() from exc
        raise
    if escalate:
        risk_escalate(risk=risk, actor=actor)
    return risk


def risk_escalate(*, risk: RiskFlag, actor: User) -> RiskFlag:
    """To the case manager (or the coordinator when the actor is the case manager); once."""
    target = _risk_escalation_target(risk, actor)
    if target is None:
        raise ValidationError(
            _("Es gibt keine Case Manager*in und keine Koordinator*in, an die eskaliert werden kann.")
        )
    with transaction.atomic():
        won = RiskFlag.objects.filter(pk=risk.pk, escalated_at__isnull=True, resolved_at__isnull=True).update(
            escalated_at=timezone.now(), escalated_to=target
        )
        if not won:
            raise ValidationError(_("Dieses Risiko ist bereits eskaliert oder gelöst."), code="escalated")
        risk.refresh_from_db()
        notify(
            recipients=[target],
            kind=notices.RISK_ESCALATED,
            params={"kind": risk.kind, "severity": risk.severity},
            link="coaching:employment_detail",
            link_kwargs={"pk": risk.employment_id},
            target=risk,
        )
    return risk


def risk_resolve(*, risk: RiskFlag, actor: User, note: str) -> RiskFlag:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"resolution_note": _("Bitte beschreiben, wie das Risiko gelöst wurde.")})
    won = RiskFlag.objects.filter(pk=risk.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=actor, resolution_note=note
    )
    if not won:
        raise ValidationError(_("Dieses Risiko ist bereits gelöst."), code="resolved")
    risk.refresh_from_db()
    # Resolving answers the escalation: the resolver's notice about it is read.
    notification_mark_read_for(user=actor, target=risk)
    _audit(actor=actor, action=AuditEntry.Action.CHANGE, candidate=risk.employment.candidate, fields=["risk"])
    return risk


# --- volunteers ----------------------------------------------------------------------------------------


def volunteer_assign(
    *, candidate: Candidate, volunteer: User, actor: User, focus: str
) -> VolunteerAssignment:
    """Only with the candidate's live ``volunteer`` consent naming this volunteer."""
    is_volunteer = Membership.objects.filter(
        user=volunteer,
        role=Role.VOLUNTEER,
        is_active=True,
        organisation__municipality_id=candidate.municipality_id,
    ).exists()
    if not is_volunteer:
        raise ValidationError({"volunteer": _("Diese Person ist keine Ehrenamtliche in der Kommune.")})
    if not candidate_has_live_consent(candidate=candidate, scope=ConsentScope.VOLUNTEER, user=volunteer):
        raise ValidationError(
            {
                "volunteer": _(
                    "Die Person hat dieser*diesem Ehrenamtlichen keine Einwilligung gegeben. Bitte zuerst die "
                    "Einwilligung erfassen."
                )
            }
        )
    try:
        with transaction.atomic():
            assignment = VolunteerAssignment.objects.create(
                candidate=candidate, volunteer=volunteer, focus=focus, assigned_by=actor
            )
    except IntegrityError as exc:
        raise ValidationError({"volunteer": _("Diese*r Ehrenamtliche ist bereits zugeordnet.")}) from exc
    _audit(actor=actor, action=AuditEntry.Action.CHANGE, candidate=candidate, fields=["volunteer_assignment"])
    return assignment


def volunteer_assign_or_invite(
    *, case: Case, email: str, focus: str, organisation: Organisation, actor: User
) -> VolunteerAssignment | None:
    """Assign the volunteer behind ``email`` if they volunteer in the case's municipality and the
    person gave them a live consent; otherwise invite the address to volunteer with ``organisation``
    (organisations.services.membership_invite: the same e-mail for every address, never a lookup).

    The caller answers the same either way, so that nobody learns from the answer whether an
    address has an account, is a volunteer here, or lacks the person's consent. An assignment that
    exists already is no error for the same reason.
    """
    from organisations.services import membership_invite

    from .selectors import municipality_volunteer

    volunteer = municipality_volunteer(case=case, email=email)
    if volunteer is not None and candidate_has_live_consent(
        candidate=case.candidate, scope=ConsentScope.VOLUNTEER, user=volunteer
    ):
        try:
            return volunteer_assign(candidate=case.candidate, volunteer=volunteer, actor=actor, focus=focus)
        except ValidationError:
            return None
    membership_invite(actor=actor, organisation=organisation, email=email, role=Role.VOLUNTEER)
    return None


def volunteer_unassign(*, assignment: VolunteerAssignment, actor: User) -> VolunteerAssignment:
    VolunteerAssignment.objects.filter(pk=assignment.pk, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    assignment.refresh_from_db()
    _audit(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        candidate=assignment.candidate,
        fields=["volunteer_assignment"],
    )
    return assignment


def tutoring_session_log(
    *,
    assignment: VolunteerAssignment,
    actor: User,
    token: Any,
    date: date,
    minutes: int,
    topic: str,
    notes: str = "",
) -> TutoringSession:
    token = _token(token)
    if date > timezone.localdate():
        raise ValidationError({"date": _("Das Datum liegt in der Zukunft.")})
    if date < timezone.localdate(assignment.started_at):
        raise ValidationError({"date": _("Das Datum liegt vor dem Beginn der Begleitung.")})
    try:
        with transaction.atomic():
            return TutoringSession.objects.create(
                assignment=assignment, date=date, minutes=minutes, topic=topic, notes=notes, token=token
            )
    except IntegrityError as exc:
        if TutoringSession.objects.filter(token=token).exists():
            raise AlreadySaved() from exc
        raise


# --- services directory and referrals -----------------------------------------------------------------


def service_create(
    *,
    municipality_id: int,
    actor: User,
    organisation_name: str,
    location_name: str = "",
    street: str = "",
    postcode: str = "",
    city: str = "",
    **fields: Any,
) -> Service:
    """A directory entry (HSDS service) with its provider and, if given, one location and the ESCO
    skills it teaches."""
    skills = fields.pop("skills", None) or []
    fields.pop("skill_q", None)
    documents = list(dict.fromkeys(fields.pop("required_documents", None) or []))
    with transaction.atomic():
        provider, _created = ServiceOrganisation.objects.get_or_create(
            municipality_id=municipality_id, name=organisation_name.strip()
        )
        service = Service.objects.create(organisation=provider, municipality_id=municipality_id, **fields)
        service.skills.set(skills)
        ServiceRequiredDocument.objects.bulk_create(
            ServiceRequiredDocument(service=service, document=d, order=i) for i, d in enumerate(documents)
        )
        if location_name or street:
            location = ServiceLocation.objects.create(
                organisation=provider,
                name=location_name or provider.name,
                street=street,
                postcode=postcode,
                city=city,
            )
            service.locations.add(location)
    return service


def service_set_skills(*, service: Service, actor: User, skills) -> Service:
    """The ESCO skills the offer teaches (issue 20), replacing the ones before."""
    service.skills.set(skills)
    # They are part of its HSDS document: its version (the API's ETag) moves.
    Service.objects.filter(pk=service.pk).update(updated_at=timezone.now())
    return service


def referral_area_error(*, service: Service, case: Case) -> str:
    """Why an offer's service area does not take the person, in words the case manager can act on."""
    postcode = case.candidate.postcode
    if not postcode:
        return _(
            "Das Einzugsgebiet dieses Angebots umfasst die Kommune der Person nicht, und für die Person "
            "ist keine Postleitzahl eingetragen."
        )
    return _(
        "Das Einzugsgebiet dieses Angebots umfasst die Postleitzahl der Person ({postcode}) nicht."
    ).format(postcode=postcode)


def referral_create(*, case: Case, service: Service, actor: User, note: str = "") -> Referral:
    if not service_covers(service=service, case=case):
        raise ValidationError({"service": referral_area_error(service=service, case=case)})
    if not service.is_active:
        raise ValidationError({"service": _("Dieses Angebot ist nicht mehr aktiv.")})
    # The one eligibility rule (coaching.selectors), as the assessment's proposals apply it.
    if not service_eligible(service=service, case=case):
        raise ValidationError(
            {"service": _("Mit dem Aufenthaltsstatus der Person ist dieses Angebot nicht zugänglich.")}
        )
    try:
        with transaction.atomic():
            referral = Referral.objects.create(case=case, service=service, note=note, created_by=actor)
            from .tasks import send_referral_link

            # The provider answers through its signed link (issue 17): mailed after the commit.
            enqueue(send_referral_link, referral.pk)
    except IntegrityError as exc:
        raise ValidationError({"service": _("An dieses Angebot ist die Person bereits verwiesen.")}) from exc
    _audit(actor=actor, action=AuditEntry.Action.CHANGE, candidate=case.candidate, fields=["referral"])
    return referral


def referral_update(*, referral: Referral, actor: User, status: str, outcome: str = "") -> Referral:
    outcome = (outcome or "").strip()
    if status not in Referral.NEXT.get(referral.status, ()):
        raise ValidationError(
            {
                "status": _("Von „{now}“ geht es nicht nach „{then}“.").format(
                    now=referral.get_status_display(), then=dict(Referral.Status.choices).get(status, status)
                )
            }
        )
    if status in (Referral.Status.COMPLETED, Referral.Status.DECLINED) and not outcome:
        raise ValidationError({"outcome": _("Bitte das Ergebnis angeben.")})
    won = Referral.objects.filter(pk=referral.pk, status=referral.status).update(
        status=status, outcome=outcome or referral.outcome, updated_at=timezone.now()
    )
    if not won:
        raise ValidationError(_("Die Verweisung wurde inzwischen geändert. Bitte laden Sie die Seite neu."))
    referral.refresh_from_db()
    _audit(
        actor=actor, action=AuditEntry.Action.CHANGE, candidate=referral.case.candidate, fields=["referral"]
    )
    return referral


# --- warm handover --------------------------------------------------------------------------------------


def handover_kinds_ensure() -> int:
    """Put back the handover kinds the migration made (with their checklists) where they are missing.

    The demo needs them, and a test database flush removes them; the data stays the migration's.
    Returns how many kinds were created."""
    kinds = importlib.import_module("coaching.migrations.0002_handover_kinds").KINDS
    created_count = 0
    for slug, (name, description, items) in kinds.items():
        kind, created = HandoverKind.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
        if created:
            created_count += 1
            HandoverChecklistTemplate.objects.bulk_create(
                HandoverChecklistTemplate(kind=kind, label=label, required=required, order=order)
                for order, (label, required) in enumerate(items)
            )
    return created_count


def _staff_of(organisation_id: int) -> list:
    return _members(organisation_ids=[organisation_id], roles=CASE_STAFF)


def handover_propose(
    *, case: Case, actor: User, kind: HandoverKind, to_organisation: Organisation, note: str = ""
) -> Handover:
    if to_organisation.kind not in RECEIVING_KINDS:
        raise ValidationError(
            {
                "to_organisation": _(
                    "Diese Organisation kann keinen Fall übernehmen. Bitte eine Kommune, ein Jobcenter, eine Agentur "
                    "für Arbeit oder eine Beratungsstelle wählen."
                )
            }
        )
    if to_organisation.pk == case.responsible_organisation_id:
        raise ValidationError(
            {
                "to_organisation": _(
                    "Die aufnehmende Organisation ist schon zuständig. Bitte eine andere Organisation wählen."
                )
            }
        )
    if not candidate_has_live_consent(
        candidate=case.candidate, scope=ConsentScope.CASE_DATA, organisation=to_organisation
    ):
        raise ValidationError(
            {
                "to_organisation": ValidationError(
                    _(
                        "Die Person hat der Weitergabe ihrer Falldaten an diese Organisation nicht "
                        "zugestimmt. Bitte zuerst die Einwilligung erfassen."
                    ),
                    code="consent_missing",
                )
            }
        )
    try:
        with transaction.atomic():
            handover = Handover.objects.create(
                case=case,
                kind=kind,
                from_organisation_id=case.responsible_organisation_id,
                to_organisation=to_organisation,
                note=note,
                proposed_by=actor,
            )
            HandoverChecklistItem.objects.bulk_create(
                [
                    HandoverChecklistItem(
                        handover=handover, label=t.label, required=t.required, order=t.order
                    )
                    for t in kind.checklist.all()
                ]
            )
            notify(
                recipients=_staff_of(to_organisation.pk),
                kind=notices.HANDOVER_PROPOSED,
                params={"org": str(case.responsible_organisation), "kind": kind.name},
                link="coaching:handover_detail",
                link_kwargs={"pk": handover.pk},
                target=handover,
            )
    except IntegrityError as exc:
        raise ValidationError(_("Für diesen Fall läuft bereits eine Übergabe.")) from exc
    _audit(actor=actor, action=AuditEntry.Action.CHANGE, candidate=case.candidate, fields=["handover"])
    return handover


def _already_decided() -> ValidationError:
    """A handover's record is closed once the receiving side decided (code "decided": the views say
    it at the top, where the form it came from is no longer shown)."""
    return ValidationError(_("Diese Übergabe ist schon entschieden."), code="decided")


def handover_item_set(*, item: HandoverChecklistItem, actor: User, done: bool) -> HandoverChecklistItem:
    with transaction.atomic():
        # The handover's row lock, as handover_decide takes it: a tick is never changed while the
        # decision counts the open required items, nor after it.
        status = (
            Handover.objects.select_for_update().values_list("status", flat=True).get(pk=item.handover_id)
        )
        if status != Handover.Status.PROPOSED:
            raise _already_decided()
        item.done_at = timezone.now() if done else None
        item.done_by = actor if done else None
        item.save(update_fields=["done_at", "done_by"])
    return item


def handover_record_appointment(*, handover: Handover, actor: User, at: datetime) -> Handover:
    """The joint appointment (old and new side with the person): this makes the handover warm."""
    if handover.status != Handover.Status.PROPOSED:
        # Warm or cold is judged when the receiving side decides; afterwards the record stays as it was.
        raise _already_decided()
    if at > timezone.now():
        raise ValidationError(
            {"joint_appointment_at": _("Bitte erst eintragen, wenn der Termin stattgefunden hat.")}
        )
    if at < handover.created_at - timedelta(days=60):
        raise ValidationError({"joint_appointment_at": _("Dieser Termin liegt zu lange vor der Übergabe.")})
    # Conditional UPDATE: a decision taken meanwhile in another request is not rewritten.
    if not Handover.objects.filter(pk=handover.pk, status=Handover.Status.PROPOSED).update(
        joint_appointment_at=at
    ):
        raise _already_decided()
    handover.joint_appointment_at = at
    return handover


def handover_decide(*, handover: Handover, actor: User, accept: bool, reason: str = "") -> Handover:
    """The receiving side accepts (ownership moves) or rejects with a reason; both sides are told."""
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError({"reason": _("Bitte begründen Sie die Ablehnung.")})
    with transaction.atomic():
        locked = Handover.objects.select_for_update().select_related("case__candidate").get(pk=handover.pk)
        if locked.status != Handover.Status.PROPOSED:
            raise _already_decided()
        case = locked.case
        if accept:
            missing = locked.items.filter(required=True, done_at__isnull=True).count()
            if missing:
                raise ValidationError(
                    _("Es sind noch {n} Pflichtpunkte der Checkliste offen.").format(n=missing)
                )
            if not candidate_has_live_consent(
                candidate=case.candidate, scope=ConsentScope.CASE_DATA, organisation=locked.to_organisation
            ):
                raise ValidationError(_("Die Einwilligung zur Weitergabe der Falldaten wurde widerrufen."))
            case.responsible_organisation = locked.to_organisation
            is_case_manager = Membership.objects.filter(
                user=actor, organisation=locked.to_organisation, role=Role.CASE_MANAGER, is_active=True
            ).exists()
            case.case_manager = actor if is_case_manager else None
            if case.case_manager is None:
                # Every case keeps a responsible case manager: the receiving side's lead one.
                case.case_manager = responsible_case_manager(case=case)
            fields = ["responsible_organisation", "case_manager", "updated_at"]
            new_municipality = locked.to_organisation.municipality_id
            if new_municipality != case.municipality_id:
                # A move: the person and their case now belong to the new municipality.
                Candidate.objects.filter(pk=case.candidate_id).update(municipality_id=new_municipality)
                # Listed in the new municipality, no longer in the old one: both counts change.
                listing_changed(municipality_ids=[case.municipality_id, new_municipality])
                case.municipality_id = new_municipality
                fields.append("municipality")
            case.save(update_fields=fields)
            FollowAlong.objects.filter(employment__candidate_id=case.candidate_id).update(
                organisation=locked.to_organisation
            )
        locked.status = Handover.Status.ACCEPTED if accept else Handover.Status.REJECTED
        locked.reason = reason
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        both_sides = [
            locked.proposed_by,
            *_staff_of(locked.from_organisation_id),
            *_staff_of(locked.to_organisation_id),
        ]
        notify(
            recipients=both_sides,
            kind=notices.HANDOVER_DECIDED,
            params={"org": str(locked.to_organisation), "status": locked.status},
            link="coaching:handover_detail",
            link_kwargs={"pk": locked.pk},
            target=locked,
        )
        # The decision is the POST that answers the proposal.
        notification_mark_read_for(user=actor, target=locked)
        _audit(
            actor=actor,
            action=AuditEntry.Action.CHANGE,
            candidate=case.candidate,
            fields=["handover", *(["responsible_organisation"] if accept else [])],
        )
    return locked
