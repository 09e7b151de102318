"""Writes of candidate data. Keyword-only arguments; each write leaves an audit entry
(who, which record, which fields — never the values) through privacy.services.audit_record.

Access is checked by the caller (views use candidates.selectors); services enforce the
data rules (consistent municipality, recipients of a consent, one warning per permit).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
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
from django.utils.translation import gettext as _

from notifications.links import absolute_url
from notifications.services import notify
from outbox.services import enqueue
from privacy.models import AuditEntry
from privacy.services import audit_record
from taxonomy.selectors import occupation_by_uri, skills_by_uris

from . import hooks, notices
from . import matching as candidate_matching
from .models import (
    LIVE_CONSENT_KEY,
    Assessment,
    AssessmentEntry,
    Candidate,
    CandidateOccupation,
    CandidateSkill,
    Case,
    CaseNote,
    CasePhase,
    Consent,
    ConsentScope,
    ConsentSource,
    Goal,
    Invitation,
    LanguageSkill,
    LegalCircle,
    LifeDomain,
    NeedLevel,
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
)
from .selectors import assessment_made, intake_made, responsible_case_manager

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


def _apply(candidate: Candidate, data: dict[str, Any], allowed: tuple[str, ...]) -> list[str]:
    changed = []
    for name in allowed:
        if name in data and getattr(candidate, name) != data[name]:
            setattr(candidate, name, data[name])
            changed.append(name)
    return changed


def candidate_update_profile(*, candidate: Candidate, actor: User, data: dict[str, Any]) -> list[str]:
    """Staff change the profile; the candidate's own words are never touched here. Returns changed fields."""
    changed = _apply(candidate, data, STAFF_PROFILE_FIELDS)
    if changed:
        candidate.full_clean()
        candidate.save(update_fields=[*changed, "updated_at"])
        _audit(actor=actor, action=AuditEntry.Action.CHANGE, candidate=candidate, fields=changed)
    return changed


def candidate_update_own(*, candidate: Candidate, actor: User, data: dict[str, Any]) -> list[str]:
    """The candidate changes their own profile (self-service fields only)."""
    changed = _apply(candidate, data, SELF_SERVICE_FIELDS)
    if changed:
        candidate.full_clean()
        candidate.save(update_fields=[*changed, "updated_at"])
        _audit(
            actor=actor,
            action=AuditEntry.Action.CHANGE,
            candidate=candidate,
            fields=changed,
            note="self-service",
        )
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
    _audit(actor=actor, action=AuditEntry.Action.CREATE, candidate=candidate, fields=["case"])
    return case


def case_set_phase(*, case: Case, actor: User, phase: str) -> Case:
    if phase not in CasePhase.values:
        raise ValidationError(_("Unbekannte Phase."))
    if phase != case.phase:
        case.phase = phase
        case.closed_at = timezone.now() if phase == CasePhase.CLOSED else None
        case.save(update_fields=["phase", "closed_at", "updated_at"])
        _audit(actor=actor, action=AuditEntry.Action.CHANGE, candidate=case.candidate, fields=["case.phase"])
    return case


def case_update(*, case: Case, actor: User, phase: str, legal_circle: str, case_manager: User | None) -> Case:
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
    return case_set_phase(case=case, actor=actor, phase=phase)


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
    if scope == ConsentScope.LISTING:
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
        # What the grant carried ends too (an introduction closes, its employer hears of it).
        hooks.consent_revoked(consent, actor)
    return consent


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
            {"esco_uri": o.occupation.uri, "label": o.occupation.label_de, "years": str(o.years_experience)}
            for o in candidate.occupations.select_related("occupation")
        ],
        "skills": [
            {"esco_uri": s.skill.uri, "label": s.skill.label_de}
            for s in candidate.skills.select_related("skill")
        ],
        "languages": [plain(x) for x in candidate.languages.all()],
        "qualifications": [plain(x) for x in candidate.qualifications.all()],
        "cases": [
            {
                "organisation": case.responsible_organisation.name,
                "phase": case.phase,
                "legal_circle": case.legal_circle,
                "opened_at": case.opened_at.isoformat(),
                "closed_at": case.closed_at.isoformat() if case.closed_at else None,
                "goals": [
                    {
                        "title": g.title,
                        "status": g.status,
                        "steps": [
                            {
                                "title": s.title,
                                "due_date": str(s.due_date or ""),
                                "status": s.status,
                                "responsible": s.responsible,
                                # issue 22: whose step, her answer, and its history with comments
                                "assignee": s.assignee,
                                "source": s.source,
                                "answer": s.answer,
                                "answer_text": s.answer_text,
                                "answered_at": s.answered_at.isoformat() if s.answered_at else None,
                                "history": [
                                    {
                                        "at": e.at.isoformat(),
                                        "by": "candidate" if e.by_candidate else "staff",
                                        "kind": e.kind,
                                        "text": e.text,
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
    for case in candidate.cases.all():
        deleted, _ = case.notes.all().delete()
        count += deleted
        deleted, _ = Goal.objects.filter(case=case).delete()
        count += deleted
    count += _assessment_erase(candidate)
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
        "user": None,
        "created_by": None,
        "erased_at": timezone.now(),
    }
    Candidate.objects.filter(pk=candidate.pk).update(**blank)
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
                    "own_words": e.own_words,
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
