"""Reads of the case messages (issue 22). Every function takes the requesting user and decides on
the server which side of a conversation they are on, from live data: the candidate's own open case,
the case staff of the responsible (or consented) organisation and the employment's job coach, or
the volunteer of a live assignment under a live consent. Anyone else gets nothing (NotFound).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from accounts.roles import CASE_STAFF, Role
from candidates import selectors as candidate_selectors
from candidates.models import Case, CasePhase, Consent, ConsentScope
from organisations import access

from .models import Message, MessageThread, VolunteerAssignment

if TYPE_CHECKING:
    from accounts.models import User

CANDIDATE = "candidate"
STAFF = "staff"
VOLUNTEER = "volunteer"


def may_use_messages(*, user: User) -> bool:
    """The people who may ever open the messages pages; everyone else gets 403."""
    return bool(getattr(user, "is_candidate", False)) or access.has_role(
        user=user, roles=[*CASE_STAFF, Role.VOLUNTEER]
    )


def own_cases(*, user: User) -> QuerySet[Case]:
    """The signed-in candidate's open cases."""
    if not getattr(user, "is_candidate", False):
        return Case.objects.none()
    return Case.objects.filter(candidate__user=user, candidate__erased_at__isnull=True).exclude(
        phase=CasePhase.CLOSED
    )


def staff_cases(*, user: User) -> QuerySet[Case]:
    """Open cases whose messages the user answers as case staff: the cases of candidates they may
    change (responsible or consented organisation), and those of the people whose employment they
    coach as job coach."""
    if not access.has_role(user=user, roles=CASE_STAFF):
        return Case.objects.none()
    coached = Q(
        candidate__employments__job_coach=user,
        candidate__employments__end_reason="",
    )
    q = Q(candidate__in=candidate_selectors.editable_candidates(user=user))
    if access.has_role(user=user, roles=[Role.JOB_COACH]):
        q |= coached
    return (
        Case.objects.filter(q, candidate__erased_at__isnull=True).exclude(phase=CasePhase.CLOSED).distinct()
    )


def own_assignments(*, user: User) -> QuerySet[VolunteerAssignment]:
    """The signed-in candidate's live volunteer assignments (under a live consent)."""
    if not getattr(user, "is_candidate", False):
        return VolunteerAssignment.objects.none()
    live = Consent.objects.live().filter(
        scope=ConsentScope.VOLUNTEER,
        candidate_id=OuterRef("candidate_id"),
        recipient_user_id=OuterRef("volunteer_id"),
    )
    return VolunteerAssignment.objects.filter(
        Exists(live), candidate__user=user, candidate__erased_at__isnull=True, ended_at__isnull=True
    )


def volunteer_assignments(*, user: User) -> QuerySet[VolunteerAssignment]:
    from . import selectors

    return selectors.volunteer_assignments(user=user)


@dataclass(frozen=True)
class Conversation:
    """One conversation as the reader sees it; ``thread`` is None until the first message."""

    side: str
    case: Case
    assignment: VolunteerAssignment | None
    thread: MessageThread | None

    @property
    def messages(self) -> list[Message]:
        if self.thread is None:
            return []
        return list(self.thread.messages.select_related("author"))


def _thread(case: Case, assignment: VolunteerAssignment | None) -> MessageThread | None:
    return MessageThread.objects.filter(case=case, assignment=assignment).first()


def case_conversation(*, user: User, case_pk: int) -> Conversation:
    """The staff conversation of a case, for its candidate or its case staff; else NotFound."""
    own = own_cases(user=user).filter(pk=case_pk).select_related("candidate").first()
    if own is not None:
        return Conversation(CANDIDATE, own, None, _thread(own, None))
    case = access.first_visible(staff_cases(user=user).filter(pk=case_pk).select_related("candidate"))
    return Conversation(STAFF, case, None, _thread(case, None))


def _assignment_case(assignment: VolunteerAssignment) -> Case | None:
    return (
        Case.objects.filter(candidate_id=assignment.candidate_id)
        .exclude(phase=CasePhase.CLOSED)
        .order_by("-pk")
        .first()
    )


def volunteer_conversation(*, user: User, assignment_pk: int) -> Conversation:
    """The conversation of a live assignment, for its candidate or its volunteer; else NotFound."""
    assignment = own_assignments(user=user).filter(pk=assignment_pk).select_related("volunteer").first()
    side = CANDIDATE
    if assignment is None:
        assignment = access.first_visible(
            volunteer_assignments(user=user).filter(pk=assignment_pk).select_related("candidate")
        )
        side = VOLUNTEER
    case = _assignment_case(assignment)
    if case is None:
        raise access.NotFound
    return Conversation(side, case, assignment, _thread(case, assignment))


def unread_q(side: str) -> Q:
    """Messages the reader on ``side`` has not read: the other side's, without read_at."""
    return Q(messages__read_at__isnull=True, messages__from_candidate=(side != CANDIDATE))


@dataclass(frozen=True)
class InboxRow:
    label: str
    url_name: str
    url_pk: int
    unread: int
    last_at: object


def inbox(*, user: User) -> list[InboxRow]:
    """Every conversation the user may open, with unread counts, newest first."""
    from django.utils.translation import gettext as _

    rows: list[InboxRow] = []

    def counts(threads: QuerySet[MessageThread], side: str) -> dict:
        return {
            t["pk"]: t
            for t in threads.annotate(
                unread=Count("messages", filter=unread_q(side)), last_at=Max("messages__created_at")
            ).values("pk", "case_id", "assignment_id", "unread", "last_at")
        }

    if getattr(user, "is_candidate", False):
        cases = list(own_cases(user=user).select_related("responsible_organisation"))
        found = counts(MessageThread.objects.filter(case__in=cases, assignment__isnull=True), CANDIDATE)
        by_case = {t["case_id"]: t for t in found.values()}
        for case in cases:
            t = by_case.get(case.pk, {})
            label = _("Ihre Fachkraft bei {org}").format(org=case.responsible_organisation)
            rows.append(
                InboxRow(label, "coaching:message_case", case.pk, t.get("unread", 0), t.get("last_at"))
            )
        assignments = list(own_assignments(user=user).select_related("volunteer"))
        found = counts(MessageThread.objects.filter(assignment__in=assignments), CANDIDATE)
        by_assignment = {t["assignment_id"]: t for t in found.values()}
        for a in assignments:
            t = by_assignment.get(a.pk, {})
            label = _("Ehrenamtliche*r {name}").format(name=a.volunteer.get_full_name() or a.volunteer)
            rows.append(
                InboxRow(label, "coaching:message_volunteer", a.pk, t.get("unread", 0), t.get("last_at"))
            )
    if access.has_role(user=user, roles=CASE_STAFF):
        threads = MessageThread.objects.filter(case__in=staff_cases(user=user), assignment__isnull=True)
        found = counts(threads, STAFF)
        cases = {
            c.pk: c
            for c in Case.objects.filter(pk__in=[t["case_id"] for t in found.values()]).select_related(
                "candidate"
            )
        }
        for t in found.values():
            case = cases[t["case_id"]]
            rows.append(
                InboxRow(
                    case.candidate.full_name,
                    "coaching:message_case",
                    case.pk,
                    t["unread"],
                    t["last_at"],
                )
            )
    if access.has_role(user=user, roles=[Role.VOLUNTEER]):
        assignments = list(volunteer_assignments(user=user).select_related("candidate"))
        found = counts(MessageThread.objects.filter(assignment__in=assignments), VOLUNTEER)
        by_assignment = {t["assignment_id"]: t for t in found.values()}
        for a in assignments:
            t = by_assignment.get(a.pk, {})
            name = f"{a.candidate.first_name} {a.candidate.last_name}".strip()
            rows.append(
                InboxRow(name, "coaching:message_volunteer", a.pk, t.get("unread", 0), t.get("last_at"))
            )
    rows.sort(key=lambda r: (r.last_at is None, -(r.last_at.timestamp()) if r.last_at else 0))
    return rows


def message_file_get(*, user: User, pk: int) -> Message:
    """A message with an attachment in a conversation the user is on; else NotFound."""
    message = access.first_visible(
        Message.objects.filter(pk=pk, erased_at__isnull=True)
        .exclude(attachment="")
        .select_related("thread__case", "thread__assignment")
    )
    thread = message.thread
    if thread.assignment_id:
        volunteer_conversation(user=user, assignment_pk=thread.assignment_id)
    else:
        case_conversation(user=user, case_pk=thread.case_id)
    return message
