"""Speed dating scheduled from matches (issue 15, part 2): reads and writes of the feature.

Who does what:
- organisers (the municipality's coordinators and case managers) set up a session, add the
  businesses with their placements, let the matcher propose people, run the scheduler and record
  outcomes on the day;
- a person's case manager (their caseload, ``in_caseload``) confirms or declines the invitation
  and turns a mutual interest into an introduction (``Introduction.source`` = event);
- the person sees their invitation and schedule and downloads the .ics.

Proposals: the top matches per placement among people with a live ``listing`` consent, read live
(the matching index may lag). Organisers who are not responsible for a person see them by their
public reference only; names are for the staff who read the file (``visible_candidates``).
The scheduler itself is ``matching.slots`` (plain SciPy, no Django).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from candidates.models import Candidate, Consent, ConsentScope
from candidates.selectors import case_managers_for, in_caseload, visible_candidates
from matching import slots
from notifications.services import notification_mark_read_for, notify
from organisations import access
from outbox.services import enqueue
from privacy.services import audit_record_views_once_a_day

from . import notices
from .models import (
    Introduction,
    Placement,
    SpeedDating,
    SpeedDatingBusiness,
    SpeedDatingCandidate,
    SpeedDatingFit,
    SpeedDatingMeeting,
)

if TYPE_CHECKING:
    from accounts.models import User

ORGANISER_ROLES = (Role.COORDINATOR, Role.CASE_MANAGER)
Status = SpeedDatingCandidate.Status


# --- reads ------------------------------------------------------------------------------------


def organiser_municipality_ids(*, user: User) -> set[int]:
    return access.municipality_ids(user=user, roles=ORGANISER_ROLES)


def require_organiser(*, user: User) -> set[int]:
    """The municipalities the user organises speed datings in; 403 for every other role."""
    municipalities = organiser_municipality_ids(user=user)
    if not municipalities:
        raise PermissionDenied
    return municipalities


def speed_datings(*, user: User) -> QuerySet[SpeedDating]:
    return SpeedDating.objects.filter(municipality_id__in=require_organiser(user=user)).select_related(
        "municipality"
    )


def speed_dating_list(*, user: User) -> QuerySet[SpeedDating]:
    """The sessions of the user's municipalities, the latest first."""
    return speed_datings(user=user).order_by("-starts_at")


def speed_dating_get(*, user: User, pk: int) -> SpeedDating:
    """One session of the user's municipalities; another municipality's is a 404."""
    return access.first_visible(speed_datings(user=user).filter(pk=pk))


def participant_get(*, session: SpeedDating, pk: int) -> SpeedDatingCandidate:
    return access.first_visible(
        SpeedDatingCandidate.objects.filter(session=session, pk=pk).select_related("candidate")
    )


def meeting_get(*, session: SpeedDating, pk: int) -> SpeedDatingMeeting:
    return access.first_visible(
        SpeedDatingMeeting.objects.filter(session=session, pk=pk).select_related(
            "participant__candidate", "placement__employer__organisation", "business"
        )
    )


def event_choices() -> QuerySet:
    """Published speed-dating event pages still ahead, in German, not yet linked to a session.
    Looked up by name: only config imports cms."""
    event_page = apps.get_model("cms", "EventPage")
    return (
        event_page.objects.live()
        .filter(
            kind="speed_dating",
            start__gte=timezone.now(),
            locale__language_code=settings.LANGUAGE_CODE,
            speed_dating__isnull=True,
        )
        .order_by("start")
    )


def placement_choices(*, session: SpeedDating) -> QuerySet[Placement]:
    from .jobs import open_placements

    return (
        open_placements(municipality_id=session.municipality_id)
        .exclude(speed_datings__session=session)
        .select_related("employer__organisation")
        .order_by("employer__organisation__name", "title")
    )


@dataclass
class ParticipantRow:
    pk: int
    label: str
    named: bool
    score: int
    status: str
    status_label: str
    can_decide: bool


@dataclass
class MeetingRow:
    pk: int
    round: int
    table: int
    business: str
    placement: str
    person: str
    score: int
    candidate_interest: bool | None
    business_interest: bool | None
    mutual: bool
    introduction: Introduction | None
    can_introduce: bool


@dataclass
class RoundRow:
    number: int
    starts_at: datetime
    pause: bool
    meetings: list[MeetingRow] = field(default_factory=list)


@dataclass
class SessionOverview:
    session: SpeedDating
    businesses: list[SpeedDatingBusiness]
    participants: list[ParticipantRow]
    rounds: list[RoundRow]
    invited: int
    proposed: int
    total_fit: int


def _labels(*, user: User, candidates: list[Candidate]) -> dict[int, tuple[str, bool]]:
    """Names for the people whose file the user reads, the public reference for the rest."""
    named = set(
        visible_candidates(user=user).filter(pk__in=[c.pk for c in candidates]).values_list("pk", flat=True)
    )
    return {
        c.pk: (f"{c.first_name} {c.last_name}", True)
        if c.pk in named
        else (gettext("Person %(ref)s") % {"ref": c.public_ref}, False)
        for c in candidates
    }


def session_overview(*, user: User, session: SpeedDating) -> SessionOverview:
    participants = list(
        SpeedDatingCandidate.objects.filter(session=session)
        .select_related("candidate")
        .order_by("-best_score", "pk")
    )
    labels = _labels(user=user, candidates=[p.candidate for p in participants])
    named_ids = [p.candidate_id for p in participants if labels[p.candidate_id][1]]
    if named_ids:  # names read: one view entry per person and day, like the card views
        audit_record_views_once_a_day(
            actor=user,
            record_type="candidates.candidate",
            records=[(pk, session.municipality_id) for pk in named_ids],
            fields=["first_name", "last_name"],
            note="speed dating",
        )
    caseload = {
        p.pk
        for p in participants
        if labels[p.candidate_id][1] and in_caseload(user=user, candidate=p.candidate)
    }
    rows = [
        ParticipantRow(
            pk=p.pk,
            label=labels[p.candidate_id][0],
            named=labels[p.candidate_id][1],
            score=round(p.best_score * 100),
            status=p.status,
            status_label=p.get_status_display(),
            can_decide=p.pk in caseload,
        )
        for p in participants
    ]
    businesses = list(
        SpeedDatingBusiness.objects.filter(session=session)
        .select_related("employer__organisation")
        .prefetch_related(Prefetch("placements", queryset=Placement.objects.order_by("title")))
    )
    rounds = [
        RoundRow(number=n, starts_at=session.round_start(n), pause=n == session.pause_round)
        for n in range(1, session.rounds + 1)
    ]
    total = 0.0
    for m in SpeedDatingMeeting.objects.filter(session=session).select_related(
        "business__employer__organisation", "placement", "participant", "introduction"
    ):
        total += m.score
        if not 1 <= m.round <= len(rounds):
            continue
        rounds[m.round - 1].meetings.append(
            MeetingRow(
                pk=m.pk,
                round=m.round,
                table=m.table,
                business=m.business.employer.organisation.name,
                placement=m.placement.title,
                person=labels.get(m.participant.candidate_id, ("", False))[0],
                score=round(m.score * 100),
                candidate_interest=m.candidate_interest,
                business_interest=m.business_interest,
                mutual=m.mutual,
                introduction=m.introduction,
                can_introduce=m.mutual and m.introduction_id is None and m.participant_id in caseload,
            )
        )
    return SessionOverview(
        session=session,
        businesses=businesses,
        participants=rows,
        rounds=rounds,
        invited=sum(1 for r in rows if r.status == Status.INVITED),
        proposed=sum(1 for r in rows if r.status == Status.PROPOSED),
        total_fit=round(total * 100),
    )


@dataclass
class OwnInvitation:
    participant: SpeedDatingCandidate
    session: SpeedDating
    meetings: list[tuple[datetime, SpeedDatingMeeting]]


def own_invitations(*, user: User) -> list[OwnInvitation]:
    """The signed-in person's invitations (confirmed by their case manager) and their own slots."""
    if not getattr(user, "is_authenticated", False):
        return []
    participants = (
        SpeedDatingCandidate.objects.filter(
            candidate__user=user, candidate__erased_at__isnull=True, status=Status.INVITED
        )
        .select_related("session")
        .order_by("session__starts_at")
    )
    out = []
    for p in participants:
        meetings = [
            (p.session.round_start(m.round), m)
            for m in p.meetings.select_related("business__employer__organisation", "placement").order_by(
                "round"
            )
        ]
        out.append(OwnInvitation(participant=p, session=p.session, meetings=meetings))
    return out


def own_invitation_get(*, user: User, pk: int) -> SpeedDatingCandidate:
    if not getattr(user, "is_candidate", False):
        raise PermissionDenied
    return access.first_visible(
        SpeedDatingCandidate.objects.filter(
            pk=pk, candidate__user=user, candidate__erased_at__isnull=True, status=Status.INVITED
        ).select_related("session", "candidate")
    )


@dataclass
class BusinessSlot:
    starts: datetime
    meeting: SpeedDatingMeeting
    card: Any  # selectors.AnonymousCandidate, or None when the person withdrew their listing consent


@dataclass
class BusinessSession:
    session: SpeedDating
    slots: list[BusinessSlot]


def business_schedule(*, user: User) -> list[BusinessSession]:
    """The employer's side of the speed datings their business takes part in: their tables' slots
    with the person as an anonymised card (the same card as the anonymous browse), never a name.
    Names and contact come through the introduction the person's case manager makes afterwards.
    A person whose listing consent was withdrawn since shows no card (read live). The cards shown are
    audited like the browse. Four queries for the sessions, whatever their size, plus the cards'."""
    from .selectors import anonymous_cards, anonymous_queryset, require_employer

    profile = require_employer(user=user)
    tables = list(
        SpeedDatingBusiness.objects.filter(
            employer__organisation_id__in=access.employer_organisation_ids(user=user),
            session__status=SpeedDating.Status.SCHEDULED,
            session__starts_at__gte=timezone.now() - timedelta(days=1),
        )
        .select_related("session")
        .order_by("session__starts_at", "pk")
    )
    meetings = list(
        SpeedDatingMeeting.objects.filter(business__in=tables)
        .select_related("placement", "participant")
        .order_by("round", "table")
    )
    session_of = {t.pk: t.session for t in tables}
    by_municipality: dict[int, list[int]] = defaultdict(list)
    for m in meetings:
        by_municipality[session_of[m.business_id].municipality_id].append(m.participant.candidate_id)
    live: set[int] = set()
    for municipality_id, candidate_ids in by_municipality.items():
        live |= _listed(candidate_ids, municipality_id)
    rows = list(anonymous_queryset(Candidate.objects.filter(pk__in=live)))
    shown = anonymous_cards(rows, origin_postcode=profile.organisation.postcode)
    cards = dict(zip((c.pk for c in rows), shown, strict=True))
    audit_record_views_once_a_day(
        actor=user,
        record_type="candidates.candidate",
        records=[(c.pk, c.municipality_id) for c in rows],
        fields=["anonymous_card"],
        note="speed dating schedule",
    )
    out = []
    for table in tables:
        slots_ = [
            BusinessSlot(
                starts=table.session.round_start(m.round),
                meeting=m,
                card=cards.get(m.participant.candidate_id),
            )
            for m in meetings
            if m.business_id == table.pk
        ]
        out.append(BusinessSession(session=table.session, slots=slots_))
    return out


# --- writes -----------------------------------------------------------------------------------


def speed_dating_create(
    *,
    actor: User,
    municipality_id: int,
    title: str,
    starts_at: datetime,
    place: str,
    rounds: int = 8,
    minutes_per_round: int = 10,
    pause_round: int | None = None,
    max_meetings: int = 6,
    proposals_per_placement: int = 10,
    event=None,
) -> SpeedDating:
    if municipality_id not in require_organiser(user=actor):
        raise PermissionDenied
    if pause_round is not None and not 1 <= pause_round <= rounds:
        raise ValidationError({"pause_round": _("Die Pause muss in einer der Runden liegen.")})
    session = SpeedDating(
        municipality_id=municipality_id,
        event=event,
        title=title,
        starts_at=starts_at,
        place=place,
        rounds=rounds,
        minutes_per_round=minutes_per_round,
        pause_round=pause_round,
        max_meetings=max_meetings,
        proposals_per_placement=proposals_per_placement,
        created_by=actor,
    )
    session.full_clean()
    session.save()
    return session


def speed_dating_business_add(
    *, session: SpeedDating, actor: User, placement: Placement, tables: int = 1
) -> SpeedDatingBusiness:
    """A business joins with one more of its placements (one row per business, placements added)."""
    if session.municipality_id not in require_organiser(user=actor):
        raise PermissionDenied
    if not placement_choices(session=session).filter(pk=placement.pk).exists():
        raise ValidationError({"placement": _("Diese Stelle ist nicht offen oder schon dabei.")})
    with transaction.atomic():
        business, _created = SpeedDatingBusiness.objects.get_or_create(
            session=session, employer=placement.employer, defaults={"tables": tables}
        )
        if business.tables != tables:
            business.tables = tables
            business.save(update_fields=["tables"])
        business.placements.add(placement)
    return business


def _listed(candidate_ids: list[int], municipality_id: int) -> set[int]:
    """Which of them have a live listing consent now (read live: the index may lag)."""
    live = Consent.objects.live().filter(scope=ConsentScope.LISTING).values("candidate_id")
    return set(
        Candidate.objects.filter(
            pk__in=candidate_ids, municipality_id=municipality_id, erased_at__isnull=True
        )
        .filter(pk__in=live)
        .values_list("pk", flat=True)
    )


def speed_dating_propose(*, session: SpeedDating, actor: User) -> int:
    """The matcher proposes the top matches of each placement (consenting people only); the
    responsible case managers hear it once per person and session. Returns how many are new."""
    from matching.index import candidate_index
    from matching.services import match_candidates_many

    from .matching import placement_record

    if session.municipality_id not in require_organiser(user=actor):
        raise PermissionDenied
    businesses = list(
        SpeedDatingBusiness.objects.filter(session=session).prefetch_related(
            "placements__skills__skill", "placements__occupation"
        )
    )
    # Every placement of the session over the municipality's one index, the re-ranker read once.
    rankings = match_candidates_many(
        placements=[placement_record(p) for b in businesses for p in b.placements.all()],
        candidates=candidate_index(municipality_id=session.municipality_id),
        top=3 * session.proposals_per_placement,
    )
    # Live consent of everyone proposed, in one query (not one per placement).
    listed = _listed(
        sorted({int(m.candidate_id) for ranked in rankings.values() for m in ranked}), session.municipality_id
    )
    best: dict[tuple[int, int], tuple[float, int]] = {}  # (candidate, business) -> (score, placement)
    for business in businesses:
        for placement in business.placements.all():
            ranked = rankings[str(placement.pk)]
            top = [m for m in ranked if int(m.candidate_id) in listed][: session.proposals_per_placement]
            for m in top:
                key = (int(m.candidate_id), business.pk)
                if key not in best or m.score > best[key][0]:
                    best[key] = (float(m.score), placement.pk)
    by_candidate: dict[int, float] = defaultdict(float)
    for (candidate_id, _b), (score, _p) in best.items():
        by_candidate[candidate_id] = max(by_candidate[candidate_id], score)
    new = []
    with transaction.atomic():
        existing = {p.candidate_id: p for p in SpeedDatingCandidate.objects.filter(session=session)}
        for candidate_id, score in by_candidate.items():
            participant = existing.get(candidate_id)
            if participant is None:
                participant = SpeedDatingCandidate.objects.create(
                    session=session, candidate_id=candidate_id, best_score=score
                )
                new.append(participant)
            else:
                participant.best_score = score
                participant.save(update_fields=["best_score"])
            existing[candidate_id] = participant
        SpeedDatingFit.objects.filter(participant__session=session).delete()
        SpeedDatingFit.objects.bulk_create(
            SpeedDatingFit(
                participant=existing[candidate_id],
                business_id=business_id,
                placement_id=placement_id,
                score=score,
            )
            for (candidate_id, business_id), (score, placement_id) in best.items()
        )
        for participant in new:
            notify(
                recipients=case_managers_for(candidate=participant.candidate),
                kind=notices.SPEED_DATING_PROPOSED_STAFF,
                params={"session": session.title, "at": session.starts_at.isoformat()},
                link="employers:speed_dating_detail",
                link_kwargs={"pk": session.pk},
                target=participant,
                dedupe_key=f"employers.speed_dating:{participant.pk}",
            )
    return len(new)


def speed_dating_decide(
    *, participant: SpeedDatingCandidate, actor: User, invite: bool
) -> SpeedDatingCandidate:
    """The person's case manager confirms (or declines) the invitation. An invitation reaches the
    person in their inbox and, with a calendar file, by e-mail in their language."""
    if not in_caseload(user=actor, candidate=participant.candidate):
        raise PermissionDenied
    if participant.session.meetings.exists():
        raise ValidationError(_("Der Plan steht schon: bitte erst neu planen, wenn sich etwas ändert."))
    with transaction.atomic():
        participant.status = Status.INVITED if invite else Status.NOT_INVITED
        participant.decided_by = actor
        participant.decided_at = timezone.now()
        participant.save(update_fields=["status", "decided_by", "decided_at"])
        notification_mark_read_for(user=actor, target=participant)
        person = participant.candidate.user
        if invite and person is not None:
            notify(
                recipients=[person],
                kind=notices.SPEED_DATING_INVITED_CANDIDATE,
                params={
                    "session": participant.session.title,
                    "at": participant.session.starts_at.isoformat(),
                },
                link="employers:my_speed_dating",
                target=participant,
                email=False,  # the invitation mail below carries the calendar file
            )
            from .tasks import send_speed_dating_invitation

            enqueue(send_speed_dating_invitation, participant.pk)
    return participant


def _fit_matrix(session: SpeedDating):
    participants = list(
        SpeedDatingCandidate.objects.filter(session=session, status=Status.INVITED).order_by("pk")
    )
    businesses = list(SpeedDatingBusiness.objects.filter(session=session).order_by("pk"))
    p_index = {p.pk: i for i, p in enumerate(participants)}
    b_index = {b.pk: j for j, b in enumerate(businesses)}
    fit = np.zeros((len(participants), len(businesses)))
    placement = {}
    for f in SpeedDatingFit.objects.filter(participant__in=participants, business__in=businesses):
        fit[p_index[f.participant_id], b_index[f.business_id]] = f.score
        placement[(f.participant_id, f.business_id)] = f.placement_id
    return participants, businesses, fit, placement


@dataclass(frozen=True)
class ScheduleResult:
    meetings: int
    total_fit: float
    greedy_fit: float


def speed_dating_schedule(*, session: SpeedDating, actor: User) -> ScheduleResult:
    """Plan the rounds with the scheduler (invited people × businesses, their fit, the tables and the
    pause); replaces an earlier plan unless outcomes were recorded on it."""
    if session.municipality_id not in require_organiser(user=actor):
        raise PermissionDenied
    if session.meetings.filter(
        Q(candidate_interest__isnull=False) | Q(business_interest__isnull=False)
    ).exists():
        raise ValidationError(_("Für diesen Plan sind schon Ergebnisse erfasst: er bleibt, wie er ist."))
    participants, businesses, fit, placement = _fit_matrix(session)
    if not participants or not businesses:
        raise ValidationError(_("Zum Planen braucht es eingeladene Personen und Betriebe."))
    cap = slots.capacity(
        businesses=len(businesses),
        rounds=session.rounds,
        tables=[b.tables for b in businesses],
        breaks=[session.pause_round - 1] if session.pause_round else [],
    )
    plan = slots.schedule(fit, cap, max_meetings=session.max_meetings)
    greedy = slots.schedule_greedy(fit, cap, max_meetings=session.max_meetings)
    with transaction.atomic():
        session.meetings.all().delete()
        SpeedDatingMeeting.objects.bulk_create(
            SpeedDatingMeeting(
                session=session,
                round=m.round + 1,
                table=m.table + 1,
                business=businesses[m.business],
                participant=participants[m.candidate],
                placement_id=placement[(participants[m.candidate].pk, businesses[m.business].pk)],
                score=float(fit[m.candidate, m.business]),
            )
            for m in plan.meetings
        )
        session.status = SpeedDating.Status.SCHEDULED
        session.save(update_fields=["status"])
    return ScheduleResult(meetings=len(plan.meetings), total_fit=plan.total_fit, greedy_fit=greedy.total_fit)


def speed_dating_outcome(
    *,
    meeting: SpeedDatingMeeting,
    actor: User,
    candidate_interest: bool | None,
    business_interest: bool | None,
) -> SpeedDatingMeeting:
    if meeting.session.municipality_id not in require_organiser(user=actor):
        raise PermissionDenied
    meeting.candidate_interest = candidate_interest
    meeting.business_interest = business_interest
    meeting.save(update_fields=["candidate_interest", "business_interest"])
    return meeting


def speed_dating_introduce(*, meeting: SpeedDatingMeeting, actor: User) -> Introduction:
    """Both sides want to go on: one click makes the introduction in the pipeline (source: event),
    proposed by the person's case manager with the agreement the person gave on the day."""
    from .services import introduction_propose

    if not in_caseload(user=actor, candidate=meeting.participant.candidate):
        raise PermissionDenied
    if not meeting.mutual:
        raise ValidationError(_("Eine Vorstellung gibt es, wenn beide Seiten Interesse haben."))
    if meeting.introduction_id is not None:
        return meeting.introduction
    with transaction.atomic():
        intro = introduction_propose(
            placement=meeting.placement,
            candidate=meeting.participant.candidate,
            actor=actor,
            agreed=True,
            source=Introduction.Source.EVENT,
        )
        meeting.introduction = intro
        meeting.save(update_fields=["introduction"])
    return intro


# --- the invitation with its calendar file --------------------------------------------------------


def invitation_ics(*, participant: SpeedDatingCandidate) -> bytes:
    from candidates.ics import METHOD_REQUEST, appointment_ics

    session = participant.session
    meetings = list(participant.meetings.order_by("round"))
    starts = session.round_start(meetings[0].round) if meetings else session.starts_at
    ends = (
        session.round_start(meetings[-1].round) + timedelta(minutes=session.minutes_per_round)
        if meetings
        else session.round_start(session.rounds) + timedelta(minutes=session.minutes_per_round)
    )
    return appointment_ics(
        uid=f"speed-dating-{session.pk}-{participant.pk}",
        sequence=len(meetings),  # a plan made after the invitation is a change of the first one
        method=METHOD_REQUEST,
        starts_at=starts,
        ends_at=ends,
        summary=gettext("Speed-Dating: %(title)s") % {"title": session.title},
        location=session.place,
        organizer_email=settings.DEFAULT_FROM_EMAIL.split("<")[-1].strip(">"),
    )


def speed_dating_invitation_send(*, participant_id: int) -> bool:
    """The invitation e-mail in the person's language, with the .ics file."""
    from django.core.mail import EmailMessage

    from notifications.links import absolute_url
    from notifications.mail import reader_language
    from notifications.registry import show_datetime

    participant = (
        SpeedDatingCandidate.objects.filter(pk=participant_id, status=Status.INVITED)
        .select_related("session", "candidate__user")
        .first()
    )
    user = participant.candidate.user if participant else None
    if user is None or not user.email:
        return False
    with translation.override(reader_language(user)):
        session = participant.session
        subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}" + gettext(
            "Einladung zum Speed-Dating: %(title)s"
        ) % {"title": session.title}
        body = "\n".join(
            [
                gettext("Guten Tag,"),
                "",
                gettext("Ihr Case Management lädt Sie zum Speed-Dating mit Betrieben ein."),
                gettext("Wann: %(when)s") % {"when": show_datetime(session.starts_at.isoformat())},
                gettext("Wo: %(place)s") % {"place": session.place},
                "",
                gettext("Ihren Plan mit den Gesprächen finden Sie nach der Anmeldung: %(link)s")
                % {"link": absolute_url(reverse("employers:my_speed_dating"))},
                "",
                gettext("Ihr Lotse-Team"),
            ]
        )
        message = EmailMessage(subject, body, None, [user.email])
        message.attach(
            "speed-dating.ics",
            invitation_ics(participant=participant),
            "text/calendar; method=REQUEST; charset=utf-8",
        )
    message.send()
    return True


# --- GDPR -----------------------------------------------------------------------------------------


def _export(user: Any) -> list[dict[str, Any]]:
    return [
        {"event": title, "at": at.isoformat(), "status": status}
        for title, at, status in SpeedDatingCandidate.objects.filter(candidate__user=user).values_list(
            "session__title", "session__starts_at", "status"
        )
    ]


def _erase(user: Any) -> int:
    deleted, _rows = SpeedDatingCandidate.objects.filter(
        Q(candidate__user=user) | Q(candidate__erased_at__isnull=False)
    ).delete()
    return deleted


def register_privacy() -> None:
    from privacy.document import register_labels
    from privacy.registry import registry

    registry.register("employers.speed_dating", exporter=_export, eraser=_erase)
    register_labels(
        labels={
            "employers.speed_dating": _("Speed-Datings, zu denen Sie vorgeschlagen oder eingeladen wurden"),
            "event": _("Veranstaltung"),
        },
        values={"status": dict(Status.choices)},
    )
