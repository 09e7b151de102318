"""One real periodic task through the whole path: django-celery-beat's DatabaseScheduler reads the
schedule from the database, `celery beat` sends the task over Redis, a real `celery worker` runs
it against the same database — and old audit entries are gone while fresh ones stay."""

import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule

from privacy.models import AuditEntry
from privacy.services import audit_record
from tests.config.celery_helpers import require_redis, running_worker
from tests.factories import IntervalScheduleFactory, PeriodicTaskFactory

TASK = "privacy.tasks.apply_audit_retention"


def test_audit_retention_is_scheduled_daily_by_default():
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-apply-audit-retention"]
    assert entry["task"] == TASK
    assert entry["schedule"] == 60 * 60 * 24
    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)  # beat and the worker are other processes: commit
def test_beat_and_worker_apply_audit_retention_on_schedule(request):
    require_redis(request)
    old = audit_record(
        actor=None, action=AuditEntry.Action.VIEW, record_type="candidates.candidate", record_id=1
    )
    fresh = audit_record(
        actor=None, action=AuditEntry.Action.VIEW, record_type="candidates.candidate", record_id=2
    )
    AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=3 * 365))
    assert settings.LOTSE_AUDIT_RETENTION_DAYS < 3 * 365

    queue = f"lotse-test-beat-{uuid.uuid4().hex[:12]}"  # the worker consumes only this run's queue
    every_second = IntervalScheduleFactory(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTaskFactory(name=f"test {queue}", task=TASK, interval=every_second, queue=queue)

    with running_worker(queues=[queue], beat=True) as celery:
        gone = celery.wait_for(lambda: not AuditEntry.objects.filter(pk=old.pk).exists(), timeout=45)
        assert gone, f"the old audit entry is still there after 45 s\n{celery.logs()}"
        assert AuditEntry.objects.filter(pk=fresh.pk).exists()
        # It went through the scheduler and the worker, not some other path.
        assert f"Sending due task test {queue} ({TASK})" in celery.log("beat"), celery.logs()
        assert f"Task {TASK}[" in celery.log("worker"), celery.logs()
