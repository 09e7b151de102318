"""Reads of candidate data. Every function takes the requesting ``user`` and scopes on the server.

Who sees which candidates (DESIGN.md "Consent"; checked on every request, never cached, so a
revocation takes effect on the very next request):

* case managers and job coaches: candidates with an *open* case whose responsible organisation is
  one of theirs, plus candidates with a live ``case_data`` consent to one of their organisations
  (warm handover);
* coordinators: every candidate of the municipalities they coordinate (read-only management);
* volunteers: only candidates with a live ``volunteer`` consent naming them, and only
  ``VOLUNTEER_FIELDS`` (see :class:`VolunteerView`);
* a candidate user: only themself;
* employers and chamber editors: none of this (their pages live in the employers app, which reads
  :func:`listed_candidates_for_employer`).

Erased candidates (GDPR erasure) are invisible to everyone.

Views answer 403 when the user's *role* may never use a view and 404 when an object exists but is
outside the user's scope, so that nobody learns whether a person is on the platform.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Exists, Min, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.roles import Role
from organisations import access
from organisations.models import Membership

from .models import (
    Candidate,
    CandidateOccupation,
    CandidateSkill,
    Case,
    CasePhase,
    Consent,
    ConsentScope,
    Goal,
    LanguageSkill,
    Step,
    StepStatus,
)

if TYPE_CHECKING:
    from accounts.models import User

# Roles that work on case files.
CASE_STAFF_ROLES = (Role.CASE_MANAGER, Role.JOB_COACH)
# Roles that may open a candidate's page at all (volunteers get the reduced view).
READ_ROLES = (*CASE_STAFF_ROLES, Role.COORDINATOR, Role.VOLUNTEER)

# What an assigned volunteer sees, and nothing else: name, languages, wishes in own words.
VOLUNTEER_FIELDS = ("first_name", "last_name", "languages", "preferences_own_words")


def _live_consents(scope: str) -> QuerySet[Consent]:
    return Consent.objects.live().filter(scope=scope, candidate__erased_at__isnull=True)


def _staff_q(*, user: User) -> Q | None:
    """Candidates a case manager / job coach reaches through their organisations."""
    org_ids = access.organisation_ids(user=user, roles=CASE_STAFF_ROLES)
    if not org_ids:
        return None
    open_cases = Case.objects.filter(responsible_organisation_id__in=org_ids).exclude(phase=CasePhase.CLOSED)
    handed_over = _live_consents(ConsentScope.CASE_DATA).filter(recipient_organisation_id__in=org_ids)
    return Q(pk__in=open_cases.values("candidate_id")) | Q(pk__in=handed_over.values("candidate_id"))


def visible_candidates(*, user: User) -> QuerySet[Candidate]:
    """Candidates whose full record the user may read (not volunteers: see volunteer_candidates)."""
    if not getattr(user, "is_authenticated", False):
        return Candidate.objects.none()
    q = Q(pk__in=[])
    staff = _staff_q(user=user)
    if staff is not None:
        q |= staff
    municipalities = access.municipality_ids(user=user, roles=[Role.COORDINATOR])
    if municipalities:
        q |= Q(municipality_id__in=municipalities)
    if getattr(user, "is_candidate", False):
        q |= Q(user=user)
    return Candidate.objects.filter(q, erased_at__isnull=True)


def editable_candidates(*, user: User) -> QuerySet[Candidate]:
    """Candidates whose profile and case the user may change: case staff only (coordinators read)."""
    staff = _staff_q(user=user)
    if staff is None:
        return Candidate.objects.none()
    return Candidate.objects.filter(staff, erased_at__isnull=True)


def _prefetched(queryset: QuerySet[Candidate]) -> QuerySet[Candidate]:
    return queryset.select_related("municipality", "user").prefetch_related(
        Prefetch("occupations", queryset=CandidateOccupation.objects.select_related("occupation")),
        Prefetch("skills", queryset=CandidateSkill.objects.select_related("skill").order_by("skill__label_de")),
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
    """One candidate with the whole profile, or Http404 if outside the user's scope."""
    base = editable_candidates(user=user) if for_edit else visible_candidates(user=user)
    candidate = _prefetched(base.filter(pk=pk)).first()
    if candidate is None:
        raise Http404
    return candidate


def own_candidate(*, user: User) -> Candidate | None:
    """The candidate record of a signed-in candidate user (self-service), if linked."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_candidate", False):
        return None
    return _prefetched(Candidate.objects.filter(user=user, erased_at__isnull=True)).first()


# --- volunteers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VolunteerView:
    """The consented fields of one candidate, for the volunteer named in a live consent."""

    pk: int
    first_name: str
    last_name: str
    languages: tuple[LanguageSkill, ...]
    preferences_own_words: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def volunteer_candidates(*, user: User) -> QuerySet[Candidate]:
    """Candidates who gave this volunteer a live ``volunteer`` consent (rows: use VolunteerView)."""
    if not access.has_role(user=user, roles=[Role.VOLUNTEER]):
        return Candidate.objects.none()
    consents = _live_consents(ConsentScope.VOLUNTEER).filter(recipient_user=user)
    return Candidate.objects.filter(pk__in=consents.values("candidate_id"), erased_at__isnull=True)


def volunteer_view(*, user: User, pk: int) -> VolunteerView:
    candidate = (
        volunteer_candidates(user=user).filter(pk=pk).only(*VOLUNTEER_FIELDS[:2], "preferences_own_words")
        .prefetch_related("languages").first()
    )
    if candidate is None:
        raise Http404
    return VolunteerView(
        pk=candidate.pk,
        first_name=candidate.first_name,
        last_name=candidate.last_name,
        languages=tuple(candidate.languages.all()),
        preferences_own_words=candidate.preferences_own_words,
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
    listed = _live_consents(ConsentScope.LISTING).values("candidate_id")
    return Candidate.objects.filter(municipality_id__in=municipalities, pk__in=listed, erased_at__isnull=True)


def intake_made(*, user: User, submission_key: uuid.UUID | None) -> Candidate | None:
    """The person that this user's intake form (its one-time key) already made, if any and still
    visible to them — a double submit answers with that person instead of making a second."""
    if submission_key is None or not getattr(user, "is_authenticated", False):
        return None
    return Candidate.objects.filter(created_by=user, intake_key=submission_key, erased_at__isnull=True).first()


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


# --- cases and caseload -----------------------------------------------------------------------


def visible_cases(*, user: User) -> QuerySet[Case]:
    """Cases the user may see in the caseload: their organisations' cases (open or closed),
    cases of candidates handed over to them, and for coordinators their municipality's cases."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    q = Q(pk__in=[])
    org_ids = access.organisation_ids(user=user, roles=CASE_STAFF_ROLES)
    if org_ids:
        q |= Q(responsible_organisation_id__in=org_ids) & ~Q(phase=CasePhase.CLOSED)
        handed_over = _live_consents(ConsentScope.CASE_DATA).filter(recipient_organisation_id__in=org_ids)
        q |= Q(candidate_id__in=handed_over.values("candidate_id")) & ~Q(phase=CasePhase.CLOSED)
    municipalities = access.municipality_ids(user=user, roles=[Role.COORDINATOR])
    if municipalities:
        q |= Q(municipality_id__in=municipalities)
    return Case.objects.filter(q, candidate__erased_at__isnull=True)


def caseload(*, user: User, today: date | None = None) -> QuerySet[Case]:
    """The caseload: overdue steps first, then by next due date, then by name.

    Constant query count whatever the page size: everything shown comes from joins and annotations.
    """
    today = today or timezone.localdate()
    open_steps = Step.objects.filter(goal__case=OuterRef("pk"), status=StepStatus.OPEN)
    return (
        visible_cases(user=user)
        .select_related("candidate", "responsible_organisation", "case_manager")
        .annotate(
            has_overdue=Exists(open_steps.filter(due_date__lt=today)),
            next_due=Min("goals__steps__due_date", filter=Q(goals__steps__status=StepStatus.OPEN)),
        )
        .order_by("-has_overdue", "next_due", "candidate__last_name", "candidate__first_name", "pk")
    )


def case_get(*, user: User, pk: int, for_edit: bool = False) -> Case:
    """A case of a candidate the user may see (or change), else Http404."""
    candidates = editable_candidates(user=user) if for_edit else visible_candidates(user=user)
    case = (
        Case.objects.filter(pk=pk, candidate__in=candidates)
        .select_related("candidate", "responsible_organisation", "case_manager")
        .first()
    )
    if case is None:
        raise Http404
    return case


def consent_get(*, user: User, pk: int) -> Consent:
    """A consent the user may revoke: their own (candidate) or one of a candidate they edit."""
    candidates = editable_candidates(user=user)
    q = Q(candidate__in=candidates)
    if getattr(user, "is_candidate", False):
        q |= Q(candidate__user=user)
    consent = Consent.objects.filter(q, pk=pk, candidate__erased_at__isnull=True).select_related("candidate").first()
    if consent is None:
        raise Http404
    return consent


def case_managers_for(*, candidate: Candidate) -> list:
    """Case managers of the organisations responsible for the candidate's open cases."""
    return [
        case.case_manager
        for case in candidate.cases.all()
        if case.is_open and case.case_manager_id is not None
    ]


def duplicate_candidates(
    *, user: User, municipality_id: int, first_name: str, last_name: str, birth_date: date | None,
    threshold: float = 85.0,
) -> list[Candidate]:
    """Possible duplicates for an intake: fuzzy name (rapidfuzz) with the same birth date, in the
    municipality — but only among candidates the user may see (never reveal others)."""
    from rapidfuzz import fuzz

    wanted = f"{first_name} {last_name}".casefold()
    pool = visible_candidates(user=user).filter(municipality_id=municipality_id)
    if birth_date is not None:
        pool = pool.filter(Q(birth_date=birth_date) | Q(birth_date__isnull=True))
    found = []
    for candidate in pool.only("pk", "first_name", "last_name", "birth_date"):
        score = fuzz.token_sort_ratio(wanted, f"{candidate.first_name} {candidate.last_name}".casefold())
        if score >= threshold:
            found.append(candidate)
    return found


def audit_trail(*, candidate: Candidate):
    """Who looked at or changed this candidate's record, newest first, labelled by role and
    organisation (never an internal id). For the candidate's own view."""
    from privacy.models import AuditEntry

    entries = list(
        AuditEntry.objects.filter(record_type="candidates.candidate", record_id=str(candidate.pk)).order_by(
            "-at", "-pk"
        )[:200]
    )
    actor_ids = {e.actor_id for e in entries if e.actor_id}
    labels: dict[int, str] = {}
    for m in Membership.objects.filter(user_id__in=actor_ids).select_related("organisation").order_by("pk"):
        labels.setdefault(m.user_id, f"{m.get_role_display()} · {m.organisation.name}")
    for entry in entries:
        if candidate.user_id and entry.actor_id == candidate.user_id:
            entry.who = None  # the template says "you"
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
    if candidate.work_permission == WorkPermission.NONE:
        missing.append(_("Arbeitserlaubnis"))
    if candidate.hours_per_week_min is None and candidate.hours_per_week_max is None:
        missing.append(_("Stunden pro Woche"))
    if candidate.available_from is None:
        missing.append(_("verfügbar ab"))
    return missing
