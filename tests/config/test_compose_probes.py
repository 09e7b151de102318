"""The worker's and beat's health checks in docker-compose.yml, run as written against a real
worker and beat on Redis: healthy while each answers, unhealthy once it is gone."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.config.celery_helpers import _stop, require_redis, running_worker, subprocess_env
from tests.config.compose import SERVICES


def _probe(service: str, node: str) -> subprocess.CompletedProcess:
    kind, command = SERVICES[service]["healthcheck"]["test"]
    assert kind == "CMD-SHELL"
    # Compose turns "$$" into "$"; the shell then reads the container's HOSTNAME.
    env = subprocess_env(HOSTNAME=node)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(
        ["sh", "-c", command.replace("$$", "$")], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_and_beat_health_checks_follow_the_processes(request):
    require_redis(request)
    node = f"lotse-probe-{uuid.uuid4().hex[:8]}"
    with running_worker(beat=True, node=node) as celery:
        # Both start in a few seconds; a health check in compose has a start period for that.
        assert celery.wait_for(lambda: _probe("worker", node).returncode == 0, timeout=60), celery.logs()
        assert celery.wait_for(lambda: _probe("beat", node).returncode == 0, timeout=60), celery.logs()
        assert "pong" in _probe("beat", node).stdout
        # Another container's name gets no answer: the check is about this container only.
        assert _probe("worker", f"{node}-elsewhere").returncode != 0

        _stop(celery.processes.pop("beat"))
        assert _probe("beat", node).returncode != 0
        assert _probe("worker", node).returncode == 0  # the worker is still fine

        _stop(celery.processes.pop("worker"))
        assert _probe("worker", node).returncode != 0
