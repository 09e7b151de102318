"""Fixtures for the webhook tests: a real HTTP receiver on 127.0.0.1 (http.server in a thread) that
answers with the status codes it is told, and records what it got."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Receiver:
    """``answers`` are used in turn (the last one repeats)."""

    url: str
    answers: list[int] = field(default_factory=lambda: [200])
    got: list[Received] = field(default_factory=list)

    def wait_for(self, count: int, timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.got) >= count:
                return True
            time.sleep(0.05)
        return len(self.got) >= count


def _start(answers: list[int]) -> tuple[ThreadingHTTPServer, Receiver]:
    receiver = Receiver(url="", answers=list(answers))
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                index = len(receiver.got)
                receiver.got.append(
                    Received(
                        path=self.path, headers=dict(self.headers.items()), body=body, at=time.monotonic()
                    )
                )
                status = receiver.answers[min(index, len(receiver.answers) - 1)]
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/lotse-hook"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, receiver


@pytest.fixture
def make_receiver() -> Iterator:
    servers = []

    def make(*answers: int) -> Receiver:
        server, receiver = _start(list(answers) or [200])
        servers.append(server)
        return receiver

    yield make
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def receiver(make_receiver) -> Receiver:
    return make_receiver(200)
