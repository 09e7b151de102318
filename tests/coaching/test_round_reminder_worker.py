"""Issue 23: an overdue action of a coordination round is reminded through the whole path —
django-celery-beat's scheduler sends the daily task over Redis, a real worker runs it against the
same database, and the owner and the coordinator each get one notice, however often it runs."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.conf import settings
from django_celery_beat.models import IntervalSchedule

from coaching import barrier_services
from notifications.models import Notification
from tests.clock import live_today
from tests.config.celery_helpers import require_redis, running_worker
from tests.factories import IntervalScheduleFactory, PeriodicTaskFactory

TASK = "coaching.tasks.remind_overdue_round_actions"

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_beat_and_a_real_worker_remind_the_owner_of_an_overdue_action_once(request, world):
    require_redis(request)
    assert settings.CELERY_BEAT_SCHEDULE["coaching-remind-overdue-round-actions"]["task"] == TASK
    today = live_today()  # a real Celery worker reads the real clock (tests/clock.py)
    coordination_round = barrier_services.round_create(
        actor=world.coordinator,
        municipality_id=world.municipality.pk,
        name="Runde mit der Ausländerbehörde",
        kind="immigration_office",
        members=[world.office],
    )
    overdue = barrier_services.round_action_create(
        coordination_round=coordination_round,
        actor=world.coordinator,
        text="Bearbeitungszeiten der Beschäftigungserlaubnis klären",
        owner=world.case_manager,
        deadline=today - datetime.timedelta(days=2),
    )
    barrier_services.round_action_create(
        coordination_round=coordination_round,
        actor=world.coordinator,
        text="Später",
        owner=world.case_manager,
        deadline=today + datetime.timedelta(days=7),
    )

    queue = f"lotse-test-rounds-{uuid.uuid4().hex[:12]}"
    every_second = IntervalScheduleFactory(every=1, period=IntervalSchedule.SECONDS)  # get or create
    PeriodicTaskFactory(name=f"test {queue}", task=TASK, interval=every_second, queue=queue)

    reminded = Notification.objects.filter(kind="coaching.round_action_overdue")
    with running_worker(queues=[queue], beat=True) as celery:
        arrived = celery.wait_for(lambda: reminded.count() >= 2, timeout=60)
        assert arrived, f"no reminder after 60 s\n{celery.logs()}"
        # Beat keeps sending every second: the worker runs it again and again, nobody is told twice.
        celery.wait_for(lambda: celery.log("worker").count(f"Task {TASK}[") >= 3, timeout=30)
        assert f"Sending due task test {queue} ({TASK})" in celery.log("beat"), celery.logs()

    assert sorted(n.recipient_id for n in reminded) == sorted([world.case_manager.pk, world.coordinator.pk])
    assert all(n.target_id == overdue.pk for n in reminded)
    overdue.refresh_from_db()
    assert overdue.reminded_at is not None
