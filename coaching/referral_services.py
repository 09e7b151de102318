"""Referrals that close the loop (issue 17): the receiving provider gets a signed link by mail and
accepts, declines or completes the referral there, without an account; the case staff hear of it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from notifications.links import absolute_url
from notifications.services import notify
from privacy.models import AuditEntry
from privacy.services import audit_record, audit_record_views_once_a_day

from . import notices
from .discrimination_services import referral_recipient
from .models import Referral
from .referral_selectors import REFERRAL_ANSWER_SALT, REFERRAL_ANSWER_VALID_FOR, ProviderReferral
from .services import referral_update
from .webhooks import referral_answered

if TYPE_CHECKING:
    from accounts.models import User


def referral_answer_token(*, referral: Referral) -> str:
    return signing.dumps({"r": referral.pk}, salt=REFERRAL_ANSWER_SALT)


def referral_answer_link(*, referral: Referral) -> str:
    return absolute_url(
        reverse("coaching:referral_answer", kwargs={"token": referral_answer_token(referral=referral)})
    )


def referral_link_send(*, referral_id: int) -> bool:
    """Mail the provider its signed link (the Celery task calls this once, after the referral's
    commit), in German. The mail names the service and nothing of the person."""
    referral = (
        Referral.objects.filter(pk=referral_id, status=Referral.Status.SENT)
        .select_related("service__organisation", "case__responsible_organisation")
        .first()
    )
    if referral is None:
        return False
    recipient = referral_recipient(service=referral.service)
    if not recipient:
        return False
    until = timezone.localtime(timezone.now() + REFERRAL_ANSWER_VALID_FOR)
    with translation.override("de"):
        send_mail(
            subject=_("[Lotse] Eine Verweisung an %(service)s") % {"service": referral.service.name},
            message=_(
                "Guten Tag,\n\n%(organisation)s hat über Lotse eine Person an Ihr Angebot „%(service)s“ "
                "verwiesen. Unter diesem Link (eine Anmeldung ist nicht nötig) sehen Sie den Anlass und "
                "den Vornamen der Person und können antworten, ob Sie sie aufnehmen, und später, wie es "
                "ausgegangen ist:\n\n%(link)s\n\nDer Link gilt bis %(until)s. Bitte geben Sie ihn nicht "
                "weiter.\n"
            )
            % {
                "organisation": referral.case.responsible_organisation.name,
                "service": referral.service.name,
                "link": referral_answer_link(referral=referral),
                "until": formats.date_format(until, "DATE_FORMAT"),
            },
            from_email=None,
            recipient_list=[recipient],
        )
    return True


def referral_answer_by_provider(
    *, seen: ProviderReferral, status: str, outcome: str = "", actor: User | None = None
) -> Referral:
    """The provider answers through its link (``actor`` None) or its API client (``actor``: whoever
    made the credential): the same transitions and checks as the staff's form (a declined or
    completed referral needs its outcome), then the case staff are told."""
    referral = seen.referral
    with transaction.atomic():
        updated = referral_update(referral=referral, actor=actor, status=status, outcome=outcome)
        case = updated.case
        notify(
            recipients={case.case_manager, updated.created_by},
            kind=notices.REFERRAL_ANSWERED,
            params={"service": updated.service.name, "status": updated.status},
            link="coaching:case_detail",
            link_kwargs={"case_pk": case.pk},
            target=updated,
            dedupe_key=f"referral-answered:{updated.pk}:{updated.status}",
        )
        referral_answered(referral=updated)  # webhooks (issue 17): coaching/webhooks.py
    return updated


def referral_viewed_by_provider(*, seen: ProviderReferral) -> None:
    """The provider's page shows the person's first name: audited like a page view."""
    candidate = seen.referral.case.candidate
    audit_record(
        actor=None,
        action=AuditEntry.Action.VIEW,
        record=candidate,
        municipality_id=candidate.municipality_id,
        fields=["referral"],
        note=f"provider link: {seen.service_name}",
    )


def referrals_shown(*, actor: User | None, referrals: list[Referral], note: str) -> int:
    """An API client read these referrals (and so the person's name): into each person's audit
    trail, once a day per actor and person, as a list page does."""
    return audit_record_views_once_a_day(
        actor=actor,
        record_type="candidates.candidate",
        records=[(r.case.candidate_id, r.case.candidate.municipality_id) for r in referrals],
        fields=["referral"],
        note=note,
    )
