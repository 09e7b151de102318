"""What the receiving provider of a referral sees through its signed link (issue 17): no login,
only the referral's note, the service and the person's first name — never the case or the file."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core import signing
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.roles import CASE_STAFF
from candidates import selectors as candidate_selectors
from candidates.models import CasePhase
from organisations import access
from organisations.access import NotFound

from .models import Referral

if TYPE_CHECKING:
    from accounts.models import User

REFERRAL_ANSWER_SALT = "coaching.referral-answer"
# Long enough for a course that starts in a few months and then ends; the link names one referral.
REFERRAL_ANSWER_VALID_FOR = datetime.timedelta(days=180)


@dataclass(frozen=True)
class ProviderReferral:
    """The provider's view of one referral: nothing beyond what the page shows."""

    referral: Referral
    first_name: str
    service_name: str
    referred_by: str
    note: str
    # What the directory tells the person about the offer (issue 17), so the provider sees what
    # the person was told to expect and to bring.
    wait_time: str = ""
    required_documents: tuple[str, ...] = ()

    @property
    def answers(self) -> list[tuple[str, str]]:
        return [
            (s, label) for s, label in Referral.Status.choices if s in Referral.NEXT[self.referral.status]
        ]


def referral_from_answer_token(*, token: str) -> ProviderReferral:
    """The referral a provider's signed link names, else NotFound (a forged, expired or foreign link,
    a person erased since, or a case closed since: the link is the only authority, so it ends there)."""
    try:
        data = signing.loads(token, salt=REFERRAL_ANSWER_SALT, max_age=REFERRAL_ANSWER_VALID_FOR)
    except signing.BadSignature as exc:
        raise NotFound from exc
    pk = data.get("r") if isinstance(data, dict) else None
    referral = (
        Referral.objects.filter(pk=pk if isinstance(pk, int) else None)
        .select_related(
            "case__candidate",
            "case__responsible_organisation__municipality",
            "service__organisation",
        )
        .first()
    )
    if (
        referral is None
        or referral.case.candidate.erased_at is not None
        or referral.case.phase == CasePhase.CLOSED
    ):
        raise NotFound
    return provider_referral(referral=referral)


def provider_referral(*, referral: Referral) -> ProviderReferral:
    """What the provider sees of a referral, through its link or the API (the referral with its
    case's candidate and responsible organisation and its service's provider)."""
    referrer = referral.case.responsible_organisation
    return ProviderReferral(
        referral=referral,
        first_name=referral.case.candidate.first_name,
        service_name=referral.service.name,
        # Across a district line (issue 17) the provider also learns where the referral comes from.
        referred_by=(
            referrer.name
            if referrer.municipality_id == referral.service.municipality_id
            else f"{referrer.name} ({referrer.municipality.name})"
        ),
        note=referral.note,
        wait_time=referral.service.wait_time,
        required_documents=tuple(referral.service.required_document_list()),
    )


# --- the API (issue 17): both sides of a referral, each through its organisation's client ---------


def _referring(*, user: User) -> QuerySet[Referral]:
    """Referrals of the cases the user's organisations are responsible for, while their case staff
    may work on the person (as the case page shows them)."""
    org_ids = access.organisation_ids(user=user, roles=CASE_STAFF)
    if not org_ids:
        return Referral.objects.none()
    return Referral.objects.filter(
        case__responsible_organisation_id__in=org_ids,
        case__candidate__in=candidate_selectors.editable_candidates(user=user),
    )


def _providing(*, user: User) -> QuerySet[Referral]:
    """Referrals to offers of the user's organisations as providers, as long as their link would
    open (person not erased, case not closed)."""
    org_ids = access.organisation_ids(user=user)
    if not org_ids:
        return Referral.objects.none()
    return Referral.objects.filter(
        service__organisation__organisation_id__in=org_ids, case__candidate__erased_at__isnull=True
    ).exclude(case__phase=CasePhase.CLOSED)


def api_referrals(*, user: User) -> QuerySet[Referral]:
    """The referrals an API client sees, newest first, each marked by the side it sees it from
    (``as_referrer``, ``as_provider``; an organisation may be both)."""
    referring, providing = _referring(user=user), _providing(user=user)
    return (
        Referral.objects.filter(Q(pk__in=referring.values("pk")) | Q(pk__in=providing.values("pk")))
        .annotate(
            as_referrer=Exists(referring.filter(pk=OuterRef("pk"))),
            as_provider=Exists(providing.filter(pk=OuterRef("pk"))),
        )
        .select_related(
            "case__candidate",
            "case__responsible_organisation__municipality",
            "service__organisation",
        )
        .prefetch_related("service__required_documents")
        .order_by("-created_at", "-pk")
    )


def api_referral_get(*, user: User, pk: int, for_update: bool = False) -> Referral:
    """One referral the client sees, else NotFound; locked for an answer (of the referral row only)."""
    rows = api_referrals(user=user).filter(pk=pk)
    if for_update:
        rows = rows.select_for_update(of=("self",))
    return access.first_visible(rows)
