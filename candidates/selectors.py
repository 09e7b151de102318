"""Reads of candidate data. Every function takes the requesting ``user`` and scopes on the server.

Who sees which candidates (DESIGN.md "Consent"; checked on every request, never cached, so a
revocation takes effect on the very next request):

* case managers and job coaches: candidates with an *open* case whose responsible organisation is
  one of theirs, plus candidates with a live ``case_data`` consent to one of their organisations
  (warm handover);
* coordinators: the *metadata* of every case of the municipalities they coordinate (who is
  responsible, the stage, dates: :func:`overseen_candidates`, :func:`candidate_overview`,
  :func:`case_file`); the full record — case notes, special categories, contact data — only of
  the people whose case they are responsible for themselves, as its assigned case manager or as
  the job coach of the person's employment (DESIGN.md "Least privilege");
* volunteers: only candidates with a live ``volunteer`` consent naming them, and only
  ``VOLUNTEER_FIELDS`` (see :class:`VolunteerView`);
* a candidate user: only themself;
* employers and chamber editors: none of this (their pages live in the employers app, which reads
  :func:`listed_candidates_for_employer`).

Erased candidates (GDPR erasure) are invisible to everyone.

The one cached figure, the number of listed people on the employer's browse page
(:func:`listed_count_for_employer`), is keyed by tokens that every listing change replaces in its
own transaction; the people themselves are always read with the live check.

Views answer 403 when the user's *role* may never use a view and 404 when an object exists but is
outside the user's scope, so that nobody learns whether a person is on the platform.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.cache import cache, caches
from django.core.exceptions import PermissionDenied
from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from accounts.roles import CASE_STAFF, Role
from organisations import access, kept
from organisations.models import Membership, Organisation, OrganisationKind, VerificationStatus

from . import compiled, hooks
from .models import (
    SPECIAL_CATEGORY_DOMAINS,
    Appointment,
    AppointmentStatus,
    Assessment,
    AssessmentEntry,
    Candidate,
    CandidateOccupation,
    CandidateSkill,
    Case,
    CaseEvaluation,
    CaseNote,
    CasePhase,
    CasePhaseChange,
    Consent,
    ConsentScope,
    Goal,
    GoalStatus,
    ImmigrationQuestion,
    Invitation,
    LanguageSkill,
    ListingVersion,
    NeedLevel,
    PermitDecision,
    ProfileSource,
    Qualification,
    Step,
    StepEvent,
    StepStatus,
    WorkPermission,
    WorkPermitProcedure,
)

if TYPE_CHECKING:
    from accounts.models import User

# What an assigned volunteer sees, and nothing else: name, languages, wishes in own words.
VOLUNTEER_FIELDS = ("first_name", "last_name", "languages", "preferences_own_words")


def _live_consents(scope: str) -> QuerySet[Consent]:
    return Consent.objects.live().filter(scope=scope, candidate__erased_at__isnull=True)


def _staff_q(*, user: User, for_one: bool = False) -> Q | None:
    """Candidates a case manager / job coach reaches through their organisations.

    ``for_one``: the same rule for checking one person (or a few), each through the index on the
    person (EXISTS). The default form reads the organisations' whole scope once (a hashed IN), which
    lists and counts need, but which for one person costs a scan of all their cases."""
    org_ids = access.organisation_ids(user=user, roles=CASE_STAFF)
    if not org_ids:
        return None
    open_cases = Case.objects.filter(responsible_organisation_id__in=org_ids).exclude(phase=CasePhase.CLOSED)
    handed_over = _live_consents(ConsentScope.CASE_DATA).filter(recipient_organisation_id__in=org_ids)
    if for_one:
        return Q(Exists(open_cases.filter(candidate_id=OuterRef("pk")))) | Q(
            Exists(handed_over.filter(candidate_id=OuterRef("pk")))
        )
    return Q(pk__in=open_cases.values("candidate_id")) | Q(pk__in=handed_over.values("candidate_id"))


def _responsible_coordinator_q(*, user: User) -> Q | None:
    """Candidates of the coordinated municipalities whose case the coordinator is responsible for
    themself: assigned case manager of an open case, or job coach of the person's employment."""
    municipalities = access.municipality_ids(user=user, roles=[Role.COORDINATOR])
    if not municipalities:
        return None
    managed = Case.objects.filter(case_manager=user, municipality_id__in=municipalities).exclude(
        phase=CasePhase.CLOSED
    )
    # A lookup by name, not an import: candidates imports neither employers nor coaching.
    coached = Candidate.objects.filter(
        municipality_id__in=municipalities, employments__follow_along__coach=user
    )
    return Q(municipality_id__in=municipalities) & (
        Q(pk__in=managed.values("candidate_id")) | Q(pk__in=coached.values("pk"))
    )


def visible_candidates(*, user: User, for_one: bool = False) -> QuerySet[Candidate]:
    """Candidates whose full record (notes, special categories, contact) the user may read.

    Not volunteers (see volunteer_candidates), and not coordinators as such: they read the full
    record only where they are responsible for the case (see overseen_candidates for the rest).
    ``for_one``: the form for checking one person (see :func:`_staff_q`).
    """
    if not getattr(user, "is_authenticated", False):
        return Candidate.objects.none()
    q = Q(pk__in=[])
    staff = _staff_q(user=user, for_one=for_one)
    if staff is not None:
        q |= staff
    responsible = _responsible_coordinator_q(user=user)
    if responsible is not None:
        q |= responsible
    if getattr(user, "is_candidate", False):
        q |= Q(user=user)
    return Candidate.objects.filter(q, erased_at__isnull=True)


def overseen_candidates(*, user: User) -> QuerySet[Candidate]:
    """Candidates of the municipalities the user coordinates: their case *metadata* only."""
    municipalities = access.municipality_ids(user=user, roles=[Role.COORDINATOR])
    if not municipalities:
        return Candidate.objects.none()
    return Candidate.objects.filter(municipality_id__in=municipalities, erased_at__isnull=True)


def may_read_file(*, user: User, candidate: Candidate) -> bool:
    """Whether the user reads this person's full record (and not only the case metadata)."""
    return visible_candidates(user=user, for_one=True).filter(pk=candidate.pk).exists()


def editable_candidates(*, user: User, for_one: bool = False) -> QuerySet[Candidate]:
    """Candidates whose profile and case the user may change: case staff only (coordinators read).
    ``for_one``: the form for checking one person (see :func:`_staff_q`)."""
    staff = _staff_q(user=user, for_one=for_one)
    if staff is None:
        return Candidate.objects.none()
    return Candidate.objects.filter(staff, erased_at__isnull=True)


def _prefetched(queryset: QuerySet[Candidate]) -> QuerySet[Candidate]:
    return queryset.select_related("municipality", "user").prefetch_related(
        Prefetch("occupations", queryset=CandidateOccupation.objects.select_related("occupation")),
        Prefetch(
            "skills", queryset=CandidateSkill.objects.select_related("skill").order_by("skill__label_de")
        ),
        "languages",
        "qualifications",
        Prefetch(
            "cases",
            queryset=Case.objects.select_related("responsible_organisation", "case_manager").prefetch_related(
                Prefetch("goals", queryset=Goal.objects.prefetch_related("steps")), "notes__author"
            ),
        ),
    )


def candidate_get(*, user: User, pk: int, for_edit: bool = False) -> Candidate:
    """One candidate with the whole profile, or NotFound if outside the user's scope."""
    base = (
        editable_candidates(user=user, for_one=True)
        if for_edit
        else visible_candidates(user=user, for_one=True)
    )
    candidate = _prefetched(base.filter(pk=pk)).first()
    if candidate is None:
        _refuse_overseen(user=user, candidate_pk=pk)
        raise access.NotFound
    return candidate


def _refuse_overseen(*, user: User, candidate_pk: int) -> None:
    """A coordinator knows the person is there (the caseload shows the metadata): 403, not 404."""
    if overseen_candidates(user=user).filter(pk=candidate_pk).exists():
        raise PermissionDenied


@dataclass(frozen=True)
class CaseMetadata:
    """What a coordinator sees of a case they are not responsible for: who, which stage, when."""

    pk: int
    phase: str
    phase_label: str
    legal_circle_label: str
    responsible_organisation: str
    case_manager: str
    opened_at: object
    closed_at: object
    updated_at: object


@dataclass(frozen=True)
class CandidateOverview:
    """A person as a coordinator sees them without being responsible: name, municipality, cases.

    Built field by field from an allowlist, so nothing else (contact, residence, wishes, notes, the
    profile) can reach the page, whatever a template asks for.
    """

    pk: int
    full_name: str
    municipality: str
    cases: tuple[CaseMetadata, ...]


def _case_metadata(case: Case) -> CaseMetadata:
    return CaseMetadata(
        pk=case.pk,
        phase=case.phase,
        phase_label=str(case.get_phase_display()),
        legal_circle_label=str(case.get_legal_circle_display()),
        responsible_organisation=case.responsible_organisation.name,
        case_manager=str(case.case_manager) if case.case_manager_id else "",
        opened_at=case.opened_at,
        closed_at=case.closed_at,
        updated_at=case.updated_at,
    )


def overseen_candidate_get(*, user: User, pk: int) -> Candidate:
    """One person of a coordinated municipality (the row the overview's audit entry names), else NotFound."""
    return access.first_visible(overseen_candidates(user=user).filter(pk=pk))


def candidate_overview(*, user: User, pk: int) -> CandidateOverview:
    """The metadata view of one person of a coordinated municipality, else NotFound."""
    candidate = access.first_visible(
        overseen_candidates(user=user)
        .filter(pk=pk)
        .select_related("municipality")
        .prefetch_related(
            Prefetch(
                "cases", queryset=Case.objects.select_related("responsible_organisation", "case_manager")
            )
        )
    )
    return CandidateOverview(
        pk=candidate.pk,
        full_name=candidate.full_name,
        municipality=candidate.municipality.name,
        cases=tuple(_case_metadata(case) for case in candidate.cases.all()),
    )


@dataclass(frozen=True)
class CaseFile:
    """A case as the requesting user may see it: the file (plan, notes) only for those who read it."""

    case: Case
    metadata: CaseMetadata
    full: bool
    goals: tuple[Goal, ...]
    notes: tuple
    open_steps: int
    overdue_steps: int
    # Whether the user may change the person's record and case (see :func:`editable_candidates`).
    editable: bool = False


def _exists_in(candidates: QuerySet[Candidate]) -> Exists | Value:
    """Whether the case's person is among ``candidates``, as an annotation on a Case query."""
    if candidates.query.is_empty():
        return Value(False)
    return Exists(candidates.filter(pk=OuterRef("candidate_id")))


def case_file(*, user: User, pk: int) -> CaseFile:
    """One case for the case page: full for case staff and responsible coordinators, metadata (and
    plan figures) for the coordinators of its municipality, else NotFound.

    Whether the user reads the file and may change it come with the case (annotations): the page
    asks both several times, and each check is the whole visibility rule again."""

    def build(pk: int) -> QuerySet[Case]:
        full = visible_candidates(user=user, for_one=True)
        editable = editable_candidates(user=user, for_one=True)
        return (
            Case.objects.filter(
                Q(candidate__in=full) | Q(candidate__in=overseen_candidates(user=user)), pk=pk
            )
            .select_related("candidate", "responsible_organisation", "case_manager")
            .annotate(readable=_exists_in(full), editable=_exists_in(editable))[:1]
        )

    # Its statement compiled once per worker for this user (organisations.kept): building and
    # compiling the visibility rule three times over cost more than PostgreSQL's answer.
    found = kept.kept_list(name="candidates.case_file", user=user, build=build, values=(pk,))
    if not found:
        raise access.NotFound
    case = found[0]
    readable = case.readable
    today = timezone.localdate()
    goals: tuple[Goal, ...] = ()
    if readable:
        goals = tuple(
            _own(
                kept.kept_rows(
                    name="candidates.case_goals",
                    build=lambda case_id: Goal.objects.filter(case_id=case_id),
                    values=(case.pk,),
                    prefetch=(Prefetch("steps", queryset=Step.objects.prefetch_related(_EVENTS)),),
                ),
                case=case,
            )
        )
        # The plan is here already: count its open steps from it.
        open_steps = [step for goal in goals for step in goal.steps.all() if step.status == StepStatus.OPEN]
        counts = {
            "open": len(open_steps),
            "overdue": sum(1 for step in open_steps if step.due_date and step.due_date < today),
        }
    else:
        counts = Step.objects.filter(goal__case=case, status=StepStatus.OPEN).aggregate(
            open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today))
        )
    return CaseFile(
        case=case,
        metadata=_case_metadata(case),
        full=readable,
        goals=goals,
        notes=tuple(_case_notes(case)) if readable else (),
        open_steps=counts["open"],
        overdue_steps=counts["overdue"],
        editable=case.editable,
    )


def _case_notes(case: Case) -> list[CaseNote]:
    rows = kept.kept_rows(
        name="candidates.case_notes",
        build=lambda case_id: CaseNote.objects.filter(case_id=case_id).select_related("author"),
        values=(case.pk,),
    )
    return _own(rows, case=case)


def erasable_candidate_get(*, user: User, pk: int) -> Candidate:
    """A person the user may erase on request: case managers of the case, coordinators of the
    municipality (who see only the name on the confirmation page)."""
    may = (
        Q(pk__in=editable_candidates(user=user).values("pk"))
        if access.has_role(user=user, roles=[Role.CASE_MANAGER])
        else Q(pk__in=[])
    )
    may |= Q(pk__in=overseen_candidates(user=user).values("pk"))
    candidate = access.first_visible(Candidate.objects.filter(may, pk=pk, erased_at__isnull=True))
    return candidate


def invitation_language(*, candidate: Candidate) -> str:
    """The language an invitation to ``candidate`` is proposed in: that of the last invitation,
    else the person's first language if the site speaks it, else German."""
    from django.conf import settings

    site = [code for code, _name in settings.LANGUAGES]
    last = (
        Invitation.objects.filter(candidate=candidate)
        .order_by("-created_at")
        .values_list("language", flat=True)
    )
    for code in last[:1]:
        if code in site:
            return code
    native = (
        LanguageSkill.objects.filter(candidate=candidate, is_native=True, language__in=site)
        .order_by("language")
        .values_list("language", flat=True)
    )
    return native.first() or settings.LANGUAGE_CODE


def own_candidate(*, user: User) -> Candidate | None:
    """The candidate record of a signed-in candidate user (self-service), if linked."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_candidate", False):
        return None
    return _prefetched(Candidate.objects.filter(user=user, erased_at__isnull=True)).first()


# --- the plan in self-service (issue 22) ------------------------------------------------------

_EVENTS = Prefetch("events", queryset=StepEvent.objects.select_related("actor"))


@dataclass(frozen=True)
class OwnPlan:
    """The person's own plan: the goals of her open cases with their steps and history, and her
    open tasks (her steps with a due date), soonest first."""

    candidate: Candidate
    goals: tuple[Goal, ...]
    tasks: tuple[Step, ...]


def _own_open_cases(*, user: User) -> QuerySet[Case]:
    candidate = Candidate.objects.filter(user=user, erased_at__isnull=True)
    if not getattr(user, "is_candidate", False):
        return Case.objects.none()
    return Case.objects.filter(candidate__in=candidate).exclude(phase=CasePhase.CLOSED)


def own_open_case(*, user: User) -> Case | None:
    """The signed-in person's own open case (the newest), or None: what their self-service pages
    that depend on the case (the pathway, issue 20) read, never another person's."""
    return _own_open_cases(user=user).select_related("candidate").order_by("-pk").first()


def own_plan(*, user: User) -> OwnPlan | None:
    """The signed-in person's plan, or None when no record is linked to the account."""
    candidate = own_candidate(user=user)
    if candidate is None:
        return None
    goals = tuple(
        Goal.objects.filter(case__in=_own_open_cases(user=user))
        .select_related("case")
        .prefetch_related(Prefetch("steps", queryset=Step.objects.prefetch_related(_EVENTS)))
    )
    tasks = sorted(
        (s for g in goals for s in g.steps.all() if s.is_task and s.status == StepStatus.OPEN),
        key=lambda s: (s.due_date, s.pk),
    )
    return OwnPlan(candidate=candidate, goals=goals, tasks=tuple(tasks))


def own_goal_get(*, user: User, pk: int) -> Goal:
    """An open goal of the person's own open case (she adds steps to it), else NotFound (another's
    goal, or one reached or dropped, is simply not there to add to)."""
    return access.first_visible(
        Goal.objects.filter(
            case__in=_own_open_cases(user=user), pk=pk, status=GoalStatus.OPEN
        ).select_related("case__candidate")
    )


def own_step_get(*, user: User, pk: int) -> Step:
    """A step of the person's own open case with its history, else NotFound."""
    return access.first_visible(
        Step.objects.filter(goal__case__in=_own_open_cases(user=user), pk=pk)
        .select_related("goal__case__candidate")
        .prefetch_related(_EVENTS)
    )


# --- end issue 22 ---


# --- volunteers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VolunteerView:
    """The consented fields of one candidate, for the volunteer named in a live consent."""

    pk: int
    first_name: str
    last_name: str
    languages: tuple[LanguageSkill, ...]
    preferences_own_words: str
    preferences_own_words_lang: str = "de"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def volunteer_candidates(*, user: User) -> QuerySet[Candidate]:
    """Candidates who gave this volunteer a live ``volunteer`` consent (rows: use VolunteerView)."""
    if not access.has_role(user=user, roles=[Role.VOLUNTEER]):
        return Candidate.objects.none()
    consents = _live_consents(ConsentScope.VOLUNTEER).filter(recipient_user=user)
    return Candidate.objects.filter(pk__in=consents.values("candidate_id"), erased_at__isnull=True)


def volunteer_candidate_get(*, user: User, pk: int) -> Candidate:
    """One person who named this volunteer (the row the volunteer page's audit entry names), else NotFound."""
    return access.first_visible(volunteer_candidates(user=user).filter(pk=pk))


def volunteer_view(*, user: User, pk: int) -> VolunteerView:
    candidate = access.first_visible(
        volunteer_candidates(user=user)
        .filter(pk=pk)
        .only(*VOLUNTEER_FIELDS[:2], "preferences_own_words", "preferences_own_words_lang")
        .prefetch_related("languages")
    )
    return VolunteerView(
        pk=candidate.pk,
        first_name=candidate.first_name,
        last_name=candidate.last_name,
        languages=tuple(candidate.languages.all()),
        preferences_own_words=candidate.preferences_own_words,
        preferences_own_words_lang=candidate.preferences_own_words_lang,
    )


# --- for the employers app -----------------------------------------------------------------


def listed_candidates_for_employer(*, user: User) -> QuerySet[Candidate]:
    """Candidates a VERIFIED employer may browse anonymously: those of the municipalities where the
    user's verified employer organisations are, with a live ``listing`` consent. Nothing else.

    The employers app must still show only anonymised fields (no name, contact, birth date).
    """
    org_ids = access.employer_organisation_ids(user=user)
    municipalities = {
        m.organisation.municipality_id for m in access.memberships(user=user) if m.organisation_id in org_ids
    }
    if not municipalities:
        return Candidate.objects.none()
    return _listed_in(municipalities)


def _listed_in(municipalities: Sequence[int] | set[int]) -> QuerySet[Candidate]:
    # Not _live_consents: its own erased check joins every consent to its candidate again, which
    # doubled the browse page's count and page queries; the erased check below covers it.
    listed = Consent.objects.live().filter(scope=ConsentScope.LISTING).values("candidate_id")
    return Candidate.objects.filter(municipality_id__in=municipalities, pk__in=listed, erased_at__isnull=True)


def _listed_among(municipalities: Sequence[int], ids: Sequence[int]) -> QuerySet:
    return _listed_in(municipalities).filter(pk__in=ids).values_list("pk")


def _listing_state_rows(municipalities: Sequence[int]) -> QuerySet:
    from matching.models import IndexChange

    last = IndexChange.objects.filter(municipality_id=OuterRef("municipality_id")).order_by("-pk")
    return (
        ListingVersion.objects.filter(municipality_id__in=municipalities)
        .annotate(last_change=Coalesce(Subquery(last.values("pk")[:1]), 0))
        .values_list("municipality_id", "token", "last_change")
    )


def _employer_municipalities(*, user: User) -> list[int]:
    org_ids = access.employer_organisation_ids(user=user)
    return sorted(
        {
            m.organisation.municipality_id
            for m in access.memberships(user=user)
            if m.organisation_id in org_ids
        }
    )


def listing_tokens(*, user: User) -> tuple[tuple[int, str], ...] | None:
    """The listing tokens of the municipalities this employer sees (one query), or None while one
    has none yet. Whatever is derived from who is listed for this user may be kept under them:
    every change of who is listed replaces a token in its own transaction (candidates.listing)."""
    # The state's query without its last column would be a second compiled shape for no gain.
    state = listing_state(user=user)
    return None if state is None else tuple((m, token) for m, token, _ in state)


def listing_state(*, user: User) -> tuple[tuple[int, str, int], ...] | None:
    """Per municipality this employer sees: its listing token and the id of its last
    ``matching.IndexChange`` (0 for none), in one query; None while a token is missing.

    Who is listed changes the token (in the change's own transaction); what a card shows writes a
    new change row (right after the commit of every such change, candidates.matching). Whatever is
    derived from the cards of this employer's municipalities may be kept under this state.
    """
    municipalities = _employer_municipalities(user=user)
    if not municipalities:
        return ()
    # SQL compiled once (the ORM's building cost more than the query).
    rows = compiled.run(_listing_state_rows, municipalities)
    # A raw row's token is a UUID (PostgreSQL) or its hex (SQLite): one form for the keys.
    found = {m: (uuid.UUID(str(token)).hex, last) for m, token, last in rows}
    if len(found) < len(municipalities):
        # No token yet (nothing changed since the municipality was made): make one, so the next
        # request can keep its figures; a change that commits meanwhile replaces it.
        ListingVersion.objects.bulk_create(
            [ListingVersion(municipality_id=m, token=uuid.uuid4()) for m in municipalities if m not in found],
            ignore_conflicts=True,
        )
        return None
    return tuple((m, found[m][0], found[m][1]) for m in municipalities)


def still_listed_for_employer(*, user: User, ids: Sequence[int]) -> set[int]:
    """Which of ``ids`` this employer may still browse (live consent, not erased, same place), in
    one query: a page kept under an old state is shown only if everyone on it is still listed."""
    # The same query as listed_candidates_for_employer(...).filter(pk__in=ids), compiled once per
    # number of municipalities and ids (tests/candidates/test_compiled.py compares the two).
    return {pk for (pk,) in compiled.run(_listed_among, _employer_municipalities(user=user), list(ids))}


def listed_count_for_employer(*, user: User, tokens: Sequence[tuple[Any, ...]] | None = None) -> int:
    """How many people ``listed_candidates_for_employer`` holds, cached under the listing tokens.

    Counting every listed person cost the browse page as much database time as its rows. The
    count is kept in the cache under the municipalities' ``ListingVersion`` tokens, read here in
    one query; every change of who is listed writes a new token in its own transaction
    (candidates.listing), so a request that can see the change misses the cache and counts again.
    ``tokens``: the caller's ``listing_state`` read a moment ago (saves that query).
    """
    if tokens is None:
        tokens = listing_tokens(user=user)
    if tokens == ():
        return 0
    key = "listed-count:" + ",".join(f"{t[0]}:{t[1]}" for t in tokens) if tokens else None
    if key is None:
        return listed_candidates_for_employer(user=user).count()
    # The worker's own memory first (a Redis round trip cost more CPU than the rest of a kept
    # count); the key holds the tokens, so neither copy can outlive a change of who is listed.
    local = caches["process"]
    count = local.get(key)
    if count is None:
        count = cache.get(key)
        if count is None:
            count = listed_candidates_for_employer(user=user).count()
            cache.set(key, count, 24 * 3600)
        local.set(key, count, 300)
    return count


def intake_made(*, user: User, submission_key: uuid.UUID | None) -> Candidate | None:
    """The person that this user's intake form (its one-time key) already made, if any and still
    visible to them — a double submit answers with that person instead of making a second."""
    if submission_key is None or not getattr(user, "is_authenticated", False):
        return None
    return Candidate.objects.filter(
        created_by=user, intake_key=submission_key, erased_at__isnull=True
    ).first()


def candidate_has_live_consent(
    *,
    candidate: Candidate,
    scope: str,
    organisation=None,
    user: User | None = None,
    reference: str = "",
) -> bool:
    """Whether a live grant of ``scope`` exists (for that recipient organisation/user/reference)."""
    if candidate.erased_at is not None:
        return False
    consents = Consent.objects.live().filter(candidate=candidate, scope=scope)
    if organisation is not None:
        consents = consents.filter(recipient_organisation=organisation)
    if user is not None:
        consents = consents.filter(recipient_user=user)
    if reference:
        consents = consents.filter(reference=reference)
    return consents.exists()


# --- choice lists ------------------------------------------------------------------------------

# Organisations that take over or receive a case file: never the Ausländerbehörde (it never sees case
# files), a chamber, a training provider or a volunteer initiative; employers receive contact data only.
RECEIVING_KINDS = (
    OrganisationKind.MUNICIPALITY_OFFICE,
    OrganisationKind.JOBCENTER,
    OrganisationKind.EMPLOYMENT_AGENCY,
    OrganisationKind.WELFARE,
)


def case_data_recipients(*, candidate: Candidate) -> QuerySet:
    """Ids of the organisations the person gave a live ``case_data`` consent to."""
    return (
        _live_consents(ConsentScope.CASE_DATA).filter(candidate=candidate).values("recipient_organisation_id")
    )


def consent_recipients(*, candidate: Candidate) -> QuerySet[Organisation]:
    """Organisations a paper consent may name: the receiving organisations and the verified employers
    of the person's municipality, and — people move (DESIGN.md) — the receiving organisations of
    other municipalities, which a handover there needs (the form checks that the kind fits the
    scope: case data never go to an employer, contact data only to one)."""
    return (
        Organisation.objects.filter(
            Q(kind__in=RECEIVING_KINDS)
            | Q(
                municipality_id=candidate.municipality_id,
                kind=OrganisationKind.EMPLOYER,
                verification_status=VerificationStatus.VERIFIED,
            )
        )
        .select_related("municipality")
        .annotate(elsewhere=~Q(municipality_id=candidate.municipality_id))
        .order_by("elsewhere", "name")
    )


def consent_volunteers(*, candidate: Candidate) -> QuerySet:
    """Volunteers of the person's municipality (the volunteer consent's choices)."""
    from django.contrib.auth import get_user_model

    volunteers = Membership.objects.filter(
        role=Role.VOLUNTEER, is_active=True, organisation__municipality_id=candidate.municipality_id
    ).values("user_id")
    return get_user_model().objects.filter(pk__in=volunteers).order_by("email")


# --- cases and caseload -----------------------------------------------------------------------


def visible_cases(*, user: User) -> QuerySet[Case]:
    """Cases the user may see in the caseload: their organisations' cases (open or closed),
    cases of candidates handed over to them, and for coordinators their municipality's cases."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    q = Q(pk__in=[])
    org_ids = access.organisation_ids(user=user, roles=CASE_STAFF)
    if org_ids:
        q |= Q(responsible_organisation_id__in=org_ids) & ~Q(phase=CasePhase.CLOSED)
        handed_over = _live_consents(ConsentScope.CASE_DATA).filter(recipient_organisation_id__in=org_ids)
        q |= Q(candidate_id__in=handed_over.values("candidate_id")) & ~Q(phase=CasePhase.CLOSED)
    municipalities = access.municipality_ids(user=user, roles=[Role.COORDINATOR])
    if municipalities:
        q |= Q(municipality_id__in=municipalities)
    return Case.objects.filter(q, candidate__erased_at__isnull=True)


def in_caseload(*, user: User, candidate: Candidate) -> bool:
    """Whether the person is in this user's caseload as a case manager: an open case of an
    organisation where the user is a case manager, or handed over to one (not a coordinator's view)."""
    org_ids = access.organisation_ids(user=user, roles=[Role.CASE_MANAGER])
    if not org_ids or candidate.erased_at is not None:
        return False
    handed_over = _live_consents(ConsentScope.CASE_DATA).filter(recipient_organisation_id__in=org_ids)
    return (
        Case.objects.filter(candidate_id=candidate.pk)
        .filter(
            Q(responsible_organisation_id__in=org_ids)
            | Q(candidate_id__in=handed_over.values("candidate_id"))
        )
        .exclude(phase=CasePhase.CLOSED)
        .exists()
    )


CASELOAD_SCOPES = ("mine", "team")


def caseload_default_scope(*, user: User) -> str:
    """Case managers start with the cases they answer for; everyone else (job coaches,
    coordinators) with the team's, where their work shows."""
    return "mine" if access.has_role(user=user, roles=[Role.CASE_MANAGER]) else "team"


def scoped_cases(*, user: User, scope: str = "team") -> QuerySet[Case]:
    """The caseload's cases. ``team``: every case the user may list (:func:`visible_cases`).
    ``mine``: of those, the ones the user answers for, by the rule of
    :func:`responsible_case_manager` — the assigned case manager, or, for a case without one,
    the responsible organisation's lead case manager, then its longest-standing one."""
    cases = visible_cases(user=user)
    if scope != "mine":
        return cases
    first_case_manager = (
        Membership.objects.filter(
            organisation_id=OuterRef("responsible_organisation_id"), role=Role.CASE_MANAGER, is_active=True
        )
        .order_by("-is_lead", "pk")
        .values("user_id")[:1]
    )
    answers = Coalesce("case_manager_id", Subquery(first_case_manager), output_field=BigIntegerField())
    return cases.annotate(answers=answers).filter(answers=user.pk)


def caseload(*, user: User, today: date | None = None, scope: str = "team") -> QuerySet[Case]:
    """The caseload: overdue steps first, then by next due date, then by name.

    Constant query count whatever the page size: everything shown comes from joins and annotations.
    """
    today = today or timezone.localdate()
    open_steps = Step.objects.filter(goal__case=OuterRef("pk"), status=StepStatus.OPEN)
    return (
        scoped_cases(user=user, scope=scope)
        .select_related("candidate", "responsible_organisation", "case_manager")
        .annotate(
            has_overdue=Exists(open_steps.filter(due_date__lt=today)),
            next_due=Min("goals__steps__due_date", filter=Q(goals__steps__status=StepStatus.OPEN)),
        )
        .order_by("-has_overdue", "next_due", "candidate__last_name", "candidate__first_name", "pk")
    )


# --- finding a client: name with typos, reference, date of birth --------------------------------

NAME_MATCH = 80.0  # a search word fits a part of the name (one typo in a five-letter word: 80)
_NAME_PARTS = re.compile(r"[\s\-']+")
_BIRTH_DATE_FORMATS = ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d")
# Crockford's reading of a reference typed by hand: I and L are 1, O is 0; case and hyphen ignored.
_REFERENCE_READING = str.maketrans({"I": "1", "L": "1", "O": "0", "-": None, " ": None})


def name_similarity(query: str, first_name: str, last_name: str) -> float:
    """0–100: how well a typed name fits a person's name, typos allowed (rapidfuzz).

    The higher of: the whole name in any order (``token_sort_ratio``), and the worst of the typed
    words against the closest part of the name (a typed beginning of three or more letters
    counts as a full fit). The intake's duplicate check and the caseload search both use it.
    """
    from rapidfuzz import fuzz

    query, full = query.casefold().strip(), f"{first_name} {last_name}".casefold().strip()
    words, parts = query.split(), [p for p in _NAME_PARTS.split(full) if p]
    if not words or not parts:
        return 0.0

    def fit(word: str) -> float:
        return max(
            100.0 if len(word) >= 3 and part.startswith(word) else fuzz.ratio(word, part) for part in parts
        )

    return max(float(fuzz.token_sort_ratio(query, full)), min(fit(word) for word in words))


def _birth_date(word: str) -> date | None:
    for fmt in _BIRTH_DATE_FORMATS:
        try:
            return datetime.datetime.strptime(word, fmt).date()
        except ValueError:
            continue
    return None


def _reference(word: str) -> str | None:
    """The reference a word may be (``7KQ2M9XD3A`` or ``7kq2m-9xd3a``), normalised, else None."""
    from .models import REFERENCE_ALPHABET

    chars = word.upper().translate(_REFERENCE_READING)
    if len(chars) != 10 or any(c not in REFERENCE_ALPHABET for c in chars):
        return None
    return f"{chars[:5]}-{chars[5:]}"


@dataclass(frozen=True)
class CaseSearch:
    """The cases a search found (a filtered caseload) and what it searched by."""

    cases: QuerySet[Case]
    kinds: tuple[str, ...]  # of "name", "reference", "birth_date"


def caseload_search(*, cases: QuerySet[Case], query: str) -> CaseSearch:
    """The cases of ``cases`` (already scoped to the user) whose person fits ``query``: words of
    the name with typos, a reference, a date of birth (17.05.1990), in any combination. Every word
    must fit. Two queries whatever the number of hits: the people of the caseload, then the page."""
    words = query.split()[:6]
    birth = next((d for d in map(_birth_date, words) if d is not None), None)
    rest = [w for w in words if _birth_date(w) is None]
    kinds = {"birth_date"} if birth else set()
    people = Candidate.objects.filter(pk__in=cases.values("candidate_id")).values_list(
        "pk", "first_name", "last_name", "birth_date", "public_ref"
    )
    if birth is not None:
        people = people.filter(birth_date=birth)
    found = []
    for pk, first, last, _born, ref in people:
        fits = True
        for word in rest:
            if _reference(word) == ref:
                kinds.add("reference")
            elif name_similarity(word, first, last) >= NAME_MATCH:
                kinds.add("name")
            else:
                fits = False
                break
        if fits:
            found.append(pk)
    return CaseSearch(cases=cases.filter(candidate_id__in=found), kinds=tuple(sorted(kinds)))


def permit_open_count(*, cases: QuerySet[Case]) -> int:
    """How many open cases of ``cases`` (a caseload) belong to people whose permit nobody has entered."""
    from .models import WorkPermission

    return (
        cases.filter(candidate__work_permission=WorkPermission.UNKNOWN)
        .exclude(phase=CasePhase.CLOSED)
        .count()
    )


def case_get(*, user: User, pk: int, for_edit: bool = False) -> Case:
    """A case of a candidate the user may see (or change), else NotFound."""
    candidates = editable_candidates(user=user) if for_edit else visible_candidates(user=user)
    case = (
        Case.objects.filter(pk=pk, candidate__in=candidates)
        .select_related("candidate", "responsible_organisation", "case_manager")
        .first()
    )
    if case is None:
        overseen = Case.objects.filter(pk=pk, candidate__in=overseen_candidates(user=user)).values(
            "candidate_id"
        )
        _refuse_overseen(user=user, candidate_pk=overseen[0]["candidate_id"] if overseen else 0)
        raise access.NotFound
    return case


def family_consent_live(*, candidate: Candidate) -> bool:
    """Whether the person's consent to keep the children fact (``family_figures``, issue 20) is live."""
    return _live_consents(ConsentScope.FAMILY_FIGURES).filter(candidate=candidate).exists()


# What a person may give again themself after revoking it: the listing, a volunteer (while that
# person is still a volunteer of the municipality) and case data for an organisation that takes case
# files. Not contact details: they were given for one introduction, which the revocation closed.
GRANT_AGAIN_SCOPES = (
    ConsentScope.LISTING,
    ConsentScope.VOLUNTEER,
    ConsentScope.CASE_DATA,
    ConsentScope.FAMILY_FIGURES,
)


def _consent_key(consent: Consent) -> tuple:
    return (consent.scope, consent.recipient_organisation_id, consent.recipient_user_id)


def grant_again_ids(*, candidate: Candidate, consents: Sequence[Consent]) -> set[int]:
    """Of ``consents`` (the person's own, newest first, recipients loaded), the revoked grants the
    person may give again: the newest one per recipient, none while a live one exists, only to a
    recipient who can still take it. One query (the volunteers) whatever the number of grants."""
    live = {_consent_key(c) for c in consents if c.is_live}
    newest: dict[tuple, Consent] = {}
    for consent in consents:
        key = _consent_key(consent)
        if consent.is_live or consent.scope not in GRANT_AGAIN_SCOPES or key in live or key in newest:
            continue
        if consent.scope == ConsentScope.CASE_DATA and (
            consent.recipient_organisation.kind not in RECEIVING_KINDS
        ):
            continue
        newest[key] = consent
    wanted = {c.recipient_user_id for c in newest.values() if c.scope == ConsentScope.VOLUNTEER}
    volunteers = (
        set(
            consent_volunteers(candidate=candidate)
            .filter(pk__in=wanted, is_active=True)
            .values_list("pk", flat=True)
        )
        if wanted
        else set()
    )
    return {
        c.pk
        for c in newest.values()
        if c.scope != ConsentScope.VOLUNTEER or c.recipient_user_id in volunteers
    }


def consent_to_grant_again(*, user: User, pk: int) -> Consent:
    """A revoked grant of the signed-in person that they may give again, else NotFound."""
    candidate = own_candidate(user=user)
    if candidate is None:
        raise access.NotFound
    consents = list(candidate.consents.select_related("recipient_organisation", "recipient_user"))
    if int(pk) not in grant_again_ids(candidate=candidate, consents=consents):
        raise access.NotFound
    return next(c for c in consents if c.pk == int(pk))


def consent_get(*, user: User, pk: int) -> Consent:
    """A consent the user may revoke: their own (candidate) or one of a candidate they edit."""
    candidates = editable_candidates(user=user)
    q = Q(candidate__in=candidates)
    if getattr(user, "is_candidate", False):
        q |= Q(candidate__user=user)
    consent = access.first_visible(
        Consent.objects.filter(q, pk=pk, candidate__erased_at__isnull=True).select_related("candidate")
    )
    return consent


# References the platform writes itself ("introduction:4"): never shown, the parties put them in words.
_INTERNAL_REFERENCE = re.compile(r"^[a-z_]+:\d+$")


@dataclass(frozen=True)
class ConsentRow:
    """One grant as people read it: the scope in words, for whom, and what it is for."""

    consent: Consent
    recipient: str
    purpose: str


def consent_rows(*, user: User, consents: Sequence[Consent]) -> list[ConsentRow]:
    """The grants in words: the recipient by name and, instead of an internal reference, what it is for.

    ``consents`` come from :func:`consent_get` or the candidate's own list (already scoped to ``user``).
    A reference typed by staff from a paper form is shown as typed; one the platform wrote is
    replaced by the words the owning app registered (candidates.hooks), or left out.
    """
    consents = list(consents)
    labels = hooks.consent_labels(consents)
    rows = []
    for c in consents:
        recipient = ""
        if c.recipient_organisation_id:
            recipient = c.recipient_organisation.name
        elif c.recipient_user_id:
            recipient = str(c.recipient_user)
        purpose = labels.get(c.pk, "")
        if not purpose and c.reference and not _INTERNAL_REFERENCE.match(c.reference):
            purpose = c.reference
        rows.append(ConsentRow(consent=c, recipient=recipient, purpose=purpose))
    return rows


def revocation_consequences(*, user: User, consent: Consent) -> list[str]:
    """What revoking this grant ends, in the active language, addressed to whoever reads it.

    The person themself reads "Ihre Kontaktdaten"; staff recording a revocation read the person's
    name. The scope's own effect comes first, then what other apps say it ends (introductions).
    """
    for_self = consent.candidate.user_id is not None and consent.candidate.user_id == user.pk
    values = {
        "organisation": consent.recipient_organisation.name if consent.recipient_organisation_id else "",
        "person": str(consent.recipient_user) if consent.recipient_user_id else "",
        "name": consent.candidate.full_name,
    }
    if for_self:
        texts = {
            ConsentScope.LISTING: gettext("Geprüfte Betriebe aus Ihrer Region finden Ihr Profil nicht mehr."),
            ConsentScope.CONTACT: gettext("Der Betrieb %(organisation)s sieht Ihre Kontaktdaten nicht mehr."),
            ConsentScope.CASE_DATA: gettext("%(organisation)s sieht Ihre Falldaten nicht mehr."),
            ConsentScope.VOLUNTEER: gettext("%(person)s sieht Ihr Profil nicht mehr."),
            ConsentScope.FAMILY_FIGURES: gettext(
                "Ihre Angabe zu Kindern unter 6 Jahren wird gelöscht und zählt in keiner Statistik mehr."
            ),
        }
    else:
        texts = {
            ConsentScope.LISTING: gettext(
                "Geprüfte Betriebe aus der Region finden das Profil von %(name)s nicht mehr."
            ),
            ConsentScope.CONTACT: gettext(
                "Der Betrieb %(organisation)s sieht die Kontaktdaten von %(name)s nicht mehr."
            ),
            ConsentScope.CASE_DATA: gettext("%(organisation)s sieht die Falldaten von %(name)s nicht mehr."),
            ConsentScope.VOLUNTEER: gettext("%(person)s sieht das Profil von %(name)s nicht mehr."),
            ConsentScope.FAMILY_FIGURES: gettext(
                "Die Angabe von %(name)s zu Kindern unter 6 Jahren wird gelöscht und zählt in keiner "
                "Statistik mehr."
            ),
        }
    first = texts.get(consent.scope)
    found = [first % values] if first else []
    return found + hooks.revocation_consequences(consent, for_self=for_self)


def case_managers_for(*, candidate: Candidate) -> list:
    """The responsible case manager of each of the candidate's open cases (see
    ``responsible_case_manager`` for a case whose case manager left)."""
    found = [responsible_case_manager(case=case) for case in candidate.cases.all() if case.is_open]
    return [user for user in found if user is not None]


def _active_members(*, organisation_ids, roles) -> list:
    """Active members with one of ``roles``, leads first, then the longest-standing membership."""
    return [
        m.user
        for m in Membership.objects.filter(
            organisation_id__in=list(organisation_ids), role__in=list(roles), is_active=True
        )
        .select_related("user")
        .order_by("-is_lead", "pk")
    ]


def responsible_case_manager(*, case: Case) -> User | None:
    """Who answers for the case: its case manager, or — when there is none (the case manager's
    membership ended, or a handover was accepted by someone without the role) — the lead case
    manager of the responsible organisation, then its longest-standing one. None only when that
    organisation has no case manager at all; callers then turn to the coordinator."""
    if case.case_manager_id is not None:
        return case.case_manager
    found = _active_members(organisation_ids=[case.responsible_organisation_id], roles=[Role.CASE_MANAGER])
    return found[0] if found else None


def coordinator_for(*, municipality_id: int) -> User | None:
    """The coordinator of a municipality (the lead first, then the longest-standing): whom a
    request goes to when nobody else answers it in time."""
    found = [
        m.user
        for m in Membership.objects.filter(
            is_active=True,
            user__is_active=True,
            role=Role.COORDINATOR,
            organisation__municipality_id=municipality_id,
        )
        .select_related("user")
        .order_by("-is_lead", "pk")[:1]
    ]
    return found[0] if found else None


def team_lead_for(*, user: User | None, role: str, municipality_id: int) -> User | None:
    """The team lead of ``user``: the lead (Membership.is_lead) among the case staff of the
    organisations where ``user`` holds ``role`` in the municipality — never the user themself."""
    if user is None:
        return None
    org_ids = Membership.objects.filter(
        user=user, role=role, is_active=True, organisation__municipality_id=municipality_id
    ).values("organisation_id")
    lead = (
        Membership.objects.filter(
            organisation_id__in=org_ids,
            role__in=CASE_STAFF,
            is_lead=True,
            is_active=True,
            user__is_active=True,
        )
        .exclude(user=user)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return lead.user if lead else None


def responsible_case(*, candidate_id: int) -> Case | None:
    """The candidate's open case (the most recently opened one if there are several)."""
    return (
        Case.objects.filter(candidate_id=candidate_id)
        .exclude(phase=CasePhase.CLOSED)
        .select_related("responsible_organisation", "case_manager")
        .order_by("-opened_at", "-pk")
        .first()
    )


def job_coach_choices(*, candidate: Candidate) -> list:
    """Who may be the responsible job coach of the candidate's employment: active members with the
    job-coach role of an organisation of the candidate's municipality — the team of the organisation
    responsible for the open case first (leads first), then the partner organisations' coaches."""
    case = responsible_case(candidate_id=candidate.pk)
    own_org = case.responsible_organisation_id if case else None
    memberships = (
        Membership.objects.filter(
            role=Role.JOB_COACH, is_active=True, organisation__municipality_id=candidate.municipality_id
        )
        .select_related("user", "organisation")
        .order_by("-is_lead", "pk")
    )
    ordered = sorted(memberships, key=lambda m: m.organisation_id != own_org)  # stable: own team first
    seen: set[int] = set()
    users = []
    for membership in ordered:
        if membership.user_id not in seen and membership.user.is_active:
            seen.add(membership.user_id)
            users.append(membership.user)
    return users


def default_job_coach(*, candidate: Candidate) -> User | None:
    """The responsible job coach a hire gets unless someone chooses another (the team's coach).

    1. The case manager of the open case, but only if they hold the job-coach role in the
       organisation responsible for the case ("often the same person", DESIGN.md).
    2. Otherwise the job coach of that organisation: its lead job coach, else the longest-standing.
    3. Otherwise (the organisation has no job coach, e.g. a Jobcenter working with a partner's
       supported-employment project) the first job coach of the municipality's organisations,
       leads first.
    4. Otherwise nobody — never the case manager just because there is no one else. The employment
       then shows as "ohne Jobcoach" on the coaching start page, a case manager or the coordinator
       assigns one on the employment page, and requests go to the coordinator until then.
    """
    case = responsible_case(candidate_id=candidate.pk)
    if case is not None:
        team = _active_members(organisation_ids=[case.responsible_organisation_id], roles=[Role.JOB_COACH])
        if case.case_manager_id is not None and any(u.pk == case.case_manager_id for u in team):
            return case.case_manager
        if team:
            return team[0]
    choices = job_coach_choices(candidate=candidate)
    return choices[0] if choices else None


def duplicate_candidates(
    *,
    user: User,
    municipality_id: int,
    first_name: str,
    last_name: str,
    birth_date: date | None,
    threshold: float = 85.0,
) -> list[Candidate]:
    """Possible duplicates for an intake: fuzzy name (rapidfuzz) with the same birth date, in the
    municipality — but only among candidates the user may see (never reveal others)."""
    wanted = f"{first_name} {last_name}"
    pool = visible_candidates(user=user).filter(municipality_id=municipality_id)
    if birth_date is not None:
        pool = pool.filter(Q(birth_date=birth_date) | Q(birth_date__isnull=True))
    found = []
    for candidate in pool.only("pk", "first_name", "last_name", "birth_date"):
        if name_similarity(wanted, candidate.first_name, candidate.last_name) >= threshold:
            found.append(candidate)
    return found


def audit_trail(*, candidate: Candidate):
    """Who looked at or changed this candidate's record, newest first, labelled by role and
    organisation (never an internal id). For the candidate's own view.

    An employer appears as "ein Betrieb" until the person lets that business contact them (a live
    contact consent): then by its name. Seeing the anonymised card is said as such."""
    from django.utils.translation import gettext as _

    from privacy.models import AuditEntry

    from .audit_names import ANONYMOUS_CARD_NOTE
    from .models import Consent, ConsentScope

    entries = list(
        AuditEntry.objects.filter(record_type="candidates.candidate", record_id=str(candidate.pk)).order_by(
            "-at", "-pk"
        )[:200]
    )
    actor_ids = {e.actor_id for e in entries if e.actor_id}
    labels: dict[int, str] = {}
    employers: dict[int, Any] = {}
    for m in Membership.objects.filter(user_id__in=actor_ids).select_related("organisation").order_by("pk"):
        if m.role == Role.EMPLOYER:
            employers.setdefault(m.user_id, m.organisation)
        labels.setdefault(m.user_id, f"{m.get_role_display()} · {m.organisation.name}")
    may_contact = set(
        Consent.objects.filter(
            candidate=candidate, scope=ConsentScope.CONTACT, revoked_at__isnull=True
        ).values_list("recipient_organisation_id", flat=True)
    )
    for entry in entries:
        entry.what = entry.get_action_display()
        if entry.note == ANONYMOUS_CARD_NOTE:
            entry.what = _("anonymisiertes Profil angesehen")
        if candidate.user_id and entry.actor_id == candidate.user_id:
            entry.who = None  # the template says "you"
        elif entry.actor_id in employers:
            business = employers[entry.actor_id]
            entry.who = business.name if business.pk in may_contact else _("ein Betrieb")
        else:
            entry.who = labels.get(entry.actor_id) or ""
    return entries


def missing_for_matching(candidate: Candidate) -> list[str]:
    """What the profile still lacks before matching can use it (uses prefetched rows, no query)."""
    from django.utils.translation import gettext as _

    from .models import Language, WorkPermission

    missing = []
    if not candidate.occupations.all() and not candidate.skills.all():
        missing.append(_("Beruf oder Kompetenzen"))
    if not any(lang.language == Language.DE and lang.spoken for lang in candidate.languages.all()):
        missing.append(_("Deutschkenntnisse (Niveau)"))
    if not candidate.postcode:
        missing.append(_("Postleitzahl"))
    # Only a permit nobody has entered is missing; a recorded "keine Beschäftigung erlaubt" is known.
    if candidate.work_permission == WorkPermission.UNKNOWN:
        missing.append(_("Arbeitserlaubnis (noch offen)"))
    if candidate.hours_per_week_min is None and candidate.hours_per_week_max is None:
        missing.append(_("Stunden pro Woche"))
    if candidate.available_from is None:
        missing.append(_("verfügbar ab"))
    return missing


# --- life-domain assessment (issue 14) ---------------------------------------------------------


def may_read_special_categories(*, user: User, case: Case) -> bool:
    """Health, trauma and family answers (GDPR Art. 9): only the case staff of the organisation
    responsible for the case — never volunteers, employers, coordinators or a handover's old owner."""
    if not getattr(user, "is_authenticated", False) or not case.is_open:
        return False
    return case.responsible_organisation_id in access.organisation_ids(user=user, roles=CASE_STAFF)


def assessment_case_get(*, user: User, pk: int, for_edit: bool = False) -> Case:
    """A case whose assessment the user reads (anyone who reads the file) or writes (only the
    responsible organisation's case staff: the form holds the special categories), else 404/403."""
    case = case_get(user=user, pk=pk, for_edit=for_edit)
    if for_edit and not may_read_special_categories(user=user, case=case):
        raise access.NotFound
    return case


@dataclass(frozen=True)
class AssessmentVersion:
    """One saved version as the user may see it; ``withheld`` counts the special-category domains
    left out for this reader."""

    assessment: Assessment
    entries: tuple[AssessmentEntry, ...]
    withheld: int


def assessment_history(*, user: User, case: Case) -> list[AssessmentVersion]:
    """Every version of the case's assessment, newest first. The caller has fetched ``case`` with
    assessment_case_get; the special categories are filtered here, on the server, per reader."""
    special = may_read_special_categories(user=user, case=case)
    versions = []
    for assessment in (
        Assessment.objects.filter(case=case).select_related("created_by").prefetch_related("entries")
    ):
        entries = list(assessment.entries.all())
        shown = tuple(e for e in entries if special or e.domain not in SPECIAL_CATEGORY_DOMAINS)
        versions.append(AssessmentVersion(assessment, shown, len(entries) - len(shown)))
    return versions


def _own(rows: list, **owner) -> list:
    """``rows`` with their owner (the case, the person) set, as a related manager would."""
    for row in rows:
        for field, value in owner.items():
            setattr(row, field, value)
    return rows


def assessment_latest(*, case: Case) -> Assessment | None:
    # (the case's own rows, read after the case was: kept.kept_rows, one statement per worker)
    rows = kept.kept_rows(
        name="candidates.assessment_latest",
        build=lambda case_id: Assessment.objects.filter(case_id=case_id).order_by("-created_at", "-pk")[:1],
        values=(case.pk,),
        prefetch=("entries",),
    )
    return _own(rows, case=case)[0] if rows else None


def assessment_made(*, case: Case, submission_key: uuid.UUID | None) -> Assessment | None:
    if submission_key is None:
        return None
    return Assessment.objects.filter(case=case, submission_key=submission_key).first()


def open_needs(*, user: User, case: Case, latest: Assessment | None = None) -> list[AssessmentEntry]:
    """The open needs (some or urgent) of the latest version, urgent first, as this user may see them
    (``latest``: :func:`assessment_latest` if the caller has it)."""
    latest = latest or assessment_latest(case=case)
    if latest is None:
        return []
    special = may_read_special_categories(user=user, case=case)
    needs = [
        e for e in latest.entries.all() if e.is_open and (special or e.domain not in SPECIAL_CATEGORY_DOMAINS)
    ]
    return sorted(needs, key=lambda e: (e.need != NeedLevel.URGENT, e.pk))


# --- appointments (issue 22) ---------------------------------------------------------------------


def appointment_staff_choices(*, case: Case) -> list:
    """Who may be invited to an appointment on the case: the active case managers and job coaches
    of the responsible organisation, and the case's own case manager (even from elsewhere)."""
    users = _active_members(organisation_ids=[case.responsible_organisation_id], roles=CASE_STAFF)
    if case.case_manager_id and case.case_manager.is_active:
        users.insert(0, case.case_manager)
    seen: set[int] = set()
    return [u for u in users if u.is_active and not (u.pk in seen or seen.add(u.pk))]


def appointment_edit_choices(*, appointment: Appointment) -> list:
    """Who may attend an appointment being changed: :func:`appointment_staff_choices` and whoever
    already attends (a colleague who has left stays on it until removed)."""
    choices = appointment_staff_choices(case=appointment.case)
    return choices + [u for u in appointment.staff_attendees.all() if u not in choices]


def case_appointments(*, user: User, case: Case, readable: bool | None = None) -> tuple[Appointment, ...]:
    """The appointments of a case for its page: only for those who read the full file (``readable``:
    the caller's answer if it has one, e.g. :attr:`CaseFile.full`)."""
    if readable is None:
        readable = may_read_file(user=user, candidate=case.candidate)
    if not readable:
        return ()
    rows = kept.kept_rows(
        name="candidates.case_appointments",
        build=lambda case_id: Appointment.objects.filter(case_id=case_id).order_by("-starts_at", "-pk"),
        values=(case.pk,),
        prefetch=("staff_attendees",),
    )
    return tuple(_own(rows, case=case))


def appointment_get(*, user: User, pk: int) -> Appointment:
    """An appointment on a case the user may change (case staff of the case's organisation or with
    the case handed over), else NotFound."""
    return access.first_visible(
        Appointment.objects.filter(pk=pk, case__candidate__in=editable_candidates(user=user))
        .select_related("case__candidate", "case__responsible_organisation", "case__case_manager")
        .prefetch_related("staff_attendees")
    )


def own_appointments(*, user: User, now: datetime.datetime | None = None) -> tuple[Appointment, ...]:
    """The signed-in person's next appointments (not yet over) on her open cases, soonest first;
    cancelled ones stay listed, marked, so that she knows not to come."""
    now = now or timezone.now()
    return tuple(
        Appointment.objects.filter(case__in=_own_open_cases(user=user), ends_at__gte=now).order_by(
            "starts_at", "pk"
        )[:10]
    )


NEXT_APPOINTMENT_STATUSES = (AppointmentStatus.PLANNED, AppointmentStatus.CHANGED)


# --- closing a case with an evaluation; phase history; reassigning (issue 14 §4) ---------------
# A closed case leaves the staff's caseload and file (data minimisation): its staff keep only
# the closing page (evaluation, phase history, the six-month question, reopening).


def phase_history(*, case: Case) -> list[CasePhaseChange]:
    """The case's phase stays, oldest first, with who changed it."""
    rows = kept.kept_rows(
        name="candidates.phase_history",
        build=lambda case_id: CasePhaseChange.objects.filter(case_id=case_id).select_related("changed_by"),
        values=(case.pk,),
    )
    return _own(rows, case=case)


def case_evaluations(*, case: Case) -> list[CaseEvaluation]:
    """Every evaluation the case was closed with, newest first (earlier ones were reopened)."""
    return list(
        CaseEvaluation.objects.filter(case=case)
        .select_related("closed_by", "reopened_by", "follow_up_answered_by")
        .prefetch_related("goals_reached")
    )


def closed_case_get(*, user: User, pk: int, for_edit: bool = False) -> Case:
    """A closed case for its closing page: the responsible organisation's case staff (who may
    answer the follow-up and reopen), and to read only the coordinators of its municipality."""
    q = Q(pk__in=[])
    org_ids = access.organisation_ids(user=user, roles=CASE_STAFF)
    if org_ids:
        q |= Q(responsible_organisation_id__in=org_ids)
    if not for_edit:
        municipalities = access.municipality_ids(user=user, roles=[Role.COORDINATOR])
        if municipalities:
            q |= Q(municipality_id__in=municipalities)
    return access.first_visible(
        Case.objects.filter(
            q, pk=pk, phase=CasePhase.CLOSED, candidate__erased_at__isnull=True
        ).select_related("candidate", "responsible_organisation", "case_manager")
    )


def closed_cases(*, user: User) -> QuerySet[Case]:
    """The closed cases of the user's organisations (case staff), those with a due six-month
    question first, then the most recently closed."""
    org_ids = access.organisation_ids(user=user, roles=CASE_STAFF)
    current = CaseEvaluation.objects.filter(case_id=OuterRef("pk"), reopened_at__isnull=True)
    return (
        Case.objects.filter(
            responsible_organisation_id__in=org_ids, phase=CasePhase.CLOSED, candidate__erased_at__isnull=True
        )
        .annotate(
            reason=Subquery(current.values("reason")[:1]),
            follow_up_due=Subquery(current.values("follow_up_due")[:1]),
            follow_up_answer=Subquery(current.values("follow_up_answer")[:1]),
            follow_up_waiting=Exists(
                current.filter(follow_up_due__lte=timezone.localdate(), follow_up_answer="")
            ),
        )
        .select_related("candidate", "responsible_organisation", "case_manager")
        .order_by("-follow_up_waiting", "-closed_at", "-pk")
    )


def closure_follow_up_recipients(*, case: Case) -> list:
    """Whom the six-month question goes to: the case manager while still an active member of the
    responsible organisation's case staff, else its lead (or longest-standing) case staff."""
    if (
        case.case_manager_id
        and Membership.objects.filter(
            user_id=case.case_manager_id,
            organisation_id=case.responsible_organisation_id,
            role__in=CASE_STAFF,
            is_active=True,
            user__is_active=True,
        ).exists()
    ):
        return [case.case_manager]
    found = _active_members(organisation_ids=[case.responsible_organisation_id], roles=CASE_STAFF)
    return found[:1]


def lead_organisations(*, user: User) -> list[Organisation]:
    """The organisations whose case staff the user leads (Membership.is_lead), by name."""
    found = {
        m.organisation_id: m.organisation
        for m in access.memberships(user=user)
        if m.is_lead and m.role in CASE_STAFF
    }
    return sorted(found.values(), key=lambda o: (o.name, o.pk))


def orphaned_cases(*, user: User, organisation: Organisation | None = None) -> QuerySet[Case]:
    """Open cases of the organisations the user leads (or of the one of them given) whose case
    manager is no longer an active member of that organisation's case staff (deactivated membership
    or account), or who have none."""
    org_ids = [o.pk for o in lead_organisations(user=user) if organisation is None or o.pk == organisation.pk]
    active = Membership.objects.filter(
        user_id=OuterRef("case_manager_id"),
        organisation_id=OuterRef("responsible_organisation_id"),
        role__in=CASE_STAFF,
        is_active=True,
        user__is_active=True,
    )
    return (
        Case.objects.filter(responsible_organisation_id__in=org_ids, candidate__erased_at__isnull=True)
        .exclude(phase=CasePhase.CLOSED)
        .exclude(Exists(active))
        .select_related("candidate", "responsible_organisation", "case_manager")
        .order_by("responsible_organisation__name", "case_manager__email", "candidate__last_name", "pk")
    )


def reassign_targets(*, organisation: Organisation) -> list:
    """Active case managers and job coaches of the organisation (one entry per person)."""
    seen, people = set(), []
    for member in (
        Membership.objects.filter(
            organisation=organisation, role__in=CASE_STAFF, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    ):
        if member.user_id not in seen:
            seen.add(member.user_id)
            people.append(member.user)
    return people


# --- the Clearingstelle: questions to the Ausländerbehörde (issue 14 §3) ---------------------------

# What the office reads of a question: never the case, never the candidate.
OFFICE_QUESTION_FIELDS = (
    "pk",
    "office",
    "municipality",
    "asked_by",
    "topic",
    "person_name",
    "person_birth_date",
    "message",
    "due_date",
    "status",
    "answer",
    "answered_by",
    "answered_at",
    "created_at",
)


def immigration_offices(*, municipality_id: int) -> list[Organisation]:
    """The Ausländerbehörden of a municipality (usually one), the addressees of questions."""
    return list(
        Organisation.objects.filter(
            municipality_id=municipality_id, kind=OrganisationKind.IMMIGRATION_OFFICE
        ).order_by("name", "pk")
    )


def may_ask_immigration_office(*, user: User, case: Case, editable: bool | None = None) -> bool:
    """Case staff who may change the case ask; a coordinator who only oversees does not
    (``editable``: the caller's :func:`may_edit_candidate` answer if it has one)."""
    return (
        case.is_open
        and access.has_role(user=user, roles=CASE_STAFF, municipality_id=case.municipality_id)
        and (editable if editable is not None else may_edit_candidate(user=user, pk=case.candidate_id))
    )


def case_immigration_questions(*, case: Case) -> list[ImmigrationQuestion]:
    """The questions of a case the reader already may see (the case page), newest first."""
    rows = kept.kept_rows(
        name="candidates.case_immigration_questions",
        build=lambda case_id: ImmigrationQuestion.objects.filter(case_id=case_id).select_related(
            "office", "asked_by", "answered_by"
        ),
        values=(case.pk,),
    )
    return _own(rows, case=case)


def office_member_ids(*, user: User) -> set[int]:
    """The Ausländerbehörden the user works for as a member of staff with the office's role."""
    return {
        m.organisation_id
        for m in access.memberships(user=user)
        if m.role == Role.IMMIGRATION_OFFICE and m.organisation.kind == OrganisationKind.IMMIGRATION_OFFICE
    }


def office_questions(*, user: User) -> QuerySet[ImmigrationQuestion]:
    """The questions addressed to the user's office(s); open ones first, by answer date. Only the
    question's own fields: the case and the candidate are never joined."""
    return (
        ImmigrationQuestion.objects.filter(office_id__in=office_member_ids(user=user))
        .only(*OFFICE_QUESTION_FIELDS)
        .select_related("asked_by", "office")
        .annotate(subject_id=F("case__candidate_id"))
        .order_by("-status", "due_date", "pk")
    )


def office_question_get(*, user: User, pk: int) -> ImmigrationQuestion:
    """One question addressed to the user's office, else 404."""
    return access.first_visible(office_questions(user=user).filter(pk=pk))


# --- the work permission procedure (issue 14 §3) ----------------------------------------------------


def case_work_permit_procedures(*, case: Case) -> list[WorkPermitProcedure]:
    """The procedures of a case the reader already may see (the case page), newest first."""
    rows = kept.kept_rows(
        name="candidates.case_work_permit_procedures",
        build=lambda case_id: WorkPermitProcedure.objects.filter(case_id=case_id),
        values=(case.pk,),
    )
    return _own(rows, case=case)


def work_permit_procedure_get(*, case: Case, pk: int) -> WorkPermitProcedure:
    return access.first_visible(case.work_permit_procedures.filter(pk=pk))


def permit_start_rule(*, candidate: Candidate) -> tuple[bool, date | None]:
    """(whether an employment needs a granted decision first, the day of the latest grant). Only a
    person whose work permission needs the Ausländerbehörde's approval needs one."""
    if candidate.work_permission != WorkPermission.NEEDS_APPROVAL:
        return False, None
    procedures = list(
        WorkPermitProcedure.objects.filter(case__candidate_id=candidate.pk).values_list(
            "decision", "decided_on"
        )
    )
    if not procedures:
        # Nothing recorded on Lotse (the permission may have been settled outside it): no rule to keep.
        return False, None
    granted = [day for decision, day in procedures if decision == PermitDecision.GRANTED]
    return True, max(granted) if granted else None


def permit_decision_outstanding(*, candidate: Candidate) -> bool:
    """True while the person's work needs the Ausländerbehörde's approval and no grant is recorded
    (an offer then warns the employer and the case staff)."""
    if candidate.work_permission != WorkPermission.NEEDS_APPROVAL:
        return False
    return not WorkPermitProcedure.objects.filter(
        case__candidate_id=candidate.pk, decision=PermitDecision.GRANTED
    ).exists()


def permit_start_problem(*, candidate: Candidate, start_date: date) -> str:
    """Why an employment cannot start on ``start_date`` (a form error in words an employer may read:
    never the residence status), or ""."""
    required, granted_on = permit_start_rule(candidate=candidate)
    if not required:
        return ""
    if granted_on is None:
        return gettext(
            "Der Beginn hängt von einer noch ausstehenden Erlaubnis-Entscheidung ab. Bitte tragen Sie "
            "die Einstellung ein, sobald sie vorliegt; die Fallverantwortlichen wissen Bescheid."
        )
    if start_date < granted_on:
        return gettext("Die Beschäftigung kann frühestens am {day} beginnen.").format(
            day=granted_on.strftime("%d.%m.%Y")
        )
    return ""


# --- the recognition procedure (issue 14 §3) --------------------------------------------------------


def case_qualifications(*, case: Case) -> list[Qualification]:
    """The qualifications (with their recognition procedure) of a case the reader already may see."""
    rows = kept.kept_rows(
        name="candidates.case_qualifications",
        build=lambda candidate_id: Qualification.objects.filter(candidate_id=candidate_id).select_related(
            "recognition_occupation"
        ),
        values=(case.candidate_id,),
    )
    return _own(rows, candidate=case.candidate)


def case_qualification_get(*, case: Case, pk: int) -> Qualification:
    return access.first_visible(
        Qualification.objects.filter(candidate_id=case.candidate_id, pk=pk).select_related(
            "recognition_occupation", "candidate"
        )
    )


# --- full profiles through the API (issue 17, api17a) -------------------------------------------


def case_profiles(*, user: User) -> QuerySet[Candidate]:
    """The people whose full record a case organisation's client reads (candidates/api.py): exactly
    :func:`visible_candidates` — the open cases its organisation holds and the people who handed
    their case data to it (a live ``case_data`` consent, read on every request) — with what the
    profile shows joined in. Only case managers (403 for every other role)."""
    access.require_role(user=user, roles=[Role.CASE_MANAGER])
    return visible_candidates(user=user).prefetch_related(
        Prefetch("occupations", queryset=CandidateOccupation.objects.select_related("occupation")),
        Prefetch(
            "skills", queryset=CandidateSkill.objects.select_related("skill").order_by("skill__label_de")
        ),
        Prefetch("languages", queryset=LanguageSkill.objects.order_by("-is_native", "language")),
        Prefetch("qualifications", queryset=Qualification.objects.select_related("recognition_occupation")),
        Prefetch(
            "cases",
            queryset=Case.objects.select_related("responsible_organisation", "case_manager").order_by(
                "-opened_at", "-pk"
            ),
        ),
    )


def case_profile_get(*, user: User, ref: str) -> Candidate:
    """One person of :func:`case_profiles` by public reference, else NotFound (an id is no reference)."""
    return access.first_visible(case_profiles(user=user).filter(public_ref=str(ref)[:11]))


def current_case(candidate: Candidate) -> Case | None:
    """The person's open case (the latest opened), else their latest case, from the prefetched cases."""
    cases = list(candidate.cases.all())
    open_cases = [case for case in cases if case.phase != CasePhase.CLOSED]
    return (open_cases or cases or [None])[0]


# --- what the views read beside the person's record (issue 19: no query in a view) ----------------


def intake_organisations(*, user: User) -> QuerySet[Organisation]:
    """The organisations the user may take a person in for (as their case manager), by name."""
    return Organisation.objects.filter(
        pk__in=access.organisation_ids(user=user, roles=[Role.CASE_MANAGER])
    ).order_by("name")


def may_edit_candidate(*, user: User, pk: int) -> bool:
    """Whether the user may change the person's record and case (see :func:`editable_candidates`)."""
    return editable_candidates(user=user, for_one=True).filter(pk=pk).exists()


def case_goal_get(*, case: Case, pk: int) -> Goal:
    """A goal of the case's plan, else NotFound."""
    return access.first_visible(Goal.objects.filter(pk=pk, case=case))


def case_step_get(*, case: Case, pk: int) -> Step:
    """A step of one of the case's goals, else NotFound."""
    return access.first_visible(Step.objects.filter(pk=pk, goal__case=case))


# The entries of a skill profile by the name the URLs use, with the order their pages list them in.
_PROFILE_ENTRIES = {
    "occupations": (CandidateOccupation, ("occupation",), ()),
    "skills": (CandidateSkill, ("skill",), ("skill__label_de",)),
    "languages": (LanguageSkill, (), ()),
    "qualifications": (Qualification, (), ()),
}


def profile_entries(*, candidate: Candidate, kind: str) -> QuerySet:
    """The person's entries of one kind ("occupations", "skills", "languages", "qualifications")."""
    model, related, order = _PROFILE_ENTRIES[kind]
    entries = model.objects.filter(candidate=candidate).select_related(*related)
    return entries.order_by(*order) if order else entries


def profile_entry_get(*, candidate: Candidate, kind: str, pk: int, own: bool = False):
    """One entry of the person's profile; with ``own``, only one the person entered herself
    (source "candidate"). Another person's entry, or an unknown kind, is NotFound."""
    if kind not in _PROFILE_ENTRIES:
        raise access.NotFound
    entries = profile_entries(candidate=candidate, kind=kind).filter(pk=pk)
    if own:
        entries = entries.filter(source=ProfileSource.CANDIDATE)
    return access.first_visible(entries)


def candidate_consents(*, candidate: Candidate) -> QuerySet[Consent]:
    """Every consent of the person, live and revoked, with who receives and who recorded it."""
    return candidate.consents.select_related("recipient_organisation", "recipient_user", "recorded_by")


def current_evaluation(*, case: Case) -> CaseEvaluation | None:
    """The evaluation the case was closed with (None while it is open or after a reopening)."""
    return next((e for e in case_evaluations(case=case) if e.reopened_at is None), None)
