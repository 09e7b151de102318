"""Start a real Celery worker (and beat) against Redis from a test, on the test's own database.

    from tests.config.celery_helpers import require_redis, running_worker

    @pytest.mark.worker
    @pytest.mark.django_db(transaction=True)   # the worker must see committed rows
    def test_something(request):
        require_redis(request)
        with running_worker() as celery:
            result = celery.send_task("app.tasks.name", args=[42])
            assert celery.get(result, timeout=60) == ...

``get`` needs a task that keeps its result (``ignore_result=False``); the project's tasks do not
(CELERY_TASK_IGNORE_RESULT), so for those poll the database with ``wait_for`` instead.
Every run gets its own queue name, so two test runs on one machine never take each other's
messages. The subprocesses are killed when the block ends, whatever happens inside it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# A Redis database of its own for the tests' brokers and results: it never meets a developer's
# or CI's db 0/1 (CELERY_BROKER_URL, REDIS_CACHE_URL).
TEST_REDIS_URL = os.environ.get("LOTSE_TEST_REDIS_URL", f"redis://{REDIS_HOST}:{REDIS_PORT}/15")


def redis_reachable(timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def require_redis(request: pytest.FixtureRequest | None = None) -> None:
    """Skip (with the reason) when no Redis listens on 127.0.0.1:6379; .ci/run starts one (and
    with CI=true the skip fails the test, tests/conftest.py)."""
    if not redis_reachable():
        pytest.skip(f"Redis is not reachable at {REDIS_HOST}:{REDIS_PORT} (start redis-server; .ci/run does)")
    if request is not None:
        request.node._used_redis = True


def database_url_for_current_test_db() -> str:
    """A DATABASE_URL naming the database this test process uses right now (the test database)."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    engine = db["ENGINE"]
    if engine.endswith("sqlite3"):
        name = str(db["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise RuntimeError("An in-memory SQLite database cannot be shared with a worker process")
        return f"sqlite:///{Path(name).resolve()}"
    if "postgresql" in engine:
        user = quote(db.get("USER") or "", safe="")
        password = quote(db.get("PASSWORD") or "", safe="")
        auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = db.get("HOST") or "localhost"
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{auth}{host}{port}/{quote(db['NAME'], safe='')}"
    raise RuntimeError(f"No DATABASE_URL for engine {engine}")


def subprocess_env(**overrides: str) -> dict[str, str]:
    """The environment for a Django/Celery child: the test settings on the test's database,
    a real (not eager) Celery on the test Redis, and nothing read from a developer's .env."""
    env = dict(os.environ)
    python_path = [str(ROOT), str(ROOT / "platform")]
    if env.get("PYTHONPATH"):
        python_path.append(env["PYTHONPATH"])
    env.update(
        {
            "PYTHONPATH": os.pathsep.join(python_path),
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "LOTSE_IGNORE_DOTENV": "1",
            # The same run id as this process, so the test settings name the same SQLite file.
            "LOTSE_TEST_RUN": os.environ.get("LOTSE_TEST_RUN", str(os.getpid())),
            "DATABASE_URL": database_url_for_current_test_db(),
            "CELERY_BROKER_URL": TEST_REDIS_URL,
            "CELERY_RESULT_BACKEND": TEST_REDIS_URL,
            "LOTSE_TEST_CELERY_EAGER": "false",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(overrides)
    return env


@dataclass
class RunningCelery:
    """What a test gets from ``running_worker``: its queue(s), broker and the process logs."""

    queues: list[str]
    broker_url: str
    result_backend: str
    logdir: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def queue(self) -> str:
        return self.queues[0]

    def send_task(
        self,
        name: str,
        args: Sequence[Any] = (),
        kwargs: dict[str, Any] | None = None,
        queue: str | None = None,
    ) -> Any:
        """Send a task by name to this worker's (first or given) queue; returns an AsyncResult
        bound to its backend.

        Broker and backend are given explicitly: Celery otherwise prefers the environment's
        CELERY_BROKER_URL / CELERY_RESULT_BACKEND (CI exports a broker) over the app's own.
        """
        from celery import Celery
        from celery.backends.redis import RedisBackend

        # Not the current app: the project's shared tasks in this process must stay on
        # config.celery_app (eager in tests), not on this client.
        client = Celery("lotse-test-client", set_as_current=False)
        backend = RedisBackend(app=client, url=self.result_backend)
        with client.connection_for_write(self.broker_url) as connection:
            sent = client.send_task(
                name, args=list(args), kwargs=kwargs or {}, queue=queue or self.queue, connection=connection
            )
        return client.AsyncResult(sent.id, backend=backend)

    def log(self, name: str) -> str:
        """The whole output of one process so far: "worker" or "beat"."""
        path = self.logdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self, tail: int = 4000) -> str:
        parts = []
        for name in self.processes:
            text = self.log(name)
            parts.append(f"----- celery {name} (last {tail} chars) -----\n{text[-tail:]}")
        return "\n".join(parts)

    def assert_alive(self) -> None:
        for name, proc in self.processes.items():
            if proc.poll() is not None:
                raise AssertionError(f"celery {name} exited with {proc.returncode}\n{self.logs()}")

    def get(self, result: Any, timeout: float = 60.0) -> Any:
        """The value of an AsyncResult; fails at once, with the logs, if the worker died."""
        if not self.wait_for(result.ready, timeout=timeout, interval=0.2):
            raise AssertionError(f"no result within {timeout} s\n{self.logs()}")
        return result.get(timeout=1)

    def wait_for(self, condition: Callable[[], bool], timeout: float = 30.0, interval: float = 0.5) -> bool:
        """Poll ``condition`` until it holds or ``timeout`` passes; fail early if a process died."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            self.assert_alive()
            time.sleep(interval)
        return condition()


def _celery(*args: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "config.celery_app", *args]


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    # Each child leads its own process group: end it and anything it forked, nothing else.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@contextlib.contextmanager
def running_worker(
    queues: Sequence[str] | None = None,
    beat: bool = False,
    node: str | None = None,
    **env_overrides: str,
) -> Iterator[RunningCelery]:
    """Run ``celery worker`` (solo pool) and, with ``beat=True``, ``celery beat`` with the
    django-celery-beat DatabaseScheduler, both on this test's database and a test Redis.

    ``queues`` defaults to one queue unique to this call; send tasks there (``queue=...`` or a
    PeriodicTask's ``queue``), because the worker consumes nothing else. ``node`` names the
    host part of both processes' node names (``celery@node``, ``celerybeat@node``, as in a
    container whose hostname is ``node``); beat then answers ``celery inspect ping``.
    """
    queue_names = list(queues) if queues else [f"lotse-test-{uuid.uuid4().hex[:12]}"]
    env = subprocess_env(**env_overrides)
    logdir = Path(tempfile.mkdtemp(prefix="lotse-celery-"))
    running = RunningCelery(
        queues=queue_names,
        broker_url=env["CELERY_BROKER_URL"],
        result_backend=env["CELERY_RESULT_BACKEND"],
        logdir=logdir,
    )
    commands = {
        "worker": _celery(
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            f"--hostname=celery@{node}" if node else f"--hostname=lotse-test-{uuid.uuid4().hex[:8]}@%h",
            "-Q",
            ",".join(queue_names),
        )
    }
    if beat:
        commands["beat"] = _celery(
            "beat",
            "--scheduler=django_celery_beat.schedulers:DatabaseScheduler",
            "--max-interval=1",
            "--loglevel=INFO",
            f"--schedule={logdir / 'beat-schedule'}",
            *(["--enable-remote-control", f"--hostname=celerybeat@{node}"] if node else []),
        )
    try:
        for name, command in commands.items():
            log = open(logdir / f"{name}.log", "wb")  # noqa: SIM115 - closed when the process ends
            running.processes[name] = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
            log.close()  # the child holds its own copy
        yield running
    finally:
        for proc in running.processes.values():
            _stop(proc)
        shutil.rmtree(logdir, ignore_errors=True)
