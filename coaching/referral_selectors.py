"""What the receiving provider of a referral sees through its signed link (issue 17): no login,
only the referral's note, the service and the person's first name — never the case or the file."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core import signing
from django.http import Http404

from candidates.models import CasePhase

from .models import Referral

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
    """The referral a provider's signed link names, else Http404 (a forged, expired or foreign link,
    a person erased since, or a case closed since: the link is the only authority, so it ends there)."""
    try:
        data = signing.loads(token, salt=REFERRAL_ANSWER_SALT, max_age=REFERRAL_ANSWER_VALID_FOR)
    except signing.BadSignature as exc:
        raise Http404 from exc
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
        raise Http404
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
