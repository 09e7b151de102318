"""Start real gunicorn instances from a test, on the test's own database and the test Redis.

    from tests.config.servers import running_gunicorn

    @pytest.mark.django_db(transaction=True)   # the server must see committed rows
    def test_something():
        with running_gunicorn() as web:
            status, body = web.get("/health/ready/")

The server runs the test settings (DEBUG off, as in production) with Celery not eager: tasks go
to the broker in CELERY_BROKER_URL (the test Redis unless overridden). Each server gets a free
port of its own and is killed, with its process group, when the block ends.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.config.celery_helpers import ROOT, _stop, subprocess_env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningServer:
    port: int
    process: subprocess.Popen
    logfile: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.logfile.read_text(errors="replace") if self.logfile.exists() else ""

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        status, _headers, body = self.request("GET", path, headers=headers)
        return status, body


def _wait_until_up(server: RunningServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {server.process.returncode}\n{server.log()[-4000:]}")
        with contextlib.suppress(OSError):
            status, _ = server.get("/health/live/")
            if status == 200:
                return
        time.sleep(0.2)
    raise AssertionError(f"gunicorn did not answer within {timeout} s\n{server.log()[-4000:]}")


def _start(workers: int, env_overrides: dict[str, str]) -> RunningServer:
    port = free_port()
    env = subprocess_env(MATCHING_WARM_INDEXES="0", **env_overrides)
    logfile = Path(tempfile.mkstemp(prefix="lotse-gunicorn-", suffix=".log")[1])
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "60",
    ]
    with open(logfile, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return RunningServer(port=port, process=process, logfile=logfile)


@contextlib.contextmanager
def running_gunicorns(
    count: int, workers: int = 1, timeout: float = 60.0, **env_overrides: str
) -> Iterator[list[RunningServer]]:
    """``count`` instances of ``gunicorn config.wsgi:application``, started together, each on a
    free port of 127.0.0.1, on the test database and the test Redis; the matching warm-up is off
    (no background index build to wait for)."""
    servers: list[RunningServer] = []
    try:
        for _ in range(count):
            servers.append(_start(workers, env_overrides))
        for server in servers:
            _wait_until_up(server, timeout)
        yield servers
    finally:
        for server in servers:
            _stop(server.process)
            server.logfile.unlink(missing_ok=True)


@contextlib.contextmanager
def running_gunicorn(
    workers: int = 1, timeout: float = 60.0, **env_overrides: str
) -> Iterator[RunningServer]:
    """One instance (see ``running_gunicorns``)."""
    with running_gunicorns(1, workers=workers, timeout=timeout, **env_overrides) as (server,):
        yield server
