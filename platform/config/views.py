"""Small views of the composition root: health checks, robots.txt."""

from __future__ import annotations

import logging

from celery import current_app
from django.core.cache import caches
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

# A readiness probe answers within a few seconds even when the broker hangs.
BROKER_TIMEOUT = 1.0
_migrations_applied = False  # once true, stays true for the life of the process


def _health(view):
    # No transaction around the view (ATOMIC_REQUESTS would open the database before the view
    # runs, and a dead database would give an HTML 500); never cached by a proxy.
    return require_GET(never_cache(transaction.non_atomic_requests(view)))


@_health
def health_live(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Asks no dependency, so a restart never follows an outage."""
    return JsonResponse({"status": "ok"})


def _database() -> None:
    global _migrations_applied
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise RuntimeError("migrations not applied")
        _migrations_applied = True


def _cache() -> None:
    cache = caches["default"]
    ping = getattr(cache, "ping", None)
    if ping is not None:  # the fail-safe Redis cache: ask Redis itself, not its stand-in
        ping()
        return
    cache.set("lotse:health", "ok", 10)
    if cache.get("lotse:health") != "ok":
        raise RuntimeError("cache did not keep a value")


def _broker() -> None:
    app = current_app
    if app.conf.task_always_eager:  # no broker: tasks run in the process
        return
    options = {"socket_timeout": BROKER_TIMEOUT, "socket_connect_timeout": BROKER_TIMEOUT}
    with app.connection_for_write(transport_options=options) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT)


_CHECKS = (("database", _database), ("cache", _cache), ("broker", _broker))


@_health
def health_ready(request: HttpRequest) -> JsonResponse:
    """Readiness: database (with migrations applied), cache and broker answer; 503 names what failed."""
    failed = []
    for name, check in _CHECKS:
        try:
            check()
        except Exception as exc:  # any failure of a dependency is an answer here, never a 500
            logger.warning("Readiness: %s unavailable: %s: %s", name, type(exc).__name__, exc)
            failed.append(name)
    if failed:
        return JsonResponse({"status": "unavailable", "failed": failed}, status=503)
    return JsonResponse({"status": "ok"})


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /app/",
        "Disallow: /accounts/",
        "Disallow: /cms-admin/",
        "Disallow: /django-admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
