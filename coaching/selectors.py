"""Reads of the coaching app. Every function takes the requesting ``user`` and scopes on the server,
building on candidates.selectors (roles, organisations, municipality and live consent).

403 when the role may never use a page, 404 when an object lies outside the user's scope.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models import DateField as DateOutput
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import CASE_READERS, CASE_STAFF, CASE_STAFF_AND_COORDINATOR, Role
from candidates import selectors as candidate_selectors
from candidates.models import AssessmentEntry, Candidate, Case, CasePhase, Goal, LifeDomain
from employers.models import Employment, EmploymentQuality
from employers.quality import job_skill_level, person_skill_level
from notifications.models import Notification
from notifications.selectors import unread as unread_notifications
from organisations import access, kept
from organisations.models import Membership, Municipality, Organisation, OrganisationKind, VerificationStatus
from taxonomy.models import LABEL_FIELDS, Skill

from .models import (
    OPEN_NEED_STATUSES,
    FollowAlong,
    FollowUp,
    FollowUpDue,
    Handover,
    HandoverChecklistItem,
    LanguageSupportNeed,
    Referral,
    RiskFlag,
    Service,
    ServiceAreaPostcode,
    ServiceCategory,
    SupportRequest,
    TutoringSession,
    VolunteerAssignment,
)

if TYPE_CHECKING:
    from accounts.models import User


def is_staff(user: User) -> bool:
    return access.has_role(user=user, roles=CASE_STAFF)


def is_coordinator(user: User) -> bool:
    return access.has_role(user=user, roles=[Role.COORDINATOR])


# --- employments ----------------------------------------------------------------------------------


def _coached_q(*, user: User) -> Q:
    """Running employments the user is the responsible job coach of. The coach may work for a
    partner organisation that is not responsible for the case (a Jobcenter without coaches of its
    own): being made responsible for the employment lets them follow it along — the employment,
    not the case file."""
    if not access.has_role(user=user, roles=[Role.JOB_COACH]):
        return Q(pk__in=[])
    return Q(job_coach=user, end_reason="", candidate__erased_at__isnull=True)


def visible_employments(*, user: User) -> QuerySet[Employment]:
    """Employments of candidates whose record the user may read (case staff, coordinators), and
    the ones the user coaches."""
    return Employment.objects.filter(
        Q(candidate__in=candidate_selectors.visible_candidates(user=user)) | _coached_q(user=user)
    )


def editable_employments(*, user: User) -> QuerySet[Employment]:
    """Employments the user may log follow-ups, needs and risks for: case staff, and the
    responsible job coach."""
    return Employment.objects.filter(
        Q(candidate__in=candidate_selectors.editable_candidates(user=user)) | _coached_q(user=user)
    )


def coach_assignable_employments(*, user: User) -> QuerySet[Employment]:
    """Employments whose job coach the user may change: those of the cases a case manager works
    on, and every one of the municipalities a coordinator coordinates. Other roles → 403."""
    if not access.has_role(user=user, roles=[Role.CASE_MANAGER, Role.COORDINATOR]):
        raise PermissionDenied
    q = Q(candidate__municipality_id__in=access.municipality_ids(user=user, roles=[Role.COORDINATOR]))
    if access.has_role(user=user, roles=[Role.CASE_MANAGER]):
        managed = access.organisation_ids(user=user, roles=[Role.CASE_MANAGER])
        q |= Q(candidate__in=candidate_selectors.editable_candidates(user=user)) & Q(
            candidate__in=Case.objects.filter(responsible_organisation_id__in=managed).values("candidate_id")
        )
    return Employment.objects.filter(q, candidate__erased_at__isnull=True)


def coach_assignable_employment_get(*, user: User, pk: int) -> Employment:
    """An employment whose job coach the user may change (coach_assignable_employments): a case
    manager working on the case, or a coordinator of the person's municipality. Other roles → 403;
    out of scope → 404."""
    employment = access.first_visible(
        coach_assignable_employments(user=user)
        .filter(pk=pk)
        .select_related("candidate", "job_coach", "employer__organisation")
    )
    return employment


def coach_overview(*, user: User) -> QuerySet[Employment]:
    """The running employments whose job coach the user may change, for the coordinator's and the
    team lead's list: newest first, with what a row shows joined in and ``name_visible`` telling
    whether the user may read the person's name (their file), else the row shows the reference.
    One query per page, whatever its length."""
    readable = candidate_selectors.visible_candidates(user=user).filter(pk=OuterRef("candidate_id"))
    return (
        coach_assignable_employments(user=user)
        .filter(end_reason="")
        .select_related("candidate", "job_coach", "employer__organisation", "placement")
        .annotate(name_visible=Exists(readable))
        .order_by("-start_date", "-pk")
    )


def may_change_coach(*, user: User, employment: Employment) -> bool:
    try:
        coach_assignable_employment_get(user=user, pk=employment.pk)
    except (PermissionDenied, access.NotFound):
        return False
    return True


def _escalated_to(*, user: User) -> QuerySet[Employment]:
    """Employments of the coordinated municipalities with an open risk escalated to this coordinator:
    the escalation makes them responsible for that risk (and only for it, see employment_page)."""
    return Employment.objects.filter(
        candidate__in=candidate_selectors.overseen_candidates(user=user),
        risk_flags__escalated_to=user,
        risk_flags__resolved_at__isnull=True,
    )


def employment_get(*, user: User, pk: int, for_edit: bool = False) -> Employment:
    """An employment the user reads (or edits); a coordinator's own municipality's otherwise → 403."""
    if for_edit:
        base = editable_employments(user=user)
    else:
        base = visible_employments(user=user) | _escalated_to(user=user)
    employment = (
        base.filter(pk=pk)
        .select_related(
            "candidate", "employer__organisation", "placement", "follow_along__coach", "job_coach"
        )
        .first()
    )
    if employment is None:
        if Employment.objects.filter(
            pk=pk, candidate__in=candidate_selectors.overseen_candidates(user=user)
        ).exists():
            raise PermissionDenied
        raise access.NotFound
    return employment


def employment_page(*, user: User, employment: Employment) -> dict:
    """Everything the employment page shows, in a fixed number of queries.

    Follow-up notes, language needs, risks and requests belong to the file: a coordinator who is
    not responsible for the case reads only the risks escalated to them (``file_hidden``).
    """
    # The responsible coach reads the employment's own records (not the case file).
    full = employment.job_coach_id == user.pk or candidate_selectors.may_read_file(
        user=user, candidate=employment.candidate
    )
    risks = employment.risk_flags.select_related("raised_by", "escalated_to", "resolved_by")
    return {
        "file_hidden": not full,
        "dues": list(FollowUpDue.objects.filter(employment=employment).order_by("due_date", "sequence")),
        "follow_ups": list(employment.follow_ups.select_related("author")[:50]) if full else [],
        "needs": list(employment.language_needs.select_related("provider")) if full else [],
        "risks": list(risks if full else risks.filter(escalated_to=user)),
        "requests": list(employment.support_requests.select_related("employer_organisation")) if full else [],
        "quality": EmploymentQuality.objects.filter(employment=employment).first() if full else None,
    }


# --- caseload -----------------------------------------------------------------------------------------


def _per_employment(rows: QuerySet, aggregate) -> Subquery:
    """One figure per employment as a correlated subquery: aggregating over several joined
    one-to-many relations at once would multiply the rows (dues × follow-ups × risks × requests)."""
    return Subquery(
        rows.filter(employment=OuterRef("employment"))
        .order_by()
        .values("employment")
        .annotate(v=aggregate)
        .values("v")[:1]
    )


def _caseload(*, user: User) -> QuerySet[FollowAlong]:
    """The coach's running employments with their figures, overdue first: an employment is overdue
    exactly when its next open follow-up (``next_due``) lies before today, so ordering by that date
    (nulls last) puts the overdue ones first without asking for them again."""
    return (
        FollowAlong.objects.filter(
            coach=user,
            employment__job_coach=user,
            employment__end_reason="",
            employment__candidate__erased_at__isnull=True,
        )
        .select_related("employment__candidate", "employment__employer__organisation")
        # What the caseload table shows: a coach may follow a hundred and more.
        .only(
            "employment__candidate__first_name",
            "employment__candidate__last_name",
            "employment__employer__organisation__name",
        )
        .annotate(
            # The first open date, not MIN(): one entry of the open ones' index (by employment and
            # date), where an aggregate reads them all (it is worked out for every line to sort).
            next_due=Subquery(
                FollowUpDue.objects.filter(employment=OuterRef("employment"), done_at__isnull=True)
                .order_by("due_date")
                .values("due_date")[:1]
            ),
            last_contact=_per_employment(FollowUp.objects.all(), Max("date")),
            open_risks=Coalesce(
                _per_employment(RiskFlag.objects.filter(resolved_at__isnull=True), Count("pk")), 0
            ),
            open_requests=Coalesce(
                _per_employment(
                    SupportRequest.objects.exclude(status=SupportRequest.Status.ANSWERED), Count("pk")
                ),
                0,
            ),
        )
        .order_by(F("next_due").asc(nulls_last=True), "employment__candidate__last_name", "pk")
    )


def coach_caseload(*, user: User, today: date | None = None) -> QuerySet[FollowAlong]:
    """The coach's running employments, overdue first, with counts from annotations (one query)."""
    today = today or timezone.localdate()
    open_dues = FollowUpDue.objects.filter(employment=OuterRef("employment"), done_at__isnull=True)
    return _caseload(user=user).annotate(has_overdue=Exists(open_dues.filter(due_date__lt=today)))


@dataclass(frozen=True)
class CaseloadRow:
    """One line of the coach's caseload table: only what it shows, as plain values. A coach may
    follow 150 employments; five model instances per line cost more than the query."""

    employment_id: int
    full_name: str
    employer: str
    has_overdue: bool
    next_due: date | None
    last_contact: date | None
    open_risks: int
    open_requests: int


CASELOAD_PER_PAGE = 25


# Not the day: whether a row is overdue follows from its next date (see _caseload).
_CASELOAD_COLUMNS = (
    "employment_id",
    "employment__candidate__first_name",
    "employment__candidate__last_name",
    "employment__employer__organisation__name",
    "next_due",
    "last_contact",
    "open_risks",
    "open_requests",
)


def _caseload_values(*, user: User) -> QuerySet:
    return _caseload(user=user).values_list(*_CASELOAD_COLUMNS)


def _caseload_row(values: tuple, *, today: date) -> CaseloadRow:
    pk, first, last, employer, due, contact, risks, requests = values
    # The name as Candidate.full_name, the business as str(EmployerProfile): its organisation's name.
    overdue = due is not None and due < today
    return CaseloadRow(pk, f"{first} {last}".strip(), employer, overdue, due, contact, risks, requests)


def caseload_rows(*, user: User, today: date | None = None) -> list[CaseloadRow]:
    """:func:`coach_caseload` (same rows, same order) as the table's values."""
    today = today or timezone.localdate()
    return [_caseload_row(values, today=today) for values in _caseload_values(user=user)]


class _KeptCaseload:
    """The caseload's rows for the paginator, each page read by a statement kept per worker for the
    same coach, memberships and day (organisations.kept), run anew on every call. The page's
    statement counts every line too (``COUNT(*) OVER ()``: the database has them all in hand to
    sort), so the page asked for costs one statement, not a count and a page: on a kept page's
    every serve 0.3 ms of the database's CPU less (bench/README.md, 5 December 2026)."""

    def __init__(self, *, user: User, today: date | None, asked: int | str | None) -> None:
        self.user, self.today = user, today or timezone.localdate()
        # The page the paginator will most likely want (it validates the number against the count
        # first): the one asked for if it is a number from 1, else the first.
        try:
            number = int(asked) if asked not in (None, "") else 1
        except (TypeError, ValueError):
            number = 1
        self.expected_start = (number - 1) * CASELOAD_PER_PAGE if number >= 1 else 0
        self.read: dict[int, list] = {}

    def _page(self, start: int) -> list:
        if start not in self.read:
            self.read[start] = kept.kept_list(
                name="coaching.caseload_page",
                user=self.user,
                build=lambda: (
                    _caseload(user=self.user)
                    .annotate(total=Window(Count("pk")))
                    .values_list(*_CASELOAD_COLUMNS, "total")[start : start + CASELOAD_PER_PAGE]
                ),
                extra=(start,),
            )
        return self.read[start]

    def count(self) -> int:
        rows = self._page(self.expected_start)
        if rows:
            return rows[0][-1]
        # A page past the end (or none at all): counted on its own. One group (every row is this
        # coach's): no row, no group.
        counted = kept.kept_list(
            name="coaching.caseload_count",
            user=self.user,
            build=lambda: (
                _caseload(user=self.user)
                .order_by()
                .values("coach_id")
                .annotate(n=Count("pk"))
                .values_list("n")
            ),
        )
        return counted[0][0] if counted else 0

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, bounds: slice) -> list[CaseloadRow]:
        # A full page's bounds, not the paginator's (it stops the last page at the count, which a
        # change moves): one statement per page whatever the count.
        start = bounds.start or 0
        rows = self._page(start)
        stop = len(rows) if bounds.stop is None else bounds.stop - start
        return [_caseload_row(values[:-1], today=self.today) for values in rows[:stop]]


def caseload_page(*, user: User, page: int | str | None = 1, today: date | None = None) -> Page:
    """One page of :func:`caseload_rows` (overdue first), its paginator counting every employment
    the coach follows. A coach may follow 150: the table shows 25 at a time, and the database
    works out the last contact, risks and requests of those 25 only (they come after the sort)."""
    caseload = _KeptCaseload(user=user, today=today, asked=page)
    return Paginator(caseload, CASELOAD_PER_PAGE).get_page(page)


def unassigned_employments(*, user: User) -> QuerySet[Employment]:
    """Running employments the user may coach that have no coach yet (to take over)."""
    return (
        editable_employments(user=user)
        .filter(end_reason="")
        .filter(
            Q(follow_along__isnull=True) | Q(follow_along__coach__isnull=True) | Q(job_coach__isnull=True)
        )
        .select_related("candidate", "employer__organisation")
        .order_by("start_date")
    )


def due_follow_ups(*, user: User, today: date | None = None) -> QuerySet[FollowUpDue]:
    today = today or timezone.localdate()
    return (
        FollowUpDue.objects.filter(
            employment__follow_along__coach=user,
            employment__end_reason="",
            # an erased person leaves the caseload (followalong_selectors) and this list alike
            employment__candidate__erased_at__isnull=True,
            done_at__isnull=True,
            due_date__lte=today + timedelta(days=7),
        )
        .select_related("employment__candidate", "employment__employer__organisation")
        .order_by("due_date")
    )


HOME_LIST_LENGTH = 20


@dataclass(frozen=True)
class DueRow:
    """One line of the home page's follow-ups due: only what it shows, as plain values (every column
    of four joined tables, made into five model instances a line, cost more than the query)."""

    employment_id: int
    due_date: date
    label: str
    full_name: str
    employer: str


def home_due_follow_ups(*, user: User) -> list[DueRow]:
    """The home page's follow-ups due within a week (:func:`due_follow_ups`, the first 20), by a
    statement kept per worker (organisations.kept)."""
    rows = kept.kept_list(
        name="coaching.home_due",
        user=user,
        build=lambda: due_follow_ups(user=user).values_list(
            "employment_id",
            "due_date",
            "label",
            "employment__candidate__first_name",
            "employment__candidate__last_name",
            "employment__employer__organisation__name",
        )[:HOME_LIST_LENGTH],
    )
    # The name as Candidate.full_name, the business as str(EmployerProfile): its organisation's name.
    return [
        DueRow(pk, due, label, f"{first} {last}".strip(), employer)
        for pk, due, label, first, last, employer in rows
    ]


def home_unassigned_employments(*, user: User) -> list[Employment]:
    """The home page's employments without a coach (:func:`unassigned_employments`, the first 20)."""
    return kept.kept_list(
        name="coaching.home_unassigned",
        user=user,
        build=lambda: unassigned_employments(user=user).only(
            "start_date",
            "candidate__first_name",
            "candidate__last_name",
            "employer__organisation__name",
        )[:HOME_LIST_LENGTH],
    )


def notifications(*, user: User, limit: int = 10) -> list[Notification]:
    """The unread notices shown on the coaching home page (the same rows as the inbox)."""
    return unread_notifications(user=user, limit=limit)


@dataclass(frozen=True)
class Retention:
    months: int
    eligible: int
    retained: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.retained / self.eligible) if self.eligible else None


RETENTION_DAYS = {3: 91, 6: 182, 12: 365}


def coordinator_figures(*, user: User, today: date | None = None) -> dict:
    """Cases per coach (Betreuungsschlüssel) and retention at 3/6/12 months: aggregate queries only."""
    today = today or timezone.localdate()
    municipalities = access.municipality_ids(user=user, roles=[Role.COORDINATOR])
    employments = Employment.objects.filter(
        candidate__municipality_id__in=municipalities, candidate__erased_at__isnull=True
    )
    aggregates = {}
    for months, days in RETENTION_DAYS.items():
        reached = ExpressionWrapper(F("start_date") + timedelta(days=days), output_field=DateOutput())
        eligible = Q(start_date__lte=today - timedelta(days=days))
        # Still employed then: running, or ended no earlier than N months after the start.
        kept = Q(end_reason="") | Q(end_date__gte=reached)
        aggregates[f"eligible_{months}"] = Count("pk", filter=eligible)
        aggregates[f"retained_{months}"] = Count("pk", filter=eligible & kept)
    counts = employments.aggregate(**aggregates)
    retention = [Retention(m, counts[f"eligible_{m}"], counts[f"retained_{m}"]) for m in RETENTION_DAYS]
    per_coach = list(
        FollowAlong.objects.filter(municipality_id__in=municipalities, employment__end_reason="")
        .values("coach_id", "coach__display_name", "coach__email")
        .annotate(n=Count("pk"))
        .order_by("-n", "coach__display_name")
    )
    per_case_manager = list(
        Case.objects.filter(municipality_id__in=municipalities)
        .exclude(phase=CasePhase.CLOSED)
        .values("case_manager_id", "case_manager__display_name", "case_manager__email")
        .annotate(n=Count("pk"))
        .order_by("-n", "case_manager__display_name")
    )
    open_requests = (
        SupportRequest.objects.filter(municipality_id__in=municipalities)
        .exclude(status=SupportRequest.Status.ANSWERED)
        .aggregate(n=Count("pk"), escalated=Count("pk", filter=Q(status=SupportRequest.Status.ESCALATED)))
    )
    return {
        "retention": retention,
        "per_coach": per_coach,
        "per_case_manager": per_case_manager,
        "open_requests": open_requests,
    }


# --- language support -----------------------------------------------------------------------------


def language_need_get(*, user: User, pk: int) -> LanguageSupportNeed:
    need = access.first_visible(
        LanguageSupportNeed.objects.filter(
            pk=pk, employment__in=editable_employments(user=user)
        ).select_related("employment__candidate")
    )
    return need


def open_needs_grouped(*, user: User) -> list[dict]:
    """Open language-support needs of the coordinator's municipalities by measure and place (one query)."""
    municipalities = access.municipality_ids(user=user, roles=[Role.COORDINATOR])
    return list(
        LanguageSupportNeed.objects.filter(
            municipality_id__in=municipalities,
            status__in=OPEN_NEED_STATUSES,
            employment__candidate__erased_at__isnull=True,
        )
        .values("measure", "place", "area")
        .annotate(n=Count("pk"), lowest=Min("current_level"), highest=Max("target_level"))
        .order_by("measure", "place", "area")
    )


# --- risks ---------------------------------------------------------------------------------------


def risk_get(*, user: User, pk: int) -> RiskFlag:
    risk = access.first_visible(
        RiskFlag.objects.filter(pk=pk, employment__in=editable_employments(user=user)).select_related(
            "employment__candidate"
        )
    )
    return risk


# --- support requests -------------------------------------------------------------------------------


def employer_requests(*, user: User) -> QuerySet[SupportRequest]:
    return SupportRequest.objects.filter(
        employer_organisation_id__in=access.employer_organisation_ids(user=user)
    ).select_related("employer_organisation", "assigned_to")


def staff_requests(*, user: User) -> QuerySet[SupportRequest]:
    """Requests the user answers: assigned or escalated to them, of candidates they work with, or of
    the municipality they coordinate."""
    if not access.has_role(user=user, roles=CASE_STAFF_AND_COORDINATOR):
        return SupportRequest.objects.none()
    q = Q(assigned_to=user) | Q(escalated_to=user)
    if is_staff(user):
        q |= Q(employment__in=editable_employments(user=user))
    municipalities = access.municipality_ids(user=user, roles=[Role.COORDINATOR])
    if municipalities:
        q |= Q(municipality_id__in=municipalities)
    return SupportRequest.objects.filter(q).select_related(
        "employer_organisation", "assigned_to", "employment"
    )


def employer_request_list(*, user: User) -> QuerySet[SupportRequest]:
    """The employer's own requests, the newest first (their list page)."""
    return employer_requests(user=user).order_by("-created_at")


def staff_request_list(*, user: User) -> QuerySet[SupportRequest]:
    """The requests staff answer, by status and then the nearest due date (their list page)."""
    return staff_requests(user=user).order_by("status", "due_date")


def support_request_get(*, user: User, pk: int) -> tuple[SupportRequest, bool]:
    """The request and whether the user answers it (staff) or asked it (employer)."""
    request = staff_requests(user=user).filter(pk=pk).first()
    if request is not None:
        return request, True
    request = access.first_visible(employer_requests(user=user).filter(pk=pk))
    return request, False


def employer_employments(*, user: User) -> QuerySet[Employment]:
    """Running employments at the employer's own verified organisations (for the request form)."""
    return Employment.objects.filter(
        employer__organisation_id__in=access.employer_organisation_ids(user=user), end_reason=""
    ).select_related("candidate", "placement", "employer__organisation")


def employer_employment_by_reference(*, user: User, reference: str) -> Employment | None:
    """One of the employer's running employments by its public reference (a hire's link to the
    request form), else None."""
    return employer_employments(user=user).filter(reference=reference).first()


# --- volunteers ----------------------------------------------------------------------------------


def volunteer_assignments(*, user: User) -> QuerySet[VolunteerAssignment]:
    """The volunteer's live assignments — only while the candidate's consent naming them is live."""
    return VolunteerAssignment.objects.filter(
        volunteer=user,
        ended_at__isnull=True,
        candidate__in=candidate_selectors.volunteer_candidates(user=user),
    ).order_by("started_at")


def volunteer_assignment_get(*, user: User, pk: int) -> VolunteerAssignment:
    assignment = access.first_visible(volunteer_assignments(user=user).filter(pk=pk))
    return assignment


def tutoring_sessions(*, assignment: VolunteerAssignment) -> list[TutoringSession]:
    return list(assignment.sessions.all()[:50])


# --- cases: referrals, handovers, volunteers ----------------------------------------------------


def case_page(*, case: Case) -> dict:
    return {
        "referrals": list(case.referrals.select_related("service__organisation")),
        "handovers": list(case.handovers.select_related("kind", "from_organisation", "to_organisation")),
        "volunteers": list(
            case.candidate.volunteer_assignments.filter(ended_at__isnull=True).select_related("volunteer")
        ),
    }


def referral_get(*, user: User, pk: int) -> Referral:
    referral = access.first_visible(
        Referral.objects.filter(
            pk=pk, case__candidate__in=candidate_selectors.editable_candidates(user=user)
        ).select_related("case__candidate", "service")
    )
    return referral


def visible_services(*, user: User) -> QuerySet[Service]:
    """The directory of the user's municipalities (staff, coordinators, volunteers), with the offers
    of other municipalities that serve theirs or postcodes of theirs (issue 17)."""
    municipalities = access.municipality_ids(user=user, roles=CASE_READERS)
    # Also the offers whose area names a postcode where people of these municipalities live: the
    # referral form and the pathway offer them, so their pages must open too. Only the offers are
    # told, never who lives there.
    lived_in = (
        Candidate.objects.filter(municipality_id__in=municipalities).exclude(postcode="").values("postcode")
    )
    by_postcode = ServiceAreaPostcode.objects.filter(postcode__in=lived_in).values("service_id")
    return (
        Service.objects.filter(
            Q(pk__in=Service.objects.serving(municipalities).values("pk")) | Q(pk__in=by_postcode)
        )
        .select_related("organisation")
        .prefetch_related("locations")
    )


def service_get(*, user: User, pk: int) -> Service:
    """One offer of the user's directory with its municipality, else NotFound."""
    return access.first_visible(visible_services(user=user).select_related("municipality").filter(pk=pk))


def served_municipalities(*, service: Service) -> list[Municipality]:
    """The municipalities the offer serves, by name."""
    return list(service.served_municipalities.order_by("name"))


def service_municipalities(*, user: User) -> list[Municipality]:
    """The municipalities whose directory the user may add an offer to (case managers and
    coordinators), by name."""
    ids = access.municipality_ids(user=user, roles=[Role.CASE_MANAGER, Role.COORDINATOR])
    return list(Municipality.objects.filter(pk__in=ids).order_by("name", "pk"))


def directory_services(
    *, user: User, category: str = "", language: str = "", residence_status: str = ""
) -> list[Service]:
    """The active offers of the user's directory, narrowed by what the filter form asks. Language
    and eligibility are JSON lists, matched here in Python: the demo's SQLite cannot query inside
    them. An offer that names no residence status is open to everyone."""
    offer = visible_services(user=user).filter(is_active=True).select_related("municipality")
    if category:
        offer = offer.filter(category=category)
    chosen = list(offer)
    if language:
        chosen = [s for s in chosen if language in s.languages]
    if residence_status:
        chosen = [s for s in chosen if s.is_eligible(residence_status)]
    return chosen


def editable_service(*, user: User, pk: int) -> Service:
    """An offer whose entry the user may change (case managers and coordinators of its
    municipality), else 404."""
    municipalities = access.municipality_ids(user=user, roles=[Role.CASE_MANAGER, Role.COORDINATOR])
    return access.first_visible(
        Service.objects.filter(pk=pk, municipality_id__in=municipalities).select_related("organisation")
    )


def may_edit_service(*, user: User, service: Service) -> bool:
    municipalities = access.municipality_ids(user=user, roles=[Role.CASE_MANAGER, Role.COORDINATOR])
    return service.municipality_id in municipalities


def service_skills(*, service: Service) -> list[Skill]:
    """The ESCO skills the offer teaches, by label."""
    return sorted(
        service.skills.only(*LABEL_FIELDS, "uri", "label_de_source"),
        key=lambda s: (s.label.casefold(), s.uri),
    )


# Organisations that take over a case (warm handover): never the Ausländerbehörde (it never sees
# case files), a chamber, an employer, a training provider or a volunteer initiative.
RECEIVING_KINDS = candidate_selectors.RECEIVING_KINDS


def handover_recipients(*, user: User, case: Case) -> QuerySet[Organisation]:
    """Organisations the handover form offers for this case: the receiving organisations of every
    municipality — people move (DESIGN.md) — grouped by municipality, the case's own first. Never a
    person: the receiving side decides who takes over. The person's consent to the chosen
    organisation is checked by the service, whose error leads to the consent page."""
    if not candidate_selectors.editable_candidates(user=user).filter(pk=case.candidate_id).exists():
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(kind__in=RECEIVING_KINDS)
        .exclude(pk=case.responsible_organisation_id)
        .select_related("municipality")
        .annotate(elsewhere=~Q(municipality_id=case.municipality_id))
        .order_by("elsewhere", "municipality__name", "name")
    )


def handover_cases(*, user: User) -> QuerySet[Case]:
    """Open cases the user may hand over — their organisation is responsible and they may change
    the case — in the order of their caseload (the handover list's "new" action)."""
    org_ids = access.organisation_ids(user=user, roles=CASE_STAFF)
    return (
        candidate_selectors.caseload(user=user)
        .filter(
            responsible_organisation_id__in=org_ids,
            candidate__in=candidate_selectors.editable_candidates(user=user),
        )
        .exclude(phase=CasePhase.CLOSED)
        .exclude(handovers__status=Handover.Status.PROPOSED)
    )


def may_start_handover(*, user: User) -> bool:
    """Whether the user has a case to hand over (the handover list's "new" action)."""
    return handover_cases(user=user).exists()


def employment_case_links(*, user: User, employment: Employment) -> dict:
    """The person's open case for the employment page: its page, and its handover where the user
    may hand it over (their organisation is responsible and they may change the case)."""
    startable = handover_cases(user=user).filter(candidate_id=employment.candidate_id).first()
    if startable is not None:
        return {"case": startable, "may_hand_over": True}
    visible = (
        Case.objects.filter(
            candidate_id=employment.candidate_id,
            candidate__in=candidate_selectors.visible_candidates(user=user),
        )
        .exclude(phase=CasePhase.CLOSED)
        .order_by("-pk")
        .first()
    )
    return {"case": visible, "may_hand_over": False}


def referral_offer(*, case: Case) -> QuerySet[Service]:
    """The active offers whose service area covers the person: the case's municipality's own, its
    neighbours' that serve it as a whole, and any whose area names the person's postcode (the
    referral form's choices)."""
    return (
        Service.objects.covering(municipality_id=case.municipality_id, postcode=case.candidate.postcode)
        .filter(is_active=True)
        .select_related("organisation", "municipality")
        .prefetch_related("served_municipalities", "area_postcodes")
        # A neighbour's offer is named with its municipality in the form.
        .annotate(foreign=~Q(municipality_id=case.municipality_id))
    )


def language_providers(*, employment: Employment) -> QuerySet[Service]:
    """The active offers of the person's municipality (the language need form's choices)."""
    return Service.objects.filter(municipality_id=employment.candidate.municipality_id, is_active=True)


def municipality_volunteer(*, case: Case, email: str) -> User | None:
    """A volunteer of the case's municipality by e-mail, or None — whether or not an account with that
    address exists elsewhere on the platform (the answer must not tell)."""
    member = (
        Membership.objects.filter(
            role=Role.VOLUNTEER,
            is_active=True,
            organisation__municipality_id=case.municipality_id,
            user__email__iexact=email.strip(),
        )
        .select_related("user")
        .first()
    )
    return member.user if member else None


def volunteer_initiatives(*, case: Case) -> QuerySet[Organisation]:
    """The verified volunteer initiatives of the case's municipality: where an invitation to
    volunteer for the person comes from."""
    return Organisation.objects.filter(
        municipality_id=case.municipality_id,
        kind=OrganisationKind.VOLUNTEER_INITIATIVE,
        verification_status=VerificationStatus.VERIFIED,
    ).order_by("name")


def handovers_for(*, user: User) -> QuerySet[Handover]:
    """Handovers from or to one of the user's organisations (case staff)."""
    org_ids = access.organisation_ids(user=user, roles=CASE_STAFF)
    return Handover.objects.filter(
        Q(from_organisation_id__in=org_ids) | Q(to_organisation_id__in=org_ids)
    ).select_related(
        "case__candidate", "kind", "from_organisation", "to_organisation", "proposed_by", "decided_by"
    )


def handover_get(*, user: User, pk: int) -> Handover:
    handover = access.first_visible(handovers_for(user=user).filter(pk=pk))
    return handover


def handover_item_get(*, handover: Handover, pk: int) -> HandoverChecklistItem:
    """An item of the handover's checklist (the handover already one the user may see), else NotFound."""
    return access.first_visible(HandoverChecklistItem.objects.filter(pk=pk, handover=handover))


def open_requests(*, user: User, limit: int = 20) -> list[SupportRequest]:
    """The home page's employer requests still to answer, the most urgent first.

    Only the columns the home page shows: selecting every column of three joined tables cost more
    to compose than the query took to run."""

    def build() -> QuerySet[SupportRequest]:
        requests = staff_requests(user=user).exclude(status="answered").order_by("due_date")
        return (
            requests.select_related(None)
            .select_related("employer_organisation")
            .only("topic", "due_date", "status", "employer_organisation__name")[:limit]
        )

    return kept.kept_list(name="coaching.open_requests", user=user, build=build, extra=limit)


def proposed_handovers(*, user: User, limit: int = 20) -> list[Handover]:
    """The home page's handovers waiting for a decision (the columns it shows, as above)."""

    def build() -> QuerySet[Handover]:
        handovers = handovers_for(user=user).filter(status="proposed")
        return (
            handovers.select_related(None)
            .select_related("case__candidate", "from_organisation", "to_organisation")
            .only(
                "case__candidate__first_name",
                "case__candidate__last_name",
                "from_organisation__name",
                "to_organisation__name",
            )[:limit]
        )

    return kept.kept_list(name="coaching.proposed_handovers", user=user, build=build, extra=limit)


def may_edit_employment(*, user: User, pk: int) -> bool:
    """Whether the user may log follow-ups and change the employment (see editable_employments)."""
    return editable_employments(user=user).filter(pk=pk).exists()


def candidate_employments(*, candidate: Candidate) -> list[Employment]:
    """The person's employments with their businesses, for a case page the user may already see."""
    return list(candidate.employments.select_related("employer__organisation"))


def support_request_organisations(*, user: User) -> QuerySet[Organisation]:
    """The businesses an employer's staff member may ask the coach for help for."""
    return Organisation.objects.filter(pk__in=access.employer_organisation_ids(user=user))


def can_decide_handover(*, user: User, handover: Handover) -> bool:
    return access.has_role(user=user, roles=CASE_STAFF, organisation_id=handover.to_organisation_id)


# --- service eligibility (the one rule: DESIGN.md) and assessment proposals (issue 14) ---------


def service_eligible(*, service: Service, case: Case) -> bool:
    """Whether the person of ``case`` may use ``service``: its service area covers the person (the
    offer's municipality, one it serves, or the person's postcode; issue 17), active, and open to the person's residence status (an unknown status excludes
    nobody). Referrals, the assessment's proposals and monitoring's "needs without a service" all
    ask this."""
    if not service_covers(service=service, case=case) or not service.is_active:
        return False
    return status_eligible(
        eligible_statuses=service.eligible_residence_statuses, status=case.candidate.residence_status
    )


def service_covers(*, service: Service, case: Case) -> bool:
    """The service-area part of the rule (issue 17): the offer's area takes the person's
    municipality as a whole or names the person's postcode."""
    return service.covers(municipality_id=case.municipality_id, postcode=case.candidate.postcode)


def status_eligible(*, eligible_statuses: list[str], status: str) -> bool:
    """The residence-status part of the rule, on plain values (monitoring counts with it)."""
    return not status or not eligible_statuses or status in eligible_statuses


def eligible_services(*, case: Case, categories=None) -> list[Service]:
    """The directory's active services the person may use, optionally of some categories."""
    offer = referral_offer(case=case).select_related("municipality")
    if categories is not None:
        offer = offer.filter(category__in=categories)
    return [s for s in offer if service_eligible(service=s, case=case)]


# Which directory categories answer a need in which life domain. A domain with none (mobility,
# interpreting) counts as "without a local service" wherever it is open.
DOMAIN_CATEGORIES: dict[str, tuple[str, ...]] = {
    LifeDomain.GERMAN: (ServiceCategory.LANGUAGE_COURSE,),
    LifeDomain.RECOGNITION: (ServiceCategory.RECOGNITION,),
    LifeDomain.RESIDENCE: (ServiceCategory.MIGRATION_COUNSELLING,),
    LifeDomain.HOUSING: (ServiceCategory.HOUSING,),
    LifeDomain.HEALTH: (ServiceCategory.PSYCHOSOCIAL,),
    LifeDomain.FAMILY: (ServiceCategory.CHILDCARE,),
    LifeDomain.FINANCES: (ServiceCategory.MIGRATION_COUNSELLING,),
    LifeDomain.MOBILITY: (),
    LifeDomain.DIGITAL: (ServiceCategory.TRAINING,),
    LifeDomain.NETWORK: (ServiceCategory.MIGRATION_COUNSELLING,),
    LifeDomain.INTERPRETER: (),
}


def draft_goal(domain: str) -> str:
    """The draft goal the plan gets for an open need, in the active language (the case manager
    accepts or edits it)."""
    drafts = {
        LifeDomain.GERMAN: _("Deutschkurs finden und beginnen"),
        LifeDomain.RECOGNITION: _("Anerkennung des Abschlusses klären"),
        LifeDomain.RESIDENCE: _("Aufenthaltsstatus und Arbeitserlaubnis klären"),
        LifeDomain.HOUSING: _("Wohnsituation verbessern"),
        LifeDomain.HEALTH: _("Gesundheitliche Unterstützung finden"),
        LifeDomain.FAMILY: _("Kinderbetreuung sichern"),
        LifeDomain.FINANCES: _("Finanzen ordnen und Schuldenberatung nutzen"),
        LifeDomain.MOBILITY: _("Weg zur Arbeit sichern"),
        LifeDomain.DIGITAL: _("Digitalen Zugang einrichten"),
        LifeDomain.NETWORK: _("Unterstützungsnetz aufbauen"),
        LifeDomain.INTERPRETER: _("Sprachmittlung organisieren"),
    }
    return str(drafts.get(domain, ""))


@dataclass(frozen=True)
class NeedProposal:
    """One open need with the services the person may use for it and a draft goal."""

    entry: AssessmentEntry
    services: tuple[Service, ...]
    referred: frozenset[int]
    draft_goal: str
    goal_exists: bool
    key: str = field(default_factory=lambda: str(uuid.uuid4()))  # the goal form's one-time key


def assessment_proposals(*, user: User, case: Case) -> list[NeedProposal]:
    """For each open need of the latest assessment (as ``user`` may see it — the caller fetched the
    case for editing), the eligible services of its categories and a draft goal for the plan."""
    needs = candidate_selectors.open_needs(user=user, case=case)
    if not needs:
        return []
    offer = eligible_services(case=case)
    referred = frozenset(case.referrals.values_list("service_id", flat=True))
    goals = set(Goal.objects.filter(case=case).values_list("title", flat=True))
    proposals = []
    for entry in needs:
        categories = DOMAIN_CATEGORIES.get(entry.domain, ())
        title = draft_goal(entry.domain)
        proposals.append(
            NeedProposal(
                entry=entry,
                services=tuple(s for s in offer if s.category in categories),
                referred=referred,
                draft_goal=title,
                goal_exists=title in goals,
            )
        )
    return proposals


# --- job quality (issue 20) ---


def job_quality_initial(*, employment: Employment) -> dict:
    """The form's starting values: the saved quality, else the employer's entry at hire and the
    ISCO skill levels of the occupation and of the person's declared qualifications."""
    quality = EmploymentQuality.objects.filter(employment=employment).first()
    initial = {"contract_type": employment.contract_type, "hours_per_week": employment.hours_per_week}
    if quality is not None:
        return initial | {
            name: getattr(quality, name)
            for name in (
                "fixed_term",
                "social_insurance",
                "hourly_wage",
                "job_skill_level",
                "person_skill_level",
                "training_offered",
                "commute_minutes",
            )
        }
    return initial | {
        "fixed_term": employment.contract_type == "fixed_term",
        "job_skill_level": job_skill_level(employment),
        "person_skill_level": person_skill_level(employment.candidate),
        "training_offered": "none",
    }
