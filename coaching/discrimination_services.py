"""Writes of reported discrimination (issue 15 §3): a report, its referral to a counselling service
with the person's consent, the service's answer through its signed link, and the erasure of a
person's named reports (the text goes, the row stays for the counts).

An anonymous report is written without any trace of its writer: no reporter, no candidate, the
month instead of the day, and no audit entry (an entry would name the actor and the minute)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from notifications.links import absolute_url
from organisations.models import Organisation
from outbox.services import enqueue
from privacy.models import AuditEntry
from privacy.services import audit_record

from .discrimination_selectors import REFERRAL_LINK_SALT, REFERRAL_LINK_VALID_FOR, Reporter, first_of_month
from .models import DiscriminationReferral, DiscriminationReport, Service, ServiceCategory

if TYPE_CHECKING:
    from accounts.models import User


def report_create(
    *,
    actor: User,
    reporter: Reporter,
    setting: str,
    occurred_on: datetime.date,
    description: str,
    ground: str = "",
    business: Organisation | None = None,
    anonymous: bool = False,
    refer_to: Service | None = None,
    consent: bool = False,
    contact: str = "",
    today: datetime.date | None = None,
) -> DiscriminationReport:
    """Store a report; with ``refer_to`` and the person's ``consent``, refer it to that counselling
    service (its signed link is mailed after the commit)."""
    today = today or timezone.localdate()
    if occurred_on > today:
        raise ValidationError(_("Der Vorfall kann nicht in der Zukunft liegen."))
    if business is not None and (
        business.municipality_id != reporter.municipality.pk or business.kind != "employer"
    ):
        raise ValidationError(_("Bitte einen Betrieb aus der Liste wählen."))
    if refer_to is not None:
        if not consent:
            raise ValidationError(_("Ohne Ihre Einwilligung geben wir die Meldung nicht weiter."))
        if (
            refer_to.municipality_id != reporter.municipality.pk
            or refer_to.category != ServiceCategory.ANTI_DISCRIMINATION
            or not refer_to.is_active
        ):
            raise ValidationError(_("Bitte eine Beratungsstelle aus der Liste wählen."))
    named = not anonymous
    with transaction.atomic():
        report = DiscriminationReport.objects.create(
            municipality=reporter.municipality,
            reporter_kind=reporter.kind,
            reporter=actor if named else None,
            candidate=reporter.candidate if named else None,
            anonymous=anonymous,
            setting=setting,
            ground=ground,
            occurred_on=first_of_month(occurred_on),
            description=description,
            # what the person typed is in the language her page was in
            description_lang=(translation.get_language() or settings.LANGUAGE_CODE).split("-")[0],
            business=business,
            reported_on=today if named else first_of_month(today),
        )
        if named:
            audit_record(
                actor=actor,
                action=AuditEntry.Action.CREATE,
                record=report,
                municipality_id=reporter.municipality.pk,
            )
        if refer_to is not None:
            referral = DiscriminationReferral.objects.create(
                report=report, service=refer_to, contact=contact, consented_at=report.reported_on
            )
            from .tasks import send_discrimination_referral

            enqueue(send_discrimination_referral, referral.pk)
    return report


def referral_token(*, referral: DiscriminationReferral) -> str:
    return signing.dumps({"r": referral.pk}, salt=REFERRAL_LINK_SALT)


def referral_recipient(*, service: Service) -> str:
    return service.email or service.organisation.email


def referral_link_send(*, referral_id: int) -> bool:
    """Mail the counselling service its signed link (called by the Celery task), in German. The mail
    itself carries nothing of the report: only the link."""
    referral = (
        DiscriminationReferral.objects.filter(pk=referral_id, sent_at__isnull=True)
        .select_related("service__organisation")
        .first()
    )
    if referral is None:
        return False
    recipient = referral_recipient(service=referral.service)
    if not recipient:
        return False
    link = absolute_url(
        reverse("coaching:discrimination_referral", kwargs={"token": referral_token(referral=referral)})
    )
    until = timezone.localtime(timezone.now() + REFERRAL_LINK_VALID_FOR)
    with translation.override("de"):
        send_mail(
            subject=_("[Lotse] Eine Meldung von Diskriminierung für %(service)s")
            % {"service": referral.service.name},
            message=_(
                "Guten Tag,\n\neine Person hat über Lotse einen Vorfall von Diskriminierung gemeldet und "
                "eingewilligt, dass die Meldung an %(service)s weitergegeben wird. Sie finden sie unter "
                "diesem Link (eine Anmeldung ist nicht nötig) und können dort antworten, ob Sie die "
                "Beratung übernehmen:\n\n%(link)s\n\nDer Link gilt bis %(until)s. Bitte geben Sie ihn "
                "nicht weiter.\n"
            )
            % {
                "service": referral.service.name,
                "link": link,
                "until": formats.date_format(until, "DATE_FORMAT"),
            },
            from_email=None,
            recipient_list=[recipient],
        )
    DiscriminationReferral.objects.filter(pk=referral.pk).update(sent_at=timezone.now())
    return True


def referral_answer(*, referral: DiscriminationReferral, status: str) -> DiscriminationReferral:
    """The counselling service accepts, declines or completes the referral (its signed link)."""
    if status not in DiscriminationReferral.NEXT[referral.status]:
        raise ValidationError(_("Dieser Schritt ist im jetzigen Stand nicht möglich."))
    referral.status = status
    referral.answered_at = timezone.now()
    referral.save(update_fields=["status", "answered_at"])
    return referral


def reports_erase(*, reporter_id: int | None = None, candidate_id: int | None = None) -> int:
    """GDPR erasure of a person's named reports: the text and the contact given to a counselling
    service are blanked and the links to the person removed; the rows stay for the counts."""
    if reporter_id is None and candidate_id is None:
        return 0
    from django.db.models import Q

    q = Q(pk__in=[])
    if reporter_id is not None:
        q |= Q(reporter_id=reporter_id)
    if candidate_id is not None:
        q |= Q(candidate_id=candidate_id)
    reports = DiscriminationReport.objects.filter(q, anonymous=False)
    ids = list(reports.values_list("pk", flat=True))
    DiscriminationReferral.objects.filter(report_id__in=ids).update(contact="")
    return DiscriminationReport.objects.filter(pk__in=ids).update(
        description="", reporter=None, candidate=None, erased_at=timezone.now()
    )
