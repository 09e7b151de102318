"""GDPR export and erasure of what the coaching app holds about a person (DESIGN.md "Audit log",
privacy registry).

The privacy registry is keyed by user: ``export_for_user``/``erase_for_user`` find the person's
Candidate through its login. But most people have no login, and the registry runs the
candidates eraser (which unlinks the login) before this one. So the erasure also follows the
audit entry every candidate erasure writes (``candidates.services.candidate_erase``): whichever
way a person is erased, their coaching records are erased in the same transaction, without the
candidates app knowing about coaching.

Erasure keeps anonymous aggregates — rows, dates, statuses, categories, levels — so caseload,
retention and monitoring figures still add up; it blanks every free text about the person.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.db.models.signals import post_save
from django.utils import timezone

from candidates.models import Candidate
from employers.models import Employment, EmploymentQuality
from privacy.models import AuditEntry

from .models import (
    FollowAlong,
    FollowUp,
    FollowUpDue,
    Handover,
    LanguageSupportNeed,
    Message,
    Referral,
    RiskFlag,
    SupportRequest,
    TutoringSession,
    VolunteerAssignment,
)

# Put where a text is required by a constraint (answered request, resolved risk, rejected handover).
ERASED = "[gelöscht]"
CANDIDATE_RECORD = "candidates.candidate"


def _job_quality(employment: Employment) -> dict | None:
    """The job-quality fields the job coach completed (issue 20), or None."""
    q = EmploymentQuality.objects.filter(employment=employment).first()
    if q is None:
        return None
    return {
        "contract_type": employment.contract_type,
        "hours_per_week": employment.hours_per_week,
        "fixed_term": q.fixed_term,
        "social_insurance": q.social_insurance,
        "hourly_wage": str(q.hourly_wage),
        "minimum_wage": str(q.minimum_wage),
        "job_skill_level": q.job_skill_level,
        "person_skill_level": q.person_skill_level,
        "below_qualification": q.below_qualification,
        "training_offered": q.training_offered,
        "commute_minutes": q.commute_minutes,
    }


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _name(user: Any) -> str | None:
    return str(user) if user is not None else None


def coaching_export(*, candidate: Candidate) -> dict[str, Any]:
    """Every coaching row about ``candidate`` as plain, JSON-ready data (GDPR Art. 15/20)."""
    employments = Employment.objects.filter(candidate=candidate).select_related("employer__organisation")
    out_employments = []
    for employment in employments:
        plan = (
            FollowAlong.objects.filter(employment=employment).select_related("coach", "organisation").first()
        )
        out_employments.append(
            {
                "employer": employment.employer.organisation.name,
                "start_date": _iso(employment.start_date),
                "end_date": _iso(employment.end_date),
                "coach": _name(plan.coach) if plan else None,
                "coaching_organisation": plan.organisation.name if plan and plan.organisation else None,
                "job_quality": _job_quality(employment),
                "planned_follow_ups": [
                    {"due_date": _iso(d.due_date), "label": d.label, "done_at": _iso(d.done_at)}
                    for d in FollowUpDue.objects.filter(employment=employment)
                ],
                "follow_ups": [
                    {
                        "date": _iso(f.date),
                        "mode": f.mode,
                        "with_whom": f.with_whom,
                        "place": f.place,
                        "topics": list(f.topics),
                        "notes": f.notes,
                        "next_date": _iso(f.next_date),
                        "next_step": f.next_step,
                        "author": _name(f.author),
                    }
                    for f in FollowUp.objects.filter(employment=employment).select_related("author")
                ],
                "language_needs": [
                    {
                        "area": n.area,
                        "current_level": n.current_level,
                        "target_level": n.target_level,
                        "measure": n.measure,
                        "provider": n.provider.name if n.provider else None,
                        "place": n.place,
                        "status": n.status,
                        "funding": n.funding,
                        "note": n.note,
                        "created_at": _iso(n.created_at),
                    }
                    for n in LanguageSupportNeed.objects.filter(employment=employment).select_related(
                        "provider"
                    )
                ],
                "risks": [
                    {
                        "kind": r.kind,
                        "severity": r.severity,
                        "note": r.note,
                        "raised_at": _iso(r.raised_at),
                        "escalated_at": _iso(r.escalated_at),
                        "resolved_at": _iso(r.resolved_at),
                        "resolution_note": r.resolution_note,
                    }
                    for r in RiskFlag.objects.filter(employment=employment)
                ],
                "employer_requests": [
                    {
                        "topic": s.topic,
                        "message": s.message,
                        "status": s.status,
                        "due_date": _iso(s.due_date),
                        "answer": s.answer,
                        "answered_at": _iso(s.answered_at),
                        "created_at": _iso(s.created_at),
                    }
                    for s in SupportRequest.objects.filter(employment=employment)
                ],
            }
        )
    return {
        "employments": out_employments,
        "volunteers": [
            {
                "volunteer": _name(a.volunteer),
                "focus": a.focus,
                "started_at": _iso(a.started_at),
                "ended_at": _iso(a.ended_at),
                "sessions": [
                    {"date": _iso(s.date), "minutes": s.minutes, "topic": s.topic, "notes": s.notes}
                    for s in a.sessions.all()
                ],
            }
            for a in VolunteerAssignment.objects.filter(candidate=candidate).select_related("volunteer")
        ],
        "referrals": [
            {
                "service": r.service.name,
                "provider": r.service.organisation.name,
                "status": r.status,
                "note": r.note,
                "outcome": r.outcome,
                "created_at": _iso(r.created_at),
                "updated_at": _iso(r.updated_at),
            }
            for r in Referral.objects.filter(case__candidate=candidate).select_related(
                "service__organisation"
            )
        ],
        "handovers": [
            {
                "kind": h.kind.name,
                "from": h.from_organisation.name,
                "to": h.to_organisation.name,
                "status": h.status,
                "note": h.note,
                "reason": h.reason,
                "joint_appointment_at": _iso(h.joint_appointment_at),
                "created_at": _iso(h.created_at),
                "decided_at": _iso(h.decided_at),
                "checklist": [{"label": i.label, "done_at": _iso(i.done_at)} for i in h.items.all()],
            }
            for h in Handover.objects.filter(case__candidate=candidate).select_related(
                "kind", "from_organisation", "to_organisation"
            )
        ],
        # Messages on the case (issue 22): the text and what was attached (not the file's bytes).
        "messages": [
            {
                "date": _iso(m.created_at),
                "from": _name(m.author) if not m.from_candidate else "self",
                "with_volunteer": _name(m.thread.assignment.volunteer) if m.thread.assignment_id else None,
                "body": m.body,
                "body_lang": m.body_lang,
                "attachment": {"type": m.attachment_type, "size": m.attachment_size}
                if m.attachment
                else None,
                "read_at": _iso(m.read_at),
            }
            for m in Message.objects.filter(thread__case__candidate=candidate).select_related(
                "author", "thread__assignment__volunteer"
            )
        ],
    }


@transaction.atomic
def coaching_erase(*, candidate_id: int) -> int:
    """Blank every free text about the person; keep rows, dates, statuses and categories.

    Returns the number of rows changed. Safe to run twice.
    """
    employments = Employment.objects.filter(candidate_id=candidate_id).values("pk")
    now = timezone.now()
    changed = 0
    changed += FollowUp.objects.filter(employment__in=employments).update(notes="", place="")
    changed += LanguageSupportNeed.objects.filter(employment__in=employments).update(note="")
    risks = RiskFlag.objects.filter(employment__in=employments)
    changed += risks.update(note="")
    risks.filter(resolved_at__isnull=False).update(resolution_note=ERASED)
    requests = SupportRequest.objects.filter(employment__in=employments)
    changed += requests.update(message=ERASED)
    requests.filter(status=SupportRequest.Status.ANSWERED).update(answer=ERASED)
    requests.exclude(status=SupportRequest.Status.ANSWERED).update(answer="")
    sessions = TutoringSession.objects.filter(assignment__candidate_id=candidate_id)
    changed += sessions.update(notes="", topic=ERASED)
    # Without the person's consent the volunteer has nobody to accompany any more.
    VolunteerAssignment.objects.filter(candidate_id=candidate_id, ended_at__isnull=True).update(ended_at=now)
    changed += Referral.objects.filter(case__candidate_id=candidate_id).update(note="", outcome="")
    handovers = Handover.objects.filter(case__candidate_id=candidate_id)
    changed += handovers.update(note="")
    handovers.exclude(reason="").update(reason=ERASED)
    changed += message_erase(candidate_id=candidate_id, now=now)
    changed += discrimination_erase_for_candidate(candidate_id=candidate_id)
    return changed


def message_erase(*, candidate_id: int, now: datetime) -> int:
    """Messages (issue 22): body and attachment file gone; rows, dates and sides kept."""
    rows = Message.objects.filter(thread__case__candidate_id=candidate_id)
    for message in rows.exclude(attachment=""):
        # Delete the file after the commit, so a rolled-back erasure never loses it.
        name, storage = message.attachment.name, message.attachment.storage
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
    return rows.update(
        body="",
        attachment="",
        attachment_type="",
        attachment_size=None,
        erased_at=Coalesce("erased_at", Value(now)),
    )


# --- the privacy registry (keyed by user) -----------------------------------------------------------


def export_for_user(user: Any) -> dict[str, Any] | None:
    """As a candidate: everything about them; as employer staff: the questions they asked."""
    candidate = Candidate.objects.filter(user=user, erased_at__isnull=True).first()
    asked = [
        {
            "organisation": s.employer_organisation.name,
            "topic": s.topic,
            "message": s.message,
            "status": s.status,
            "created_at": _iso(s.created_at),
            "answer": s.answer,
        }
        for s in SupportRequest.objects.filter(requested_by=user).select_related("employer_organisation")
    ]
    if candidate is None and not asked:
        return None
    return {
        "as_candidate": coaching_export(candidate=candidate) if candidate else None,
        "requests_asked": asked,
    }


def erase_for_user(user: Any) -> int:
    candidate = Candidate.objects.filter(user=user).first()
    return coaching_erase(candidate_id=candidate.pk) if candidate else 0


def _on_audit_entry(sender, instance: AuditEntry, created: bool, raw: bool = False, **kwargs) -> None:
    """A candidate was erased (with or without a login): erase their coaching records too."""
    if (
        raw
        or not created
        or instance.action != AuditEntry.Action.ERASE
        or instance.record_type != CANDIDATE_RECORD
    ):
        return
    coaching_erase(candidate_id=int(instance.record_id))


def register_privacy() -> None:
    """Called from CoachingConfig.ready()."""
    from privacy.registry import registry

    registry.register("coaching", exporter=export_for_user, eraser=erase_for_user)
    _register_export_labels()
    register_discrimination_privacy()


def _register_export_labels() -> None:
    """Labels of this part of the export for the readable document (privacy.document)."""
    from django.utils.translation import gettext_lazy as _

    from privacy.document import model_words, register_labels

    labels, values = model_words(
        FollowUp,
        LanguageSupportNeed,
        RiskFlag,
        SupportRequest,
        VolunteerAssignment,
        TutoringSession,
        Referral,
        Handover,
        Message,
        EmploymentQuality,
        Employment,
    )
    labels.update(
        {
            "messages": _("Nachrichten"),
            "with_volunteer": _("mit Ehrenamtlicher*m"),
            "type": _("Dateityp"),
            "size": _("Dateigröße"),
            "coaching": _("Begleitung nach der Arbeitsaufnahme"),
            "as_candidate": _("Über Sie"),
            "requests_asked": _("Ihre Anfragen als Betrieb"),
            "employments": _("Beschäftigungen"),
            "job_quality": _("Beschäftigungsqualität"),
            "employer": _("Betrieb"),
            "start_date": _("Beginn"),
            "end_date": _("Ende"),
            "coach": _("Jobcoach"),
            "coaching_organisation": _("begleitende Organisation"),
            "planned_follow_ups": _("geplante Kontakte"),
            "follow_ups": _("Kontakte"),
            "next_step": _("nächster beruflicher Schritt"),
            "done_at": _("erledigt am"),
            "language_needs": _("Sprachförderung"),
            "risks": _("gemeldete Risiken"),
            "employer_requests": _("Anfragen des Betriebs"),
            "volunteers": _("Ehrenamtliche"),
            "volunteer": _("Ehrenamtliche*r"),
            "sessions": _("Treffen"),
            "referrals": _("Vermittlungen an Angebote"),
            "service": _("Angebot"),
            "provider": _("Anbieter"),
            "handovers": _("Übergaben"),
            "from": _("von"),
            "to": _("an"),
            "checklist": _("Checkliste"),
            "created_at": _("angelegt am"),
            "updated_at": _("geändert am"),
            "decided_at": _("entschieden am"),
            "label": _("Bezeichnung"),
            "organisation": _("Organisation"),
        }
    )
    # The follow-up's topics are a JSON list of codes; a request's topic shares its key with the
    # tutoring session's free-text topic, so both code lists are given here.
    from .models import NextStep, RequestTopic, Topic

    values["topics"] = {str(code): word for code, word in Topic.choices}
    values["next_step"] = {str(code): word for code, word in NextStep.choices}
    values.setdefault("topic", {}).update({str(code): word for code, word in RequestTopic.choices})
    register_labels(labels=labels, values=values)
    post_save.connect(_on_audit_entry, sender=AuditEntry, dispatch_uid="coaching_erase_with_candidate")


# --- reported discrimination (issue 15 §3) ------------------------------------------------------------
# A named report is its reporter's personal data (and, for a candidate's own report, the candidate's):
# exported with its referrals; erased by blanking the text and the contact and dropping the links to
# the person, the row kept for the counts. Anonymous reports link to nobody, so nobody's export or
# erasure can find them.


def discrimination_erase_for_candidate(*, candidate_id: int) -> int:
    from .discrimination_services import reports_erase

    return reports_erase(candidate_id=candidate_id)


def discrimination_export_for_user(user: Any) -> list[dict[str, Any]] | None:
    from django.db.models import Q

    from .models import DiscriminationReport

    candidate = Candidate.objects.filter(user=user).first()
    q = Q(reporter=user) | (Q(candidate=candidate) if candidate else Q(pk__in=[]))
    reports = (
        DiscriminationReport.objects.filter(q, anonymous=False)
        .select_related("business")
        .prefetch_related("referrals__service")
        .order_by("reported_on", "pk")
    )
    rows = [
        {
            "incident_setting": r.setting,
            "incident_ground": r.ground,
            "incident_month": _iso(r.occurred_on),
            "incident_text": r.description,
            "incident_text_lang": r.description_lang,
            "business_concerned": r.business.name if r.business else None,
            "reported_in": _iso(r.reported_on),
            "passed_on_to": [
                {
                    "counselling_service": f.service.name,
                    "status": f.status,
                    "contact_for_counselling": f.contact,
                    "consented_on": _iso(f.consented_at),
                }
                for f in r.referrals.all()
            ],
        }
        for r in reports
    ]
    return rows or None


def discrimination_erase_for_user(user: Any) -> int:
    from .discrimination_services import reports_erase

    candidate = Candidate.objects.filter(user=user).first()
    return reports_erase(reporter_id=user.pk, candidate_id=candidate.pk if candidate else None)


def register_discrimination_privacy() -> None:
    from django.utils.translation import gettext_lazy as _

    from privacy.document import register_labels
    from privacy.registry import registry

    registry.register(
        "discrimination", exporter=discrimination_export_for_user, eraser=discrimination_erase_for_user
    )
    from .models import DiscriminationGround, DiscriminationSetting

    register_labels(
        labels={
            "discrimination": _("Meldungen von Diskriminierung"),
            "incident_setting": _("Wo ist es passiert?"),
            "incident_ground": _("Grund"),
            "incident_month": _("Ungefähr wann?"),
            "incident_text": _("Was ist passiert?"),
            "business_concerned": _("betroffener Betrieb"),
            "reported_in": _("gemeldet am"),
            "passed_on_to": _("Weitergaben an Beratungsstellen"),
            "counselling_service": _("Beratungsstelle"),
            "contact_for_counselling": _("So erreicht Sie die Beratung"),
            "consented_on": _("Einwilligung am"),
        },
        values={
            "incident_setting": {str(c): w for c, w in DiscriminationSetting.choices},
            "incident_ground": {str(c): w for c, w in DiscriminationGround.choices},
        },
    )
