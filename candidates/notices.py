"""The candidates app's kinds of notice, registered in CandidatesConfig.ready."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from notifications import registry

RESIDENCE_EXPIRING = "candidates.residence_expiring.staff"
WORK_PERMISSION_EXPIRING = "candidates.work_permission_expiring.staff"
PLAN_CHANGED = "candidates.plan_changed.staff"
APPOINTMENT_CANDIDATE = "candidates.appointment.candidate"
APPOINTMENT_STAFF = "candidates.appointment.staff"
# issue 14 §4: the six-month question after closing with an employment; reassigned cases
CLOSURE_FOLLOW_UP = "candidates.closure_follow_up.staff"
NEW_CONTACT_CANDIDATE = "candidates.new_contact.candidate"
CASES_ASSIGNED_STAFF = "candidates.cases_assigned.staff"
# issue 14 §3: the Clearingstelle (questions to the Ausländerbehörde)
IMMIGRATION_QUESTION_OFFICE = "candidates.immigration_question.office"
IMMIGRATION_QUESTION_OVERDUE = "candidates.immigration_question_overdue.office"
IMMIGRATION_QUESTION_ANSWERED = "candidates.immigration_question_answered.staff"


def _expiry(params: dict[str, Any]) -> str:
    return _("läuft am {day} ab – bitte klären Sie rechtzeitig die Verlängerung").format(
        day=registry.show_date(params["day"])
    )


def _plan_change(params: dict[str, Any]) -> str:
    from .models import StepEventKind

    what = params.get("what", "")
    return str(StepEventKind(what).label) if what in StepEventKind.values else ""


def _appointment(params: dict[str, Any]) -> str:
    from .models import AppointmentKind, AppointmentStatus

    what = params.get("what", "")
    kind = params.get("kind", "")
    parts = [
        str(AppointmentKind(kind).label) if kind in AppointmentKind.values else "",
        registry.show_datetime(params["at"]) if params.get("at") else "",
        str(AppointmentStatus(what).label) if what in AppointmentStatus.values else "",
    ]
    return ", ".join(p for p in parts if p)


def _closed_on(params: dict[str, Any]) -> str:
    return _("Fall abgeschlossen am {day}").format(day=registry.show_date(params["day"]))


def _new_contact(params: dict[str, Any]) -> str:
    return str(params.get("name", ""))


def _cases_assigned(params: dict[str, Any]) -> str:
    n = int(params.get("n", 0))
    return ngettext("{n} Fall", "{n} Fälle", n).format(n=n)


def _question(params: dict[str, Any]) -> str:
    from .models import ImmigrationQuestionTopic

    topic = params.get("topic", "")
    label = str(ImmigrationQuestionTopic(topic).label) if topic in ImmigrationQuestionTopic.values else ""
    if not params.get("day"):
        return label
    due = _("Antwort erbeten bis {day}").format(day=registry.show_date(params["day"]))
    return f"{label}, {due}" if label else due


def register_kinds() -> None:
    # Issue 14 §3: the Clearingstelle. The office hears of a new question and, once, of an overdue
    # one; the member of staff who asked hears of the answer. Only the topic and the day travel.
    registry.register(
        IMMIGRATION_QUESTION_OFFICE,
        gettext_lazy("Eine neue Frage an Ihre Ausländerbehörde wartet auf Antwort"),
        detail=_question,
        mail_detail=_question,
    )
    registry.register(
        IMMIGRATION_QUESTION_OVERDUE,
        gettext_lazy("Eine Frage an Ihre Ausländerbehörde ist überfällig"),
        detail=_question,
        mail_detail=_question,
    )
    registry.register(
        IMMIGRATION_QUESTION_ANSWERED,
        gettext_lazy("Die Ausländerbehörde hat Ihre Frage beantwortet"),
        detail=_question,
        mail_detail=_question,
    )
    # Issue 14 §4: six months after a case closed with an employment, the case staff are asked
    # whether it still runs; a team lead's reassignment tells the person and the new case manager.
    registry.register(
        CLOSURE_FOLLOW_UP,
        gettext_lazy("Nachfrage: Läuft die Beschäftigung einer Person aus Ihrer Fallverantwortung noch?"),
        detail=_closed_on,
        mail_detail=_closed_on,
    )
    registry.register(
        NEW_CONTACT_CANDIDATE,
        gettext_lazy("Sie haben eine neue Ansprechperson"),
        detail=_new_contact,
    )
    registry.register(
        CASES_ASSIGNED_STAFF,
        gettext_lazy("Ihnen wurden Fälle von ausgeschiedenen Kolleg*innen übertragen"),
        detail=_cases_assigned,
        mail_detail=_cases_assigned,
    )
    # Issue 22: an appointment was planned, changed or cancelled (the mail with the .ics is sent
    # by candidates.services; these notices stay in the inbox).
    registry.register(
        APPOINTMENT_CANDIDATE,
        gettext_lazy("Ihr Termin wurde geplant, geändert oder abgesagt"),
        detail=_appointment,
        mail_detail=_appointment,
    )
    registry.register(
        APPOINTMENT_STAFF,
        gettext_lazy("Ein Termin, zu dem Sie eingeladen sind, wurde geplant, geändert oder abgesagt"),
        detail=_appointment,
        mail_detail=_appointment,
    )
    # Issue 22: the person changed her plan (ticked, answered a task, asked for help, commented).
    # The mail says only what kind of change, never the step or the words (a mail box is not ours).
    registry.register(
        PLAN_CHANGED,
        gettext_lazy("Eine Person aus Ihrer Fallverantwortung hat in ihrem Plan etwas geändert"),
        detail=_plan_change,
        mail_detail=_plan_change,
    )
    registry.register(
        RESIDENCE_EXPIRING,
        gettext_lazy("Ein Aufenthaltstitel einer Person aus Ihrer Fallverantwortung läuft bald ab"),
        detail=_expiry,
        mail_detail=_expiry,
    )
    registry.register(
        WORK_PERMISSION_EXPIRING,
        gettext_lazy("Eine Arbeitserlaubnis einer Person aus Ihrer Fallverantwortung läuft bald ab"),
        detail=_expiry,
        mail_detail=_expiry,
    )
