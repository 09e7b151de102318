"""Writes of candidate data. Keyword-only arguments; each write leaves an audit entry
(who, which record, which fields — never the values) through privacy.services.audit_record.

Access is checked by the caller (views use candidates.selectors); services enforce the
data rules (consistent municipality, recipients of a consent, one warning per permit).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.roles import CASE_STAFF
from notifications.links import absolute_url
from notifications.services import notify
from organisations import access
from outbox.services import enqueue
from privacy.models import AuditEntry
from privacy.services import audit_record
from taxonomy.selectors import occupation_by_uri, skills_by_uris

from . import hooks, notices
from . import matching as candidate_matching
from .listing import listing_changed, listing_changed_for
from .models import (
    FOLLOW_UP_AFTER_DAYS,
    LIVE_CONSENT_KEY,
    NO_RECIPIENT_SCOPES,
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
    ChildrenUnder6,
    ClosingReason,
    Consent,
    ConsentScope,
    ConsentSource,
    FollowUpAnswer,
    Goal,
    GoalStatus,
    ImmigrationQuestion,
    ImmigrationQuestionTopic,
    Invitation,
    LanguageSkill,
    LegalCircle,
    LifeDomain,
    NeedLevel,
    PermitDecision,
    PermitExpiryWarning,
    PermitKind,
    ProfileSource,
    Qualification,
    Step,
    StepAssignee,
    StepEvent,
    StepEventKind,
    StepStatus,
    TaskAnswer,
    WorkPermitProcedure,
)
from .selectors import (
    assessment_made,
    duplicate_candidates,
    family_consent_live,
    intake_made,
    responsible_case_manager,
)

if TYPE_CHECKING:
    from accounts.models import User
    from organisations.models import Organisation

logger = logging.getLogger(__name__)
_T = TypeVar("_T")

INVITATION_SALT = "candidates.invitation"
INVITATION_MAX_AGE = timedelta(days=14)
EXPIRY_WARNING_AHEAD = timedelta(weeks=8)

# Fields the candidate edits in self-service (everything else is kept by staff).
SELF_SERVICE_FIELDS = (
    "email",
    "phone",
    "postcode",
    "city",
    "max_commute_km",
    "has_driving_licence",
    "has_car",
    "hours_per_week_min",
    "hours_per_week_max",
    "available_from",
    "preferences_own_words",
)
# Fields staff may change on the profile. The candidate's own words are not among them:
# staff write beside them (preferences_staff_notes), never over them.
STAFF_PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "nationality",
    "gender",
    "email",
    "phone",
    "street",
    "postcode",
    "city",
    "max_commute_km",
    "has_driving_licence",
    "has_car",
    "hours_per_week_min",
    "hours_per_week_max",
    "available_from",
    "residence_status",
    "residence_title_kind",
    "residence_expires",
    "work_permission",
    "work_permission_expires",
    "preferences_staff_notes",
)


def _audit(*, actor: Any, action: str, candidate: Candidate, fields=(), note: str = "") -> None:
    audit_record(
        actor=actor,
        action=action,
        record=candidate,
        municipality_id=candidate.municipality_id,
        fields=fields,
        note=note,
    )


def candidate_audit_view(*, candidate: Candidate, actor: Any, fields=(), note: str = "") -> None:
    """Record that ``actor`` looked at the candidate's personal data (every detail page does)."""
    _audit(actor=actor, action=AuditEntry.Action.VIEW, candidate=candidate, fields=fields, note=note)


def caseload_search_audit(*, actor: Any, kinds, found: int, candidates) -> None:
    """Record a caseload search like a read: one entry for the search (what it searched by and how
    many it found; not the typed words, which are a name), and a view entry for each person shown.
    Two queries whatever the number of hits."""
    audit_record(
        actor=actor,
        action=AuditEntry.Action.VIEW,
        record_type="candidates.caseload_search",
        fields=kinds,
        note=f"caseload search: {found} found",
    )
    people = {c.pk: c for c in candidates}
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor_id=actor.pk,
            actor_label=str(actor.email)[:255],
            action=AuditEntry.Action.VIEW,
            record_type="candidates.candidate",
            record_id=str(pk),
            municipality_id=person.municipality_id,
            fields=["caseload_search"],
            note="caseload search",
        )
        for pk, person in people.items()
    )


# --- intake and profile ------------------------------------------------------------------------


def _created_once(find: Callable[[], _T | None], create: Callable[[], _T]) -> _T:
    """Create a row for one submitted form at most once.

    ``find`` looks the form's one-time key up; ``create`` writes. A repeat finds the first row; a
    simultaneous repeat loses on the unique index (its insert waits for the first transaction),
    its savepoint is undone, and it answers with the row the first one made.
    """
    existing = find()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        existing = find()
        if existing is None:
            raise
        return existing


def candidate_create(
    *,
    actor: User,
    municipality,
    responsible_organisation: Organisation,
    legal_circle: str = LegalCircle.NONE,
    case_manager: User | None = None,
    submission_key: uuid.UUID | None = None,
    **fields: Any,
) -> Candidate:
    """Intake: the candidate and their first case (phase "intake"), with the actor as case manager.

    With the intake form's ``submission_key``, the same form posted twice makes one person: the
    repeat returns the person the first post made.
    """
    if responsible_organisation.municipality_id != municipality.pk:
        raise ValidationError(_("Die zuständige Organisation gehört zu einer anderen Kommune."))
    allowed = set(STAFF_PROFILE_FIELDS) | {"preferences_own_words"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown candidate fields: {sorted(unknown)}")

    def create() -> Candidate:
        candidate = Candidate(
            municipality=municipality, created_by=actor, intake_key=submission_key, **fields
        )
        _written_now(candidate, [name for name, value in fields.items() if value])
        # The key's uniqueness is left to the index: a check here could not see a simultaneous post.
        candidate.full_clean(exclude=["intake_key"])
        candidate.save()
        _audit(actor=actor, action=AuditEntry.Action.CREATE, candidate=candidate, fields=sorted(fields))
        case_open(
            candidate=candidate,
            actor=actor,
            responsible_organisation=responsible_organisation,
            legal_circle=legal_circle,
            case_manager=case_manager or actor,
        )
        return candidate

    return _created_once(lambda: intake_made(user=actor, submission_key=submission_key), create)


class IntakeRefused(ValidationError):
    """The intake made nobody: people like this one exist (``duplicates``, only those the user may
    see) and the user has not yet confirmed that this is someone else, or the new record was
    refused; the form shows ``duplicates`` beside the message."""

    def __init__(self, message: Any, *, duplicates: list[Candidate]) -> None:
        super().__init__(message)
        self.duplicates = duplicates


def candidate_intake(
    *,
    actor: User,
    responsible_organisation: Organisation,
    legal_circle: str,
    submission_key: uuid.UUID | None,
    confirm_duplicate: bool = False,
    **fields: Any,
) -> Candidate:
    """The intake form's person in the organisation's municipality, made once: the same form again
    (a double click, a resend) returns the person the first post made; a person like someone the
    user may already see is made only when ``confirm_duplicate`` says it is someone else.

    Raises IntakeRefused (a ValidationError) with the similar people when nobody was made."""
    duplicates = duplicate_candidates(
        user=actor,
        municipality_id=responsible_organisation.municipality_id,
        first_name=fields["first_name"],
        last_name=fields["last_name"],
        birth_date=fields.get("birth_date"),
    )
    # Asked after the duplicate check on purpose: a twin post that committed in between is then
    # found here by its key, not shown as a "similar person" (the key is on the person's row).
    already = intake_made(user=actor, submission_key=submission_key)
    if already is not None:
        return already
    if duplicates and not confirm_duplicate:
        raise IntakeRefused(
            _(
                "Es gibt schon ähnliche Personen. Bitte prüfen Sie die Liste; wenn es eine "
                "andere Person ist, bestätigen Sie „Trotzdem anlegen“."
            ),
            duplicates=duplicates,
        )
    try:
        return candidate_create(
            actor=actor,
            municipality=responsible_organisation.municipality,
            responsible_organisation=responsible_organisation,
            legal_circle=legal_circle,
            submission_key=submission_key,
            **fields,
        )
    except ValidationError as error:
        raise IntakeRefused(error, duplicates=duplicates) from error


# Free text on the profile and the field that records the language it was typed in.
TEXT_LANGUAGE_FIELDS = {
    "preferences_own_words": "preferences_own_words_lang",
    "preferences_staff_notes": "preferences_staff_notes_lang",
}


def _written_now(candidate: Candidate, changed: list[str]) -> list[str]:
    """Record the interface language as the language of each changed free text (the person types
    in the language her pages are in); returns the language fields it set."""
    code = _lang(get_language())
    stamped = []
    for name in changed:
        if name in TEXT_LANGUAGE_FIELDS:
            setattr(candidate, TEXT_LANGUAGE_FIELDS[name], code)
            stamped.append(TEXT_LANGUAGE_FIELDS[name])
    return stamped


def _profile_update(
    *, candidate: Candidate, actor: User, data: dict[str, Any], allowed: tuple[str, ...], note: str = ""
) -> list[str]:
    """Set the ``allowed`` fields that ``data`` changes, validate, save and audit those alone."""
    changed = []
    for name in allowed:
        if name in data and getattr(candidate, name) != data[name]:
            setattr(candidate, name, data[name])
            changed.append(name)
    if changed:
        candidate.full_clean()
        candidate.save(update_fields=[*changed, *_written_now(candidate, changed), "updated_at"])
        _audit(actor=actor, action=AuditEntry.Action.CHANGE, candidate=candidate, fields=changed, note=note)
    return changed


@transaction.atomic
def candidate_update_profile(
    *, candidate: Candidate, actor: User, data: dict[str, Any], children_under_6: str | None = None
) -> list[str]:
    """Staff change the profile; the candidate's own words are never touched here. Returns changed fields.

    ``children_under_6`` (issue 20), when given, is stored through children_under_6_set: without
    the person's live consent a stated answer is refused (ValidationError) and nothing is saved."""
    changed = _profile_update(candidate=candidate, actor=actor, data=data, allowed=STAFF_PROFILE_FIELDS)
    if children_under_6 is not None and children_under_6_set(
        candidate=candidate, actor=actor, value=children_under_6
    ):
        changed.append("children_under_6")
    return changed


@transaction.atomic
def candidate_update_own(
    *,
    candidate: Candidate,
    actor: User,
    data: dict[str, Any],
    children_under_6: str | None = None,
    children_consent: bool = False,
) -> list[str]:
    """The candidate changes their own profile (self-service fields only). Returns changed fields.

    With ``children_consent`` ticked and an answer given, the consent ``family_figures`` is granted
    (self-service, dated now) before the answer is stored, in the same transaction."""
    changed = _profile_update(
        candidate=candidate, actor=actor, data=data, allowed=SELF_SERVICE_FIELDS, note="self-service"
    )
    if children_under_6 is not None:
        if children_under_6 and children_consent:
            consent_grant(candidate=candidate, scope=ConsentScope.FAMILY_FIGURES, actor=actor)
        if children_under_6_set(candidate=candidate, actor=actor, value=children_under_6):
            changed.append("children_under_6")
    return changed


def _source(candidate: Candidate, actor: Any) -> str:
    return (
        ProfileSource.CANDIDATE
        if candidate.user_id and candidate.user_id == actor.pk
        else ProfileSource.STAFF
    )


def occupation_add(
    *, candidate: Candidate, actor: User, occupation_uri: str, years_experience: Decimal | float = 0
) -> CandidateOccupation:
    occupation = occupation_by_uri(uri=occupation_uri)
    if occupation is None:
        raise ValidationError(_("Diesen Beruf kennt die ESCO-Liste nicht. Bitte aus den Vorschlägen wählen."))
    entry, _created = CandidateOccupation.objects.update_or_create(
        candidate=candidate,
        occupation=occupation,
        defaults={"years_experience": years_experience, "source": _source(candidate, actor)},
    )
    _audit(actor=actor, action=AuditEntry.Action.CHANGE, candidate=candidate, fields=["occupations"])
    return entry


def occupation_remove(*, entry: CandidateOccupation, actor: User) -> None:
    candidate = entry.candidate
    entry.delete()
    _audit(actor=actor, action=AuditEntry.Action.CHANGE, candidate=candidate, fields=["occupations"])


def skill_add(*, candidate: Candidate, actor: User, skill_uri: str) -> CandidateSkill:
    skill = skills_by_uris(uris=[skill_uri]).get(skill_uri)
    if skill is None:
        raise ValidationError(
            _("Diese Kompetenz kennt die ESCO-Liste nicht. Bitte aus den Vorschlägen wählen.")
        )
    entry, _created = CandidateSkill.objects.get_or_create(
        candidate=candidate, skill=skill, defaults={"source": _source(candidate, actor)}
    )
    _audit(actor=actor, action=AuditEntry.Action.CHANGE, candidate=candidate, fields=["skills"])
    return entry


def skill_remove(*, entry: CandidateSkill, actor: User) -> None:
    candidate = entry.candidate
    entry.delete()
    _audit(actor=actor, action=AuditEntry.Action.CHANGE, candidate=candidate, fields=["skills"])


class AlreadyInProfile(ValidationError):
    """The person adds, herself, what her profile already holds."""


def own_occupation_add(
    *, candidate: Candidate, actor: User, occupation_uri: str, years_experience: Decimal | float = 0
) -> CandidateOccupation:
    """The person adds an occupation herself. A staff entry wins: an occupation staff entered stays
    as they entered it (with its years); her own entry of it she may change."""
    if (
        candidate.occupations.filter(occupation__uri=occupation_uri)
        .exclude(source=ProfileSource.CANDIDATE)
        .exists()
    ):
        raise AlreadyInProfile(_("Dieser Beruf steht schon in Ihrem Profil."), code="staff_entry")
    return occupation_add(
        candidate=candidate, actor=actor, occupation_uri=occupation_uri, years_experience=years_experience
    )


def own_skill_add(*, candidate: Candidate, actor: User, skill_uri: str) -> CandidateSkill:
    """The person adds a skill herself; one her profile already holds (whoever entered it) is refused."""
    if candidate.skills.filter(skill__uri=skill_uri).exists():
        raise AlreadyInProfile(_("Das steht schon in Ihrem Profil."), code="duplicate")
    return skill_add(candidate=candidate, actor=actor, skill_uri=skill_uri)


def language_set(*, candidate: Candidate, actor: User, language: str, **values: Any) -> LanguageSkill:
    """Add a language or replace its levels (one row per language, held by a unique constraint).

    Two posts of the same language at once: the later insert loses on the index and replaces the
    levels of the row the first one made, instead of failing.
    """

    def write() -> LanguageSkill:
        entry = LanguageSkill.objects.filter(candidate=candidate, language=language).first() or LanguageSkill(
            candidate=candidate, language=language
        )
        for name, value in values.items():
            setattr(entry, name, value)
        # The one-per-language rule is the index's (a check here could not see a simultaneous post).
        entry.full_clean(validate_constraints=False)
        entry.save()
        return entry

    try:
        with transaction.atomic():
            entry = write()
    except IntegrityError:
        with transaction.atomic():
            entry = write()
    _audit(actor=actor, action=AuditEntry.Action.CHANGE, candidate=candidate, fields=["languages"])
    return entry


def language_remove(*, entry: LanguageSkill, actor: User) -> None:
    candidate = entry.candidate
    entry.delete()
    _audit(actor=actor, action=AuditEntry.Action.CHANGE, candidate=candidate, fields=["languages"])


def qualification_add(*, candidate: Candidate, actor: User, **values: Any) -> Qualification:
    entry = Qualification(candidate=candidate, **values)
    entry.full_clean()
    entry.save()
    _audit(actor=actor, action=AuditEntry.Action.CHANGE, candidate=candidate, fields=["qualifications"])
    return entry


QUALIFICATION_FIELDS = frozenset(
    {"title", "kind", "country", "year", "recognition_status", "recognition_authority"}
)


def qualification_update(*, entry: Qualification, actor: User, **values: Any) -> list[str]:
    """Change a qualification (staff or the candidate themself). Returns the changed fields."""
    unknown = set(values) - QUALIFICATION_FIELDS
    if unknown:
        raise TypeError(f"unknown qualification fields: {sorted(unknown)}")
    changed = [name for name, value in values.items() if getattr(entry, name) != value]
    for name in changed:
        setattr(entry, name, values[name])
    if changed:
        entry.full_clean()
        entry.save(update_fields=changed)
        _audit(
            actor=actor,
            action=AuditEntry.Action.CHANGE,
            candidate=entry.candidate,
            fields=[f"qualifications.{name}" for name in changed],
        )
    return changed


def qualification_remove(*, entry: Qualification, actor: User) -> None:
    candidate = entry.candidate
    entry.delete()
    _audit(actor=actor, action=AuditEntry.Action.CHANGE, candidate=candidate, fields=["qualifications"])


# --- cases and integration plan ------------------------------------------------------------------


def case_open(
    *,
    candidate: Candidate,
    actor: User,
    responsible_organisation: Organisation,
    legal_circle: str = LegalCircle.NONE,
    case_manager: User | None = None,
) -> Case:
    case = Case(
        candidate=candidate,
        municipality_id=candidate.municipality_id,
        responsible_organisation=responsible_organisation,
        legal_circle=legal_circle,
        case_manager=case_manager,
    )
    case.full_clean()
    case.save()
    CasePhaseChange.objects.create(
        case=case, to_phase=case.phase, changed_at=case.opened_at, changed_by=actor
    )
    _audit(actor=actor, action=AuditEntry.Action.CREATE, candidate=candidate, fields=["case"])
    return case


def case_set_phase(*, case: Case, actor: User, phase: str) -> Case:
    """Move an open case to another open phase. Closing goes through ``case_close`` (with its
    evaluation), reopening through ``case_reopen``: neither is possible here."""
    if phase not in CasePhase.values:
        raise ValidationError(_("Unbekannte Phase."))
    if phase == case.phase:
        return case
    if phase == CasePhase.CLOSED:
        raise ValidationError(
            _("Ein Fall wird nur mit einer Abschlussbewertung abgeschlossen."), code="evaluate"
        )
    if case.phase == CasePhase.CLOSED:
        raise ValidationError(
            _("Ein abgeschlossener Fall wird über „Wieder eröffnen“ geöffnet."), code="closed"
        )
    _phase_write(case=case, actor=actor, phase=phase)
    _audit(actor=actor, action=AuditEntry.Action.CHANGE, candidate=case.candidate, fields=["case.phase"])
    return case


def case_update(
    *, case: Case, actor: User, legal_circle: str, case_manager: User | None, phase: str | None = None
) -> Case:
    changed = []
    if legal_circle != case.legal_circle:
        case.legal_circle = legal_circle
        changed.append("legal_circle")
    if case_manager != case.case_manager:
        case.case_manager = case_manager
        changed.append("case_manager")
    if changed:
        case.save(update_fields=[*changed, "updated_at"])
        _audit(
            actor=actor,
            action=AuditEntry.Action.CHANGE,
            candidate=case.candidate,
            fields=[f"case.{name}" for name in changed],
        )
    return case if phase is None else case_set_phase(case=case, actor=actor, phase=phase)


def goal_add(
    *,
    case: Case,
    actor: User,
    title: str,
    submission_key: uuid.UUID | None = None,
    title_lang: str = "de",
) -> Goal:
    """A goal of the plan; the goal form's one-time key makes a double submit add it once."""

    def find() -> Goal | None:
        return (
            None
            if submission_key is None
            else Goal.objects.filter(case=case, submission_key=submission_key).first()
        )

    def create() -> Goal:
        goal = Goal(case=case, title=title, submission_key=submission_key, title_lang=_lang(title_lang))
        goal.full_clean(exclude=["submission_key"])
        goal.save()
        _audit(actor=actor, action=AuditEntry.Action.CHANGE, candidate=case.candidate, fields=["case.goals"])
        return goal

    return _created_once(find, create)


def goal_set_status(*, goal: Goal, actor: User, status: str) -> Goal:
    goal.status = status
    goal.full_clean()
    goal.save(update_fields=["status"])
    _audit(actor=actor, action=AuditEntry.Action.CHANGE, candidate=goal.case.candidate, fields=["case.goals"])
    return goal


def step_add(
    *,
    goal: Goal,
    actor: User,
    title: str,
    due_date: date | None = None,
    responsible: str = "",
    submission_key: uuid.UUID | None = None,
    assignee: str = StepAssignee.STAFF,
    title_lang: str = "de",
) -> Step:
    """A step towards a goal; the step form's one-time key makes a double submit add it once.
    A step the person added herself (the actor is her) is hers and says so (source, history)."""
    by_candidate = _is_the_person(goal.case, actor)

    def find() -> Step | None:
        return (
            None
            if submission_key is None
            else Step.objects.filter(goal=goal, submission_key=submission_key).first()
        )

    def create() -> Step:
        step = Step(
            goal=goal,
            title=title,
            due_date=due_date,
            responsible=responsible,
            submission_key=submission_key,
            assignee=StepAssignee.CANDIDATE if by_candidate else assignee,
            source=ProfileSource.CANDIDATE if by_candidate else ProfileSource.STAFF,
            title_lang=_lang(title_lang),
        )
        step.full_clean(exclude=["submission_key"])
        step.save()
        _step_event(step=step, actor=actor, kind=StepEventKind.CREATED)
        _audit(
            actor=actor, action=AuditEntry.Action.CHANGE, candidate=goal.case.candidate, fields=["case.steps"]
        )
        return step

    return _created_once(find, create)


def step_set_status(*, step: Step, actor: User, status: str) -> Step:
    if step.status == status:
        return step  # a repeat (double click, a second tab): nothing changed, nothing to record
    step.status = status
    step.full_clean()
    step.save(update_fields=["status"])
    _step_event(step=step, actor=actor, kind=_STATUS_EVENT[status])
    _audit(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        candidate=step.goal.case.candidate,
        fields=["case.steps"],
    )
    return step


def note_add(*, case: Case, actor: User, text: str, submission_key: uuid.UUID | None = None) -> CaseNote:
    """A note in the case file; the note form's one-time key makes a double submit save it once."""

    def find() -> CaseNote | None:
        if submission_key is None:
            return None
        return CaseNote.objects.filter(author=actor, submission_key=submission_key).first()

    def create() -> CaseNote:
        note = CaseNote(case=case, author=actor, text=text, submission_key=submission_key)
        note.full_clean(exclude=["submission_key"])
        note.save()
        _audit(actor=actor, action=AuditEntry.Action.CHANGE, candidate=case.candidate, fields=["case.notes"])
        return note

    return _created_once(find, create)


# --- the plan in self-service (issue 22) -----------------------------------------------------------

_STATUS_EVENT = {
    StepStatus.DONE: StepEventKind.DONE,
    StepStatus.OPEN: StepEventKind.REOPENED,
    StepStatus.CANCELLED: StepEventKind.CANCELLED,
}


class NotYours(Exception):
    """The person tried to change a step that staff do (views answer 404: no such step of hers)."""


def _lang(code: str) -> str:
    """A language tag for lang=: the base code of a site language, else German (the source)."""
    base = (code or "").split("-")[0].lower()
    return base if base in {c for c, _n in settings.LANGUAGES} else settings.LANGUAGE_CODE


def _is_the_person(case: Case, actor: Any) -> bool:
    user_id = case.candidate.user_id
    return user_id is not None and getattr(actor, "pk", None) == user_id


def _step_event(
    *,
    step: Step,
    actor: Any,
    kind: str,
    text: str = "",
    text_lang: str = "",
    submission_key: uuid.UUID | None = None,
) -> StepEvent:
    """Record one change (history for staff and the person); the person's changes reach the
    responsible case manager's inbox."""
    case = step.goal.case
    by_candidate = _is_the_person(case, actor)
    event = StepEvent(
        step=step,
        actor=actor if getattr(actor, "pk", None) else None,
        by_candidate=by_candidate,
        kind=kind,
        text=text,
        text_lang=_lang(text_lang) if text else "",
        submission_key=submission_key,
    )
    event.full_clean(exclude=["submission_key", "step", "actor"])
    event.save()
    if by_candidate and case.is_open:
        notify(
            recipients=[responsible_case_manager(case=case)],
            kind=notices.PLAN_CHANGED,
            params={"what": kind},
            link="candidates:case_detail",
            link_kwargs={"case_pk": case.pk},
            target=step,
        )
    return event


def own_step_tick(*, step: Step, actor: User, done: bool) -> Step:
    """The person ticks off (or reopens) one of her own steps; staff's steps are not hers to tick."""
    if not _is_the_person(step.goal.case, actor) or not step.candidate_may_tick:
        raise NotYours
    return step_set_status(step=step, actor=actor, status=StepStatus.DONE if done else StepStatus.OPEN)


def step_comment(
    *, step: Step, actor: User, text: str, text_lang: str = "de", submission_key: uuid.UUID | None = None
) -> StepEvent:
    """A comment on a step, by the person or by staff; the form's one-time key saves it once."""

    def find() -> StepEvent | None:
        if submission_key is None:
            return None
        return StepEvent.objects.filter(step=step, submission_key=submission_key).first()

    def create() -> StepEvent:
        event = _step_event(
            step=step,
            actor=actor,
            kind=StepEventKind.COMMENT,
            text=text,
            text_lang=text_lang,
            submission_key=submission_key,
        )
        _audit(
            actor=actor,
            action=AuditEntry.Action.CHANGE,
            candidate=step.goal.case.candidate,
            fields=["case.steps.comments"],
        )
        return event

    return _created_once(find, create)


def task_answer(*, step: Step, actor: User, answer: str, text: str = "", text_lang: str = "de") -> Step:
    """The person answers a task: done (the step is done), an answer text, or "I need help" (the
    step stays open). The newest answer stands on the step; every answer is in its history."""
    if not _is_the_person(step.goal.case, actor) or not step.candidate_may_tick:
        raise NotYours
    if answer not in TaskAnswer.values:
        raise ValidationError({"answer": _("Bitte wählen Sie eine Antwort.")})
    with transaction.atomic():
        step = Step.objects.select_for_update().select_related("goal__case__candidate").get(pk=step.pk)
        step.answer = answer
        step.answer_text = text
        step.answer_lang = _lang(text_lang) if text else ""
        step.answered_at = timezone.now()
        fields = ["answer", "answer_text", "answer_lang", "answered_at"]
        if answer == TaskAnswer.DONE:
            step.status = StepStatus.DONE
            fields.append("status")
        step.full_clean()
        step.save(update_fields=fields)
        kind = {
            TaskAnswer.DONE: StepEventKind.DONE,
            TaskAnswer.ANSWERED: StepEventKind.ANSWERED,
            TaskAnswer.HELP: StepEventKind.HELP,
        }[answer]
        _step_event(step=step, actor=actor, kind=kind, text=text, text_lang=text_lang)
        _audit(
            actor=actor,
            action=AuditEntry.Action.CHANGE,
            candidate=step.goal.case.candidate,
            fields=["case.steps.answer"],
        )
    return step


# --- end issue 22 ---


# --- consent -------------------------------------------------------------------------------------


def consent_grant(
    *,
    candidate: Candidate,
    scope: str,
    actor: User,
    recipient_organisation: Organisation | None = None,
    recipient_user: User | None = None,
    reference: str = "",
    paper_form_reference: str = "",
    granted_at=None,
) -> Consent:
    """Record a grant. By the candidate themself it is a self-service grant; by anyone else it is
    recorded from a signed paper form (who recorded it, when, which form).

    A live grant of the same scope to the same recipient (contact details: for the same
    introduction) is returned as it is rather than duplicated. The database holds that rule
    (``consent_one_live_<scope>``): two grants at the same moment both end with the one row,
    so one revoke always ends the access.
    """
    if scope not in ConsentScope.values:
        raise ValidationError(_("Unbekannter Umfang der Einwilligung."))
    if scope in (ConsentScope.CONTACT, ConsentScope.CASE_DATA) and recipient_organisation is None:
        raise ValidationError(_("Bitte die empfangende Organisation angeben."))
    if scope == ConsentScope.VOLUNTEER and recipient_user is None:
        raise ValidationError(_("Bitte die*den Ehrenamtliche*n angeben."))
    # Each scope has exactly one kind of recipient; anything else would make a second key.
    if scope in NO_RECIPIENT_SCOPES:
        recipient_organisation = recipient_user = None
    elif scope == ConsentScope.VOLUNTEER:
        recipient_organisation = None
    else:
        recipient_user = None
    reference = reference[:100]
    values = {
        "candidate": candidate,
        "scope": scope,
        "recipient_organisation": recipient_organisation,
        "recipient_user": recipient_user,
        "reference": reference,
    }
    key = {"candidate": candidate, "scope": scope, **{name: values[name] for name in LIVE_CONSENT_KEY[scope]}}
    existing = Consent.objects.live().filter(**key).first()
    if existing is not None:
        return existing
    self_service = candidate.user_id is not None and candidate.user_id == getattr(actor, "pk", None)
    now = timezone.now()
    try:
        # A savepoint: if a simultaneous grant wins the unique index, only this insert is undone.
        with transaction.atomic():
            consent = Consent.objects.create(
                **values,
                granted_at=min(granted_at or now, now),
                source=ConsentSource.SELF_SERVICE if self_service else ConsentSource.STAFF_PAPER_FORM,
                recorded_by=None if self_service else actor,
                recorded_at=None if self_service else now,
                paper_form_reference=paper_form_reference[:100],
            )
    except IntegrityError:
        # The other grant has committed by now (the insert waited for it): answer with that one.
        existing = Consent.objects.live().filter(**key).first()
        if existing is None:
            raise
        return existing
    _audit(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        candidate=candidate,
        fields=[f"consent.{scope}"],
        note="consent granted",
    )
    return consent


def consent_grant_again(*, consent: Consent, actor: User) -> Consent:
    """Give a revoked grant again, to the same recipient (a new grant: the revoked one stays as it was).
    Which grants may be given again is for the caller to check (selectors.consent_to_grant_again)."""
    return consent_grant(
        candidate=consent.candidate,
        scope=consent.scope,
        actor=actor,
        recipient_organisation=consent.recipient_organisation,
        recipient_user=consent.recipient_user,
        reference=consent.reference,
    )


def consent_revoke(*, consent: Consent, actor: User) -> Consent:
    """Revoke at once: every selector reads live rows only, so the next request no longer sees the data.

    A conditional UPDATE revokes once even when two tabs post together; only the request that
    revoked it closes what the grant carried (candidates.hooks), so the employer hears of it once.
    """
    by = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        now = timezone.now()
        changed = Consent.objects.filter(pk=consent.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=by
        )
        if not changed:
            consent.refresh_from_db(fields=["revoked_at", "revoked_by"])
            return consent
        consent.revoked_at, consent.revoked_by = now, by
        _audit(
            actor=actor,
            action=AuditEntry.Action.CHANGE,
            candidate=consent.candidate,
            fields=[f"consent.{consent.scope}"],
            note="consent revoked",
        )
        # The UPDATE sends no post_save: the matching index hears of it here (listing ends).
        candidate_matching.index_refresh(candidate=consent.candidate)
        if consent.scope == ConsentScope.FAMILY_FIGURES:
            # The fact was kept for this consent alone: it goes with it, not just out of the count.
            _children_clear(candidate=consent.candidate, actor=actor, note="consent revoked")
        if consent.scope == ConsentScope.LISTING:  # the browse page's count, in this transaction
            listing_changed_for(candidate_id=consent.candidate_id)
        # What the grant carried ends too (an introduction closes, its employer hears of it).
        hooks.consent_revoked(consent, actor)
    return consent


# --- children under 6, with consent (issue 20) ----------------------------------------------------


def children_under_6_set(*, candidate: Candidate, actor: Any, value: str) -> bool:
    """Store "children under 6" (``yes``, ``no``, blank: not stated). A stated answer needs the
    person's live consent ``family_figures``: without it nothing is stored (a clear error). Returns
    whether the value changed; the change is audited under its own field name."""
    if value not in ("", *ChildrenUnder6.values):
        raise ValidationError({"children_under_6": _("Bitte ja, nein oder keine Angabe wählen.")})
    if value and not family_consent_live(candidate=candidate):
        raise ValidationError(
            {
                "children_under_6": _(
                    "Diese Angabe wird nur mit Einwilligung der Person gespeichert. Bitte zuerst die "
                    "Einwilligung erfassen."
                )
            }
        )
    changed = (
        Candidate.objects.filter(pk=candidate.pk)
        .exclude(children_under_6=value)
        .update(children_under_6=value)
    )
    candidate.children_under_6 = value
    if changed:
        _audit(
            actor=actor,
            action=AuditEntry.Action.CHANGE,
            candidate=candidate,
            fields=["children_under_6"],
            note="self-service"
            if candidate.user_id and candidate.user_id == getattr(actor, "pk", None)
            else "",
        )
    return bool(changed)


def _children_clear(*, candidate: Candidate, actor: Any, note: str) -> None:
    if Candidate.objects.filter(pk=candidate.pk).exclude(children_under_6="").update(children_under_6=""):
        _audit(
            actor=actor,
            action=AuditEntry.Action.CHANGE,
            candidate=candidate,
            fields=["children_under_6"],
            note=note,
        )
    candidate.children_under_6 = ""


# --- self-service invitation ---------------------------------------------------------------------


# Per person and per sender, in a fixed hour: enough to correct a mistyped address, too few to
# flood somebody's inbox from Lotse's mail server.
INVITATIONS_PER_CANDIDATE_PER_HOUR = 5
INVITATIONS_PER_SENDER_PER_HOUR = 30
_INVITATION_THROTTLE_WINDOW = 60 * 60


class InvitationThrottled(Exception):
    """Too many invitations in the last hour (for this person or from this sender)."""


class InvitationUsed(Exception):
    """The invitation was accepted in the meantime (a double submit of the accept form)."""


def _count_invitation(key: str) -> int:
    # add() starts the window only once; incr() keeps its expiry, so the window is fixed.
    cache.add(key, 0, timeout=_INVITATION_THROTTLE_WINDOW)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=_INVITATION_THROTTLE_WINDOW)
        return 1


def _check_invitation_throttle(*, candidate: Candidate, actor: User) -> None:
    if (
        _count_invitation(f"candidates:invitations:candidate:{candidate.pk}")
        > INVITATIONS_PER_CANDIDATE_PER_HOUR
    ):
        raise InvitationThrottled
    if _count_invitation(f"candidates:invitations:user:{actor.pk}") > INVITATIONS_PER_SENDER_PER_HOUR:
        raise InvitationThrottled


def invitation_send(*, candidate: Candidate, actor: User, email: str, language: str = "de") -> Invitation:
    """Create the invitation and send its link by e-mail after the transaction commits.

    Every earlier open invitation of the person is voided: a link sent to a mistyped address
    must not claim the profile once the right one went out.
    """
    from .tasks import send_invitation_email

    _check_invitation_throttle(candidate=candidate, actor=actor)
    with transaction.atomic():
        # The lock on the person serialises two sends (and a send against an accept).
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        Invitation.objects.filter(
            candidate=candidate, accepted_at__isnull=True, voided_at__isnull=True
        ).update(voided_at=timezone.now())
        if language not in {code for code, _name in settings.LANGUAGES}:
            language = settings.LANGUAGE_CODE
        invitation = Invitation.objects.create(
            candidate=candidate, email=email.strip().lower(), created_by=actor, language=language
        )
        if not candidate.email:
            candidate.email = invitation.email
            candidate.save(update_fields=["email", "updated_at"])
        _audit(actor=actor, action=AuditEntry.Action.CHANGE, candidate=candidate, fields=["invitation"])
        enqueue(send_invitation_email, invitation.pk)
    return invitation


def invitation_token(*, invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk}, salt=INVITATION_SALT)


def invitation_from_token(*, token: str) -> Invitation | None:
    """The open invitation the token names, or None if forged, expired, used or the person erased."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        return None
    invitation = (
        _open_invitations()
        .filter(pk=data["i"], created_at__gt=timezone.now() - INVITATION_MAX_AGE)
        .select_related("candidate")
        .first()
    )
    if (
        invitation is None
        or _open_invitations()
        .filter(candidate_id=invitation.candidate_id, created_at__gt=invitation.created_at)
        .exists()
    ):
        return None  # only the newest link counts (voided_at covers rows from before it existed)
    return invitation


def _open_invitations():
    return Invitation.objects.filter(
        accepted_at__isnull=True,
        voided_at__isnull=True,
        candidate__user__isnull=True,
        candidate__erased_at__isnull=True,
    )


def invitation_email_send(*, invitation_id: int) -> bool:
    """Send the invitation link (called by the Celery task)."""
    invitation = Invitation.objects.filter(
        pk=invitation_id, accepted_at__isnull=True, voided_at__isnull=True
    ).first()
    if invitation is None:
        return False
    token = invitation_token(invitation=invitation)
    language = invitation.language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = str(_("[Lotse] Ihr Zugang zu Ihrem Profil"))
    texts = []
    # In the chosen language first, German below it (a case worker or friend may read it along);
    # each link opens the site in the language of its text.
    for code in dict.fromkeys([language, settings.LANGUAGE_CODE]):
        with translation.override(code):
            link = absolute_url(reverse("candidates:invitation_accept", kwargs={"token": token}))
            texts.append(_invitation_text(link))
    send_mail(
        subject=subject,
        message="\n\n-----\n\n".join(texts),
        from_email=None,
        recipient_list=[invitation.email],
    )
    return True


def _invitation_text(link: str) -> str:
    return _(
        "Guten Tag,\n\nIhre Ansprechperson hat Sie zu Lotse eingeladen. Mit diesem Link legen Sie "
        "Ihr Konto an und sehen Ihr Profil (auch auf Englisch, Arabisch, Ukrainisch und Farsi):\n\n"
        "%(link)s\n\nDer Link gilt 14 Tage.\n"
    ) % {"link": link}


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str) -> User:
    """Create the candidate's login (is_candidate, verified e-mail) and link it to the record.

    Raises InvitationUsed when a simultaneous submit of the same form accepted it first.
    """
    from allauth.account.models import EmailAddress

    # Person first, then invitation: the same order as invitation_send, so the two cannot deadlock.
    candidate = Candidate.objects.select_for_update().get(pk=invitation.candidate_id)
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None:
        raise InvitationUsed
    if locked.voided_at is not None or candidate.user_id is not None or candidate.erased_at is not None:
        raise ValidationError(
            _("Dieser Link gilt nicht mehr. Bitte fragen Sie Ihre Ansprechperson nach einer neuen Einladung.")
        )
    user_model = get_user_model()
    exists = ValidationError(_("Zu dieser E-Mail-Adresse gibt es schon ein Konto. Bitte melden Sie sich an."))
    if user_model.objects.filter(email__iexact=locked.email).exists():
        raise exists
    try:
        with transaction.atomic():  # a savepoint: an account made at this moment elsewhere wins
            user = user_model.objects.create_user(
                email=locked.email,
                password=password,
                is_candidate=True,
                preferred_language=locked.language or settings.LANGUAGE_CODE,
            )
            # The link reached this address, so the address is verified.
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    except IntegrityError:
        raise exists from None
    candidate.user = user
    candidate.save(update_fields=["user", "updated_at"])
    locked.accepted_at = timezone.now()
    locked.save(update_fields=["accepted_at"])
    _audit(
        actor=user,
        action=AuditEntry.Action.CHANGE,
        candidate=candidate,
        fields=["user"],
        note="self-service account created",
    )
    return user


# --- GDPR: export and erasure --------------------------------------------------------------------


def candidate_export(*, candidate: Candidate) -> dict[str, Any]:
    """Everything this app holds about the candidate, as JSON-ready data (GDPR Art. 15/20)."""
    from django.forms.models import model_to_dict

    def plain(obj, exclude=()) -> dict[str, Any]:
        data = model_to_dict(obj, exclude=["id", "candidate", *exclude])
        return {
            k: (str(v) if not isinstance(v, (str, int, float, bool, type(None), list)) else v)
            for k, v in data.items()
        }

    profile = plain(candidate, exclude=["user", "created_by", "municipality"])
    profile["municipality"] = candidate.municipality.name
    return {
        "profile": profile,
        "occupations": [
            {
                "esco_uri": o.occupation.uri,
                "label": o.occupation.label_de,
                "label_lang": "de",
                "years": str(o.years_experience),
            }
            for o in candidate.occupations.select_related("occupation")
        ],
        "skills": [
            {"esco_uri": s.skill.uri, "label": s.skill.label_de, "label_lang": "de"}
            for s in candidate.skills.select_related("skill")
        ],
        "languages": [plain(x) for x in candidate.languages.all()],
        # with the recognition procedure (issue 14 §3): the reference occupation by name, not by id
        "qualifications": [
            {
                **plain(x),
                "recognition_occupation": x.recognition_occupation.label_de
                if x.recognition_occupation
                else "",
                "recognition_occupation_lang": "de",
            }
            for x in candidate.qualifications.select_related("recognition_occupation")
        ],
        "cases": [
            {
                "organisation": case.responsible_organisation.name,
                "phase": case.phase,
                "legal_circle": case.legal_circle,
                "opened_at": case.opened_at.isoformat(),
                "closed_at": case.closed_at.isoformat() if case.closed_at else None,
                # issue 14 §4: the phases with their dates and the evaluations the case closed with
                "phase_history": [
                    {
                        "phase": c.to_phase,
                        "changed_at": c.changed_at.isoformat(),
                        "left_at": c.left_at.isoformat() if c.left_at else None,
                    }
                    for c in case.phase_changes.all()
                ],
                "evaluations": [
                    {
                        "reason": e.reason,
                        "note": e.note,
                        "goals_reached": [g.title for g in e.goals_reached.all()],
                        "closed_at": e.closed_at.isoformat(),
                        "follow_up_due": str(e.follow_up_due or ""),
                        "follow_up_answer": e.follow_up_answer,
                        "reopened_at": e.reopened_at.isoformat() if e.reopened_at else None,
                        "reopen_reason": e.reopen_reason,
                    }
                    for e in case.evaluations.all()
                ],
                "goals": [
                    {
                        "title": g.title,
                        "title_lang": g.title_lang,
                        "status": g.status,
                        "steps": [
                            {
                                "title": s.title,
                                "title_lang": s.title_lang,
                                "due_date": str(s.due_date or ""),
                                "status": s.status,
                                "responsible": s.responsible,
                                # issue 22: whose step, her answer, and its history with comments
                                "assignee": s.assignee,
                                "source": s.source,
                                "answer": s.answer,
                                "answer_text": s.answer_text,
                                "answer_text_lang": s.answer_lang,
                                "answered_at": s.answered_at.isoformat() if s.answered_at else None,
                                "history": [
                                    {
                                        "at": e.at.isoformat(),
                                        "by": "candidate" if e.by_candidate else "staff",
                                        "kind": e.kind,
                                        "text": e.text,
                                        "text_lang": e.text_lang,
                                    }
                                    for e in s.events.all()
                                ],
                            }
                            for s in g.steps.all()
                        ],
                    }
                    for g in case.goals.all()
                ],
                "notes": [{"at": n.created_at.isoformat(), "text": n.text} for n in case.notes.all()],
                "assessments": _assessment_export(case),
                # issue 14 §3: what went to the Ausländerbehörde and what it answered
                "immigration_questions": [
                    {
                        "office": q.office.name,
                        "topic": q.topic,
                        "person_name": q.person_name,
                        "person_birth_date": str(q.person_birth_date or ""),
                        "message": q.message,
                        "due_date": q.due_date.isoformat(),
                        "status": q.status,
                        "answer": q.answer,
                        "asked_at": q.created_at.isoformat(),
                        "answered_at": q.answered_at.isoformat() if q.answered_at else None,
                    }
                    for q in case.immigration_questions.select_related("office")
                ],
                "work_permit_procedures": [
                    {name: str(getattr(p, name) or "") for name in WORK_PERMIT_FIELDS}
                    for p in case.work_permit_procedures.all()
                ],
            }
            for case in candidate.cases.select_related("responsible_organisation")
        ],
        "consents": [
            {
                "scope": c.scope,
                "recipient_organisation": c.recipient_organisation.name if c.recipient_organisation else None,
                "recipient_user": str(c.recipient_user) if c.recipient_user else None,
                "granted_at": c.granted_at.isoformat(),
                "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
                "source": c.source,
                "paper_form_reference": c.paper_form_reference,
            }
            for c in candidate.consents.select_related("recipient_organisation", "recipient_user")
        ],
        "appointments": appointments_export(candidate=candidate),
    }


def candidate_export_for(*, candidate: Candidate, actor: Any) -> dict[str, Any]:
    """The JSON download: through the privacy registry when the person has a login (so every app's
    data is in it), else this app's data alone. Audited either way."""
    from privacy.services import gdpr_export

    if candidate.user_id:
        data = gdpr_export(subject_user=candidate.user, actor=actor)
    else:
        data = {"candidates": candidate_export(candidate=candidate)}
    _audit(actor=actor, action=AuditEntry.Action.EXPORT, candidate=candidate, note="GDPR export")
    return data


ERASED_NAME = "gelöscht"


@transaction.atomic
def candidate_erase_with_account(*, candidate: Candidate, actor: User) -> None:
    """Erase the person on staff's request: with an account, every app's eraser runs for it (this
    app's included, registered in CandidatesConfig.ready()); a record without one, or one those left
    standing, is erased here. All or nothing."""
    from privacy.services import gdpr_erase  # privacy calls back into the apps: imported late

    with transaction.atomic():
        if candidate.user_id:
            gdpr_erase(subject_user=candidate.user, actor=actor)
            candidate.refresh_from_db()
        if candidate.erased_at is None:
            candidate_erase(candidate=candidate, actor=actor)


def candidate_erase(*, candidate: Candidate, actor: Any) -> int:
    """Erase the person's data and keep only anonymous aggregates: the candidate row stays with the
    municipality and the cases keep phase, legal circle, organisation and dates (for counts such as
    time to placement); every name, contact, date of birth, free text, profile entry, consent,
    invitation and note goes. Returns the number of rows deleted or blanked."""
    count = 0
    for related in (
        candidate.occupations,
        candidate.skills,
        candidate.languages,
        candidate.qualifications,
        candidate.consents,
        candidate.invitations,
        candidate.expiry_warnings,
    ):
        deleted, _ = related.all().delete()
        count += deleted
    count += appointments_erase(candidate=candidate)
    for case in candidate.cases.all():
        deleted, _ = case.notes.all().delete()
        count += deleted
        deleted, _ = Goal.objects.filter(case=case).delete()
        count += deleted
    # issue 14 §4: the evaluations keep reason and dates (counts), never their free text
    count += (
        CaseEvaluation.objects.filter(case__candidate=candidate)
        .exclude(note="", reopen_reason="")
        .update(note="", reopen_reason="")
    )
    count += _assessment_erase(candidate)
    # issue 14 §3: the questions to the Ausländerbehörde carry the name, the date of birth and text
    deleted, _ = ImmigrationQuestion.objects.filter(case__candidate=candidate).delete()
    count += deleted
    deleted, _ = WorkPermitProcedure.objects.filter(case__candidate=candidate).delete()
    count += deleted
    blank = {
        "first_name": ERASED_NAME,
        "last_name": ERASED_NAME,
        "birth_date": None,
        "nationality": "",
        "gender": "",
        "email": "",
        "phone": "",
        "street": "",
        "postcode": "",
        "city": "",
        "max_commute_km": None,
        "hours_per_week_min": None,
        "hours_per_week_max": None,
        "available_from": None,
        "residence_title_kind": "",
        "residence_expires": None,
        "work_permission_expires": None,
        "preferences_own_words": "",
        "preferences_staff_notes": "",
        "children_under_6": "",
        "user": None,
        "created_by": None,
        "erased_at": timezone.now(),
    }
    Candidate.objects.filter(pk=candidate.pk).update(**blank)
    listing_changed(municipality_ids=[candidate.municipality_id])  # no longer listed
    for name, value in blank.items():
        setattr(candidate, name, value)
    _audit(actor=actor, action=AuditEntry.Action.ERASE, candidate=candidate, note="GDPR erasure")
    return count + 1


def _export_for_user(user) -> dict[str, Any] | None:
    candidate = Candidate.objects.filter(user=user, erased_at__isnull=True).first()
    return candidate_export(candidate=candidate) if candidate else None


def _erase_for_user(user) -> int:
    candidate = Candidate.objects.filter(user=user, erased_at__isnull=True).first()
    return candidate_erase(candidate=candidate, actor=user) if candidate else 0


def register_privacy() -> None:
    """Called from CandidatesConfig.ready()."""
    from privacy.registry import registry

    registry.register("candidates", exporter=_export_for_user, eraser=_erase_for_user)


# --- expiry watch --------------------------------------------------------------------------------


def permit_expiry_warn(*, today: date | None = None) -> int:
    """Warn case managers eight weeks ahead of a residence or work permit expiring — once per permit
    and expiry date (a PermitExpiryWarning row guards it; a renewed permit has a new date). Returns
    how many warnings went out."""
    today = today or timezone.localdate()
    horizon = today + EXPIRY_WARNING_AHEAD
    sent = 0
    candidates = Candidate.objects.filter(erased_at__isnull=True).prefetch_related("cases__case_manager")
    for kind, field in (
        (PermitKind.RESIDENCE, "residence_expires"),
        (PermitKind.WORK, "work_permission_expires"),
    ):
        warned = PermitExpiryWarning.objects.filter(
            candidate=OuterRef("pk"), kind=kind, expires_on=OuterRef(field)
        )
        due = candidates.filter(**{f"{field}__gte": today, f"{field}__lte": horizon}).exclude(Exists(warned))
        for candidate in due:
            managers = [c.case_manager for c in candidate.cases.all() if c.is_open and c.case_manager]
            if not managers:
                continue
            expires_on = getattr(candidate, field)
            try:
                with transaction.atomic():
                    PermitExpiryWarning.objects.create(
                        candidate=candidate, kind=kind, expires_on=expires_on, sent_to=managers[0]
                    )
            except IntegrityError:
                continue  # another worker got there first
            # In the inbox, and by mail as each case manager chose (their language, absolute link).
            notify(
                recipients=managers,
                kind=notices.RESIDENCE_EXPIRING
                if kind == PermitKind.RESIDENCE
                else notices.WORK_PERMISSION_EXPIRING,
                params={"day": expires_on.isoformat()},
                link="candidates:detail",
                link_kwargs={"pk": candidate.pk},
                target=candidate,
            )
            sent += 1
    return sent


# --- life-domain assessment (issue 14) ---------------------------------------------------------


def assessment_create(
    *,
    case: Case,
    actor: User,
    entries: list[dict[str, Any]],
    assessed_on: date | None = None,
    submission_key: uuid.UUID | None = None,
) -> Assessment:
    """Save a new dated version of the case's assessment (earlier versions stay as its history).
    ``entries``: one dict per domain with need, strengths, own_words and reassess_on."""
    assessed_on = assessed_on or timezone.localdate()
    domains = [e.get("domain") for e in entries]
    if len(set(domains)) != len(domains) or not set(domains) <= set(LifeDomain.values):
        raise ValidationError(_("Jeder Lebensbereich darf nur einmal vorkommen."))
    errors = {}
    for entry in entries:
        reassess_on = entry.get("reassess_on")
        if reassess_on and reassess_on < assessed_on:
            errors[f"{entry['domain']}-reassess_on"] = _(
                "Das Datum der erneuten Einschätzung liegt vor der Einschätzung."
            )
    if errors:
        raise ValidationError(errors)

    def create() -> Assessment:
        assessment = Assessment.objects.create(
            case=case, assessed_on=assessed_on, created_by=actor, submission_key=submission_key
        )
        rows = [
            AssessmentEntry(
                assessment=assessment,
                domain=e["domain"],
                need=e.get("need") or NeedLevel.NONE,
                strengths=(e.get("strengths") or "").strip(),
                own_words=(e.get("own_words") or "").strip(),
                strengths_lang=_lang(get_language()),
                own_words_lang=_lang(get_language()),
                reassess_on=e.get("reassess_on"),
            )
            for e in entries
        ]
        for row in rows:
            row.full_clean(exclude=["assessment"])
        AssessmentEntry.objects.bulk_create(rows)
        _audit(
            actor=actor, action=AuditEntry.Action.CHANGE, candidate=case.candidate, fields=["case.assessment"]
        )
        return assessment

    return _created_once(lambda: assessment_made(case=case, submission_key=submission_key), create)


def assessment_audit_view(*, case: Case, actor: Any, special: bool) -> None:
    """Every read of an assessment is logged; a read of the Art. 9 domains says so in its fields."""
    fields = ["case.assessment", "case.assessment.special_category"] if special else ["case.assessment"]
    candidate_audit_view(candidate=case.candidate, actor=actor, fields=fields)


def _assessment_export(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "assessed_on": a.assessed_on.isoformat(),
            "created_at": a.created_at.isoformat(),
            "domains": [
                {
                    "domain": e.domain,
                    "need": e.need,
                    "strengths": e.strengths,
                    "strengths_lang": e.strengths_lang,
                    "own_words": e.own_words,
                    "own_words_lang": e.own_words_lang,
                    "reassess_on": e.reassess_on.isoformat() if e.reassess_on else None,
                }
                for e in a.entries.all()
            ],
        }
        for a in case.assessments.prefetch_related("entries")
    ]


def _assessment_erase(candidate: Candidate) -> int:
    """Blank the free text (strengths, own words); the need levels stay as anonymous counts."""
    return AssessmentEntry.objects.filter(assessment__case__candidate=candidate).update(
        strengths="", own_words=""
    )


# --- appointments (issue 22) -----------------------------------------------------------------------
#
# Staff of the responsible organisation plan, change and cancel an appointment on the case. Every
# attendee (the person and the staff who attend) gets a notice in the inbox and an e-mail in their
# own language with the calendar invitation (.ics) attached; 24 hours ahead a reminder, once.


@dataclass(frozen=True)
class AppointmentReader:
    """Someone who gets an appointment's mails: an address, a language, and the login if any."""

    email: str
    language: str
    user: Any = None
    phone: str = ""
    is_candidate: bool = False


def _appointment_readers(appointment: Appointment) -> list[AppointmentReader]:
    from notifications.mail import reader_language

    from .selectors import invitation_language

    candidate = appointment.case.candidate
    readers: list[AppointmentReader] = []
    if candidate.erased_at is None:
        if candidate.user_id and candidate.user.is_active:
            readers.append(
                AppointmentReader(
                    email=candidate.user.email or candidate.email,
                    language=reader_language(candidate.user),
                    user=candidate.user,
                    phone=candidate.phone,
                    is_candidate=True,
                )
            )
        elif candidate.email or candidate.phone:
            readers.append(
                AppointmentReader(
                    email=candidate.email,
                    language=invitation_language(candidate=candidate),
                    phone=candidate.phone,
                    is_candidate=True,
                )
            )
    for user in appointment.staff_attendees.filter(is_active=True).order_by("pk"):
        readers.append(AppointmentReader(email=user.email, language=reader_language(user), user=user))
    return readers


def _appointment_check(
    *, case: Case, starts_at, ends_at, interpreter_needed: bool, interpreter_language: str
):
    errors = {}
    if ends_at <= starts_at:
        errors["ends_at"] = _("Das Ende muss nach dem Beginn liegen.")
    if interpreter_needed and not interpreter_language:
        errors["interpreter_language"] = _("Bitte geben Sie die Sprache der Dolmetschung an.")
    if not case.is_open:
        errors["__all__"] = _("Der Fall ist abgeschlossen.")
    if errors:
        raise ValidationError(errors)


def _staff_attendees_allowed(*, case: Case, attendees) -> list:
    """Only staff of the case's organisations may attend (nobody from elsewhere is invited)."""
    from .selectors import appointment_staff_choices

    allowed = {u.pk for u in appointment_staff_choices(case=case)}
    chosen = [u for u in attendees if u.pk in allowed]
    if len(chosen) != len(list(attendees)):
        raise ValidationError({"staff_attendees": _("Diese Person kann nicht zum Termin eingeladen werden.")})
    return chosen


@transaction.atomic
def appointment_create(
    *,
    case: Case,
    actor: User,
    kind: str,
    starts_at,
    ends_at,
    place: str = "",
    video_link: str = "",
    notes: str = "",
    staff_attendees=(),
    interpreter_needed: bool = False,
    interpreter_language: str = "",
    submission_key: uuid.UUID | None = None,
) -> Appointment:
    """Plan an appointment on the case; a double submit of one form plans it once."""
    _appointment_check(
        case=case,
        starts_at=starts_at,
        ends_at=ends_at,
        interpreter_needed=interpreter_needed,
        interpreter_language=interpreter_language,
    )
    attendees = _staff_attendees_allowed(case=case, attendees=list(staff_attendees))

    def find() -> Appointment | None:
        if submission_key is None:
            return None
        return Appointment.objects.filter(case=case, submission_key=submission_key).first()

    def create() -> Appointment:
        appointment = Appointment.objects.create(
            case=case,
            municipality_id=case.municipality_id,
            organisation_id=case.responsible_organisation_id,
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            video_link=video_link,
            notes=notes,
            notes_lang=_lang(get_language()),
            interpreter_needed=interpreter_needed,
            interpreter_language=interpreter_language if interpreter_needed else "",
            uid=uuid.uuid4(),
            created_by=actor,
            submission_key=submission_key,
        )
        appointment.staff_attendees.set(attendees)
        _audit(actor=actor, action=AuditEntry.Action.CREATE, candidate=case.candidate, fields=["appointment"])
        _appointment_announce(appointment=appointment, what=AppointmentStatus.PLANNED)
        return appointment

    appointment = _created_once(find, create)
    return appointment


@transaction.atomic
def appointment_update(*, appointment: Appointment, actor: User, **data: Any) -> Appointment:
    """Change an appointment: the sequence goes up, everyone gets the changed invitation. A
    cancelled appointment stays cancelled (plan a new one)."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.is_cancelled:
        raise ValidationError(_("Ein abgesagter Termin kann nicht mehr geändert werden."))
    _appointment_check(
        case=appointment.case,
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        interpreter_needed=data.get("interpreter_needed", False),
        interpreter_language=data.get("interpreter_language", ""),
    )
    attendees = _staff_attendees_allowed(
        case=appointment.case, attendees=list(data.pop("staff_attendees", ()))
    )
    # Those taken off the list are told it is cancelled for them.
    dropped = list(appointment.staff_attendees.exclude(pk__in=[u.pk for u in attendees]))
    moved = data["starts_at"] != appointment.starts_at
    if "notes" in data and data["notes"] != appointment.notes:
        appointment.notes_lang = _lang(get_language())
    for name in ("kind", "starts_at", "ends_at", "place", "video_link", "notes", "interpreter_needed"):
        if name in data:
            setattr(appointment, name, data[name])
    appointment.interpreter_language = (
        data.get("interpreter_language", "") if appointment.interpreter_needed else ""
    )
    appointment.status = AppointmentStatus.CHANGED
    appointment.sequence += 1
    if moved:
        appointment.reminder_sent_at = None  # a new time earns a new reminder
    appointment.save()
    appointment.staff_attendees.set(attendees)
    _audit(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        candidate=appointment.case.candidate,
        fields=["appointment"],
    )
    _appointment_announce(appointment=appointment, what=AppointmentStatus.CHANGED, dropped=dropped)
    return appointment


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, actor: User) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.is_cancelled:
        return appointment  # a second click changes nothing and sends nothing
    appointment.status = AppointmentStatus.CANCELLED
    appointment.sequence += 1
    appointment.save(update_fields=["status", "sequence", "updated_at"])
    _audit(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        candidate=appointment.case.candidate,
        fields=["appointment"],
    )
    _appointment_announce(appointment=appointment, what=AppointmentStatus.CANCELLED)
    return appointment


def _appointment_announce(*, appointment: Appointment, what: str, dropped=()) -> None:
    """The inbox notice (no mail of its own: the invitation mail below carries the .ics) and the
    invitation, after the commit through the outbox, one job per reader."""
    appointment = Appointment.objects.select_related("case__candidate__user").get(pk=appointment.pk)
    params = {"what": what, "at": appointment.starts_at.isoformat(), "kind": appointment.kind}
    candidate_user = appointment.case.candidate.user
    if candidate_user is not None and appointment.case.candidate.erased_at is None:
        notify(
            recipients=[candidate_user],
            kind=notices.APPOINTMENT_CANDIDATE,
            params=params,
            link="candidates:my_plan",
            target=appointment,
            email=False,
        )
    staff = list(appointment.staff_attendees.filter(is_active=True))
    notify(
        recipients=staff,
        kind=notices.APPOINTMENT_STAFF,
        params=params,
        link="candidates:case_detail",
        link_kwargs={"case_pk": appointment.case_id},
        target=appointment,
        email=False,
    )
    from .tasks import send_appointment_mail

    method = "CANCEL" if what == AppointmentStatus.CANCELLED else "REQUEST"
    enqueue(send_appointment_mail, appointment.pk, method, appointment.sequence)
    for user in dropped:
        enqueue(send_appointment_mail, appointment.pk, "CANCEL", appointment.sequence, user.pk)
    sms_text = {
        AppointmentStatus.PLANNED: "planned",
        AppointmentStatus.CHANGED: "changed",
        AppointmentStatus.CANCELLED: "cancelled",
    }[what]
    if sms_sender(municipality_id=appointment.case.municipality_id) is not None:
        from .tasks import send_appointment_sms

        enqueue(send_appointment_sms, appointment.pk, sms_text)


def _appointment_text(
    appointment: Appointment, *, what: str, for_candidate: bool = True
) -> tuple[str, str, str]:
    """Summary, subject and body in the active language."""
    from notifications.registry import show_datetime

    kind = str(appointment.get_kind_display())
    when = show_datetime(appointment.starts_at.isoformat())
    headline = {
        "planned": _("Neuer Termin: {kind} am {when}"),
        "changed": _("Termin geändert: {kind} am {when}"),
        "cancelled": _("Termin abgesagt: {kind} am {when}"),
        "reminder": _("Erinnerung: morgen {kind} am {when}"),
    }[what].format(kind=kind, when=when)
    lines = [headline, ""]
    if appointment.place:
        lines.append(_("Ort: {place}").format(place=appointment.place))
    if appointment.video_link:
        lines.append(_("Video-Link: {link}").format(link=appointment.video_link))
    if appointment.interpreter_needed:
        lines.append(
            _("Eine Dolmetschung ist eingeplant ({language}).").format(
                language=appointment.get_interpreter_language_display()
            )
        )
    # The person finds it on her plan, staff on the case page (both behind the login).
    page = (
        reverse("candidates:my_plan")
        if for_candidate
        else reverse("candidates:case_detail", kwargs={"case_pk": appointment.case_id})
    )
    lines += ["", _("Ihre Termine nach der Anmeldung: {link}").format(link=absolute_url(page))]
    subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{headline}"
    body = _("Guten Tag,") + "\n\n" + "\n".join(lines) + "\n\n" + _("Ihr Lotse-Team")
    return kind, subject, body


def _appointment_mail(
    appointment: Appointment, reader: AppointmentReader, *, what: str, method: str | None
) -> None:
    from django.core.mail import EmailMessage

    from .ics import appointment_ics

    with translation.override(reader.language):
        summary, subject, body = _appointment_text(appointment, what=what, for_candidate=reader.is_candidate)
        message = EmailMessage(subject, body, None, [reader.email])
        if method:
            ics = appointment_ics(
                uid=str(appointment.uid),
                sequence=appointment.sequence,
                method=method,
                starts_at=appointment.starts_at,
                ends_at=appointment.ends_at,
                summary=summary,
                location=appointment.place or appointment.video_link,
                url=appointment.video_link,
                organizer_email=settings.DEFAULT_FROM_EMAIL.split("<")[-1].strip(">"),
                attendee_emails=[reader.email],
            )
            message.attach("termin.ics", ics, f"text/calendar; method={method}; charset=utf-8")
    message.send()


def appointment_mail_send(
    *, appointment_id: int, method: str, sequence: int, user_id: int | None = None
) -> int:
    """The invitation (REQUEST) or cancellation (CANCEL) to every attendee, or to one dropped
    staff member. A job for an older sequence is stale (a later change sent its own) and ends."""
    appointment = (
        Appointment.objects.select_related("case__candidate__user").filter(pk=appointment_id).first()
    )
    if appointment is None or appointment.sequence != sequence:
        return 0
    what = {"REQUEST": "planned" if sequence == 0 else "changed", "CANCEL": "cancelled"}[method]
    if user_id is not None:
        from notifications.mail import reader_language

        user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
        readers = (
            [AppointmentReader(email=user.email, language=reader_language(user), user=user)] if user else []
        )
        what = "cancelled"
    else:
        readers = _appointment_readers(appointment)
    sent = 0
    for reader in readers:
        if reader.email:
            _appointment_mail(appointment, reader, what=what, method=method)
            sent += 1
    return sent


def sms_sender(*, municipality_id: int):
    """The deployment's SMS sender (``LOTSE_SMS_SENDER``, a dotted path to a class with
    ``send(to, text)``) for a municipality that has opted in (``Municipality.sms_appointments``),
    or None: by default no SMS is sent."""
    from django.utils.module_loading import import_string

    from organisations.models import Municipality

    path = getattr(settings, "LOTSE_SMS_SENDER", "")
    if not path or not Municipality.objects.filter(pk=municipality_id, sms_appointments=True).exists():
        return None
    return import_string(path)()


def appointment_sms_send(*, appointment_id: int, what: str) -> int:
    """A short SMS to the person (only where a sender is configured and a phone number known):
    kind and time, in their language — never the place or notes."""
    appointment = (
        Appointment.objects.select_related("case__candidate__user").filter(pk=appointment_id).first()
    )
    if appointment is None:
        return 0
    sender = sms_sender(municipality_id=appointment.case.municipality_id)
    if sender is None:
        return 0
    sent = 0
    for reader in _appointment_readers(appointment):
        if reader.phone:
            with translation.override(reader.language):
                _summary, subject, _body = _appointment_text(appointment, what=what)
            sender.send(reader.phone, subject.removeprefix(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX))
            sent += 1
    return sent


APPOINTMENT_REMINDER_AHEAD = timedelta(hours=24)


def appointment_reminders_send(*, now=None) -> int:
    """Every appointment that starts within the next 24 hours and is not cancelled gets its
    reminder once: a conditional UPDATE claims it (``reminder_sent_at`` from NULL), so two runs or
    two workers never both send. Returns how many appointments were reminded."""
    now = now or timezone.now()
    due = Appointment.objects.filter(
        reminder_sent_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + APPOINTMENT_REMINDER_AHEAD,
        case__candidate__erased_at__isnull=True,
    ).exclude(status=AppointmentStatus.CANCELLED)
    reminded = 0
    for pk in list(due.values_list("pk", flat=True)):
        if not Appointment.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now):
            continue  # another run claimed it
        appointment = Appointment.objects.select_related("case__candidate__user").get(pk=pk)
        try:
            for reader in _appointment_readers(appointment):
                if reader.email:
                    _appointment_mail(appointment, reader, what="reminder", method=None)
        except Exception:
            # Not sent: give the claim back so that the next run sends it.
            Appointment.objects.filter(pk=pk).update(reminder_sent_at=None)
            raise
        appointment_sms_send(appointment_id=pk, what="reminder")
        reminded += 1
    return reminded


def appointments_export(*, candidate: Candidate) -> list[dict[str, Any]]:
    return [
        {
            "kind": a.kind,
            "starts_at": a.starts_at.isoformat(),
            "ends_at": a.ends_at.isoformat(),
            "place": a.place,
            "place_lang": "de",  # a place in Germany, shown as written (as on her plan)
            "video_link": a.video_link,
            "notes": a.notes,
            "notes_lang": a.notes_lang,
            "interpreter_needed": a.interpreter_needed,
            "interpreter_language": a.interpreter_language,
            "status": a.status,
        }
        for a in Appointment.objects.filter(case__candidate=candidate).order_by("starts_at", "pk")
    ]


def appointments_erase(*, candidate: Candidate) -> int:
    """Blank what says where and why; keep the rows, kinds, dates and status for the figures."""
    return Appointment.objects.filter(case__candidate=candidate).update(place="", video_link="", notes="")


# --- closing a case with an evaluation; phase history; reassigning (issue 14 §4) ---------------


def _phase_write(*, case: Case, actor: User | None, phase: str, at=None) -> Case:
    """The one place a case's phase changes: the current stay ends, a new dated one begins (the
    history on the case page and the "days in each phase" figure read these rows)."""
    at = at or timezone.now()
    previous = case.phase
    with transaction.atomic():
        CasePhaseChange.objects.filter(case=case, left_at__isnull=True).update(left_at=at)
        case.phase = phase
        case.closed_at = at if phase == CasePhase.CLOSED else None
        case.save(update_fields=["phase", "closed_at", "updated_at"])
        CasePhaseChange.objects.create(
            case=case, from_phase=previous, to_phase=phase, changed_at=at, changed_by=actor
        )
    return case


def case_close(*, case: Case, actor: User, reason: str, goals_reached=(), note: str = "") -> CaseEvaluation:
    """Close an open case with its evaluation: the reason, the plan's goals that were reached
    (marked achieved) and, for an employment, the follow-up question due six months later."""
    if reason not in ClosingReason.values:
        raise ValidationError({"reason": _("Bitte wählen Sie den Grund des Abschlusses.")})
    goals = list(goals_reached)
    if any(goal.case_id != case.pk for goal in goals):
        raise ValidationError({"goals_reached": _("Nur Ziele dieses Falls können erreicht sein.")})
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.phase == CasePhase.CLOSED:
            raise ValidationError(_("Dieser Fall ist schon abgeschlossen."), code="closed")
        now = timezone.now()
        evaluation = CaseEvaluation.objects.create(
            case=case,
            reason=reason,
            note=(note or "").strip(),
            closed_at=now,
            closed_by=actor,
            follow_up_due=timezone.localdate(now) + timedelta(days=FOLLOW_UP_AFTER_DAYS)
            if reason == ClosingReason.EMPLOYMENT
            else None,
        )
        evaluation.goals_reached.set(goals)
        Goal.objects.filter(pk__in=[g.pk for g in goals]).exclude(status=GoalStatus.ACHIEVED).update(
            status=GoalStatus.ACHIEVED
        )
        case.phase = locked.phase
        _phase_write(case=case, actor=actor, phase=CasePhase.CLOSED, at=now)
    _audit(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        candidate=case.candidate,
        fields=["case.phase", "case.evaluation"],
    )
    return evaluation


def case_reopen(*, case: Case, actor: User, reason: str) -> Case:
    """Reopen a closed case (with a reason, audited): it goes back to the phase it was closed from;
    its evaluation is kept, marked reopened, and an open follow-up question is no longer asked."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Bitte begründen Sie, warum der Fall wieder eröffnet wird.")})
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.phase != CasePhase.CLOSED:
            raise ValidationError(_("Dieser Fall ist nicht abgeschlossen."), code="open")
        last = (
            CasePhaseChange.objects.filter(case=case, to_phase=CasePhase.CLOSED)
            .order_by("-changed_at", "-pk")
            .values_list("from_phase", flat=True)
            .first()
        )
        back_to = last if last and last != CasePhase.CLOSED else CasePhase.MONITORING
        now = timezone.now()
        CaseEvaluation.objects.filter(case=case, reopened_at__isnull=True).update(
            reopened_at=now, reopened_by=actor, reopen_reason=reason[:1000]
        )
        case.phase = CasePhase.CLOSED
        _phase_write(case=case, actor=actor, phase=back_to, at=now)
    _audit(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        candidate=case.candidate,
        fields=["case.phase", "case.reopened"],
        note="reopened",
    )
    return case


def closure_follow_up_answer(*, evaluation: CaseEvaluation, actor: User, answer: str) -> CaseEvaluation:
    """The case staff's answer to "is the employment still running?" (once; a later answer corrects it)."""
    if answer not in FollowUpAnswer.values:
        raise ValidationError({"answer": _("Bitte wählen Sie eine Antwort.")})
    if evaluation.follow_up_due is None or evaluation.reopened_at is not None:
        raise ValidationError(_("Zu diesem Abschluss gibt es keine Nachfrage."))
    evaluation.follow_up_answer = answer
    evaluation.follow_up_answered_at = timezone.now()
    evaluation.follow_up_answered_by = actor
    evaluation.save(update_fields=["follow_up_answer", "follow_up_answered_at", "follow_up_answered_by"])
    _audit(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        candidate=evaluation.case.candidate,
        fields=["case.evaluation.follow_up"],
    )
    return evaluation


def closure_follow_ups_remind(*, today: date | None = None) -> int:
    """Daily (beat): ask the case staff of each case closed with an employment, once, when the
    six-month question is due. Returns how many questions went out."""
    from .selectors import closure_follow_up_recipients

    today = today or timezone.localdate()
    due = CaseEvaluation.objects.filter(
        follow_up_due__lte=today,
        follow_up_reminded_at__isnull=True,
        follow_up_answer="",
        reopened_at__isnull=True,
        case__candidate__erased_at__isnull=True,
    ).select_related("case__case_manager", "case__responsible_organisation")
    sent = 0
    for evaluation in due:
        # Claim the row first: two workers never both send it.
        if not CaseEvaluation.objects.filter(pk=evaluation.pk, follow_up_reminded_at__isnull=True).update(
            follow_up_reminded_at=timezone.now()
        ):
            continue
        notify(
            recipients=closure_follow_up_recipients(case=evaluation.case),
            kind=notices.CLOSURE_FOLLOW_UP,
            params={"day": timezone.localdate(evaluation.closed_at).isoformat()},
            link="candidates:case_closure",
            link_kwargs={"case_pk": evaluation.case_id},
            target=evaluation.case,
            dedupe_key=f"closure-follow-up:{evaluation.pk}",
        )
        sent += 1
    return sent


def cases_reassign(*, actor: User, organisation: Organisation, cases, to_user: User) -> int:
    """A team lead hands the open cases of departed colleagues to an active case manager or job
    coach of the same organisation; each person is told who their new contact is, the new case
    manager gets one notice. Returns how many cases moved."""
    from .selectors import reassign_targets

    if not any(
        m.is_lead and m.organisation_id == organisation.pk and m.role in CASE_STAFF
        for m in access.memberships(user=actor)
    ):
        raise ValidationError(_("Nur die Leitung der Organisation kann Fälle neu zuweisen."))
    if to_user not in reassign_targets(organisation=organisation):
        raise ValidationError({"to_user": _("Bitte wählen Sie eine aktive Fachkraft dieser Organisation.")})
    moved = []
    with transaction.atomic():
        for case in cases:
            if case.responsible_organisation_id != organisation.pk or not case.is_open:
                raise ValidationError(
                    _("Nur offene Fälle der eigenen Organisation können neu zugewiesen werden.")
                )
            if case.case_manager_id == to_user.pk:
                continue
            case.case_manager = to_user
            case.save(update_fields=["case_manager", "updated_at"])
            _audit(
                actor=actor,
                action=AuditEntry.Action.CHANGE,
                candidate=case.candidate,
                fields=["case.case_manager"],
                note="reassigned",
            )
            moved.append(case)
    for case in moved:
        if case.candidate.user_id:
            notify(
                recipients=[case.candidate.user],
                kind=notices.NEW_CONTACT_CANDIDATE,
                params={"name": to_user.get_full_name() or to_user.email},
                link="candidates:my_profile",
                target=case.candidate,
            )
    if moved:
        notify(
            recipients=[to_user],
            kind=notices.CASES_ASSIGNED_STAFF,
            params={"n": len(moved)},
            link="candidates:case_list",
        )
    return len(moved)


# --- the Clearingstelle: questions to the Ausländerbehörde (issue 14 §3) ---------------------------

IMMIGRATION_QUESTION_MIN_DAYS = 1


@transaction.atomic
def immigration_question_ask(
    *, case: Case, actor: User, office: Organisation, topic: str, message: str, due_date: date
) -> ImmigrationQuestion:
    """Send a question about ``case``'s person to the municipality's Ausländerbehörde.

    What travels: the topic, the words the member of staff wrote, the answer date and the person's
    name and date of birth (the office files by them; nothing else of the case file). The office's
    members are told; the question is due on ``due_date``."""
    from .selectors import immigration_offices

    errors: dict[str, list[str]] = {}
    if office.pk not in {o.pk for o in immigration_offices(municipality_id=case.municipality_id)}:
        errors["office"] = [_("Bitte wählen Sie die Ausländerbehörde Ihrer Kommune.")]
    if topic not in ImmigrationQuestionTopic.values:
        errors["topic"] = [_("Bitte wählen Sie ein Thema.")]
    message = (message or "").strip()
    if not message:
        errors["message"] = [_("Bitte schreiben Sie Ihre Frage.")]
    if due_date < timezone.localdate() + timedelta(days=IMMIGRATION_QUESTION_MIN_DAYS):
        errors["due_date"] = [_("Die Antwortfrist muss mindestens einen Tag in der Zukunft liegen.")]
    if not case.is_open:
        errors["__all__"] = [_("Der Fall ist abgeschlossen.")]
    if errors:
        raise ValidationError(errors)
    candidate = case.candidate
    question = ImmigrationQuestion.objects.create(
        case=case,
        municipality_id=case.municipality_id,
        office=office,
        asked_by=actor,
        topic=topic,
        person_name=f"{candidate.first_name} {candidate.last_name}".strip(),
        person_birth_date=candidate.birth_date,
        message=message,
        due_date=due_date,
    )
    _audit(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        candidate=candidate,
        fields=["immigration_question"],
        note=f"immigration question {question.pk} to organisation {office.pk}",
    )
    notify(
        recipients=_immigration_office_members(office_id=office.pk),
        kind=notices.IMMIGRATION_QUESTION_OFFICE,
        params={"topic": topic, "day": due_date.isoformat()},
        link="candidates:office_question_detail",
        link_kwargs={"pk": question.pk},
        target=question,
    )
    return question


def _immigration_office_members(*, office_id: int) -> list[User]:
    from accounts.roles import Role
    from organisations.models import Membership

    return [
        m.user
        for m in Membership.objects.filter(
            organisation_id=office_id, role=Role.IMMIGRATION_OFFICE, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("-is_lead", "pk")
    ]


@transaction.atomic
def immigration_question_answer(
    *, question: ImmigrationQuestion, actor: User, answer: str
) -> ImmigrationQuestion:
    """The office answers; the member of staff who asked (and the case manager) are told and find
    the answer on the case page. An answered question stays answered (a second answer is refused)."""
    from notifications.services import notification_mark_read_for

    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": [_("Bitte schreiben Sie eine Antwort.")]})
    locked = ImmigrationQuestion.objects.select_for_update().get(pk=question.pk)
    if not locked.is_open:
        raise ValidationError(_("Diese Frage ist bereits beantwortet."))
    locked.answer = answer
    locked.status = ImmigrationQuestion.Status.ANSWERED
    locked.answered_by = actor
    locked.answered_at = timezone.now()
    locked.save(update_fields=["answer", "status", "answered_by", "answered_at"])
    case = Case.objects.select_related("case_manager").get(pk=locked.case_id)
    notify(
        recipients=[locked.asked_by, case.case_manager],
        kind=notices.IMMIGRATION_QUESTION_ANSWERED,
        params={"topic": locked.topic},
        link="candidates:case_detail",
        link_kwargs={"case_pk": locked.case_id},
        target=locked,
        dedupe_key=f"immigration-question-answered:{locked.pk}",
    )
    for member in _immigration_office_members(office_id=locked.office_id):
        notification_mark_read_for(user=member, target=locked)
    return locked


def immigration_questions_remind(*, today: date | None = None) -> int:
    """Daily (beat): each open question past its answer date is reminded to the office, once.
    Returns how many questions were reminded."""
    today = today or timezone.localdate()
    overdue = ImmigrationQuestion.objects.filter(
        status=ImmigrationQuestion.Status.OPEN, reminded_at__isnull=True, due_date__lt=today
    ).only("pk", "office_id", "topic", "due_date")
    reminded = 0
    for question in overdue:
        with transaction.atomic():
            # Claimed first: a second worker (or run) finds nothing left to remind.
            if not ImmigrationQuestion.objects.filter(pk=question.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            ):
                continue
            notify(
                recipients=_immigration_office_members(office_id=question.office_id),
                kind=notices.IMMIGRATION_QUESTION_OVERDUE,
                params={"topic": question.topic, "day": question.due_date.isoformat()},
                link="candidates:office_question_detail",
                link_kwargs={"pk": question.pk},
                target=question,
                dedupe_key=f"immigration-question-overdue:{question.pk}",
            )
            reminded += 1
    return reminded


def immigration_questions_audit_view(*, actor: User, questions, detail: bool = False) -> None:
    """The office's reads are audited against the person (their "who looked" page shows them): the
    list once a day per person, each opened question every time."""
    if detail:
        for question in questions:
            audit_record(
                actor=actor,
                action=AuditEntry.Action.VIEW,
                record_type="candidates.candidate",
                record_id=question.subject_id,
                municipality_id=question.municipality_id,
                fields=["immigration_question"],
                note=f"immigration question {question.pk}",
            )
        return
    from privacy.services import audit_record_views_once_a_day

    audit_record_views_once_a_day(
        actor=actor,
        record_type="candidates.candidate",
        records=[(q.subject_id, q.municipality_id) for q in questions],
        fields=["immigration_question_list"],
        note="immigration questions",
    )


# --- the work permission procedure (issue 14 §3) ----------------------------------------------------

WORK_PERMIT_FIELDS = (
    "applied_on",
    "ba_approval",
    "ba_requested_on",
    "ba_decision",
    "ba_decided_on",
    "decision",
    "decided_on",
    "valid_until",
    "note",
)


@transaction.atomic
def work_permit_procedure_save(
    *, case: Case, actor: User, procedure: WorkPermitProcedure | None = None, **data: Any
) -> WorkPermitProcedure:
    """Record or update the work permission procedure of a case; every change is audited."""
    errors = work_permit_problems(data)
    if errors:
        raise ValidationError(errors)
    return _work_permit_save(case=case, actor=actor, procedure=procedure, data=data)


def work_permit_problems(data: dict[str, Any]) -> dict[str, list[str]]:
    """What is wrong with a procedure's dates and decisions (field errors; the form shows them too)."""
    errors: dict[str, list[str]] = {}
    if data.get("decision", PermitDecision.PENDING) != PermitDecision.PENDING and not data.get("decided_on"):
        errors["decided_on"] = [_("Bitte geben Sie an, wann entschieden wurde.")]
    if data.get("decision") == PermitDecision.PENDING and data.get("decided_on"):
        errors["decided_on"] = [_("Ein Entscheidungsdatum gibt es erst mit einer Entscheidung.")]
    if data.get("ba_decision", PermitDecision.PENDING) != PermitDecision.PENDING and not data.get(
        "ba_decided_on"
    ):
        errors["ba_decided_on"] = [_("Bitte geben Sie an, wann die BA entschieden hat.")]
    applied = data.get("applied_on")
    decided = data.get("decided_on")
    if applied and decided and decided < applied:
        errors["decided_on"] = [_("Die Entscheidung kann nicht vor dem Antrag liegen.")]
    return errors


def _work_permit_save(*, case: Case, actor: User, procedure, data) -> WorkPermitProcedure:
    if procedure is None:
        procedure = WorkPermitProcedure(case=case, created_by=actor)
    for name in WORK_PERMIT_FIELDS:
        if name in data:
            setattr(procedure, name, data[name] if data[name] is not None else None)
    procedure.note = (procedure.note or "").strip()
    procedure.save()
    _audit(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        candidate=case.candidate,
        fields=["work_permit_procedure"],
        note=f"work permit procedure {procedure.pk}",
    )
    return procedure


# --- the recognition procedure (issue 14 §3) --------------------------------------------------------

RECOGNITION_FIELDS = (
    "recognition_occupation",
    "recognition_authority",
    "recognition_applied_on",
    "recognition_status",
    "recognition_decided_on",
    "adaptation_training",
    "adaptation_provider",
    "adaptation_from",
    "adaptation_until",
    "adaptation_funding",
)


def recognition_problems(data: dict[str, Any]) -> dict[str, list[str]]:
    """What is wrong with a recognition procedure's dates and decision (field errors)."""
    from .models import RECOGNITION_DECISIONS

    errors: dict[str, list[str]] = {}
    status = data.get("recognition_status")
    decided = data.get("recognition_decided_on")
    applied = data.get("recognition_applied_on")
    if status in RECOGNITION_DECISIONS and not decided:
        errors["recognition_decided_on"] = [_("Bitte geben Sie an, wann entschieden wurde.")]
    elif status not in RECOGNITION_DECISIONS and decided:
        errors["recognition_decided_on"] = [_("Ein Entscheidungsdatum gibt es erst mit einer Entscheidung.")]
    if applied and decided and decided < applied:
        errors["recognition_decided_on"] = [_("Die Entscheidung kann nicht vor dem Antrag liegen.")]
    if status == "in_progress" and not data.get("recognition_authority"):
        errors["recognition_authority"] = [_("Bitte angeben, bei welcher Stelle die Anerkennung läuft.")]
    start, end = data.get("adaptation_from"), data.get("adaptation_until")
    if start and end and end < start:
        errors["adaptation_until"] = [_("Das Ende kann nicht vor dem Beginn liegen.")]
    return errors


@transaction.atomic
def recognition_procedure_save(*, qualification: Qualification, actor: User, **data: Any) -> Qualification:
    """Record the recognition procedure of a qualification (the same row the profile shows); the
    change is audited and reaches the matching index through the qualification's signal."""
    unknown = set(data) - set(RECOGNITION_FIELDS)
    if unknown:
        raise TypeError(f"unknown recognition fields: {sorted(unknown)}")
    errors = recognition_problems(data)
    if errors:
        raise ValidationError(errors)
    changed = []
    for name, value in data.items():
        if isinstance(value, str):
            value = value.strip()
        if getattr(qualification, name) != value:
            setattr(qualification, name, value)
            changed.append(name)
    if changed:
        qualification.save()
        _audit(
            actor=actor,
            action=AuditEntry.Action.CHANGE,
            candidate=qualification.candidate,
            fields=[f"qualifications.{name}" for name in changed],
            note=f"recognition procedure {qualification.pk}",
        )
    return qualification


# --- reads through the API (issue 17, api17a) ----------------------------------------------------


def candidates_shown(*, actor: Any, candidates: list[Candidate], fields: list[str], note: str) -> int:
    """An API client read these people's data: one VIEW entry each, every time, as the pages write
    one per view (candidates.views.candidate_detail, coaching.views.employment_detail), in one query
    however long the page. ``actor`` answers for the client (whoever made the credential); ``note``
    names the credential."""
    if not candidates:
        return 0
    authenticated = getattr(actor, "is_authenticated", False)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor_id=actor.pk if authenticated else None,
            actor_label=str(actor.email if authenticated else "system")[:255],
            action=AuditEntry.Action.VIEW,
            record_type=Candidate._meta.label_lower,
            record_id=str(candidate.pk),
            municipality_id=candidate.municipality_id,
            fields=sorted(fields),
            note=note[:255],
        )
        for candidate in candidates
    )
    return len(candidates)
