"""Celery application. Broker from CELERY_BROKER_URL; eager when it is unset (see settings).

Start a worker with ``celery -A config.celery_app worker`` and the scheduler with
``celery -A config.celery_app beat`` (``platform/`` on PYTHONPATH, as in the Dockerfile).
"""

import os
import platform

from celery import Celery, signals

from config import logs, metrics

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("lotse")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The request id travels in each task's message headers and is back in the worker's log lines.
signals.before_task_publish.connect(logs.task_publish_add_request_id, weak=False)
signals.task_prerun.connect(logs.task_prerun_restore_request_id, weak=False)
signals.task_postrun.connect(logs.task_postrun_clear_request_id, weak=False)

# Task outcomes for /metrics/, counted where the task ran (config.metrics).
signals.task_success.connect(metrics.task_succeeded, weak=False)
signals.task_failure.connect(metrics.task_failed, weak=False)
signals.task_retry.connect(metrics.task_retried, weak=False)


@app.task(name="config.stdlib_platform_probe", ignore_result=False)
def stdlib_platform_probe() -> dict[str, str]:
    """Diagnostic: which ``platform`` module a worker imports (it must be the standard library's).

    Lives here because ``config`` is not an installed app, so autodiscovery would not find it.
    """
    return {"system": platform.system(), "file": platform.__file__}
