"""The employers app's kinds of notice, registered in EmployersConfig.ready. One kind per
audience: the candidate reads "Sie", the case manager reads about "eine Person aus Ihrer
Fallverantwortung", the employer about "eine Person". Params never name the person."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from notifications import registry

SELECTED_CANDIDATE = "employers.selected.candidate"
SELECTED_STAFF = "employers.selected.staff"
ACCEPTED = "employers.accepted.employer"
DECLINED = "employers.declined.employer"
INTERVIEW_CANDIDATE = "employers.interview.candidate"
INTERVIEW_STAFF = "employers.interview.staff"
OFFER_CANDIDATE = "employers.offer.candidate"
OFFER_STAFF = "employers.offer.staff"
# issue 14 §3: an offer to a person whose employment waits on a work permission decision
PERMIT_PENDING_EMPLOYER = "employers.permit_pending.employer"
PERMIT_PENDING_STAFF = "employers.permit_pending.staff"
HIRED_CANDIDATE = "employers.hired.candidate"
HIRED_STAFF = "employers.hired.staff"
CLOSED_EMPLOYER = "employers.closed.employer"
UPDATED_CANDIDATE = "employers.updated.candidate"
UPDATED_STAFF = "employers.updated.staff"
VERIFIED_EMPLOYER = "employers.verified.employer"
PROPOSED_EMPLOYER = "employers.proposed.employer"
PROPOSAL_ACCEPTED_STAFF = "employers.proposal_accepted.staff"
PROPOSAL_DECLINED_STAFF = "employers.proposal_declined.staff"
INTEREST_STAFF = "employers.interest.staff"
INTEREST_COORDINATOR = "employers.interest.coordinator"
ESCALATED_LEAD = "employers.escalated.lead"
ESCALATED_STAFF = "employers.escalated.staff"
ACQUISITION_CONFIRMED_STAFF = "employers.acquisition_confirmed.staff"


SPEED_DATING_PROPOSED_STAFF = "employers.speed_dating_proposed.staff"
SPEED_DATING_INVITED_CANDIDATE = "employers.speed_dating_invited.candidate"
BUSINESS_CONTACT_DUE = "employers.business_contact_due.owner"
NEW_JOBS_CANDIDATE = "employers.new_jobs.candidate"  # issue 16: placements opened that fit the person


def _placement(params: dict[str, Any]) -> str:
    placement, employer = params.get("placement", ""), params.get("employer", "")
    if placement and employer:
        return f"{placement} ({employer})"
    return placement or employer


def _interview(params: dict[str, Any]) -> str:
    return f"{_placement(params)} – {_interview_date(params)}"


def _interview_date(params: dict[str, Any]) -> str:
    """Date and place (notices from before the place was asked for carry the date only)."""
    when = registry.show_datetime(params["at"])
    if params.get("place"):
        return _("am {when}, Ort: {place}").format(when=when, place=params["place"])
    return _("am {when}; den Ort nennt Ihnen der Betrieb").format(when=when)


def _start_date(params: dict[str, Any]) -> str:
    return _("Beginn am {day}").format(day=registry.show_date(params["start"]))


def _hired(params: dict[str, Any]) -> str:
    return _("{placement} – Beginn am {day}").format(
        placement=_placement(params), day=registry.show_date(params["start"])
    )


def _closed(params: dict[str, Any]) -> str:
    from .models import Introduction

    reason = dict(Introduction.CloseReason.choices).get(params.get("reason", ""), "")
    return f"{_placement(params)} – {reason}" if reason else _placement(params)


def _overdue(params: dict[str, Any]) -> str:
    return _("{placement} – Antwort war fällig am {day}").format(
        placement=_placement(params), day=registry.show_date(params["day"])
    )


def _overdue_mail(params: dict[str, Any]) -> str:
    return _("Antwort war fällig am {day}").format(day=registry.show_date(params["day"]))


def _own_business(params: dict[str, Any]) -> str:
    # The reader's own business: the one name a mail may carry.
    return params.get("employer", "")


def _session(params: dict[str, Any]) -> str:
    return _("{session} am {when}").format(
        session=params.get("session", ""), when=registry.show_datetime(params["at"])
    )


def register_kinds() -> None:
    r = registry.register
    r(SELECTED_CANDIDATE, gettext_lazy("Ein Betrieb möchte Sie kennenlernen"), detail=_placement)
    r(
        SELECTED_STAFF,
        gettext_lazy("Ein Betrieb möchte eine Person aus Ihrer Fallverantwortung kennenlernen"),
        detail=_placement,
    )
    r(ACCEPTED, gettext_lazy("Eine Person hat der Vorstellung zugestimmt"), detail=_placement)
    r(DECLINED, gettext_lazy("Eine Person hat die Vorstellung abgelehnt"), detail=_placement)
    r(
        INTERVIEW_CANDIDATE,
        gettext_lazy("Sie sind zu einem Vorstellungsgespräch eingeladen"),
        detail=_interview,
        mail_detail=_interview_date,
    )
    r(
        INTERVIEW_STAFF,
        gettext_lazy("Vorstellungsgespräch für eine Person aus Ihrer Fallverantwortung vereinbart"),
        detail=_interview,
        mail_detail=_interview_date,
    )
    r(OFFER_CANDIDATE, gettext_lazy("Ein Betrieb macht Ihnen ein Angebot"), detail=_placement)
    r(
        PERMIT_PENDING_EMPLOYER,
        gettext_lazy("Der Beginn hängt von einer ausstehenden Erlaubnis-Entscheidung ab"),
        detail=_placement,
    )
    r(
        PERMIT_PENDING_STAFF,
        gettext_lazy("Ein Angebot wartet auf die Entscheidung über die Beschäftigungserlaubnis"),
        detail=_placement,
    )
    r(
        OFFER_STAFF,
        gettext_lazy("Ein Betrieb macht einer Person aus Ihrer Fallverantwortung ein Angebot"),
        detail=_placement,
    )
    r(HIRED_CANDIDATE, gettext_lazy("Sie wurden eingestellt"), detail=_hired, mail_detail=_start_date)
    r(
        HIRED_STAFF,
        gettext_lazy("Eine Person aus Ihrer Fallverantwortung wurde eingestellt"),
        detail=_hired,
        mail_detail=_start_date,
    )
    r(CLOSED_EMPLOYER, gettext_lazy("Eine Vorstellung bei Ihnen wurde beendet"), detail=_closed)
    r(UPDATED_CANDIDATE, gettext_lazy("Neuigkeiten zu Ihrer Vorstellung"), detail=_placement)
    r(
        UPDATED_STAFF,
        gettext_lazy("Neuigkeiten zur Vorstellung einer Person aus Ihrer Fallverantwortung"),
        detail=_placement,
    )
    r(
        VERIFIED_EMPLOYER,
        gettext_lazy("Ihr Betrieb ist geprüft"),
        detail=_own_business,
        mail_detail=_own_business,
    )
    r(
        PROPOSED_EMPLOYER,
        gettext_lazy("Das Case Management schlägt Ihnen eine Person für eine Stelle vor"),
        detail=_placement,
    )
    r(PROPOSAL_ACCEPTED_STAFF, gettext_lazy("Ein Betrieb hat Ihren Vorschlag angenommen"), detail=_placement)
    r(PROPOSAL_DECLINED_STAFF, gettext_lazy("Ein Betrieb hat Ihren Vorschlag abgelehnt"), detail=_closed)
    r(
        INTEREST_STAFF,
        gettext_lazy("Eine Person aus Ihrer Fallverantwortung interessiert sich für eine Stelle"),
        detail=_placement,
    )
    r(
        ESCALATED_LEAD,
        gettext_lazy("Eine Vorstellungsanfrage ist unbeantwortet: bitte erfassen Sie die Antwort der Person"),
        detail=_overdue,
        mail_detail=_overdue_mail,
    )
    r(
        ESCALATED_STAFF,
        gettext_lazy(
            "Eine Vorstellungsanfrage ist überfällig und wurde an Teamleitung oder Koordination weitergegeben"
        ),
        detail=_overdue,
        mail_detail=_overdue_mail,
    )
    r(
        INTEREST_COORDINATOR,
        gettext_lazy(
            "Eine Person ohne zuständige Case Manager*in interessiert sich für eine Stelle: bitte jemanden zuständig machen"
        ),
        detail=_placement,
    )
    r(
        ACQUISITION_CONFIRMED_STAFF,
        gettext_lazy("Ein Betrieb hat die Stelle bestätigt, die Sie angelegt haben"),
        detail=_placement,
    )
    r(
        SPEED_DATING_PROPOSED_STAFF,
        gettext_lazy(
            "Eine Person aus Ihrer Fallverantwortung ist für ein Speed-Dating vorgeschlagen: bitte Einladung bestätigen"
        ),
        detail=_session,
    )
    r(
        SPEED_DATING_INVITED_CANDIDATE,
        gettext_lazy("Sie sind zu einem Speed-Dating eingeladen"),
        detail=_session,
    )
    r(NEW_JOBS_CANDIDATE, gettext_lazy("Neue Stellen, die zu Ihnen passen"), detail=_new_jobs)
    r(
        BUSINESS_CONTACT_DUE,
        gettext_lazy("Ein Kontakt mit einem Betrieb, für den Sie zuständig sind, ist fällig"),
        detail=_business_due,
    )


def _new_jobs(params: dict[str, Any]) -> str:
    count = int(params.get("count") or 0)
    return ngettext(
        "%(count)s neue Stelle passt gut zu Ihrem Profil.",
        "%(count)s neue Stellen passen gut zu Ihrem Profil.",
        count,
    ) % {"count": count}


def _business_due(params: dict[str, Any]) -> str:
    return _("{employer} – fällig am {day}").format(
        employer=params.get("employer", ""), day=registry.show_date(params["day"])
    )
