"""Celery application. Broker from CELERY_BROKER_URL; eager when it is unset (see settings).

Start a worker with ``celery -A config.celery_app worker`` and the scheduler with
``celery -A config.celery_app beat`` (``platform/`` on PYTHONPATH, as in the Dockerfile).
"""

import os
import platform

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("lotse")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="config.stdlib_platform_probe", ignore_result=False)
def stdlib_platform_probe() -> dict[str, str]:
    """Diagnostic: which ``platform`` module a worker imports (it must be the standard library's).

    Lives here because ``config`` is not an installed app, so autodiscovery would not find it.
    """
    return {"system": platform.system(), "file": platform.__file__}
