"""Tried as an operator would (issue 18): stop the cache's Redis, the broker's Redis, then the
database under a real gunicorn, and start each again.

Each time ``/health/ready/`` answers 503 naming that dependency alone; the pages degrade as the
trust issue describes (no cache: every page still answers; no broker: a write is saved and its
job waits in the outbox; no database: a plain 503 page, never a traceback or the 500 page); and
nothing written before or during the outage is lost once the dependency is back.

The test runs its own two redis-server processes on free ports (the broker's with ``appendonly``,
as docker-compose runs it) and reaches PostgreSQL through a small TCP proxy it can cut, closing
every open connection and the port: the shared PostgreSQL and Redis are never stopped.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from candidates.models import CandidateSkill, LanguageSkill
from outbox.models import OutboxJob
from tests.config.celery_helpers import _stop, database_url_for_current_test_db
from tests.config.servers import RunningServer, free_port, running_gunicorn
from tests.employers.server_pages import get_page, match_section, session_cookie, submit_form

pytestmark = pytest.mark.django_db(transaction=True)


def _wait(condition: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    assert condition(), f"not within {timeout} s: {what}"


# --- the dependencies the test owns ----------------------------------------------------------


class RedisServer:
    """A redis-server of this test on a free port; ``stop()`` and ``start()`` as an operator would."""

    def __init__(self, directory: Path, appendonly: bool) -> None:
        self.port = free_port()
        self.directory = directory
        self.appendonly = appendonly
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--save",
                "",
                "--appendonly",
                "yes" if self.appendonly else "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

        def answers() -> bool:
            with contextlib.suppress(redis.RedisError):
                return bool(self.client().ping())
            return False

        _wait(answers, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)  # SIGTERM: Redis writes its append-only file and exits
            self.process = None


class CuttableProxy:
    """PostgreSQL through a TCP proxy: ``cut()`` closes every connection and the port, as a
    stopped database server looks to the web process; ``restore()`` listens again."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listening = threading.Event()
        self._listener: threading.Thread | None = None

    def restore(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(64)
        server.settimeout(0.1)
        self._listening.set()
        self._listener = threading.Thread(target=self._accept, args=(server,), daemon=True)
        self._listener.start()

    def cut(self) -> None:
        self._listening.clear()
        if self._listener is not None:
            self._listener.join(timeout=5)
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def _accept(self, server: socket.socket) -> None:
        with server:
            while self._listening.is_set():
                try:
                    client, _address = server.accept()
                except TimeoutError:
                    continue
                client.settimeout(None)
                try:
                    upstream = socket.create_connection(self.target, timeout=5)
                except OSError:
                    client.close()
                    continue
                upstream.settimeout(None)
                with self._lock:
                    self._open |= {client, upstream}
                for source, sink in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def dependencies(tmp_path) -> Iterator[tuple[RedisServer, RedisServer, CuttableProxy]]:
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is missing (apt-get install redis-server; CI has it)")
    if connection.vendor != "postgresql":  # CI fails instead (tests/conftest.py)
        pytest.skip("the database outage is PostgreSQL's, cut through a proxy (DATABASE_URL is not postgres)")
    cache = RedisServer(tmp_path / "cache", appendonly=False)
    broker = RedisServer(tmp_path / "broker", appendonly=True)
    db = settings.DATABASES["default"]
    proxy = CuttableProxy((db.get("HOST") or "127.0.0.1", int(db.get("PORT") or 5432)))
    try:
        cache.start()
        broker.start()
        proxy.restore()
        yield cache, broker, proxy
    finally:
        proxy.cut()
        cache.stop()
        broker.stop()


# --- what the operator looks at ----------------------------------------------------------------


def _ready(web: RunningServer) -> tuple[int, dict]:
    status, body = web.get("/health/ready/")
    return status, json.loads(body)


def _wait_ready(web: RunningServer, expected: tuple[int, dict]) -> None:
    seen: list = []

    def matches() -> bool:
        seen[:] = [_ready(web)]
        return seen[0] == expected

    _wait(matches, timeout=30, what=f"readiness {expected}, last {seen} {web.log()[-2000:]}")


@contextlib.contextmanager
def _celery_on(broker_url: str) -> Iterator[None]:
    """This process's Celery publishing to ``broker_url`` (not running tasks in-process)."""
    from config.celery_app import app

    eager = app.conf.task_always_eager
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CELERY_BROKER_URL", broker_url)  # Celery prefers it to its configuration
        app.conf.task_always_eager = False
        app._pool = None
        app.amqp._producer_pool = None
        try:
            yield
        finally:
            app.conf.task_always_eager = eager
            app._pool = None
            app.amqp._producer_pool = None


def _waiting_messages(broker: RedisServer) -> int:
    client = broker.client()
    return sum(client.llen(key) for key in client.keys("*") if client.type(key) == b"list")


def test_an_operator_stops_cache_broker_and_database_and_starts_them_again(
    dependencies, employer, placement, candidate, candidate_user, cook_taxonomy, signed_in
):
    cache, broker, proxy = dependencies
    started = time.monotonic()
    ref = candidate.public_ref
    employer_cookie = session_cookie(signed_in(employer.own))
    candidate_cookie = session_cookie(signed_in(candidate_user))
    matches = f"/app/employers/placements/{placement.pk}/matches/"
    database_url = database_url_for_current_test_db().replace(
        f":{settings.DATABASES['default'].get('PORT') or 5432}/", f":{proxy.port}/"
    )
    assert f":{proxy.port}/" in database_url

    with running_gunicorn(
        DATABASE_URL=database_url,
        REDIS_CACHE_URL=cache.url,
        CELERY_BROKER_URL=broker.url,
        CELERY_RESULT_BACKEND=broker.url,
        LOTSE_TEST_CELERY_QUEUE=f"lotse-test-outages-{uuid.uuid4().hex[:10]}",
    ) as web:
        _wait_ready(web, (200, {"status": "ok"}))
        assert ref in get_page(web, matches, employer_cookie)

        # --- the cache's Redis stops: readiness names it, every page still answers -------------
        cache.stop()
        _wait_ready(web, (503, {"status": "unavailable", "failed": ["cache"]}))
        assert ref in get_page(web, matches, employer_cookie)
        assert web.get("/")[0] == 200
        knife_and_more = cook_taxonomy.skills[3]
        fields = {"skill_label": knife_and_more.label_de, "skill_uri": knife_and_more.uri}
        submit_form(web, "/app/candidates/me/skills/", candidate_cookie, fields)  # a write meanwhile
        cache.start()
        _wait_ready(web, (200, {"status": "ok"}))
        print(f"\ncache outage done after {time.monotonic() - started:.1f} s")

        # --- the broker's Redis stops: readiness names it, a write is saved, its job waits -----
        broker.stop()
        _wait_ready(web, (503, {"status": "unavailable", "failed": ["broker"]}))
        german = {"language": "de", "spoken": "A2", "written": "A2", "exam": "none"}
        submit_form(web, "/app/candidates/me/languages/", candidate_cookie, german)
        # Saved, and the matches show it at once (the index change log needs no broker) ...
        assert "Deutsch: A2 – erfüllt (gefordert A2)." in match_section(
            get_page(web, matches, employer_cookie), ref
        )
        # ... while the index job waits in the outbox for the broker.
        waiting = OutboxJob.objects.filter(task="matching.tasks.index_candidates_changed")
        assert waiting.exists() and all("Error" in job.last_error for job in waiting)
        broker.start()
        _wait_ready(web, (200, {"status": "ok"}))
        # The drain (beat runs it every minute) sends what waited, to the broker that is back ...
        from outbox.services import outbox_drain

        kept = OutboxJob.objects.count()
        with _celery_on(broker.url):
            assert outbox_drain() == kept
        assert not OutboxJob.objects.exists()
        queued = _waiting_messages(broker)
        assert queued >= 1
        # ... and a restart of that Redis keeps the queued jobs (append-only file, as in compose).
        broker.stop()
        broker.start()
        assert _waiting_messages(broker) == queued
        _wait_ready(web, (200, {"status": "ok"}))
        print(f"broker outage done after {time.monotonic() - started:.1f} s")

        # --- the database stops: readiness names it alone, pages answer a plain 503 --------------
        proxy.cut()
        _wait_ready(web, (503, {"status": "unavailable", "failed": ["database"]}))
        for path, cookie in ((matches, employer_cookie), ("/", "")):
            status, headers, body = web.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            page = body.decode()
            assert status == 503, (path, status, page[-2000:])
            assert "Lotse ist gerade nicht erreichbar" in page
            assert "Traceback" not in page and "Ein Fehler ist aufgetreten" not in page
            assert headers["retry-after"] == "30"
        assert web.get("/health/live/") == (200, b'{"status": "ok"}')  # nothing restarts the process
        proxy.restore()
        _wait_ready(web, (200, {"status": "ok"}))
        print(f"database outage done after {time.monotonic() - started:.1f} s")

        # --- everything is back, and nothing written is lost ---------------------------------
        page = get_page(web, matches, employer_cookie)  # the same session: it lives in the database
        assert "Deutsch: A2 – erfüllt (gefordert A2)." in match_section(page, ref)
        assert (
            get_page(web, "/app/candidates/me/skills/", candidate_cookie).count(knife_and_more.label_de) >= 1
        )
    assert CandidateSkill.objects.filter(candidate=candidate, skill=knife_and_more).exists()
    assert LanguageSkill.objects.get(candidate=candidate, language="de").spoken == "A2"
    print(f"operator outages: {time.monotonic() - started:.1f} s")
