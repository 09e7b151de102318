"""The coaching app's webhook events (issue 17): a provider answered a referral.

The organisations entitled to the referral hear of it: the case's responsible organisation (it
made the referral and works on the case) and, where the provider is an organisation on Lotse,
the provider's (its own systems learn what was answered through the link). With ids, the status
and times only; nothing about the person."""

from __future__ import annotations

from webhooks.events import REFERRAL_ANSWERED
from webhooks.services import webhooks_emit

from .models import Referral


def referral_answered(*, referral: Referral) -> None:
    """Called with the referral just answered (inside the transaction that wrote it)."""
    webhooks_emit(
        event=REFERRAL_ANSWERED,
        organisations=[
            referral.case.responsible_organisation_id,
            referral.service.organisation.organisation_id,
        ],
        payload={
            "referral": {"id": referral.pk},
            "service": {"id": referral.service_id},
            "status": referral.status,
            "answered_at": referral.updated_at.isoformat(),
        },
        occurred_at=referral.updated_at,
    )
