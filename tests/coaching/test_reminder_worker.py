"""The daily follow-up reminder through a REAL Celery worker on Redis and the test database:
exactly one e-mail per due follow-up when the task runs twice, and when the worker is killed
(SIGKILL) while it sends."""

from __future__ import annotations

import datetime
import os
import signal
from pathlib import Path

import pytest
from django.utils import timezone

from coaching.models import FollowUpDue, FollowUpReminder
from notifications.models import Notification
from tests.clock import live_today
from tests.config.celery_helpers import require_redis, running_worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
TASK = "coaching.tasks.send_follow_up_reminders"


def _mails(directory: Path) -> list[str]:
    return sorted(p.read_text(errors="replace") for p in directory.glob("mail-*.eml"))


def _env(directory: Path) -> dict[str, str]:
    return {
        "DJANGO_EMAIL_BACKEND": "tests.coaching.mail_backend.DirectoryBackend",
        "LOTSE_TEST_MAIL_DIR": str(directory),
    }


def _finished(celery, n: int) -> bool:
    return celery.log("worker").count(f"Task {TASK}[") and celery.log("worker").count(" succeeded in ") >= n


def test_task_run_twice_sends_one_email_per_due_follow_up(world, tmp_path, request):
    require_redis(request)
    today = live_today()  # a real Celery worker reads the real clock (tests/clock.py)
    dues = set(FollowUpDue.objects.filter(due_date__lte=today).values_list("pk", flat=True))
    assert len(dues) == 2
    with running_worker(**_env(tmp_path)) as celery:
        celery.send_task(TASK)
        celery.send_task(TASK)
        assert celery.wait_for(lambda: _finished(celery, 2), timeout=60), celery.logs()
    mails = _mails(tmp_path)
    assert len(mails) == 2, mails
    for pk in dues:
        assert sum(f"followup-due-{pk}@" in m for m in mails) == 1
    assert all(world.coach.email in m for m in mails)
    assert Notification.objects.filter(recipient=world.coach, kind="coaching.follow_up_due").count() == 2


def test_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(world, tmp_path, request):
    require_redis(request)
    (tmp_path / "slow").touch()
    with running_worker(**_env(tmp_path)) as celery:
        celery.send_task(TASK)
        assert celery.wait_for(lambda: (tmp_path / "started").exists(), timeout=60), celery.logs()
        # Mid-run: one reminder claimed ("sending"), its e-mail not yet out. Kill -9.
        os.killpg(celery.processes["worker"].pid, signal.SIGKILL)
        celery.processes["worker"].wait(timeout=10)
    assert list(FollowUpReminder.objects.values_list("state", flat=True)) == ["sending"]
    assert _mails(tmp_path) == []

    (tmp_path / "slow").unlink()
    with running_worker(**_env(tmp_path)) as celery:
        # The next day's run: the fresh claim of the dead run is not stolen, the other one goes out.
        celery.send_task(TASK)
        assert celery.wait_for(lambda: _finished(celery, 1), timeout=60), celery.logs()
        assert len(_mails(tmp_path)) == 1
        # Later the claim counts as lost (stale) and is sent — once, however often the task runs.
        # The dead run's claim is made an hour old instead of waiting on the wall clock.
        FollowUpReminder.objects.filter(state="sending").update(
            claimed_at=timezone.now() - datetime.timedelta(hours=1)
        )
        celery.send_task(TASK, kwargs={"stale_seconds": 600})
        assert celery.wait_for(lambda: _finished(celery, 2), timeout=60), celery.logs()
        celery.send_task(TASK, kwargs={"stale_seconds": 600})
        assert celery.wait_for(lambda: _finished(celery, 3), timeout=60), celery.logs()
    mails = _mails(tmp_path)
    assert len(mails) == 2, mails
    for due in FollowUpDue.objects.filter(reminder__isnull=False):
        assert sum(f"followup-due-{due.pk}@" in m for m in mails) == 1
    assert set(FollowUpReminder.objects.values_list("state", flat=True)) == {"sent"}
