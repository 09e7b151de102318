"""The delivery log does not grow for ever: finished deliveries go after the retention period, and a
delivery still being tried stays, so pruning never loses an event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import WebhookDeliveryFactory
from webhooks.events import INTRODUCTION_STAGE_CHANGED
from webhooks.models import WebhookDelivery
from webhooks.services import subscription_create, webhook_deliveries_prune
from webhooks.tasks import prune_deliveries

pytestmark = pytest.mark.django_db


def _row(subscription, *, age_days: int, **state) -> WebhookDelivery:
    row = WebhookDeliveryFactory(
        subscription=subscription, event=INTRODUCTION_STAGE_CHANGED, url=subscription.url, payload={}, **state
    )
    # created_at is auto_now_add: set the age afterwards.
    WebhookDelivery.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(days=age_days))
    return row


def test_finished_deliveries_past_the_retention_go_and_pending_ones_stay(employer, receiver, settings):
    settings.WEBHOOKS_LOG_RETENTION_DAYS = 30
    subscription, _ = subscription_create(
        organisation=employer.organisation,
        actor=employer.own,
        url=receiver.url,
        events=[INTRODUCTION_STAGE_CHANGED],
    )
    now = timezone.now()
    old_delivered = _row(subscription, age_days=31, delivered_at=now - timedelta(days=31))
    old_given_up = _row(subscription, age_days=45, gave_up_at=now - timedelta(days=44))
    old_still_tried = _row(subscription, age_days=60, attempts=3, next_attempt_at=now + timedelta(minutes=5))
    recent_delivered = _row(subscription, age_days=29, delivered_at=now - timedelta(days=29))

    assert webhook_deliveries_prune(now=now) == 2

    left = set(WebhookDelivery.objects.values_list("pk", flat=True))
    assert left == {old_still_tried.pk, recent_delivered.pk}
    assert old_delivered.pk not in left and old_given_up.pk not in left


def test_the_daily_task_prunes_with_the_default_retention_of_90_days(employer, receiver):
    subscription, _ = subscription_create(
        organisation=employer.organisation,
        actor=employer.own,
        url=receiver.url,
        events=[INTRODUCTION_STAGE_CHANGED],
    )
    now = timezone.now()
    _row(subscription, age_days=91, delivered_at=now - timedelta(days=91))
    kept = _row(subscription, age_days=89, delivered_at=now - timedelta(days=89))

    assert prune_deliveries.delay().get() == 1
    assert list(WebhookDelivery.objects.values_list("pk", flat=True)) == [kept.pk]
