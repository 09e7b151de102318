"""One HTTP POST to a webhook's receiver, connecting to exactly the address that was checked
(addresses.resolve), with TLS verified against the host's name. No redirects are followed: a
3xx answer is an unsuccessful attempt like any other non-2xx."""

from __future__ import annotations

import http.client
import socket
import ssl

from .addresses import IP, Target

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, ip: IP) -> None:
        super().__init__(host, port, timeout=READ_TIMEOUT)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((str(self._ip), self.port), CONNECT_TIMEOUT)
        self.sock.settimeout(READ_TIMEOUT)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, ip: IP) -> None:
        super().__init__(host, port, timeout=READ_TIMEOUT, context=ssl.create_default_context())
        self._ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((str(self._ip), self.port), CONNECT_TIMEOUT)
        sock.settimeout(READ_TIMEOUT)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(*, target: Target, ip: IP, body: bytes, headers: dict[str, str]) -> int:
    """The receiver's status code; OSError or http.client.HTTPException when there is none."""
    cls = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = cls(target.host, target.port, ip=ip)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(1024)  # what it says does not matter; read a little so the connection ends cleanly
        return response.status
    finally:
        connection.close()
