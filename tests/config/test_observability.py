"""Observability (issue 18): JSON log lines carrying a request id into Celery tasks, Prometheus
metrics for a bearer of LOTSE_METRICS_TOKEN, optional Sentry without personal data."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
import uuid

import pytest
from django.test import Client

from config import logs, metrics
from config.celery_app import stdlib_platform_probe
from config.logs import JsonFormatter, request_id_var
from tests.config.celery_helpers import require_redis, running_worker
from tests.config.servers import running_gunicorn

HOST = {"HTTP_HOST": "127.0.0.1:8000"}
TOKEN = "metrics-token-for-tests-0123456789"
PROBE = "config.stdlib_platform_probe"


@contextlib.contextmanager
def json_log_lines():
    """The lines the configured console handler writes (its stream swapped for a buffer)."""
    [handler] = [h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)]
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    lines: list[dict] = []
    try:
        yield lines
    finally:
        handler.setStream(old)
        for line in buffer.getvalue().splitlines():
            lines.append(json.loads(line))  # every line is one JSON object


# --- logs -----------------------------------------------------------------------------------------


def test_settings_log_json_lines_through_the_context_filter(settings):
    assert settings.LOTSE_LOG_FORMAT == "json"
    assert settings.MIDDLEWARE[:2] == ["config.logs.RequestIdMiddleware", "config.metrics.MetricsMiddleware"]
    assert settings.CELERY_WORKER_HIJACK_ROOT_LOGGER is False


@pytest.mark.django_db
def test_a_request_logs_one_json_line_with_the_incoming_request_id():
    incoming = f"lb-{uuid.uuid4()}"
    with json_log_lines() as lines:
        response = Client().get("/robots.txt", HTTP_X_REQUEST_ID=incoming, **HOST)
    assert response.status_code == 200
    assert response["X-Request-ID"] == incoming
    [line] = [line for line in lines if line["logger"] == "lotse.request"]
    assert line["request_id"] == incoming
    assert (line["route"], line["method"], line["status"], line["level"]) == (
        "robots_txt",
        "GET",
        200,
        "INFO",
    )
    assert line["duration_ms"] >= 0 and line["time"].endswith("+00:00")


@pytest.mark.parametrize(
    "header",
    ["short", "has space in it", "x" * 129, "line\nbreak-and-more", '"quoted-value"', "ümlaut-value"],
)
@pytest.mark.django_db
def test_a_malformed_request_id_is_replaced_by_a_new_one(header):
    with json_log_lines() as lines:
        response = Client().get("/robots.txt", HTTP_X_REQUEST_ID=header, **HOST)
    given = response["X-Request-ID"]
    assert given != header and re.fullmatch(r"[0-9a-f]{32}", given)
    assert [line["request_id"] for line in lines if line["logger"] == "lotse.request"] == [given]


@pytest.mark.django_db
def test_without_a_header_each_request_gets_its_own_id():
    client = Client()
    first = client.get("/robots.txt", **HOST)["X-Request-ID"]
    second = client.get("/robots.txt", **HOST)["X-Request-ID"]
    assert first != second


@pytest.mark.django_db
def test_an_error_response_logged_by_django_names_the_request_id():
    with json_log_lines() as lines:
        response = Client().get("/gibt-es-nicht/nirgends/", HTTP_X_REQUEST_ID="req-404-abcdef", **HOST)
    assert response.status_code == 404
    assert {line["request_id"] for line in lines if line["level"] in {"WARNING", "INFO"}} == {
        "req-404-abcdef"
    }
    assert all("request" not in line for line in lines)  # no repr of the request object


def test_a_traceback_stays_on_one_line():
    try:
        raise ValueError("zwei\nZeilen")
    except ValueError:
        record = logging.getLogger("t").makeRecord("t", logging.ERROR, __file__, 1, "kaputt", (), None)
        import sys

        record.exc_info = sys.exc_info()
    text = JsonFormatter().format(record)
    assert "\n" not in text
    assert "ValueError: zwei\nZeilen" in json.loads(text)["exception"]


def test_an_eager_task_logs_with_the_request_id_of_its_caller():
    token = request_id_var.set("req-eager-123456")
    try:
        with json_log_lines() as lines:
            assert stdlib_platform_probe.apply_async().get()["system"]
    finally:
        request_id_var.reset(token)
    [done] = [line for line in lines if "succeeded" in line["message"]]
    assert done["request_id"] == "req-eager-123456"
    assert done["task"] == PROBE and done["task_id"]
    assert request_id_var.get() is None and logs.task_var.get() is None  # nothing left behind


def test_publishing_a_task_puts_the_request_id_into_its_headers():
    headers: dict = {}
    token = request_id_var.set("req-publish-123456")
    try:
        logs.task_publish_add_request_id(headers=headers)
    finally:
        request_id_var.reset(token)
    assert headers == {logs.TASK_HEADER: "req-publish-123456"}
    logs.task_publish_add_request_id(headers=(outside := {}))
    assert outside == {}  # no request, no header (beat's tasks)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_logs_the_task_with_the_request_id_that_sent_it(request):
    require_redis(request)
    token = request_id_var.set("req-worker-7f3a9c")
    try:
        with running_worker() as celery:
            result = celery.send_task(PROBE)
            assert celery.get(result, timeout=60)["system"]
            found = celery.wait_for(lambda: "succeeded" in celery.log("worker"), timeout=10)
            log = celery.log("worker")
    finally:
        request_id_var.reset(token)
    assert found, log
    records = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    [done] = [r for r in records if r["message"].startswith(f"Task {PROBE}[") and "succeeded" in r["message"]]
    assert done["request_id"] == "req-worker-7f3a9c"
    assert done["task"] == PROBE and done["task_id"] == result.id


# --- metrics --------------------------------------------------------------------------------------


def _metric(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample in Prometheus text format, or None."""
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            sample, _sep, value = line.rpartition(" ")
            found = dict(re.findall(r'(\w+)="([^"]*)"', sample))
            if sample.split("{")[0] == name and all(found.get(k) == v for k, v in labels.items()):
                return float(value)
    return None


def test_metrics_do_not_exist_without_a_token(settings):
    settings.LOTSE_METRICS_TOKEN = ""
    response = Client().get("/metrics/", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **HOST)
    assert response.status_code == 404
    assert b"lotse_" not in response.content


@pytest.mark.parametrize("authorization", [None, "Bearer", "Bearer wrong-token", f"Basic {TOKEN}", TOKEN])
def test_metrics_refuse_without_the_right_bearer_token(settings, authorization):
    settings.LOTSE_METRICS_TOKEN = TOKEN
    extra = {"HTTP_AUTHORIZATION": authorization} if authorization is not None else {}
    response = Client().get("/metrics/", **extra, **HOST)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"lotse_" not in response.content


@pytest.mark.django_db
def test_metrics_show_a_views_latency_and_query_count_after_a_request(settings):
    settings.LOTSE_METRICS_TOKEN = TOKEN
    client = Client()
    scrape = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}", **HOST}
    before = client.get("/metrics/", **scrape).content.decode()
    count = "lotse_http_request_duration_seconds_count"
    assert client.get("/health/ready/", **HOST).status_code == 200
    response = client.get("/metrics/", **scrape)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]
    text = response.content.decode()
    old = _metric(before, count, view="health_ready", method="GET") or 0
    assert _metric(text, count, view="health_ready", method="GET") == old + 1
    assert _metric(text, "lotse_http_request_duration_seconds_bucket", view="health_ready", le="10.0") >= 1
    assert _metric(text, "lotse_http_requests_total", view="health_ready", status="200") >= 1
    # The readiness check asks the database at least once: counted as queries of its view.
    assert _metric(text, "lotse_http_request_db_queries_sum", view="health_ready") >= 1
    assert _metric(text, "lotse_outbox_jobs_waiting") == 0
    # Labels are route names, never raw paths.
    assert "/health/" not in "".join(line for line in text.splitlines() if line.startswith("lotse_http"))


def test_metrics_count_eager_task_outcomes(settings):
    settings.LOTSE_METRICS_TOKEN = TOKEN
    name = "lotse_celery_tasks_total"
    before = _metric(metrics._exposition().decode(), name, task=PROBE, outcome="succeeded") or 0
    stdlib_platform_probe.apply_async().get()
    after = _metric(metrics._exposition().decode(), name, task=PROBE, outcome="succeeded")
    assert after == before + 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_web_process_shows_the_outcomes_and_queues_of_real_workers(request):
    # Two processes, one truth: the worker counts in the broker's Redis, gunicorn reads it there.
    require_redis(request)
    waiting = f"lotse-test-unconsumed-{uuid.uuid4().hex[:8]}"
    with running_gunicorn(LOTSE_METRICS_TOKEN=TOKEN) as web, running_worker() as celery:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        status, body = web.get("/metrics/", headers=auth)
        assert status == 200, body
        before = _metric(body.decode(), "lotse_celery_tasks_total", task=PROBE, outcome="succeeded") or 0
        assert celery.get(celery.send_task(PROBE), timeout=60)["system"]
        # A queue nobody consumes: its messages wait, and the gauge says how many.
        from celery import Celery

        client = Celery("lotse-test-client", set_as_current=False)
        with client.connection_for_write(celery.broker_url) as connection:
            for _ in range(3):
                client.send_task(PROBE, queue=waiting, connection=connection)
        try:
            status, body = web.get("/metrics/", headers=auth)
            text = body.decode()
            assert _metric(text, "lotse_celery_tasks_total", task=PROBE, outcome="succeeded") == before + 1
            assert _metric(text, "lotse_celery_queue_length", queue=waiting) == 3
            assert _metric(text, "lotse_metrics_source_up", source="broker") == 1
            assert web.get("/metrics/")[0] == 401
        finally:
            import redis

            broker = redis.Redis.from_url(celery.broker_url)
            broker.delete(waiting, f"_kombu.binding.{waiting}", f"_kombu.binding_permanent.{waiting}")


# --- Sentry ---------------------------------------------------------------------------------------


def test_sentry_stays_off_without_a_dsn():
    from config.sentry import sentry_init

    assert sentry_init(dsn="", environment="test") is False


def test_sentry_stays_off_when_the_sdk_is_missing(monkeypatch, caplog):
    import importlib.util

    from config import sentry

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "sentry_sdk" else real(name)
    )
    assert sentry.sentry_init(dsn="https://key@sentry.example/1", environment="test") is False
    assert "sentry-sdk is not installed" in caplog.text


def test_a_sentry_event_keeps_no_personal_data():
    from config.sentry import scrub_event

    event = {
        "request": {
            "method": "POST",
            "url": "https://lotse.example/app/candidates/12/",
            "data": {"first_name": "Amina", "notes": "Asyl"},
            "cookies": {"sessionid": "s3cret"},
            "query_string": "q=Amina",
            "env": {"REMOTE_ADDR": "203.0.113.9"},
            "headers": {
                "Cookie": "sessionid=s3cret",
                "User-Agent": "x",
                "X-Request-ID": "req-1",
                "Accept": "*/*",
            },
        },
        "user": {"email": "amina@example.org", "ip_address": "203.0.113.9"},
    }
    token = request_id_var.set("req-sentry-123456")
    try:
        scrubbed = scrub_event(event)
    finally:
        request_id_var.reset(token)
    text = json.dumps(scrubbed)
    for secret in ("Amina", "Asyl", "s3cret", "203.0.113.9", "amina@example.org"):
        assert secret not in text
    assert scrubbed["request"]["headers"] == {"X-Request-ID": "req-1", "Accept": "*/*"}
    assert scrubbed["tags"]["request_id"] == "req-sentry-123456"


def test_sentry_reports_an_error_without_body_or_user(monkeypatch):
    sentry_sdk = pytest.importorskip("sentry_sdk")
    from config.sentry import sentry_init

    sent: list = []

    class Transport(sentry_sdk.transport.Transport):
        def capture_envelope(self, envelope):
            sent.append(envelope)

    real_init = sentry_sdk.init
    options: dict = {}

    def init(**kwargs):
        options.update(kwargs)
        return real_init(**kwargs, transport=Transport)

    monkeypatch.setattr(sentry_sdk, "init", init)
    try:
        assert sentry_init(dsn="https://public@sentry.invalid/1", environment="test") is True
        assert options["send_default_pii"] is False
        assert options["max_request_body_size"] == "never"
        assert options["include_local_variables"] is False
        integrations = {type(i).__name__ for i in options["integrations"]}
        assert {"DjangoIntegration", "CeleryIntegration"} <= integrations
        try:
            raise RuntimeError("kaputt")
        except RuntimeError as exc:
            sentry_sdk.capture_exception(exc)
        sentry_sdk.flush(timeout=2)
    finally:
        real_init(dsn=None)  # off again for the other tests
    assert sent, "no event was sent"
    payload = json.dumps(
        [item.payload.json for envelope in sent for item in envelope.items if item.payload.json]
    )
    assert "kaputt" in payload
    assert '"user"' not in payload


@pytest.mark.django_db(transaction=True)
def test_several_gunicorn_workers_add_up_their_metrics(tmp_path, request):
    require_redis(request)
    # Three workers, requests in batches of ten until at least two workers have answered: whichever
    # worker answers the scrape, it counts them all.
    folder = tmp_path / "metrics"
    (folder).mkdir()
    (folder / "stale_from_last_run.db").write_bytes(b"x")  # gunicorn.conf.py empties the folder
    with running_gunicorn(workers=3, LOTSE_METRICS_TOKEN=TOKEN, PROMETHEUS_MULTIPROC_DIR=str(folder)) as web:
        from concurrent.futures import ThreadPoolExecutor

        sent = 0
        pids: set[str] = set()
        # At once, so that more than one worker answers (sync workers take one request each); one
        # fast worker may still take a whole batch, so another batch follows until two have.
        for _ in range(20):
            with ThreadPoolExecutor(10) as pool:
                assert list(pool.map(lambda _: web.get("/robots.txt")[0], range(10))) == [200] * 10
            sent += 10
            pids = {path.stem.rsplit("_", 1)[-1] for path in folder.glob("histogram_*.db")}
            if len(pids) >= 2:
                break
        assert len(pids) >= 2, pids  # the sum below really is over several processes
        counts = set()
        for _ in range(3):
            status, body = web.get("/metrics/", headers={"Authorization": f"Bearer {TOKEN}"})
            assert status == 200
            counts.add(_metric(body.decode(), "lotse_http_request_duration_seconds_count", view="robots_txt"))
    assert counts == {float(sent)}
    assert not (folder / "stale_from_last_run.db").exists()


def test_metrics_count_failed_and_retried_tasks():
    from celery import current_app, signals

    @current_app.task(name="tests.observability.fails")
    def fails() -> None:
        raise ValueError("kaputt")

    def outcome(name: str) -> float:
        text = metrics._exposition().decode()
        return _metric(text, "lotse_celery_tasks_total", task="tests.observability.fails", outcome=name) or 0

    failed, retried = outcome("failed"), outcome("retried")
    # As in a worker: the failure is recorded, not raised into the caller (tests propagate it).
    propagates = current_app.conf.task_eager_propagates
    current_app.conf.task_eager_propagates = False
    try:
        assert fails.apply_async().failed()
    finally:
        current_app.conf.task_eager_propagates = propagates
    assert outcome("failed") == failed + 1
    # No task of Lotse retries yet; the signal a worker sends when one does is counted.
    signals.task_retry.send(sender=fails, request=None, reason="broker busy", einfo=None)
    assert outcome("retried") == retried + 1
    assert outcome("succeeded") == 0


@pytest.mark.django_db
def test_a_job_sent_later_by_the_drain_logs_with_the_request_id_that_made_it():
    from django.utils import timezone

    from outbox.models import OutboxJob
    from outbox.services import enqueue, outbox_drain

    token = request_id_var.set("req-outbox-5e1d0b")
    try:
        # The broker did not take it after the commit (no commit runs here): the row waits.
        job = enqueue(stdlib_platform_probe)
    finally:
        request_id_var.reset(token)
    assert job.headers == {logs.TASK_HEADER: "req-outbox-5e1d0b"}
    OutboxJob.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now())
    with json_log_lines() as lines:
        assert outbox_drain() == 1  # outside any request, as beat's drain runs
    [done] = [line for line in lines if "succeeded" in line["message"]]
    assert done["request_id"] == "req-outbox-5e1d0b"
    assert not OutboxJob.objects.exists()
