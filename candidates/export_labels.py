"""Labels of this app's part of the GDPR export, for the readable document (privacy.document)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from privacy.document import model_words, register_labels

from .models import (
    Appointment,
    Assessment,
    AssessmentEntry,
    Candidate,
    Case,
    CaseEvaluation,
    CasePhaseChange,
    Consent,
    Goal,
    ImmigrationQuestion,
    LanguageSkill,
    Qualification,
    Step,
    StepAssignee,
    StepEvent,
    WorkPermitProcedure,
)


def register() -> None:
    labels, values = model_words(
        Candidate,
        LanguageSkill,
        Qualification,
        Case,
        Consent,
        Goal,
        Step,
        StepEvent,
        Assessment,
        AssessmentEntry,
        Appointment,
        CaseEvaluation,
        CasePhaseChange,
        ImmigrationQuestion,
        WorkPermitProcedure,
    )
    labels.update(
        {
            "candidates": _("Ihr Profil und Ihr Fall"),
            "profile": _("Profil"),
            "occupations": _("Berufe"),
            "skills": _("Kompetenzen"),
            "languages": _("Sprachen"),
            "qualifications": _("Abschlüsse"),
            "cases": _("Fälle"),
            "consents": _("Einwilligungen"),
            "label": _("Bezeichnung"),
            "years": _("Jahre Erfahrung"),
            "organisation": _("Organisation"),
            "opened_at": _("eröffnet am"),
            "closed_at": _("geschlossen am"),
            "goals": _("Ziele"),
            "title": _("Titel"),
            "steps": _("Schritte"),
            "responsible": _("zuständig"),
            "notes": _("Notizen"),
            "at": _("Zeitpunkt"),
            "text": _("Text"),
            "recipient_organisation": _("für die Organisation"),
            "recipient_user": _("für die Person"),
            "municipality": _("Kommune"),
            # issue 22: a step's history (who, what, when) and the person's answers
            "history": _("Verlauf"),
            "by": _("von"),
            # issue 14: the dated assessments, per life domain; issue 22: appointments
            "assessments": _("Einschätzungen"),
            "domains": _("Lebensbereiche"),
            "appointments": _("Termine"),
            # issue 14 §4: the phases with their dates, the evaluations a case closed with
            "phase_history": _("Verlauf der Phasen"),
            "evaluations": _("Abschlussbewertungen"),
            # issue 14 §3: questions to the Ausländerbehörde, work permission procedures
            "immigration_questions": _("Fragen an die Ausländerbehörde"),
            "work_permit_procedures": _("Verfahren zur Beschäftigungserlaubnis"),
            "asked_at": _("gestellt am"),
        }
    )
    values["by"] = {"candidate": StepAssignee.CANDIDATE.label, "staff": StepAssignee.STAFF.label}
    register_labels(labels=labels, values=values, hidden={"esco_uri"})
