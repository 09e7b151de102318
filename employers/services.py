"""Writes of the employers app: registration, verification, placements, the selection pipeline.

Keyword-only arguments, ``<entity>_<action>``. Views check who may call what (selectors and
organisations.access); services check what the data allows (stages, openings, consent).
"""

from __future__ import annotations

import difflib
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import BUSINESS_MERGERS, BUSINESS_RECORD_STAFF, CASE_STAFF, PLACEMENT_FINDERS, Role
from candidates.audit_names import ANONYMOUS_CARD_NOTE
from candidates.models import Candidate, Consent, ConsentScope
from candidates.selectors import (
    candidate_has_live_consent,
    case_managers_for,
    coordinator_for,
    default_job_coach,
    in_caseload,
    job_coach_choices,
    listed_candidates_for_employer,
    responsible_case,
    responsible_case_manager,
    team_lead_for,
)
from candidates.services import consent_grant
from notifications.links import absolute_url
from notifications.services import notification_mark_read_for, notify
from organisations import access
from organisations.models import Membership, Municipality, Organisation, OrganisationKind, VerificationStatus
from outbox.services import enqueue
from privacy.models import AuditEntry
from privacy.services import audit_record, audit_record_views_once_a_day
from taxonomy.models import OccupationSkill, Skill

from . import notices
from .models import (
    BusinessContact,
    BusinessContactLog,
    BusinessEventRegistration,
    BusinessRelation,
    ContractType,
    EmployerProfile,
    Employment,
    EmploymentEndReason,
    EmploymentQuality,
    Introduction,
    IntroductionStage,
    JobInterest,
    PartnerLevel,
    Placement,
    PlacementAcquisition,
    PlacementSkill,
    PlacementStatus,
    SavedSearch,
    ShortlistEntry,
    SpeedDatingBusiness,
    TrainingOffered,
)
from .quality import minimum_wage_on
from .webhooks import introduction_stage_changed

if TYPE_CHECKING:
    from accounts.models import User

Stage = Introduction.Stage
Reason = Introduction.CloseReason

# Where each step of the pipeline may start from.
_INTERVIEW_FROM = {Stage.ACCEPTED, Stage.CONTACT_REVEALED, Stage.INTERVIEW}
_OFFER_FROM = {Stage.ACCEPTED, Stage.CONTACT_REVEALED, Stage.INTERVIEW}
_HIRE_FROM = {Stage.ACCEPTED, Stage.CONTACT_REVEALED, Stage.INTERVIEW, Stage.OFFER}


CONTACT_REFERENCE_PREFIX = "introduction:"


def contact_reference(introduction: Introduction) -> str:
    """The consent reference that ties a contact grant to exactly this introduction."""
    return f"{CONTACT_REFERENCE_PREFIX}{introduction.pk}"


# --- registration and verification --------------------------------------------------------


_DUPLICATE_NAME = _("Ein Betrieb mit diesem Namen ist in dieser Kommune schon registriert.")


def _pending_employer_create(
    *, municipality: Municipality, name: str, street: str, postcode: str, city: str, email: str, phone: str
) -> Organisation:
    """A new business waiting for verification (self-registered or recorded by staff). Another way of
    creating organisations (the coordinator's) takes no lock: the unique index still refuses the
    name, and the person gets the same answer as from the duplicate check."""
    try:
        with transaction.atomic():  # a savepoint: only this insert is undone
            return Organisation.objects.create(
                municipality=municipality,
                kind=OrganisationKind.EMPLOYER,
                name=name,
                street=street,
                postcode=postcode,
                city=city,
                email=email,
                phone=phone,
                verification_status=VerificationStatus.PENDING,
            )
    except IntegrityError as exc:
        raise ValidationError({"name": _DUPLICATE_NAME}) from exc


def employer_register(
    *,
    user: User,
    municipality: Municipality,
    name: str,
    street: str,
    postcode: str,
    city: str,
    sector: str,
    size: str = "",
    contact_name: str,
    contact_email: str = "",
    contact_phone: str = "",
    register_number: str = "",
) -> EmployerProfile:
    """A business signs up: a pending employer organisation, its profile and the user as its lead.

    One registering user leads at most one business, and one name is registered once per
    municipality — held by row locks, not by a check that a simultaneous post could pass too: the
    user's row and the municipality's row are locked (always in this order) before anything is
    checked. The same form posted twice answers with the business the first post registered.
    """
    if getattr(user, "is_candidate", False):
        raise PermissionDenied
    name = name.strip()
    duplicate_name = ValidationError({"name": _DUPLICATE_NAME})
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
        public_side = (
            Membership.objects.filter(user=user, is_active=True)
            .exclude(role=Role.EMPLOYER)
            .select_related("organisation")
            .first()
        )
        if public_side is not None:
            # The same rule as accepting an invitation (organisations.services.acceptance_refusal),
            # checked under the user's row lock that accepting takes too.
            raise ValidationError(
                _(
                    "Rollen bei Arbeitgebern und Rollen in Kommune, Jobcenter, Beratung, Ehrenamt oder Kammer "
                    "schließen sich aus. Sie haben bereits die Rolle „%(role)s“ bei %(organisation)s. Bitte "
                    "registrieren Sie Ihren Betrieb mit einem eigenen Konto."
                )
                % {"role": public_side.get_role_display(), "organisation": public_side.organisation.name}
            )
        own = (
            Membership.objects.filter(
                user=user, role=Role.EMPLOYER, is_active=True, organisation__kind=OrganisationKind.EMPLOYER
            )
            .select_related("organisation")
            .first()
        )
        if own is not None:
            registered = own.organisation
            if (
                registered.municipality_id == municipality.pk
                and registered.name.casefold() == name.casefold()
            ):
                return EmployerProfile.objects.get(organisation=registered)
            raise ValidationError(
                _(
                    "Sie haben schon einen Betrieb registriert. Weitere Kolleg*innen lädt "
                    "Ihr Betrieb über die Mitgliederverwaltung ein."
                )
            )
        if business_duplicate(municipality=municipality, name=name) is not None:
            raise duplicate_name
        if register_number.strip() and any(
            DuplicateReason.REGISTER in hit.reasons
            for hit in business_duplicates(
                municipality=municipality, name=name, register_number=register_number
            )
        ):
            # The same register number is the same business under another name (issue 15 §1): a record
            # staff created is taken over through the membership invitation, never registered twice.
            raise ValidationError(
                {
                    "register_number": _(
                        "Ein Betrieb mit dieser Register-Nummer ist in dieser Kommune schon eingetragen. "
                        "Bitte wenden Sie sich an die Koordinierungsstelle: sie lädt Sie zu Ihrem Eintrag ein."
                    )
                }
            )
        organisation = _pending_employer_create(
            municipality=municipality,
            name=name,
            street=street,
            postcode=postcode,
            city=city,
            email=contact_email,
            phone=contact_phone,
        )
        profile = EmployerProfile.objects.create(
            organisation=organisation,
            sector=sector,
            size=size,
            contact_name=contact_name,
            contact_email=contact_email,
            contact_phone=contact_phone,
            register_number=register_number,
        )
        Membership.objects.create(user=user, organisation=organisation, role=Role.EMPLOYER, is_lead=True)
        audit_record(
            actor=user,
            action=AuditEntry.Action.CREATE,
            record=organisation,
            municipality_id=municipality.pk,
            note="employer registered",
        )
    access.forget(user=user)
    return profile


def employer_decide(*, organisation: Organisation, actor: User, verify: bool, note: str = "") -> Organisation:
    """Verify or reject a pending employer (the view checks organisations.verify_organisation)."""
    if organisation.kind != OrganisationKind.EMPLOYER:
        raise ValidationError(_("Nur Arbeitgeber werden geprüft."))
    organisation.verification_status = VerificationStatus.VERIFIED if verify else VerificationStatus.REJECTED
    organisation.verified_at = timezone.now()
    organisation.verified_by = actor
    organisation.save(update_fields=["verification_status", "verified_at", "verified_by"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        record=organisation,
        municipality_id=organisation.municipality_id,
        fields=["verification_status"],
        note=("employer verified" if verify else "employer rejected") + (f": {note}" if note else ""),
    )
    if verify:
        # Its people learn it where they look (inbox, mail in their language) with the way to the first placement.
        notify(
            recipients=_employer_users(organisation.pk),
            kind=notices.VERIFIED_EMPLOYER,
            params={"employer": organisation.name},
            link="employers:placement_create",
            target=organisation,
        )
        # A business that staff recorded and that confirmed a placement gets its login now.
        for acquisition in PlacementAcquisition.objects.filter(
            placement__employer__organisation=organisation, confirmed_at__isnull=False
        ).order_by("confirmed_at")[:1]:
            _offer_takeover(acquisition)
    return organisation


# --- placements -----------------------------------------------------------------------------


def _set_skills(placement: Placement, skills: Iterable[tuple[Skill, str]]) -> None:
    wanted = {skill.pk: relation for skill, relation in skills}
    PlacementSkill.objects.filter(placement=placement).exclude(skill_id__in=wanted).delete()
    existing = {ps.skill_id: ps for ps in PlacementSkill.objects.filter(placement=placement)}
    for skill_id, relation in wanted.items():
        entry = existing.get(skill_id)
        if entry is None:
            PlacementSkill.objects.create(placement=placement, skill_id=skill_id, relation=relation)
        elif entry.relation != relation:
            entry.relation = relation
            entry.save(update_fields=["relation"])


def placement_create(
    *,
    employer: EmployerProfile,
    actor: User,
    data: dict[str, Any],
    skills: Iterable[tuple[Skill, str]] = (),
    submission_key: uuid.UUID | None = None,
) -> Placement:
    """A new placement. With the form's one-time ``submission_key`` the same form posted twice
    creates one placement: a repeat (even a simultaneous one, which loses on the unique index)
    returns the placement the first post made."""

    def made() -> Placement | None:
        if submission_key is None:
            return None
        return Placement.objects.filter(created_by=actor, submission_key=submission_key).first()

    existing = made()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            placement = Placement(
                employer=employer,
                municipality_id=employer.organisation.municipality_id,
                created_by=actor,
                submission_key=submission_key,
                **data,
            )
            # The key's uniqueness is left to the index: a check here could not see a simultaneous post.
            placement.full_clean(exclude=["submission_key"])
            placement.save()
            _set_skills(placement, skills)
    except IntegrityError:
        existing = made()
        if existing is None:
            raise
        return existing
    return placement


def placement_update(
    *,
    placement: Placement,
    actor: User,
    data: dict[str, Any],
    skills: Iterable[tuple[Skill, str]] | None = None,
) -> Placement:
    with transaction.atomic():
        for field, value in data.items():
            setattr(placement, field, value)
        placement.full_clean()
        placement.save()
        if skills is not None:
            _set_skills(placement, skills)
        if placement.status == PlacementStatus.CLOSED:
            for intro in placement.introductions.exclude(stage__in=Introduction.TERMINAL):
                _move(intro, Stage.CLOSED, actor, reason=Reason.PLACEMENT_CLOSED)
    return placement


def suggested_skills(*, occupation) -> list[tuple[Skill, str]]:
    """The occupation's ESCO skills with their relation, essential first."""
    relations = (
        OccupationSkill.objects.filter(occupation=occupation)
        .select_related("skill")
        .order_by("relation", "skill__label_de")
    )
    return [(rel.skill, rel.relation) for rel in relations]


# --- the selection pipeline -----------------------------------------------------------------


def _move(
    intro: Introduction, stage: str, actor: User | None, *, reason: str = "", note: str = ""
) -> Introduction:
    previous = intro.stage
    intro.stage = stage
    intro.close_reason = reason if stage == Stage.CLOSED else ""
    intro.save(update_fields=["stage", "close_reason", "updated_at", "interview_at", "interview_place"])
    by = actor if getattr(actor, "is_authenticated", False) else None
    step = IntroductionStage.objects.create(introduction=intro, stage=stage, by=by, note=note[:500])
    introduction_stage_changed(step=step, previous=previous)
    return intro


def _about(intro: Introduction) -> dict[str, Any]:
    """What a notice says about an introduction: the placement and the business, never the person."""
    placement = intro.placement
    return {"placement": placement.title, "employer": placement.employer.organisation.name}


def _notify_candidate_side(
    intro: Introduction, candidate_kind: str, staff_kind: str, *, extra: dict[str, Any] | None = None
) -> None:
    """The candidate (if they use self-service) and the case managers of their open cases, each
    with a text addressed to them and a link to where they act on it."""
    params = {**_about(intro), **(extra or {})}
    candidate = intro.candidate
    notify(
        recipients=[candidate.user],
        kind=candidate_kind,
        params=params,
        link="employers:my_introductions",
        target=intro,
    )
    notify(
        recipients=[u for u in case_managers_for(candidate=candidate) if u.pk != candidate.user_id],
        kind=staff_kind,
        params=params,
        link="employers:staff_introductions",
        target=intro,
    )


def _employer_users(organisation_id: int) -> list[Any]:
    return [
        m.user
        for m in Membership.objects.filter(
            organisation_id=organisation_id, role=Role.EMPLOYER, is_active=True
        ).select_related("user")
    ]


def _notify_employer(intro: Introduction, kind: str, *, extra: dict[str, Any] | None = None) -> None:
    notify(
        recipients=_employer_users(intro.placement.employer.organisation_id),
        kind=kind,
        params={**_about(intro), **(extra or {})},
        link="employers:introduction_detail",
        link_kwargs={"ref": intro.reference},
        target=intro,
    )


def introduction_select(
    *, placement: Placement, candidate: Candidate, actor: User, note: str = ""
) -> Introduction:
    """The employer picks a listed candidate for one of its open placements."""
    if placement.employer.organisation_id not in access.employer_organisation_ids(user=actor):
        raise PermissionDenied
    if placement.status != PlacementStatus.OPEN:
        raise ValidationError(_("Vorschläge sind nur für offene Stellen möglich."))
    # Trust the consent rows, not the page the employer came from.
    if not listed_candidates_for_employer(user=actor).filter(pk=candidate.pk).exists():
        raise ValidationError(_("Dieses Profil ist nicht mehr freigegeben."))
    try:
        with transaction.atomic():
            intro = Introduction.objects.create(
                placement=placement, candidate=candidate, stage=Stage.SELECTED, created_by=actor
            )
            step = IntroductionStage.objects.create(
                introduction=intro, stage=Stage.SELECTED, by=actor, note=note[:500]
            )
            introduction_stage_changed(step=step, previous=None)
            _notify_candidate_side(intro, notices.SELECTED_CANDIDATE, notices.SELECTED_STAFF)
    except IntegrityError as exc:
        # The same selection sent twice (double click, resend): answer with the one the first made.
        running = Introduction.objects.filter(
            placement=placement, candidate=candidate, created_by=actor, stage=Stage.SELECTED
        ).first()
        if running is not None:
            return running
        raise ValidationError(_("Für diese Stelle läuft mit dieser Person schon eine Vorstellung.")) from exc
    return intro


def can_answer_for(*, user: User, candidate: Candidate, introduction: Introduction | None = None) -> bool:
    """The candidate themself, case staff who work on the candidate's case, or the person an
    unanswered ``introduction`` was escalated to (a team lead or the coordinator)."""
    if candidate.user_id is not None and candidate.user_id == getattr(user, "pk", None):
        return True
    if (
        introduction is not None
        and introduction.escalated_to_id is not None
        and (introduction.escalated_to_id == getattr(user, "pk", None))
    ):
        return True
    from candidates.selectors import visible_candidates

    return access.has_role(user=user, roles=CASE_STAFF) and (
        visible_candidates(user=user).filter(pk=candidate.pk).exists()
    )


def introduction_answer(
    *, introduction: Introduction, actor: User, accept: bool, note: str = ""
) -> Introduction:
    """The candidate's answer, given in self-service or recorded by their coach / case manager.

    Accepting grants a ``contact`` consent to this employer for this introduction only.
    """
    if not can_answer_for(user=actor, candidate=introduction.candidate, introduction=introduction):
        raise PermissionDenied
    with transaction.atomic():
        intro = Introduction.objects.select_for_update().get(pk=introduction.pk)
        # A proposal (SUGGESTED) carries the person's agreement already; the employer answers it.
        if intro.stage != Stage.SELECTED:
            raise ValidationError(_("Auf diese Vorstellung wurde schon geantwortet."))
        if accept:
            consent_grant(
                candidate=intro.candidate,
                scope=ConsentScope.CONTACT,
                actor=actor,
                recipient_organisation=intro.placement.employer.organisation,
                reference=contact_reference(intro),
                paper_form_reference=note if intro.candidate.user_id != actor.pk else "",
            )
            _move(intro, Stage.ACCEPTED, actor, note=note)
        else:
            _move(intro, Stage.DECLINED, actor, note=note)
        _notify_employer(intro, notices.ACCEPTED if accept else notices.DECLINED)
        # The answer is the POST that settles the request: its notices are read.
        notification_mark_read_for(user=actor, target=intro)
    return intro


def introduction_escalation_target(*, introduction: Introduction) -> tuple[User | None, User | None]:
    """(whom an unanswered selection goes to, the case manager it was waiting on): the team lead of
    the person's responsible case manager, else the coordinator of the person's municipality."""
    candidate = introduction.candidate
    case = responsible_case(candidate_id=candidate.pk)
    case_manager = responsible_case_manager(case=case) if case is not None else None
    lead = team_lead_for(user=case_manager, role=Role.CASE_MANAGER, municipality_id=candidate.municipality_id)
    return lead or coordinator_for(municipality_id=candidate.municipality_id), case_manager


def introductions_escalate(*, now: datetime | None = None) -> int:
    """Daily: selections nobody answered within LOTSE_INTRODUCTION_ANSWER_DAYS go to the team lead
    of the responsible case manager or the coordinator, who may answer them from then on. Once
    each: ``escalated_at`` is set in a conditional UPDATE that a second run (or a simultaneous
    one) does not win."""
    now = now or timezone.now()
    days = settings.LOTSE_INTRODUCTION_ANSWER_DAYS
    overdue = Introduction.objects.filter(
        stage=Stage.SELECTED,
        escalated_at__isnull=True,
        created_at__lt=now - timedelta(days=days),
        candidate__erased_at__isnull=True,
    ).select_related("candidate", "placement__employer__organisation")
    count = 0
    for intro in overdue:
        target, case_manager = introduction_escalation_target(introduction=intro)
        with transaction.atomic():
            won = Introduction.objects.filter(
                pk=intro.pk, stage=Stage.SELECTED, escalated_at__isnull=True
            ).update(escalated_at=now, escalated_to=target)
            if not won:
                continue
            count += 1
            params = {**_about(intro), "day": intro.answer_due.isoformat()}
            notify(
                recipients=[target],
                kind=notices.ESCALATED_LEAD,
                params=params,
                link="employers:staff_introductions",
                target=intro,
            )
            notify(
                recipients=[case_manager] if case_manager is not None and case_manager != target else [],
                kind=notices.ESCALATED_STAFF,
                params=params,
                link="employers:staff_introductions",
                target=intro,
            )
    return count


# --- proposals by the case manager and the candidate's interest (issue 12, journeys 3 and 4) ---


def _open_for(placement: Placement, candidate: Candidate) -> bool:
    """The placement is one the person's "jobs" pages list: open, a place free, a verified
    employer of the person's municipality."""
    from .jobs import open_placements

    return open_placements(municipality_id=candidate.municipality_id).filter(pk=placement.pk).exists()


def _proposal_staff(intro: Introduction) -> list[Any]:
    """Who hears the employer's answer to a proposal: who proposed and the case's responsible people."""
    return [intro.created_by, *case_managers_for(candidate=intro.candidate)]


def introduction_propose(
    *,
    placement: Placement,
    candidate: Candidate,
    actor: User,
    agreed: bool,
    paper_form_reference: str = "",
    source: str | None = None,
) -> Introduction:
    """The case manager proposes a person of their caseload to an open placement (stage SUGGESTED).

    The person's agreement is required and recorded as their grant for this introduction
    (candidates.services.consent_grant, scope contact, reference ``introduction:<pk>``): with it the
    employer sees the anonymised card of this introduction (selectors.introduction_card), and the
    contact once it accepts. Revoking that grant closes the proposal like any introduction it carries.
    The same proposal posted twice answers with the first; the database's one-open-introduction
    constraint holds that even for simultaneous posts.
    """
    if not agreed:
        raise ValidationError({"agreed": _("Bitte bestätigen Sie, dass die Person einverstanden ist.")})
    if not in_caseload(user=actor, candidate=candidate):
        raise PermissionDenied
    if not _open_for(placement, candidate):
        raise ValidationError(_("Vorschläge sind nur für offene Stellen möglich."))
    interest = JobInterest.objects.filter(candidate=candidate, placement=placement).first()
    if source is None:  # an event (speed dating) names itself
        source = Introduction.Source.CANDIDATE_INTEREST if interest else Introduction.Source.STAFF_PROPOSAL
    try:
        with transaction.atomic():
            intro = Introduction.objects.create(
                placement=placement,
                candidate=candidate,
                stage=Stage.SUGGESTED,
                source=source,
                created_by=actor,
            )
            step = IntroductionStage.objects.create(introduction=intro, stage=Stage.SUGGESTED, by=actor)
            introduction_stage_changed(step=step, previous=None)
            consent_grant(
                candidate=candidate,
                scope=ConsentScope.CONTACT,
                actor=actor,
                recipient_organisation=placement.employer.organisation,
                reference=contact_reference(intro),
                paper_form_reference=paper_form_reference,
            )
            _notify_employer(intro, notices.PROPOSED_EMPLOYER)
            if interest is not None:
                # Proposing is the POST that answers the person's interest.
                notification_mark_read_for(user=actor, target=interest)
    except IntegrityError as exc:
        running = Introduction.objects.filter(
            placement=placement, candidate=candidate, created_by=actor, stage=Stage.SUGGESTED
        ).first()
        if running is not None:
            return running
        raise ValidationError(_("Für diese Stelle läuft mit dieser Person schon eine Vorstellung.")) from exc
    return intro


def introduction_proposal_accept(*, introduction: Introduction, actor: User) -> Introduction:
    """The employer takes up a proposal. The person agreed before being proposed (their grant for
    this introduction), so it moves straight to "zugestimmt": the employer reveals the contact and
    goes on as in every introduction (interview, offer, hire)."""
    if introduction.placement.employer.organisation_id not in access.employer_organisation_ids(user=actor):
        raise PermissionDenied
    with transaction.atomic():
        intro = _locked(introduction, {Stage.SUGGESTED}, _("Über diesen Vorschlag wurde schon entschieden."))
        if intro.placement.status != PlacementStatus.OPEN:
            raise ValidationError(_("Vorschläge sind nur für offene Stellen möglich."))
        if not candidate_has_live_consent(
            candidate=intro.candidate,
            scope=ConsentScope.CONTACT,
            organisation=intro.placement.employer.organisation,
            reference=contact_reference(intro),
        ):
            raise ValidationError(_("Dieses Profil ist nicht mehr freigegeben."))
        intro = _move(intro, Stage.ACCEPTED, actor)
        person = intro.candidate.user
        notify(
            recipients=[person],
            kind=notices.SELECTED_CANDIDATE,
            params=_about(intro),
            link="employers:my_introductions",
            target=intro,
        )
        notify(
            recipients=[
                u for u in _proposal_staff(intro) if u is not None and u.pk != intro.candidate.user_id
            ],
            kind=notices.PROPOSAL_ACCEPTED_STAFF,
            params=_about(intro),
            link="employers:staff_introductions",
            target=intro,
        )
        notification_mark_read_for(user=actor, target=intro)
    return intro


def introduction_proposal_decline(
    *, introduction: Introduction, actor: User, reason: str, note: str = ""
) -> Introduction:
    """The employer declines a proposal with a reason; the case manager hears it (with the reason)
    and is led back to the person's matching placements."""
    if introduction.placement.employer.organisation_id not in access.employer_organisation_ids(user=actor):
        raise PermissionDenied
    if reason not in Introduction.PROPOSAL_DECLINE_REASONS:
        raise ValidationError({"reason": _("Bitte einen Grund auswählen.")})
    with transaction.atomic():
        intro = _locked(introduction, {Stage.SUGGESTED}, _("Über diesen Vorschlag wurde schon entschieden."))
        intro = _move(intro, Stage.CLOSED, actor, reason=reason, note=note)
        notify(
            recipients=_proposal_staff(intro),
            kind=notices.PROPOSAL_DECLINED_STAFF,
            params={**_about(intro), "reason": reason},
            link="employers:candidate_jobs",
            link_kwargs={"pk": intro.candidate_id},
            target=intro,
        )
        notification_mark_read_for(user=actor, target=intro)
    return intro


def job_interest_register(*, candidate: Candidate, placement: Placement, actor: User) -> JobInterest:
    """The person says "interessiert mich" on one of their listed jobs; their responsible case
    manager hears it once, with a link to the person's matching placements (where they propose)."""
    if candidate.user_id is None or candidate.user_id != actor.pk:
        raise PermissionDenied
    if not _open_for(placement, candidate):
        raise ValidationError(_("Diese Stelle ist nicht mehr offen."))
    try:
        with transaction.atomic():
            interest, created = JobInterest.objects.get_or_create(candidate=candidate, placement=placement)
    except IntegrityError:  # the same click twice at the same moment
        return JobInterest.objects.get(candidate=candidate, placement=placement)
    if created:
        case = responsible_case(candidate_id=candidate.pk)
        case_manager = responsible_case_manager(case=case) if case is not None else None
        params = {"placement": placement.title, "employer": placement.employer.organisation.name}
        # Said, withdrawn and said again: the case manager hears it once.
        dedupe_key = f"employers.interest:{candidate.pk}:{placement.pk}"
        if case_manager is not None:
            notify(
                recipients=[case_manager],
                kind=notices.INTEREST_STAFF,
                params=params,
                link="employers:candidate_jobs",
                link_kwargs={"pk": candidate.pk},
                target=interest,
                dedupe_key=dedupe_key,
            )
        else:
            # Nobody answers for the person: the coordinator of their municipality hears it, on the
            # person's page, where they see who is (not) responsible.
            notify(
                recipients=[coordinator_for(municipality_id=candidate.municipality_id)],
                kind=notices.INTEREST_COORDINATOR,
                params=params,
                link="candidates:detail",
                link_kwargs={"pk": candidate.pk},
                target=interest,
                dedupe_key=dedupe_key,
            )
    return interest


def _export_interests(user: Any) -> list[dict[str, Any]]:
    return [
        {"placement": title, "employer": employer, "at": at.isoformat()}
        for title, employer, at in JobInterest.objects.filter(candidate__user=user).values_list(
            "placement__title", "placement__employer__organisation__name", "created_at"
        )
    ]


def _erase_interests(user: Any) -> int:
    # The candidates app's eraser may run first and unlink the login: an erased person's interests
    # go too (nobody else's interest belongs to an erased person).
    deleted, _rows = JobInterest.objects.filter(
        Q(candidate__user=user) | Q(candidate__erased_at__isnull=False)
    ).delete()
    return deleted


def register_privacy() -> None:
    """The person's "interessiert mich" goes with their GDPR export and erasure (called from ready())."""
    from privacy.registry import registry

    registry.register("employers.interest", exporter=_export_interests, eraser=_erase_interests)
    from privacy.document import register_labels

    register_labels(
        labels={
            "employers.interest": _("Stellen, für die Sie sich interessiert haben"),
            "placement": _("Stelle"),
            "employer": _("Betrieb"),
            "at": _("Zeitpunkt"),
        }
    )


def job_interest_withdraw(*, candidate: Candidate, placement: Placement, actor: User) -> None:
    if candidate.user_id is None or candidate.user_id != actor.pk:
        raise PermissionDenied
    JobInterest.objects.filter(candidate=candidate, placement=placement).delete()


def anonymous_cards_shown(*, actor: User, candidates: Iterable[tuple[int, int | None]]) -> int:
    """An employer saw these anonymised cards (id, municipality): into each person's audit trail,
    once a day per employer user and person."""
    return audit_record_views_once_a_day(
        actor=actor,
        record_type="candidates.candidate",
        records=candidates,
        fields=["anonymous_card"],
        note=ANONYMOUS_CARD_NOTE,
    )


def introduction_contact_viewed(*, introduction: Introduction, actor: User) -> None:
    """The employer saw the contact details: audit every view (a GET records nothing else)."""
    audit_record(
        actor=actor,
        action=AuditEntry.Action.VIEW,
        record=introduction.candidate,
        municipality_id=introduction.candidate.municipality_id,
        fields=["name", "email", "phone"],
        note=f"contact via {contact_reference(introduction)}",
    )


def introduction_contact_reveal(*, introduction: Introduction, actor: User) -> Introduction:
    """The employer asked to see the contact (a POST): record it as a stage, once."""
    with transaction.atomic():
        intro = Introduction.objects.select_for_update().get(pk=introduction.pk)
        if intro.stage == Stage.ACCEPTED:
            intro = _move(intro, Stage.CONTACT_REVEALED, actor)
        return intro


def _locked(introduction: Introduction, allowed: set[str], message) -> Introduction:
    intro = Introduction.objects.select_for_update().get(pk=introduction.pk)
    if intro.stage not in allowed:
        raise ValidationError(message)
    return intro


def introduction_schedule_interview(
    *, introduction: Introduction, actor: User, at: datetime, place: str
) -> Introduction:
    """The employer sets date and place of the interview; the person and their case managers hear both."""
    place = (place or "").strip()
    if not place:
        raise ValidationError({"interview_place": _("Bitte den Ort des Gesprächs angeben.")})
    with transaction.atomic():
        intro = _locked(
            introduction,
            _INTERVIEW_FROM,
            _("Ein Gesprächstermin ist erst nach der Zustimmung der Person möglich."),
        )
        intro.interview_at = at
        intro.interview_place = place[:200]
        intro = _move(
            intro,
            Stage.INTERVIEW,
            actor,
            note=f"{timezone.localtime(at).strftime('%d.%m.%Y %H:%M')}, {intro.interview_place}",
        )
        _notify_candidate_side(
            intro,
            notices.INTERVIEW_CANDIDATE,
            notices.INTERVIEW_STAFF,
            extra={"at": at.isoformat(), "place": intro.interview_place},
        )
        return intro


def introduction_offer(*, introduction: Introduction, actor: User, note: str = "") -> Introduction:
    with transaction.atomic():
        intro = _locked(
            introduction, _OFFER_FROM, _("Ein Angebot ist erst nach der Zustimmung der Person möglich.")
        )
        intro = _move(intro, Stage.OFFER, actor, note=note)
        _notify_candidate_side(intro, notices.OFFER_CANDIDATE, notices.OFFER_STAFF)
        _warn_if_permit_outstanding(intro)
        return intro


def _warn_if_permit_outstanding(intro: Introduction) -> None:
    """Issue 14 §3: the employer learns only that the start depends on an outstanding decision; the
    case staff learn that the offer waits on the work permission procedure."""
    from candidates.selectors import permit_decision_outstanding

    if not permit_decision_outstanding(candidate=intro.candidate):
        return
    _notify_employer(intro, notices.PERMIT_PENDING_EMPLOYER)
    notify(
        recipients=case_managers_for(candidate=intro.candidate),
        kind=notices.PERMIT_PENDING_STAFF,
        params=_about(intro),
        link="employers:staff_introductions",
        target=intro,
        dedupe_key=f"permit-pending:{intro.pk}",
    )


def introduction_close(
    *, introduction: Introduction, actor: User | None, reason: str, note: str = ""
) -> Introduction:
    if reason not in Reason.values:
        raise ValidationError(_("Bitte einen Grund auswählen."))
    with transaction.atomic():
        intro = _locked(
            introduction,
            set(Stage.values) - Introduction.TERMINAL,
            _("Diese Vorstellung ist schon abgeschlossen."),
        )
        return _move(intro, Stage.CLOSED, actor, reason=reason, note=note)


def introductions_close_for_revoked_consent(consent: Consent, actor: User | None) -> list[Introduction]:
    """The person took back a grant: close what it carried (reason "consent revoked") and tell the employer.

    Registered with candidates.hooks, called in the revoking transaction; see
    selectors.introductions_ended_by for which introductions a grant carries.
    """
    from .selectors import introductions_ended_by

    closed = []
    for intro in introductions_ended_by(consent):
        intro = Introduction.objects.select_for_update().get(pk=intro.pk)
        if not intro.is_open:
            continue
        closed.append(_move(intro, Stage.CLOSED, actor, reason=Reason.CONSENT_REVOKED))
        _notify_employer(intro, notices.CLOSED_EMPLOYER, extra={"reason": Reason.CONSENT_REVOKED})
    return closed


def _hire_coach(*, candidate: Candidate, job_coach: User | None) -> User | None:
    """The responsible job coach of a new employment: the one chosen, if they may be (a job coach
    of the person's municipality, see candidates.selectors.job_coach_choices), else the team's."""
    if job_coach is None:
        return default_job_coach(candidate=candidate)
    if not any(user.pk == job_coach.pk for user in job_coach_choices(candidate=candidate)):
        raise ValidationError({"job_coach": _("Diese Person ist hier nicht als Jobcoach tätig.")})
    return job_coach


def introduction_hire(
    *,
    introduction: Introduction,
    actor: User,
    start_date: date,
    contract_type: str = "",
    hours_per_week: int | None = None,
    job_coach: User | None = None,
) -> Employment:
    """Hire: one Employment, one opening fewer, the placement filled at zero.

    The employer records date, contract type and hours; the employment gets its responsible job
    coach (``job_coach`` if given and allowed, else the team's: candidates.selectors.default_job_coach).
    The person's other open introductions close ("anderswo eingestellt") and their employers get a
    kind notice.

    Races are settled by the database: the candidate row is locked first, then the placement
    (always in this order, so two hires cannot deadlock); openings drop through a conditional
    UPDATE that never goes below zero; a unique constraint refuses a second running employment.
    """
    if contract_type and contract_type not in ContractType.values:
        raise ValidationError({"contract_type": _("Bitte eine Vertragsart auswählen.")})
    # Issue 14 §3: no start before a granted work permission where one is needed.
    from candidates.selectors import permit_start_problem

    problem = permit_start_problem(candidate=introduction.candidate, start_date=start_date)
    if problem:
        raise ValidationError({"start_date": [problem]})
    coach = _hire_coach(candidate=introduction.candidate, job_coach=job_coach)
    with transaction.atomic():
        intro = Introduction.objects.select_related("placement").get(pk=introduction.pk)
        Candidate.objects.select_for_update().filter(pk=intro.candidate_id).first()
        placement = Placement.objects.select_for_update().get(pk=intro.placement_id)
        intro = _locked(intro, _HIRE_FROM, _("Einstellen ist erst nach der Zustimmung der Person möglich."))
        if Employment.objects.filter(candidate_id=intro.candidate_id, end_reason="").exists():
            raise ValidationError(_("Diese Person ist bereits eingestellt."))
        taken = Placement.objects.filter(pk=placement.pk, openings__gt=0, status=PlacementStatus.OPEN).update(
            openings=F("openings") - 1,
            # Both right-hand sides read the row as it was before this UPDATE.
            status=Case(When(openings=1, then=Value(PlacementStatus.FILLED)), default=F("status")),
        )
        if not taken:
            raise ValidationError(_("Für diese Stelle ist kein Platz mehr frei."))
        try:
            with transaction.atomic():
                employment = Employment.objects.create(
                    candidate_id=intro.candidate_id,
                    employer_id=placement.employer_id,
                    placement=placement,
                    introduction=intro,
                    kind=placement.kind,
                    start_date=start_date,
                    contract_type=contract_type,
                    hours_per_week=hours_per_week,
                    job_coach=coach,
                    created_by=actor,
                )
        except IntegrityError as exc:
            raise ValidationError(_("Diese Person ist bereits eingestellt.")) from exc
        _move(intro, Stage.HIRED, actor, note=start_date.isoformat())
        elsewhere = list(
            Introduction.objects.filter(candidate_id=intro.candidate_id)
            .exclude(pk=intro.pk)
            .exclude(stage__in=Introduction.TERMINAL)
            .select_related("placement__employer")
        )
        for other in elsewhere:
            _move(other, Stage.CLOSED, actor, reason=Reason.HIRED_ELSEWHERE)
            _notify_employer(other, notices.CLOSED_EMPLOYER, extra={"reason": Reason.HIRED_ELSEWHERE})
        placement.refresh_from_db(fields=["openings", "status"])
        if placement.status == PlacementStatus.FILLED:
            for other in placement.introductions.exclude(pk=intro.pk).exclude(
                stage__in=Introduction.TERMINAL
            ):
                _move(other, Stage.CLOSED, actor, reason=Reason.PLACEMENT_FILLED)
        _notify_candidate_side(
            intro, notices.HIRED_CANDIDATE, notices.HIRED_STAFF, extra={"start": start_date.isoformat()}
        )
    return employment


# --- employments ------------------------------------------------------------------------------


def employment_end(*, employment: Employment, actor: User, end_date: date, end_reason: str) -> Employment:
    """End a running employment with a date and a reason (the view checks who may).

    The row is locked so that two people ending it at once get one end and one clear error.
    """
    if end_reason not in EmploymentEndReason.values:
        raise ValidationError({"end_reason": _("Bitte einen Grund für das Ende auswählen.")})
    with transaction.atomic():
        current = Employment.objects.select_for_update().get(pk=employment.pk)
        if not current.is_running:
            raise ValidationError(_("Diese Beschäftigung ist schon beendet."))
        if end_date < current.start_date:
            raise ValidationError(
                {
                    "end_date": _("Das Ende kann nicht vor dem Beginn am %(start)s liegen.")
                    % {"start": current.start_date.strftime("%d.%m.%Y")}
                }
            )
        current.end_date = end_date
        current.end_reason = end_reason
        current.save(update_fields=["end_date", "end_reason"])
        municipality_id = (
            Candidate.objects.filter(pk=current.candidate_id)
            .values_list("municipality_id", flat=True)
            .first()
        )
        audit_record(
            actor=actor,
            action=AuditEntry.Action.CHANGE,
            record=current,
            municipality_id=municipality_id,
            fields=["end_date", "end_reason"],
            note=f"employment ended: {end_reason}",
        )
    employment.end_date, employment.end_reason = current.end_date, current.end_reason
    return current


# --- shortlist, saved searches, notifications --------------------------------------------


def shortlist_add(
    *, placement: Placement, candidate: Candidate, actor: User, note: str = ""
) -> ShortlistEntry:
    if not listed_candidates_for_employer(user=actor).filter(pk=candidate.pk).exists():
        raise ValidationError(_("Dieses Profil ist nicht mehr freigegeben."))
    entry, created = ShortlistEntry.objects.get_or_create(
        placement=placement, candidate=candidate, defaults={"note": note[:500], "added_by": actor}
    )
    if not created and note:
        entry.note = note[:500]
        entry.save(update_fields=["note"])
    return entry


def shortlist_remove(*, entry: ShortlistEntry, actor: User) -> None:
    entry.delete()


def saved_search_save(*, user: User, name: str, query: str) -> SavedSearch:
    search, _created = SavedSearch.objects.update_or_create(
        user=user, name=name.strip()[:100], defaults={"query": query.lstrip("?")[:2000]}
    )
    return search


def saved_search_delete(*, search: SavedSearch, actor: User) -> None:
    if search.user_id != actor.pk:
        raise PermissionDenied
    search.delete()


# --- job quality (issue 20) ---------------------------------------------------------------


# Contracts that may pay less than the statutory minimum wage (MiLoG § 22: apprentices, interns in
# a compulsory internship, Einstiegsqualifizierung under § 54a SGB III); everything else below it
# is refused.
MINIMUM_WAGE_EXEMPT = {ContractType.APPRENTICESHIP, ContractType.INTERNSHIP, ContractType.EQ}


def employment_quality_set(
    *,
    employment: Employment,
    actor: User,
    contract_type: str,
    hours_per_week: int,
    fixed_term: bool,
    social_insurance: bool,
    hourly_wage: Decimal,
    job_skill_level: int,
    person_skill_level: int | None,
    training_offered: str,
    commute_minutes: int | None = None,
) -> EmploymentQuality:
    """The job coach completes (or corrects) the job-quality fields of an employment.

    Contract type and hours are the employer's entry at hire; the coach may correct them here.
    Contradictions are refused field by field, with the law's figure in the message.
    """
    errors: dict[str, Any] = {}
    if contract_type not in ContractType.values:
        errors["contract_type"] = _("Bitte eine Vertragsart auswählen.")
    if not 1 <= (hours_per_week or 0) <= 60:
        errors["hours_per_week"] = _("Bitte die Wochenstunden zwischen 1 und 60 angeben.")
    if contract_type == ContractType.PERMANENT and fixed_term:
        errors["fixed_term"] = _("Ein unbefristeter Vertrag kann nicht befristet sein.")
    if contract_type == ContractType.MINI_JOB and social_insurance:
        errors["social_insurance"] = _("Ein Minijob ist nicht voll sozialversicherungspflichtig.")
    if contract_type == ContractType.APPRENTICESHIP and not social_insurance:
        errors["social_insurance"] = _("Eine Ausbildung ist immer sozialversicherungspflichtig.")
    if contract_type == ContractType.EQ and not social_insurance:
        # EQ participants are insured like trainees (the Bundesagentur refunds a flat share).
        errors["social_insurance"] = _("Eine Einstiegsqualifizierung ist immer sozialversicherungspflichtig.")
    if hourly_wage is None or not Decimal("0.01") <= hourly_wage <= Decimal("500"):
        errors["hourly_wage"] = _("Bitte einen Stundenlohn zwischen 0,01 € und 500 € angeben.")
    minimum, since = minimum_wage_on(employment.start_date)
    if "hourly_wage" not in errors and hourly_wage < minimum and contract_type not in MINIMUM_WAGE_EXEMPT:
        errors["hourly_wage"] = _(
            "%(wage)s € liegt unter dem gesetzlichen Mindestlohn von %(minimum)s € (gültig seit "
            "%(since)s). Nur Ausbildung, Einstiegsqualifizierung und Pflichtpraktikum dürfen darunter "
            "liegen."
        ) % {
            "wage": f"{hourly_wage:.2f}".replace(".", ","),
            "minimum": f"{minimum:.2f}".replace(".", ","),
            "since": since.strftime("%d.%m.%Y"),
        }
    if job_skill_level not in (1, 2, 3, 4):
        errors["job_skill_level"] = _("Bitte das Anforderungsniveau der Stelle (1 bis 4) angeben.")
    if person_skill_level not in (None, 1, 2, 3, 4):
        errors["person_skill_level"] = _("Bitte ein Qualifikationsniveau von 1 bis 4 angeben.")
    if training_offered not in TrainingOffered.values:
        errors["training_offered"] = _("Bitte auswählen, welche Qualifizierung der Betrieb anbietet.")
    if commute_minutes is not None and not 0 <= commute_minutes <= 240:
        errors["commute_minutes"] = _("Bitte einen Arbeitsweg zwischen 0 und 240 Minuten angeben.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Employment.objects.select_for_update().get(pk=employment.pk)
        current.contract_type, current.hours_per_week = contract_type, hours_per_week
        current.save(update_fields=["contract_type", "hours_per_week"])
        quality, _created = EmploymentQuality.objects.update_or_create(
            employment=current,
            defaults={
                "fixed_term": fixed_term or contract_type == ContractType.FIXED_TERM,
                "social_insurance": social_insurance,
                "hourly_wage": hourly_wage,
                "minimum_wage": minimum,
                "job_skill_level": job_skill_level,
                "person_skill_level": person_skill_level,
                "below_qualification": person_skill_level is not None
                and job_skill_level < person_skill_level,
                "training_offered": training_offered,
                "commute_minutes": commute_minutes,
                "updated_by": actor,
            },
        )
        audit_record(
            actor=actor,
            action=AuditEntry.Action.CHANGE,
            record=quality,
            municipality_id=Candidate.objects.filter(pk=current.candidate_id)
            .values_list("municipality_id", flat=True)
            .first(),
            fields=["job_quality"],
            note="job quality completed",
        )
    employment.contract_type, employment.hours_per_week = contract_type, hours_per_week
    return quality


# --- placements found by staff (issue 14, "Vermittlung by staff") ------------------------------

# How long the business's confirmation link works; staff send a fresh one from their list.
ACQUISITION_LINK_VALID_FOR = timedelta(days=14)
ACQUISITION_LINK_SALT = "employers.placement-acquisition"


def business_duplicate(*, municipality: Municipality, name: str) -> Organisation | None:
    """The one duplicate check for a business record (DESIGN.md "One business record"): an
    organisation of the same name (case-insensitive) in the municipality. Self-registration refuses
    it; staff who found a business reuse it."""
    return Organisation.objects.filter(municipality=municipality, name__iexact=name.strip()).first()


def acquiring_office(*, user: User) -> Organisation | None:
    """The public-side organisation in which ``user`` works as case staff (the first one), or None."""
    for membership in access.memberships(user=user):
        if membership.role in PLACEMENT_FINDERS and membership.organisation.kind != OrganisationKind.EMPLOYER:
            return membership.organisation
    return None


def business_find_or_record(
    *,
    actor: User,
    municipality: Municipality,
    name: str,
    street: str = "",
    postcode: str = "",
    city: str = "",
    sector: str,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    confirmed_distinct: bool = False,
) -> tuple[EmployerProfile, bool]:
    """The business record for a placement staff found: the existing one of that name in the
    municipality, or a new one waiting for verification like a self-registered business. Before a
    new one, the same check as the record page (``business_duplicates``: similar name, same address)
    raises ``SimilarBusinesses`` until the person confirms it is another business.
    Returns the profile and whether it was created."""
    name = name.strip()
    with transaction.atomic():
        Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
        existing = business_duplicate(municipality=municipality, name=name)
        if existing is None and not confirmed_distinct:
            hits = business_duplicates(municipality=municipality, name=name, street=street, postcode=postcode)
            if hits:
                raise SimilarBusinesses(hits)
        if existing is not None:
            if existing.kind != OrganisationKind.EMPLOYER:
                raise ValidationError(
                    {"name": _("So heißt in dieser Kommune schon eine Organisation, die kein Betrieb ist.")}
                )
            if existing.verification_status == VerificationStatus.REJECTED:
                raise ValidationError(
                    {
                        "name": _(
                            "Dieser Betrieb wurde bei der Prüfung abgelehnt. Bitte klären Sie das mit der Kammer."
                        )
                    }
                )
            profile, _created = EmployerProfile.objects.get_or_create(
                organisation=existing,
                defaults={
                    "sector": sector,
                    "contact_name": contact_name,
                    "contact_email": contact_email,
                    "contact_phone": contact_phone,
                },
            )
            return profile, False
        organisation = _pending_employer_create(
            municipality=municipality,
            name=name,
            street=street,
            postcode=postcode,
            city=city,
            email=contact_email,
            phone=contact_phone,
        )
        profile = EmployerProfile.objects.create(
            organisation=organisation,
            sector=sector,
            contact_name=contact_name,
            contact_email=contact_email,
            contact_phone=contact_phone,
        )
        audit_record(
            actor=actor,
            action=AuditEntry.Action.CREATE,
            record=organisation,
            municipality_id=municipality.pk,
            note="employer recorded by staff",
        )
    return profile, True


def placement_acquire(
    *,
    actor: User,
    business: dict[str, Any],
    data: dict[str, Any],
    skills: Iterable[tuple[Skill, str]] = (),
    submission_key: uuid.UUID | None = None,
) -> PlacementAcquisition:
    """Case staff record a placement they found with a business. It stays a draft until the
    business confirms it through the signed link mailed to ``business["contact_email"]``. The same
    form posted twice answers with the first acquisition."""
    from .tasks import send_acquisition_link

    office = acquiring_office(user=actor)
    if office is None:
        raise PermissionDenied
    if not (business.get("contact_email") or "").strip():
        raise ValidationError({"contact_email": _("Bitte die E-Mail-Adresse der Ansprechperson angeben.")})
    if submission_key is not None:
        earlier = PlacementAcquisition.objects.filter(
            placement__created_by=actor, placement__submission_key=submission_key
        ).first()
        if earlier is not None:
            return earlier
    with transaction.atomic():
        profile, _created = business_find_or_record(actor=actor, municipality=office.municipality, **business)
        placement = placement_create(
            employer=profile,
            actor=actor,
            data={**data, "status": PlacementStatus.DRAFT},
            skills=skills,
            submission_key=submission_key,
        )
        acquisition, created = PlacementAcquisition.objects.get_or_create(
            placement=placement,
            defaults={
                "found_by_organisation": office,
                "created_by": actor,
                "sent_to": business["contact_email"].strip().lower(),
            },
        )
        if created:
            audit_record(
                actor=actor,
                action=AuditEntry.Action.CREATE,
                record=placement,
                municipality_id=placement.municipality_id,
                note="placement found by staff",
            )
            enqueue(send_acquisition_link, acquisition.pk)
    return acquisition


def acquisition_link_resend(*, acquisition: PlacementAcquisition, actor: User) -> PlacementAcquisition:
    """A fresh confirmation link (the old one keeps its own expiry). Only before confirmation."""
    from .tasks import send_acquisition_link

    if acquisition.is_confirmed:
        raise ValidationError(_("Der Betrieb hat diese Stelle schon bestätigt."))
    enqueue(send_acquisition_link, acquisition.pk)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        record=acquisition.placement,
        municipality_id=acquisition.placement.municipality_id,
        note="confirmation link sent again",
    )
    return acquisition


def acquisition_token(*, acquisition: PlacementAcquisition) -> str:
    """The signed, dated token of the confirmation link: names this acquisition and its placement."""
    return signing.dumps({"a": acquisition.pk, "p": acquisition.placement_id}, salt=ACQUISITION_LINK_SALT)


def acquisition_link_send(*, acquisition_id: int) -> bool:
    """Mail the business its confirmation link (called by the Celery task), in German."""
    acquisition = (
        PlacementAcquisition.objects.filter(pk=acquisition_id, confirmed_at__isnull=True)
        .select_related("placement__employer__organisation", "found_by_organisation")
        .first()
    )
    if acquisition is None:
        return False
    placement = acquisition.placement
    link = absolute_url(
        reverse(
            "employers:acquisition_confirm",
            kwargs={"pk": placement.pk, "token": acquisition_token(acquisition=acquisition)},
        )
    )
    until = timezone.localtime(timezone.now() + ACQUISITION_LINK_VALID_FOR)
    with translation.override("de"):
        send_mail(
            subject=_("[Lotse] Bitte bestätigen Sie Ihre Stelle: %(placement)s")
            % {"placement": placement.title},
            message=_(
                "Guten Tag,\n\n%(office)s hat für %(business)s die Stelle „%(placement)s“ bei Lotse "
                "angelegt. Sie wird erst veröffentlicht, wenn Sie sie bestätigen. Bitte prüfen Sie die "
                "Angaben unter diesem Link und bestätigen Sie sie (eine Anmeldung ist dafür nicht nötig):"
                "\n\n%(link)s\n\nDer Link gilt bis %(until)s. Wenn Sie diese E-Mail nicht erwartet haben, "
                "können Sie sie einfach ignorieren: dann wird nichts veröffentlicht.\n"
            )
            % {
                "office": acquisition.found_by_organisation.name,
                "business": placement.employer.organisation.name,
                "placement": placement.title,
                "link": link,
                "until": formats.date_format(until, "DATE_FORMAT"),
            },
            from_email=None,
            recipient_list=[acquisition.sent_to],
        )
    PlacementAcquisition.objects.filter(pk=acquisition.pk).update(sent_at=timezone.now())
    return True


def placement_acquisition_confirm(*, acquisition: PlacementAcquisition) -> PlacementAcquisition:
    """The business confirms the placement staff recorded for it: the placement opens. Confirming
    twice is harmless. The staff member who recorded it hears it; a verified business without a
    login yet is invited to take its record over."""
    with transaction.atomic():
        acquisition = (
            PlacementAcquisition.objects.select_for_update()
            .select_related("placement__employer__organisation")
            .get(pk=acquisition.pk)
        )
        if acquisition.is_confirmed:
            return acquisition
        placement = acquisition.placement
        if placement.status != PlacementStatus.DRAFT:
            raise ValidationError(_("Diese Stelle kann nicht mehr bestätigt werden."))
        acquisition.confirmed_at = timezone.now()
        acquisition.save(update_fields=["confirmed_at"])
        placement.status = PlacementStatus.OPEN
        placement.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=None,
            action=AuditEntry.Action.CHANGE,
            record=placement,
            municipality_id=placement.municipality_id,
            fields=["status"],
            note="placement confirmed by the business through the signed link",
        )
        notify(
            recipients=[acquisition.created_by],
            kind=notices.ACQUISITION_CONFIRMED_STAFF,
            params={"placement": placement.title, "employer": placement.employer.organisation.name},
            link="employers:acquisition_list",
            target=placement,
        )
        _offer_takeover(acquisition)
    return acquisition


def _offer_takeover(acquisition: PlacementAcquisition) -> None:
    """Invite the business's contact to lead its record (organisations' membership invitation),
    once it is verified and while nobody at the business has a login."""
    from organisations.models import MembershipInvitation
    from organisations.services import InvitationThrottled, membership_invite

    organisation = acquisition.placement.employer.organisation
    if not organisation.is_verified or acquisition.created_by is None:
        return
    if Membership.objects.filter(organisation=organisation, is_active=True).exists():
        return
    if MembershipInvitation.objects.filter(
        organisation=organisation, status=MembershipInvitation.Status.PENDING, expires_at__gt=timezone.now()
    ).exists():
        return
    try:
        membership_invite(
            actor=acquisition.created_by,
            organisation=organisation,
            email=acquisition.sent_to,
            role=Role.EMPLOYER,
            is_lead=True,
        )
    except (ValidationError, PermissionDenied, InvitationThrottled):
        return


# --- the shared company record (issue 15 §1) ------------------------------------------------------

# Legal forms and filler words that do not tell two businesses apart ("Bäckerei Yilmaz GmbH" and
# "Bäckerei Yilmaz" are one business).
_LEGAL_FORMS = re.compile(
    r"\b(gmbh|mbh|ug|ag|kg|ohg|gbr|se|ev|e\s?v|ek|e\s?k|eg|inh|inhaber\w*|haftungsbeschränkt|co|und|and)\b"
)
SIMILAR_NAME_RATIO = 0.85


def _normal_name(name: str) -> str:
    text = re.sub(r"[^\w]+", " ", name.casefold().replace("&", " und "))
    text = _LEGAL_FORMS.sub(" ", text.replace("e.k.", "ek").replace("e.v.", "ev"))
    return " ".join(text.split())


def _normal_street(street: str) -> str:
    text = street.casefold().replace("straße", "str").replace("strasse", "str")
    return re.sub(r"[^\w]+", "", text)


def _normal_register(number: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", number.casefold())


class DuplicateReason(models.TextChoices):
    NAME = "name", _("ähnlicher Name")
    ADDRESS = "address", _("gleiche Anschrift")
    REGISTER = "register", _("gleiche Register-Nummer")


@dataclass(frozen=True)
class DuplicateHit:
    organisation: Organisation
    reasons: tuple[str, ...]

    @property
    def reason_labels(self) -> list[str]:
        return [str(DuplicateReason(reason).label) for reason in self.reasons]


def business_duplicates(
    *,
    municipality: Municipality,
    name: str,
    street: str = "",
    postcode: str = "",
    register_number: str = "",
    exclude_pk: int | None = None,
) -> list[DuplicateHit]:
    """The one duplicate check for a business record, flagging what may be the same business: a
    similar name (legal forms and punctuation ignored), the same street and postcode, or the same
    trade-register number where given. ``business_duplicate`` (the same name) is its strict part,
    which every way of creating a record refuses or reuses."""
    wanted_name, wanted_street = _normal_name(name), _normal_street(street)
    wanted_register = _normal_register(register_number)
    rows = (
        Organisation.objects.filter(municipality=municipality, kind=OrganisationKind.EMPLOYER)
        .exclude(pk=exclude_pk)
        .select_related("employer_profile")
        .order_by("name", "pk")
    )
    hits = []
    for organisation in rows:
        reasons = []
        other = _normal_name(organisation.name)
        if (
            other
            and wanted_name
            and (
                other == wanted_name
                or difflib.SequenceMatcher(None, other, wanted_name).ratio() >= SIMILAR_NAME_RATIO
            )
        ):
            reasons.append(DuplicateReason.NAME)
        if (
            wanted_street
            and postcode
            and organisation.postcode == postcode.strip()
            and _normal_street(organisation.street) == wanted_street
        ):
            reasons.append(DuplicateReason.ADDRESS)
        profile = getattr(organisation, "employer_profile", None)
        if (
            wanted_register
            and profile is not None
            and _normal_register(profile.register_number) == wanted_register
        ):
            reasons.append(DuplicateReason.REGISTER)
        if reasons:
            hits.append(DuplicateHit(organisation=organisation, reasons=tuple(str(r) for r in reasons)))
    return hits


class SimilarBusinesses(Exception):
    """Raised by ``business_create`` while the person has not confirmed that a similar record is
    another business."""

    def __init__(self, hits: list[DuplicateHit]) -> None:
        super().__init__("similar businesses")
        self.hits = hits


def business_create(
    *,
    actor: User,
    municipality: Municipality,
    name: str,
    street: str = "",
    postcode: str = "",
    city: str = "",
    sector: str,
    register_number: str = "",
    chamber: Organisation | None = None,
    confirmed_distinct: bool = False,
) -> Organisation:
    """A business record created from the relationship page, waiting for verification like one
    staff recorded with a placement. The same name is refused; a similar one is flagged and needs
    ``confirmed_distinct``. The creator owns the relationship."""
    if not access.has_role(user=actor, roles=BUSINESS_RECORD_STAFF, municipality_id=municipality.pk):
        raise PermissionDenied
    name = name.strip()
    with transaction.atomic():
        Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
        if business_duplicate(municipality=municipality, name=name) is not None:
            raise ValidationError(
                {"name": _("Ein Betrieb mit diesem Namen ist in dieser Kommune schon registriert.")}
            )
        hits = business_duplicates(
            municipality=municipality,
            name=name,
            street=street,
            postcode=postcode,
            register_number=register_number,
        )
        if hits and not confirmed_distinct:
            raise SimilarBusinesses(hits)
        profile, _created = business_find_or_record(
            actor=actor,
            municipality=municipality,
            name=name,
            street=street,
            postcode=postcode,
            city=city,
            sector=sector,
            confirmed_distinct=True,  # checked above, with the register number too
        )
        if register_number:
            EmployerProfile.objects.filter(pk=profile.pk).update(register_number=register_number.strip())
        BusinessRelation.objects.create(organisation=profile.organisation, owner=actor, chamber=chamber)
    return profile.organisation


def _relation(organisation: Organisation) -> BusinessRelation:
    relation, _created = BusinessRelation.objects.get_or_create(organisation=organisation)
    return relation


BUSINESS_RELATION_FIELDS = (
    "partner_level",
    "training_company",
    "eq_ready",
    "chamber",
    "owner",
    "next_contact_on",
    "next_contact_note",
)


def business_relation_update(
    *, organisation: Organisation, actor: User, data: dict[str, Any]
) -> BusinessRelation:
    """Level, flags, chamber, owner and the next contact; only the municipality's staff (views ask
    ``selectors.can_steer_business``). A new next-contact date is reminded of anew."""
    with transaction.atomic():
        relation = _relation(organisation)
        relation = BusinessRelation.objects.select_for_update().get(pk=relation.pk)
        changed = [
            name
            for name in BUSINESS_RELATION_FIELDS
            if name in data and getattr(relation, name) != data[name]
        ]
        for name in changed:
            setattr(relation, name, data[name])
        if "next_contact_on" in changed:
            relation.reminded_for = None
        if changed:
            relation.save()
            audit_record(
                actor=actor,
                action=AuditEntry.Action.CHANGE,
                record=organisation,
                municipality_id=organisation.municipality_id,
                fields=changed,
                note="business relationship changed",
            )
    return relation


def business_contact_add(*, organisation: Organisation, actor: User, data: dict[str, Any]) -> BusinessContact:
    contact = BusinessContact.objects.create(organisation=organisation, **data)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        record=contact,
        municipality_id=organisation.municipality_id,
        note="business contact added",
    )
    return contact


def business_contact_log(
    *,
    organisation: Organisation,
    actor: User,
    kind: str,
    happened_on: date,
    note: str = "",
    contact: BusinessContact | None = None,
    next_contact_on: date | None = None,
    next_contact_note: str = "",
) -> BusinessContactLog:
    """Log a contact with the business (who and when); optionally set the next contact, which the
    relationship's owner (else the logging person, who becomes the owner) is reminded of."""
    if contact is not None and contact.organisation_id != organisation.pk:
        raise ValidationError({"contact": _("Diese Ansprechperson gehört zu einem anderen Betrieb.")})
    office = next(
        (
            m.organisation
            for m in access.memberships(user=actor)
            if m.organisation.kind != OrganisationKind.EMPLOYER
        ),
        None,
    )
    with transaction.atomic():
        entry = BusinessContactLog.objects.create(
            organisation=organisation,
            kind=kind,
            happened_on=happened_on,
            note=note,
            contact=contact,
            by=actor,
            by_organisation=office,
        )
        relation = BusinessRelation.objects.select_for_update().get(pk=_relation(organisation).pk)
        if next_contact_on is not None:
            relation.next_contact_on = next_contact_on
            relation.next_contact_note = next_contact_note
            relation.reminded_for = None
            if relation.owner_id is None:
                relation.owner = actor
            relation.save()
        audit_record(
            actor=actor,
            action=AuditEntry.Action.CREATE,
            record=entry,
            municipality_id=organisation.municipality_id,
            note="business contact logged",
        )
    return entry


def business_contact_reminders_send(*, today: date | None = None) -> int:
    """Beat: tell each owner of a relationship whose next contact is due, exactly once per date
    (the claim on ``reminded_for`` and the notice's dedupe key both hold it)."""
    today = today or timezone.localdate()
    sent = 0
    due = BusinessRelation.objects.filter(next_contact_on__lte=today, owner__isnull=False).filter(
        Q(reminded_for__isnull=True) | ~Q(reminded_for=F("next_contact_on"))
    )
    for relation in due.select_related("organisation", "owner"):
        with transaction.atomic():
            claimed = (
                BusinessRelation.objects.filter(pk=relation.pk, next_contact_on=relation.next_contact_on)
                .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=F("next_contact_on")))
                .update(reminded_for=relation.next_contact_on)
            )
            if not claimed:
                continue
            made = notify(
                recipients=[relation.owner],
                kind=notices.BUSINESS_CONTACT_DUE,
                params={"employer": relation.organisation.name, "day": relation.next_contact_on.isoformat()},
                link="employers:business_detail",
                link_kwargs={"pk": relation.organisation_id},
                target=relation.organisation,
                dedupe_key=f"business-contact:{relation.pk}:{relation.next_contact_on.isoformat()}",
            )
            sent += len(made)
    return sent


def business_registration_link(
    *, organisation: Organisation, actor: User, registration_id: int
) -> BusinessEventRegistration:
    """Link a CMS event registration (referred to by model name: only config imports cms) to the
    record. A registration belongs to one business."""
    registration_model = apps.get_model("cms", "EventRegistration")
    registration = registration_model.objects.filter(pk=registration_id).first()
    if registration is None:
        raise ValidationError(_("Diese Anmeldung gibt es nicht."))
    link, created = BusinessEventRegistration.objects.get_or_create(
        registration_id=registration.pk, defaults={"organisation": organisation, "linked_by": actor}
    )
    if not created and link.organisation_id != organisation.pk:
        raise ValidationError(_("Diese Anmeldung ist schon mit einem anderen Betrieb verknüpft."))
    if created:
        audit_record(
            actor=actor,
            action=AuditEntry.Action.CHANGE,
            record=organisation,
            municipality_id=organisation.municipality_id,
            note="event registration linked to the business",
        )
    return link


_LEVEL_ORDER = [PartnerLevel.FIRST_CONTACT, PartnerLevel.ACTIVE, PartnerLevel.STRATEGIC]


def _move_references(
    model: type[models.Model], *, drop: models.Model, keep: models.Model, skip: set[str]
) -> None:
    """Point every row that refers to ``drop`` (in any app, found through the model's relations, so
    employers imports no other app) at ``keep``. One-to-one relations other than ``skip`` must not
    exist on both sides."""
    for rel in model._meta.get_fields(include_hidden=True):
        if not rel.auto_created or rel.concrete or rel.name in skip:
            continue
        related, field_name = rel.related_model, rel.field.name
        if rel.many_to_many:
            for row in related._base_manager.filter(**{field_name: drop}):
                getattr(row, field_name).add(keep)
                getattr(row, field_name).remove(drop)
            continue
        if (
            rel.one_to_one
            and related._base_manager.filter(**{field_name: keep}).exists()
            and related._base_manager.filter(**{field_name: drop}).exists()
        ):
            raise ValidationError(
                _("Beide Einträge haben „%(what)s“: bitte zuerst einen davon bereinigen.")
                % {"what": related._meta.verbose_name}
            )
        related._base_manager.filter(**{field_name: drop}).update(**{field_name: keep})


def business_merge(*, actor: User, keep: Organisation, drop: Organisation) -> Organisation:
    """Merge two records of one business into ``keep`` without losing history: placements (with
    their acquisitions), employments, speed-dating seats, memberships and invitations, contacts, the
    contact log and event registrations move; the relationship keeps the higher partner level, the
    flags either had and what only ``drop`` knew. In one transaction, both rows locked (in the
    order of their ids); audited. Only the municipality's coordinators and employer service."""
    if keep.pk == drop.pk:
        raise ValidationError(_("Bitte zwei verschiedene Einträge wählen."))
    if keep.municipality_id != drop.municipality_id or not access.has_role(
        user=actor, roles=BUSINESS_MERGERS, municipality_id=keep.municipality_id
    ):
        raise PermissionDenied
    with transaction.atomic():
        locked = {
            o.pk: o
            for o in Organisation.objects.select_for_update()
            .filter(pk__in=[keep.pk, drop.pk], kind=OrganisationKind.EMPLOYER)
            .order_by("pk")
        }
        if len(locked) != 2:
            raise ValidationError(_("Einer der beiden Einträge ist kein Betrieb (mehr)."))
        keep, drop = locked[keep.pk], locked[drop.pk]
        profiles = {
            p.organisation_id: p
            for p in EmployerProfile.objects.select_for_update()
            .filter(organisation__in=[keep, drop])
            .order_by("pk")
        }
        keep_profile, drop_profile = profiles.get(keep.pk), profiles.get(drop.pk)
        if keep_profile is None and drop_profile is not None:
            EmployerProfile.objects.filter(pk=drop_profile.pk).update(organisation=keep)
        elif keep_profile is not None and drop_profile is not None:
            both = SpeedDatingBusiness.objects.filter(employer=keep_profile).values("session")
            if SpeedDatingBusiness.objects.filter(employer=drop_profile, session__in=both).exists():
                raise ValidationError(
                    _("Beide Einträge sitzen beim selben Speed-Dating: bitte dort zuerst einen entfernen.")
                )
            for name in (
                "size",
                "contact_name",
                "contact_email",
                "contact_phone",
                "register_number",
                "description",
            ):
                if not getattr(keep_profile, name) and getattr(drop_profile, name):
                    setattr(keep_profile, name, getattr(drop_profile, name))
            keep_profile.save()
            _move_references(EmployerProfile, drop=drop_profile, keep=keep_profile, skip=set())
        # Memberships and open invitations are unique per organisation: the kept side's win.
        for membership in Membership.objects.filter(organisation=drop):
            if Membership.objects.filter(
                organisation=keep, user_id=membership.user_id, role=membership.role
            ).exists():
                membership.delete()
        from organisations.models import MembershipInvitation

        open_here = MembershipInvitation.objects.filter(
            organisation=keep, status=MembershipInvitation.Status.PENDING
        )
        MembershipInvitation.objects.filter(
            organisation=drop,
            status=MembershipInvitation.Status.PENDING,
            email__in=open_here.values("email"),
        ).update(status=MembershipInvitation.Status.REVOKED, decided_at=timezone.now())
        relations = {
            r.organisation_id: r
            for r in BusinessRelation.objects.select_for_update().filter(organisation__in=[keep, drop])
        }
        kept_relation, dropped_relation = relations.get(keep.pk), relations.get(drop.pk)
        if dropped_relation is not None:
            if kept_relation is None:
                BusinessRelation.objects.filter(pk=dropped_relation.pk).update(organisation=keep)
            else:
                kept_relation.partner_level = max(
                    kept_relation.partner_level, dropped_relation.partner_level, key=_LEVEL_ORDER.index
                )
                kept_relation.training_company |= dropped_relation.training_company
                kept_relation.eq_ready |= dropped_relation.eq_ready
                for name in ("chamber", "owner", "next_contact_on"):
                    if getattr(kept_relation, name) is None:
                        setattr(kept_relation, name, getattr(dropped_relation, name))
                if not kept_relation.next_contact_note:
                    kept_relation.next_contact_note = dropped_relation.next_contact_note
                kept_relation.save()
                dropped_relation.delete()
        for name in ("street", "postcode", "city", "email", "phone"):
            if not getattr(keep, name) and getattr(drop, name):
                setattr(keep, name, getattr(drop, name))
        if not keep.is_verified and drop.is_verified:
            keep.verification_status, keep.verified_at, keep.verified_by_id = (
                drop.verification_status,
                drop.verified_at,
                drop.verified_by_id,
            )
        keep.save()
        _move_references(Organisation, drop=drop, keep=keep, skip={"employer_profile", "business_relation"})
        _repoint_notices(drop_pk=drop.pk, keep_pk=keep.pk)
        dropped = {"pk": drop.pk, "name": drop.name}
        EmployerProfile.objects.filter(organisation=drop).delete()
        drop.delete()
        audit_record(
            actor=actor,
            action=AuditEntry.Action.CHANGE,
            record=keep,
            municipality_id=keep.municipality_id,
            note=f"business record #{dropped['pk']} ({dropped['name']}) merged into this one"[:255],
        )
        audit_record(
            actor=actor,
            action=AuditEntry.Action.DELETE,
            record_type="organisations.organisation",
            record_id=dropped["pk"],
            municipality_id=keep.municipality_id,
            note=f"merged into business record #{keep.pk}",
        )
    for membership in Membership.objects.filter(organisation=keep).select_related("user"):
        access.forget(user=membership.user)
    return keep


def _repoint_notices(*, drop_pk: int, keep_pk: int) -> int:
    """Notices about the dropped record (a due contact, for instance) lead to the kept one, so no
    inbox link ends in a 404 after a merge."""
    from django.contrib.contenttypes.models import ContentType

    from notifications.models import Notification

    about = Q(target_type=ContentType.objects.get_for_model(Organisation), target_id=drop_pk) | Q(
        url_name="employers:business_detail", url_kwargs__pk=drop_pk
    )
    moved = 0
    for notice in Notification.objects.filter(about):
        kwargs = dict(notice.url_kwargs or {})
        if notice.url_name == "employers:business_detail" and kwargs.get("pk") == drop_pk:
            kwargs["pk"] = keep_pk
        target_id = keep_pk if notice.target_id == drop_pk else notice.target_id
        moved += Notification.objects.filter(pk=notice.pk).update(target_id=target_id, url_kwargs=kwargs)
    return moved


def _export_business_contacts(user: Any) -> list[dict[str, Any]]:
    """A person who is a business's contact (matched by their e-mail): the contact rows and the
    employer profile's contact fields that name them."""
    email = (getattr(user, "email", "") or "").strip()
    if not email:
        return []
    rows: list[dict[str, Any]] = [
        {
            "employer": org,
            "contact_name": name,
            "contact_function": function,
            "contact_email": mail,
            "contact_phone": phone,
        }
        for org, name, function, mail, phone in BusinessContact.objects.filter(
            email__iexact=email
        ).values_list("organisation__name", "name", "function", "email", "phone")
    ]
    rows += [
        {
            "employer": org,
            "contact_name": name,
            "contact_function": "",
            "contact_email": mail,
            "contact_phone": phone,
        }
        for org, name, mail, phone in EmployerProfile.objects.filter(contact_email__iexact=email).values_list(
            "organisation__name", "contact_name", "contact_email", "contact_phone"
        )
    ]
    return rows


def _erase_business_contacts(user: Any) -> int:
    email = (getattr(user, "email", "") or "").strip()
    if not email:
        return 0
    erased = BusinessContact.objects.filter(email__iexact=email).update(
        name=gettext("(gelöscht)"), function="", email="", phone=""
    )
    erased += EmployerProfile.objects.filter(contact_email__iexact=email).update(
        contact_name="", contact_email="", contact_phone=""
    )
    return erased


def register_business_privacy() -> None:
    """Business contact persons' names, e-mails and phones go with their GDPR export and erasure."""
    from privacy.document import register_labels
    from privacy.registry import registry

    registry.register(
        "employers.business_contacts", exporter=_export_business_contacts, eraser=_erase_business_contacts
    )
    register_labels(
        labels={
            "employers.business_contacts": _("Sie als Ansprechperson eines Betriebs"),
            "employer": _("Betrieb"),
            "contact_name": _("Name"),
            "contact_function": _("Funktion"),
            "contact_email": _("E-Mail"),
            "contact_phone": _("Telefon"),
        }
    )
