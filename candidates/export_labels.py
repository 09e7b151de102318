"""Labels of this app's part of the GDPR export, for the readable document (privacy.document)."""

from __future__ import annotations

from typing import Any

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


def esco_labels_for_reader(data: Any) -> Any:
    """The export with each ESCO concept's ``label`` in the reader's language where ESCO has one,
    else its fallback, and ``label_lang`` saying which (the JSON download keeps the German labels;
    the readable page shows them as every other page does). Two queries, whatever the size."""
    from taxonomy.models import LABEL_FIELDS, Occupation, Skill

    rows: list[dict[str, Any]] = []

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            if value.get("esco_uri") and "label" in value:
                rows.append(value)
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect(data)
    uris = {row["esco_uri"] for row in rows}
    concepts = {o.uri: o for o in Occupation.objects.filter(uri__in=uris).only("uri", *LABEL_FIELDS)}
    # a skill's German label may be ESCO's English one: label_language asks where it came from
    concepts.update(
        (s.uri, s) for s in Skill.objects.filter(uri__in=uris).only("uri", *LABEL_FIELDS, "label_de_source")
    )
    for row in rows:
        concept = concepts.get(row["esco_uri"])
        if concept is not None:
            row["label"] = concept.label
            row["label_lang"] = concept.label_language
    return data
