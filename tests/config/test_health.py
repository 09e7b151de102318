"""Readiness and liveness as an operator and docker-compose meet them (issue 18).

The outage cases (database, cache, broker down) are in tests/security/test_degradation.py; here:
migrations not applied is named on its own, and the compose health check, run as written against
a real gunicorn, passes when everything answers and fails when the broker does not.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client

from config import views
from tests.config.celery_helpers import require_redis
from tests.config.compose import SERVICES
from tests.config.servers import running_gunicorn

HOST = {"HTTP_HOST": "127.0.0.1:8000"}
DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.mark.django_db
def test_readiness_names_migrations_not_applied(monkeypatch):
    # A release whose code is newer than its database: one applied migration forgotten (the
    # test's transaction puts the row back).
    monkeypatch.setattr(views, "_migrations_applied", False)
    leaf = max(node for node in MigrationLoader(connection).graph.leaf_nodes() if node[0] == "outbox")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s", list(leaf))
        assert cursor.rowcount == 1
    response = Client(raise_request_exception=False).get("/health/ready/", **HOST)
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "failed": ["migrations"]}
    assert views._migrations_applied is False  # asked again on the next probe


@pytest.mark.django_db
def test_readiness_remembers_applied_migrations(monkeypatch):
    monkeypatch.setattr(views, "_migrations_applied", False)
    response = Client(raise_request_exception=False).get("/health/ready/", **HOST)
    assert response.status_code == 200
    assert views._migrations_applied is True


def test_compose_web_health_check_asks_readiness():
    test = SERVICES["web"]["healthcheck"]["test"]
    assert test[0] == "CMD"
    assert "/health/ready/" in test[-1]


def _run_health_check(port: int) -> subprocess.CompletedProcess:
    """docker-compose's health check of the web service, as written, aimed at ``port``."""
    test = SERVICES["web"]["healthcheck"]["test"]
    command = [test[1], *test[2:]] if test[0] == "CMD" else shlex.split(test[1])
    command = [re.sub(r"127\.0\.0\.1:8000", f"127.0.0.1:{port}", part) for part in command]
    assert command[0] == "python"
    return subprocess.run(
        [sys.executable, *command[1:]], capture_output=True, text=True, timeout=30, check=False
    )


@pytest.mark.django_db(transaction=True)  # gunicorn reads the test database
def test_compose_health_check_passes_against_a_ready_server_and_fails_without_broker(request):
    require_redis(request)
    with running_gunicorn() as web:
        assert _run_health_check(web.port).returncode == 0
        status, body = web.get("/health/ready/")
        assert (status, json.loads(body)) == (200, {"status": "ok"})
    with running_gunicorn(CELERY_BROKER_URL=DEAD_BROKER) as web:
        result = _run_health_check(web.port)
        assert result.returncode != 0
        assert "503" in result.stderr
        status, body = web.get("/health/ready/")
        assert (status, json.loads(body)) == (503, {"status": "unavailable", "failed": ["broker"]})
        # Liveness asks nothing: the process is up, so nothing restarts it during the outage.
        assert web.get("/health/live/") == (200, b'{"status": "ok"}')


@pytest.mark.django_db
def test_readiness_waits_for_this_workers_candidate_indexes(monkeypatch, settings):
    """A deploy sends people to a worker once it is ready: while the worker still builds its
    candidate indexes at start, its first matches page would wait for the build (issue 21)."""
    import threading

    from matching import index

    settings.MATCHING_WARM_INDEXES = True
    release = threading.Event()
    monkeypatch.setattr(index, "warm_indexes", lambda: release.wait(30))
    client = Client(raise_request_exception=False)
    thread = index.warm_indexes_in_background()
    try:
        response = client.get("/health/ready/", **HOST)
        assert response.status_code == 503
        assert json.loads(response.content) == {"status": "starting", "warming": ["matching"]}
        assert client.get("/health/live/", **HOST).status_code == 200  # alive all the while
    finally:
        release.set()
        thread.join(30)
    assert client.get("/health/ready/", **HOST).status_code == 200


@pytest.mark.django_db
def test_a_failed_warm_up_does_not_keep_the_worker_out_of_service(monkeypatch, settings):
    """The first matches page then builds the index itself: slower, but served."""
    from matching import index

    def broken() -> int:
        raise RuntimeError("the database went away during the build")

    settings.MATCHING_WARM_INDEXES = True
    monkeypatch.setattr(index, "warm_indexes", broken)
    index.warm_indexes_in_background().join(30)
    assert Client(raise_request_exception=False).get("/health/ready/", **HOST).status_code == 200
