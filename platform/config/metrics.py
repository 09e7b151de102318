"""Prometheus metrics at ``/metrics/``: request latency and database queries per view, Celery task
outcomes and queue lengths, jobs waiting in the outbox.

Who may read them: whoever sends ``Authorization: Bearer <LOTSE_METRICS_TOKEN>``. Without the
variable the address does not exist (404). Not "anyone from 127.0.0.1": behind the reverse proxy
every visitor arrives from a local address. The metrics name routes and task names, never people,
but they tell load and failures, which is nobody else's business.

Where the numbers live:
- Request metrics in the web process (prometheus_client). Several gunicorn workers of one
  container share them through files when PROMETHEUS_MULTIPROC_DIR names an empty folder (read
  by prometheus_client itself; docker-compose.yml sets it); otherwise each worker answers with
  its own counts.
- Celery task outcomes in the broker's Redis (a hash, incremented by each worker as a task ends),
  so that any web process shows the outcomes of every worker on every host.
- Queue lengths and the outbox: read when scraped (Redis LLEN, one COUNT), never stored.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from collections import Counter as TallyCounter
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from config.logs import route_name

logger = logging.getLogger(__name__)

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # gunicorn.conf.py empties it; a worker may start first
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

LATENCY = Histogram(
    "lotse_http_request_duration_seconds",
    "Time from the request reaching Django to its response, by route name.",
    ["view", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
REQUESTS = Counter(
    "lotse_http_requests",
    "Requests answered, by route name, method and status code.",
    ["view", "method", "status"],
)
QUERIES = Histogram(
    "lotse_http_request_db_queries",
    "Database queries run while answering one request, by route name.",
    ["view"],
    buckets=(0, 1, 2, 5, 10, 20, 50, 100, 200, 500),
)

# --- requests -------------------------------------------------------------------------------------


class MetricsMiddleware:
    """Times every request and counts its database queries (on every connection)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        queries = 0

        def count(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        wrappers = [connection.execute_wrapper(count) for connection in connections.all()]
        for wrapper in wrappers:
            wrapper.__enter__()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
            view = route_name(request)
            LATENCY.labels(view, request.method).observe(time.perf_counter() - started)
            REQUESTS.labels(view, request.method, str(status)).inc()
            QUERIES.labels(view).observe(queries)


# --- Celery task outcomes -------------------------------------------------------------------------

OUTCOMES_KEY = "lotse:metrics:celery-task-outcomes"
_local_outcomes: TallyCounter[tuple[str, str]] = TallyCounter()  # no broker: tasks run in-process
_redis_clients: dict[str, Any] = {}
_redis_lock = threading.Lock()


def _celery_conf() -> Any:
    from celery import current_app

    return current_app.conf


def _broker_redis() -> Any | None:
    """A client for the broker's Redis, or None when tasks run in-process (no broker)."""
    conf = _celery_conf()
    url = conf.broker_url or ""
    if conf.task_always_eager or not url.startswith(("redis://", "rediss://")):
        return None
    with _redis_lock:
        if url not in _redis_clients:
            import redis

            # Short timeouts: a task's end and a scrape never hang on a slow Redis.
            _redis_clients[url] = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        return _redis_clients[url]


def task_outcome_record(*, task_name: str, outcome: str) -> None:
    """Count one ended task. Never raises: a metric is not worth a failed task."""
    client = _broker_redis()
    if client is None:
        _local_outcomes[(task_name, outcome)] += 1
        return
    try:
        client.hincrby(OUTCOMES_KEY, f"{task_name}|{outcome}", 1)
    except Exception as exc:  # Redis down: the task's own work matters, the count does not
        logger.warning("Metrics: task outcome not counted: %s: %s", type(exc).__name__, exc)


def _task_name(sender: Any) -> str:
    return getattr(sender, "name", None) or str(sender)


def task_succeeded(sender: Any = None, **_kwargs: Any) -> None:
    task_outcome_record(task_name=_task_name(sender), outcome="succeeded")


def task_failed(sender: Any = None, **_kwargs: Any) -> None:
    task_outcome_record(task_name=_task_name(sender), outcome="failed")


def task_retried(sender: Any = None, **_kwargs: Any) -> None:
    task_outcome_record(task_name=_task_name(sender), outcome="retried")


def _task_outcomes() -> dict[tuple[str, str], float]:
    client = _broker_redis()
    if client is None:
        return {key: float(value) for key, value in _local_outcomes.items()}
    outcomes: dict[tuple[str, str], float] = {}
    for field, value in client.hgetall(OUTCOMES_KEY).items():
        task_name, _sep, outcome = field.decode().rpartition("|")
        outcomes[(task_name, outcome)] = float(value)
    return outcomes


# --- queue lengths --------------------------------------------------------------------------------

# kombu's Redis transport: a queue is a list named like the queue, with one more list per
# priority step (name + separator + step); the queues bound to an exchange are the set
# ``_kombu.binding.<exchange>``, each member ending in the queue's name.
_PRIORITY_SEP = "\x06\x16"


def _queue_names(client: Any) -> set[str]:
    """The default queue and every queue bound to an exchange (one set per exchange)."""
    names = {_celery_conf().task_default_queue or "celery"}
    for key in client.scan_iter(match="_kombu.binding.*", count=500):
        for member in client.smembers(key):
            names.add(member.decode().split(_PRIORITY_SEP)[-1])
    return {name for name in names if name}


def _queue_lengths() -> dict[str, int]:
    client = _broker_redis()
    if client is None:
        return {}
    lengths = {}
    for name in sorted(_queue_names(client)):
        keys = [name, *(f"{name}{_PRIORITY_SEP}{step}" for step in range(1, 10))]
        with client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.llen(key)
            lengths[name] = sum(pipe.execute())
    return lengths


class ScrapeTimeCollector(Collector):
    """What is read when Prometheus asks: task outcomes, queue lengths, the outbox."""

    def collect(self) -> Iterator[Any]:
        outcomes = CounterMetricFamily(
            "lotse_celery_tasks",
            "Celery tasks ended, by task name and outcome (succeeded, failed, retried).",
            labels=["task", "outcome"],
        )
        queues = GaugeMetricFamily(
            "lotse_celery_queue_length", "Messages waiting in a Celery queue.", labels=["queue"]
        )
        errors = GaugeMetricFamily(
            "lotse_metrics_source_up",
            "1 if a source of these metrics answered this scrape.",
            labels=["source"],
        )
        broker_up = 1
        try:
            for (task_name, outcome), value in sorted(_task_outcomes().items()):
                outcomes.add_metric([task_name, outcome], value)
            for name, length in _queue_lengths().items():
                queues.add_metric([name], length)
        except Exception as exc:  # the broker is down: say so, still answer the rest
            logger.warning("Metrics: broker not read: %s: %s", type(exc).__name__, exc)
            broker_up = 0
        errors.add_metric(["broker"], broker_up)
        yield outcomes
        yield queues

        outbox = GaugeMetricFamily(
            "lotse_outbox_jobs_waiting", "Background jobs kept in the outbox until the broker takes them."
        )
        database_up = 1
        try:
            from outbox.models import OutboxJob

            outbox.add_metric([], OutboxJob.objects.count())
            yield outbox
        except Exception as exc:
            logger.warning("Metrics: outbox not read: %s: %s", type(exc).__name__, exc)
            database_up = 0
        errors.add_metric(["database"], database_up)
        yield errors


def _exposition() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        own = generate_latest(registry)
    else:
        own = generate_latest(REGISTRY)
    scrape_time = CollectorRegistry()
    scrape_time.register(ScrapeTimeCollector())
    return own + generate_latest(scrape_time)


def _authorised(request: HttpRequest, token: str) -> bool:
    scheme, _sep, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and secrets.compare_digest(given.strip().encode(), token.encode())


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus text format for a bearer of LOTSE_METRICS_TOKEN; 404 when no token is set."""
    token = settings.LOTSE_METRICS_TOKEN
    if not token:  # answered before the rest of the middleware: a plain 404, no error page
        return HttpResponseNotFound("Not Found\n", content_type="text/plain")
    if not _authorised(request, token):
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(_exposition(), content_type=CONTENT_TYPE_LATEST)
