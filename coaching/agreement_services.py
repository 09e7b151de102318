"""Writes of the cooperation agreements (Kooperationsvereinbarungen, issue 23): the municipality's
agreements with its partner organisations, and the once-only reminder of a review that is due.

An agreement holds no personal data: its parties are organisations, its text is the purpose and the
clause on exchanging data. Coordinators of the municipality write them (coaching.agreement_views)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from notifications.services import notify
from organisations.models import OrganisationKind

from .agreement_selectors import agreements_due_for_review
from .models import CooperationAgreement
from .notices import AGREEMENT_REVIEW_DUE
from .services import _members

if TYPE_CHECKING:
    from accounts.models import User


def review_problem(*, signed_on: datetime.date | None, review_on: datetime.date | None) -> str:
    """Why these dates do not go together (a form error), or ""."""
    if signed_on and review_on and review_on < signed_on:
        return _("Die Überprüfung kann nicht vor der Unterzeichnung liegen.")
    return ""


def _check(*, municipality_id: int, partners, signed_on, review_on) -> None:
    errors = {}
    if any(o.municipality_id != municipality_id or o.kind == OrganisationKind.EMPLOYER for o in partners):
        errors["partners"] = [_("Nur Partnerorganisationen der eigenen Kommune (keine Betriebe).")]
    problem = review_problem(signed_on=signed_on, review_on=review_on)
    if problem:
        errors["review_on"] = [problem]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def agreement_create(
    *,
    actor: User,
    municipality_id: int,
    title: str,
    purpose: str,
    partners,
    data_exchange: str = "",
    signed_on: datetime.date | None = None,
    review_on: datetime.date | None = None,
) -> CooperationAgreement:
    """A new agreement: a draft until it has a signing date."""
    partners = list(partners)
    _check(municipality_id=municipality_id, partners=partners, signed_on=signed_on, review_on=review_on)
    agreement = CooperationAgreement.objects.create(
        municipality_id=municipality_id,
        title=title.strip(),
        purpose=purpose.strip(),
        data_exchange=data_exchange.strip(),
        signed_on=signed_on,
        review_on=review_on,
        created_by=actor,
    )
    agreement.partners.set(partners)
    return agreement


@transaction.atomic
def agreement_update(
    *,
    agreement: CooperationAgreement,
    actor: User,
    title: str,
    purpose: str,
    partners,
    data_exchange: str = "",
    signed_on: datetime.date | None = None,
    review_on: datetime.date | None = None,
) -> CooperationAgreement:
    """Change an agreement (also one that has ended, to correct it). A new review date is reminded
    again when it comes close; the same one never twice."""
    partners = list(partners)
    _check(
        municipality_id=agreement.municipality_id, partners=partners, signed_on=signed_on, review_on=review_on
    )
    agreement.title = title.strip()
    agreement.purpose = purpose.strip()
    agreement.data_exchange = data_exchange.strip()
    agreement.signed_on = signed_on
    agreement.review_on = review_on
    agreement.save(update_fields=["title", "purpose", "data_exchange", "signed_on", "review_on"])
    agreement.partners.set(partners)
    return agreement


def agreement_end(*, agreement: CooperationAgreement, actor: User) -> CooperationAgreement:
    """The agreement ends today (once: ending it again keeps the first day). An ended agreement is
    no longer due for review and no longer named on the consent pages."""
    if agreement.ended_on is None:
        agreement.ended_on = timezone.localdate()
        agreement.save(update_fields=["ended_on"])
    return agreement


def agreement_reviews_remind(*, today: datetime.date | None = None) -> int:
    """Daily (beat): each agreement whose review is due within 30 days (or past) is reminded once
    to the coordinators of its municipality, with a link to it. Returns the number reminded."""
    today = today or timezone.localdate()
    reminded = 0
    due = agreements_due_for_review(today=today).exclude(review_reminded_for=F("review_on"))  # 30 days
    for agreement in due.only("pk", "municipality_id", "title", "review_on"):
        with transaction.atomic():
            # Claimed first: a second worker (or run) finds nothing left to remind.
            claimed = (
                CooperationAgreement.objects.filter(pk=agreement.pk, review_on=agreement.review_on)
                .exclude(review_reminded_for=agreement.review_on)
                .update(review_reminded_for=agreement.review_on)
            )
            if not claimed:
                continue
            notify(
                recipients=_members(municipality_id=agreement.municipality_id, roles=[Role.COORDINATOR]),
                kind=AGREEMENT_REVIEW_DUE,
                params={"title": agreement.title, "day": agreement.review_on.isoformat()},
                link="coaching:agreement_detail",
                link_kwargs={"pk": agreement.pk},
                target=agreement,
                dedupe_key=f"agreement-review-{agreement.pk}-{agreement.review_on.isoformat()}",
            )
            reminded += 1
    return reminded
