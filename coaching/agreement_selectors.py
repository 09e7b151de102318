"""Reads of the cooperation agreements (issue 23) and the network figures beside the barriers.

Agreements are the coordinators' of their municipality; anybody else gets 403 from the view and a
coordinator of another municipality 404 from :func:`agreement_get`. Every read here is a fixed
number of queries whatever the number of agreements, actions or municipalities."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from organisations import access
from organisations.models import Municipality, Organisation, OrganisationKind

from .models import CooperationAgreement, RoundAction

if TYPE_CHECKING:
    from accounts.models import User

REVIEW_DAYS = 30  # "zur Überprüfung fällig": the reminder and the network figure
FLAG_DAYS = 60  # the list flags the agreements whose review comes within this many days
DUE = "due"
OVERDUE = "overdue"


def agreements_due_for_review(*, today: datetime.date, days: int = REVIEW_DAYS) -> QuerySet:
    """Agreements not ended whose review date is within ``days`` days or already past."""
    return CooperationAgreement.objects.filter(
        ended_on__isnull=True, review_on__isnull=False, review_on__lte=today + datetime.timedelta(days=days)
    )


def visible_agreements(*, user: User) -> QuerySet[CooperationAgreement]:
    """The agreements of the municipalities the user coordinates: those still in force first, the
    next review first (without a review date after them), the ended ones last."""
    coordinated = access.municipality_ids(user=user, roles=[Role.COORDINATOR])
    return (
        CooperationAgreement.objects.filter(municipality_id__in=coordinated)
        .select_related("municipality")
        .prefetch_related("partners")
        .order_by(F("ended_on").asc(nulls_first=True), F("review_on").asc(nulls_last=True), "title", "pk")
    )


def agreement_get(*, user: User, pk: int) -> CooperationAgreement:
    """An agreement of a municipality the user coordinates, else NotFound."""
    return access.first_visible(visible_agreements(user=user).filter(pk=pk))


def review_flag(*, agreement: CooperationAgreement, today: datetime.date, days: int = FLAG_DAYS) -> str:
    """OVERDUE when the review date has passed, DUE when it is within ``days`` days, else ""."""
    if agreement.ended_on or not agreement.review_on:
        return ""
    if agreement.review_on < today:
        return OVERDUE
    if agreement.review_on <= today + datetime.timedelta(days=days):
        return DUE
    return ""


@dataclass
class AgreementRow:
    agreement: CooperationAgreement
    flag: str

    @property
    def partners(self) -> list[Organisation]:
        return sorted(self.agreement.partners.all(), key=lambda o: o.name)


def agreement_rows(*, user: User, today: datetime.date | None = None) -> list[AgreementRow]:
    """The list page: every visible agreement with its review flag (two queries)."""
    today = today or timezone.localdate()
    return [
        AgreementRow(agreement=a, flag=review_flag(agreement=a, today=today))
        for a in visible_agreements(user=user)
    ]


def agreement_partners(*, agreement: CooperationAgreement) -> QuerySet[Organisation]:
    """The agreement's partner organisations, by name (its page; the agreement already one the
    user may see)."""
    return agreement.partners.order_by("name")


def partner_choices(*, municipality_id: int) -> QuerySet[Organisation]:
    """Who may be a party: the organisations of the municipality, businesses excepted (case data
    never goes to an employer, so no agreement on exchanging it either)."""
    return (
        Organisation.objects.filter(municipality_id=municipality_id)
        .exclude(kind=OrganisationKind.EMPLOYER)
        .order_by("name")
    )


# --- network figures (beside the barriers) ----------------------------------------------------------


@dataclass
class NetworkFigures:
    municipality: Municipality
    actions_open: int
    actions_overdue: int
    agreements_due: int


def network_figures(*, user: User, today: datetime.date | None = None) -> list[NetworkFigures]:
    """Per municipality the user coordinates: the actions of its rounds not done, of them those
    past their deadline, and the agreements due for review (within 30 days or past, not ended).
    Three queries, whatever the number of municipalities, actions and agreements."""
    today = today or timezone.localdate()
    ids = access.municipality_ids(user=user, roles=[Role.COORDINATOR])
    if not ids:
        return []
    actions = {
        row["round__municipality_id"]: row
        for row in RoundAction.objects.filter(round__municipality_id__in=ids, done_at__isnull=True)
        .values("round__municipality_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=today)))
        .order_by()
    }
    due = dict(
        agreements_due_for_review(today=today)
        .filter(municipality_id__in=ids)
        .values("municipality_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("municipality_id", "n")
    )
    return [
        NetworkFigures(
            municipality=m,
            actions_open=actions.get(m.pk, {}).get("open", 0),
            actions_overdue=actions.get(m.pk, {}).get("overdue", 0),
            agreements_due=due.get(m.pk, 0),
        )
        for m in Municipality.objects.filter(pk__in=ids).order_by("name", "pk")
    ]


# --- the consent pages name the agreements -------------------------------------------------------


def signed_agreements_with(*, organisation_ids: Iterable[int]) -> dict[int, list[CooperationAgreement]]:
    """{organisation id: the signed agreements in force it is a party to}, in one query."""
    ids = set(organisation_ids)
    if not ids:
        return {}
    through = CooperationAgreement.partners.through
    found: dict[int, list[CooperationAgreement]] = {}
    links = (
        through.objects.filter(
            organisation_id__in=ids,
            cooperationagreement__signed_on__isnull=False,
            cooperationagreement__ended_on__isnull=True,
        )
        .select_related("cooperationagreement")
        .order_by("cooperationagreement__signed_on", "cooperationagreement_id")
    )
    for link in links:
        found.setdefault(link.organisation_id, []).append(link.cooperationagreement)
    return found


# A reference the platform wrote itself ("introduction:4"), as candidates.selectors reads it.
_INTERNAL_REFERENCE = re.compile(r"^[a-z_]+:\d+$")


def consent_labels(consents: Sequence[Any]) -> dict[int, str]:
    """For the consent pages (candidates.hooks.ConsentParty): a live grant of case data to an
    organisation names the signed agreements with it that govern the exchange. A reference typed
    from a paper form stays in front. One query for all the grants shown."""
    from candidates.models import ConsentScope

    grants = [
        c
        for c in consents
        if c.scope == ConsentScope.CASE_DATA and c.recipient_organisation_id and c.revoked_at is None
    ]
    agreements = signed_agreements_with(organisation_ids={c.recipient_organisation_id for c in grants})
    labels: dict[int, str] = {}
    for consent in grants:
        found = agreements.get(consent.recipient_organisation_id)
        if not found:
            continue
        line = "; ".join(
            _("geregelt in der Kooperationsvereinbarung „%(title)s“ vom %(day)s")
            % {"title": a.title, "day": a.signed_on.strftime("%d.%m.%Y")}
            for a in found
        )
        reference = consent.reference or ""
        if reference and not _INTERNAL_REFERENCE.match(reference):
            line = f"{reference} – {line}"
        labels[consent.pk] = line
    return labels


def no_consequences(consent: Any, *, for_self: bool) -> list[str]:
    """Revoking a grant ends no agreement (the agreement is between organisations)."""
    return []


def nothing_to_close(consent: Any, actor: Any) -> None:
    return None
