"""The employers app's webhook events (issue 17): an introduction's stage changed.

Only the employer of the introduction's placement hears of it, with ids, the stage and times:
the details come from the API, where the person's consent is checked on every request."""

from __future__ import annotations

from webhooks.events import INTRODUCTION_STAGE_CHANGED
from webhooks.services import webhooks_emit

from .models import Introduction, IntroductionStage


def introduction_stage_changed(*, step: IntroductionStage, previous: str | None) -> None:
    """Called with the stage row just written (inside the transaction that wrote it)."""
    intro: Introduction = step.introduction
    webhooks_emit(
        event=INTRODUCTION_STAGE_CHANGED,
        organisations=[intro.placement.employer.organisation_id],
        payload={
            # The random reference the employer's pages use, not the counting id (tests/security/test_disclosure.py).
            "introduction": {"reference": intro.reference},
            "placement": {"id": intro.placement_id},
            "stage": step.stage,
            "previous_stage": previous,
            "close_reason": intro.close_reason or None,
            "changed_at": step.at.isoformat(),
        },
        occurred_at=step.at,
    )
