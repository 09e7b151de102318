"""Writes of the outbox: keep a job with the current transaction, send it, drain what waited.

At least once: a job whose row could not be deleted after sending is sent again by the drain, so
tasks started through here must tolerate a second run (they take ids and do their work once).
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from functools import cache
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError as BrokerUnavailable

from .models import OutboxJob

logger = logging.getLogger(__name__)

# The attempt right after the commit owns a new job for this long; then the drain may take it.
GRACE = timedelta(seconds=30)
# A task that failed by itself (tasks run in-process without a broker) waits longer each time.
MAX_BACKOFF_SECONDS = 60 * 60
# After the broker refused a job, requests leave new jobs to the drain for this long (seconds)
# instead of each waiting for the broker's timeout again.
BROKER_RETRY_AFTER = 10.0

_broker_down_until = 0.0
_broker_error = ""


@cache
def _header_source() -> Any:
    # Named in the settings (OUTBOX_TASK_HEADERS, config's request id), because the outbox, a
    # platform package, does not import config.
    path = getattr(settings, "OUTBOX_TASK_HEADERS", "")
    return import_string(path) if path else dict


def enqueue(task: Any, *args: Any, **kwargs: Any) -> OutboxJob:
    """Start ``task(*args, **kwargs)`` once the current transaction commits — never lose it.

    Use instead of ``task.delay(...)``: the job is a row of the same transaction as the write it
    follows (rolled back with it), sent right after the commit, and kept for the drain if the
    broker does not take it. Arguments must be JSON: ids, not objects.
    """
    name = task if isinstance(task, str) else task.name
    job = OutboxJob.objects.create(
        task=name,
        args=list(args),
        kwargs=kwargs,
        headers=_header_source()(),
        next_attempt_at=timezone.now() + GRACE,
    )
    transaction.on_commit(lambda: _send_after_commit(job))
    return job


def outbox_drain(*, limit: int = 500) -> int:
    """Send the jobs that are due; returns how many were sent. Stops at the first broker failure."""
    sent = 0
    with transaction.atomic():
        due = OutboxJob.objects.select_for_update(skip_locked=True).filter(
            next_attempt_at__lte=timezone.now()
        )
        for job in list(due[:limit]):
            try:
                # A savepoint: a task run in-process that fails leaves the other jobs' work intact.
                with transaction.atomic():
                    _publish(job)
            except Exception as exc:
                _record_failure(job, exc)
                if isinstance(exc, BrokerUnavailable | OSError):
                    break
                continue
            job.delete()
            sent += 1
    if sent:
        logger.info("Outbox: %d waiting job(s) sent", sent)
    return sent


def _publish(job: OutboxJob) -> None:
    current_app.tasks[job.task].apply_async(args=job.args, kwargs=job.kwargs, headers=job.headers or None)


def _broker_skipped() -> bool:
    return not current_app.conf.task_always_eager and time.monotonic() < _broker_down_until


def _send_after_commit(job: OutboxJob) -> None:
    # Runs inside the request that made the write: nothing here may raise, or a saved change
    # would be answered with an error page.
    global _broker_down_until, _broker_error
    try:
        if _broker_skipped():
            raise BrokerUnavailable(f"not tried, the broker refused a job moments ago: {_broker_error}")
        _publish(job)
    except Exception as exc:
        if isinstance(exc, BrokerUnavailable | OSError) and not _broker_skipped():
            _broker_down_until, _broker_error = time.monotonic() + BROKER_RETRY_AFTER, str(exc)
        _record_failure(job, exc)
        return
    _broker_down_until = 0.0
    try:
        OutboxJob.objects.filter(pk=job.pk).delete()
    except DatabaseError:
        logger.exception(
            "Outbox: job %s (%s) was sent but its row stays; it will be sent again", job.pk, job.task
        )


def _record_failure(job: OutboxJob, exc: Exception) -> None:
    broker = isinstance(exc, BrokerUnavailable | OSError)
    job.attempts += 1
    job.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    # The broker being down: due again at once (the drain only runs once the broker is back).
    # The task itself failing (run in-process): back off.
    delay = 0 if broker else min(2**job.attempts, MAX_BACKOFF_SECONDS)
    job.next_attempt_at = timezone.now() + timedelta(seconds=delay)
    if broker:
        logger.warning(
            "Outbox: broker unavailable, job %s (%s) waits for the drain: %s", job.pk, job.task, exc
        )
    else:
        logger.error("Outbox: job %s (%s) failed", job.pk, job.task, exc_info=exc)
    try:
        OutboxJob.objects.filter(pk=job.pk).update(
            attempts=job.attempts, last_error=job.last_error, next_attempt_at=job.next_attempt_at
        )
    except DatabaseError:
        logger.exception("Outbox: could not record the failed attempt of job %s", job.pk)
