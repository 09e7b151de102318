"""A real Celery worker delivers a webhook: the receiver answers 500, the task is retried with its
countdown (Celery retry, not a loop) and the second attempt is delivered and logged."""

from __future__ import annotations

import json
import time

import pytest

from tests.config.celery_helpers import require_redis, running_worker
from tests.factories import WebhookDeliveryFactory
from webhooks.models import WebhookDelivery
from webhooks.services import subscription_create
from webhooks.signing import verify

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_retries_a_500_after_its_countdown_and_logs_two_attempts(
    request, employer_team, make_receiver
):
    require_redis(request)
    flaky = make_receiver(500, 200)
    subscription, secret = subscription_create(
        organisation=employer_team.organisation,
        actor=employer_team.own,
        url=flaky.url,
        events=["introduction.stage_changed"],
    )
    payload = {"id": "e1", "event": "introduction.stage_changed", "data": {"introduction": {"id": 7}}}
    row = WebhookDeliveryFactory(
        subscription=subscription, event="introduction.stage_changed", url=flaky.url, payload=payload
    )
    # The retry's countdown is 2 s here (30 s in production), so the test sees it kept.
    with running_worker(LOTSE_WEBHOOKS_RETRY_BASE_SECONDS="2") as celery:
        celery.send_task("webhooks.tasks.deliver", args=[row.pk])
        delivered = celery.wait_for(
            lambda: WebhookDelivery.objects.filter(pk=row.pk, delivered_at__isnull=False).exists(), timeout=90
        )
        assert delivered, celery.logs()
        log = celery.log("worker")
    row.refresh_from_db()
    assert row.attempts == 2 and row.last_status_code == 200 and row.next_attempt_at is None
    assert len(flaky.got) == 2
    # Celery waited for the countdown between the two attempts.
    assert flaky.got[1].at - flaky.got[0].at >= 1.8
    assert "Retry in 2s" in log
    for got in flaky.got:
        # Each attempt is signed afresh (its own time) and carries the same event.
        assert verify(
            secret=secret, header=got.headers["Lotse-Signature"], body=got.body, now=int(time.time())
        )
        assert json.loads(got.body) == payload
