"""The coaching app's kinds of notice, registered in CoachingConfig.ready. Params hold codes,
dates and organisation names only; rows copied from the old model keep their German ``text``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications import registry

FOLLOW_UP_DUE = "coaching.follow_up_due"
REQUEST_NEW = "coaching.request_new"
REQUEST_ANSWERED = "coaching.request_answered"
REQUEST_ESCALATED = "coaching.request_escalated"
RISK_ESCALATED = "coaching.risk_escalated"
HANDOVER_PROPOSED = "coaching.handover_proposed"
HANDOVER_DECIDED = "coaching.handover_decided"
REFERRAL = "coaching.referral"
COACH_ASSIGNED = "coaching.coach_assigned"
COACH_RELEASED = "coaching.coach_released"
# Never the text of the message: only that there is one (issue 22).
MESSAGE_NEW = "coaching.message_new"
# Only the category: never the case or the person (issue 23).
BARRIER_FLAGGED = "coaching.barrier_flagged"
ROUND_ACTION_ASSIGNED = "coaching.round_action_assigned"
ROUND_ACTION_OVERDUE = "coaching.round_action_overdue"
AGREEMENT_REVIEW_DUE = "coaching.agreement_review_due"
# The service and the provider's answer: never the person (issue 17, referrals that close the loop).
REFERRAL_ANSWERED = "coaching.referral_answered"


def _legacy(render):
    def detail(params: dict[str, Any]) -> str:
        if "text" in params:
            return params["text"]
        return render(params)

    return detail


def _topic(code: str) -> str:
    from .models import RequestTopic

    return str(dict(RequestTopic.choices).get(code, ""))


@_legacy
def _follow_up(params: dict[str, Any]) -> str:
    return _("{label}, fällig am {day} (Beschäftigung bei {employer})").format(
        label=params.get("label", ""),
        day=registry.show_date(params["day"]),
        employer=params.get("employer", ""),
    )


def _follow_up_mail(params: dict[str, Any]) -> str:
    if "day" not in params:
        return ""
    return _("{label}, fällig am {day}").format(
        label=params.get("label", ""), day=registry.show_date(params["day"])
    )


def _escalated_mail(params: dict[str, Any]) -> str:
    if "day" not in params:
        return ""
    return _("überfällig seit {day}").format(day=registry.show_date(params["day"]))


@_legacy
def _request(params: dict[str, Any]) -> str:
    topic = _topic(params.get("topic", ""))
    org = params.get("org", "")
    return f"{org}: {topic}" if org and topic else org or topic


@_legacy
def _escalated(params: dict[str, Any]) -> str:
    return _("Anfrage von {org} ist seit {day} überfällig").format(
        org=params.get("org", ""), day=registry.show_date(params["day"])
    )


@_legacy
def _risk(params: dict[str, Any]) -> str:
    from .models import RiskKind, Severity

    return "{kind} ({severity})".format(
        kind=dict(RiskKind.choices).get(params.get("kind", ""), ""),
        severity=dict(Severity.choices).get(params.get("severity", ""), ""),
    )


@_legacy
def _handover(params: dict[str, Any]) -> str:
    from .models import Handover

    status = dict(Handover.Status.choices).get(params.get("status", ""), "")
    parts = [params.get("org", ""), params.get("kind", ""), str(status)]
    return " – ".join(p for p in parts if p)


def _employment(params: dict[str, Any]) -> str:
    return _("{employer}, Beginn am {day}").format(
        employer=params.get("employer", ""), day=registry.show_date(params["start"])
    )


def _employment_mail(params: dict[str, Any]) -> str:
    return _("Beginn am {day}").format(day=registry.show_date(params["start"]))


def _barrier(params: dict[str, Any]) -> str:
    from .models import BarrierCategory

    return str(dict(BarrierCategory.choices).get(params.get("category", ""), ""))


def _round_action(params: dict[str, Any]) -> str:
    return _("{round}, Frist {day}").format(
        round=params.get("round", ""), day=registry.show_date(params["day"])
    )


def _agreement(params: dict[str, Any]) -> str:
    return _("{title}, Überprüfung am {day}").format(
        title=params.get("title", ""), day=registry.show_date(params["day"])
    )


def _referral_answered(params: dict[str, Any]) -> str:
    from .models import Referral

    return _("{service}: {status}").format(
        service=params.get("service", ""), status=dict(Referral.Status.choices).get(params.get("status"), "")
    )


def register_kinds() -> None:
    r = registry.register
    r(FOLLOW_UP_DUE, gettext_lazy("Nachbetreuung fällig"), detail=_follow_up, mail_detail=_follow_up_mail)
    r(REQUEST_NEW, gettext_lazy("Neue Anfrage eines Betriebs an Sie"), detail=_request)
    r(REQUEST_ANSWERED, gettext_lazy("Ihre Anfrage wurde beantwortet"), detail=_request)
    r(
        REQUEST_ESCALATED,
        gettext_lazy("Anfrage eines Betriebs überfällig"),
        detail=_escalated,
        mail_detail=_escalated_mail,
    )
    r(RISK_ESCALATED, gettext_lazy("Ein Risiko wurde an Sie eskaliert"), detail=_risk)
    r(HANDOVER_PROPOSED, gettext_lazy("Eine Übergabe an Ihre Organisation ist angefragt"), detail=_handover)
    r(HANDOVER_DECIDED, gettext_lazy("Eine Übergabe wurde entschieden"), detail=_handover)
    r(REFERRAL, gettext_lazy("Verweisung aktualisiert"), detail=_legacy(lambda params: ""))
    r(
        COACH_ASSIGNED,
        gettext_lazy("Sie begleiten eine Beschäftigung als Jobcoach"),
        detail=_employment,
        mail_detail=_employment_mail,
    )
    r(
        COACH_RELEASED,
        gettext_lazy("Eine Beschäftigung begleitet jetzt ein anderer Jobcoach"),
        detail=_employment,
        mail_detail=_employment_mail,
    )
    r(MESSAGE_NEW, gettext_lazy("Sie haben eine neue Nachricht"), detail=lambda params: "")
    r(BARRIER_FLAGGED, gettext_lazy("Eine systemische Hürde wurde gemeldet"), detail=_barrier)
    r(
        ROUND_ACTION_ASSIGNED,
        gettext_lazy("Eine Maßnahme einer Koordinationsrunde liegt bei Ihnen"),
        detail=_round_action,
    )
    r(
        ROUND_ACTION_OVERDUE,
        gettext_lazy("Eine Maßnahme einer Koordinationsrunde ist überfällig"),
        detail=_round_action,
    )
    r(
        AGREEMENT_REVIEW_DUE,
        gettext_lazy("Eine Kooperationsvereinbarung ist zur Überprüfung fällig"),
        detail=_agreement,
    )
    r(
        REFERRAL_ANSWERED,
        gettext_lazy("Ein Angebot hat auf Ihre Verweisung geantwortet"),
        detail=_referral_answered,
    )
