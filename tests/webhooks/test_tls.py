"""HTTPS deliveries connect to the checked address and still verify the certificate against the
host's name: an untrusted certificate is a failed attempt, a trusted one is delivered."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.factories import WebhookDeliveryFactory
from webhooks.services import subscription_create, webhook_deliver
from webhooks.signing import verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def tls_receiver(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    got = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            got.append((dict(self.headers.items()), self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"https://localhost:{server.server_address[1]}/hook", "ca": str(cert_file), "got": got}
    server.shutdown()
    server.server_close()


def _delivery(employer_team, url):
    subscription, secret = subscription_create(
        organisation=employer_team.organisation,
        actor=employer_team.own,
        url=url,
        events=["introduction.stage_changed"],
    )
    row = WebhookDeliveryFactory(
        subscription=subscription, event="introduction.stage_changed", url=url, payload={"id": "e"}
    )
    return row, secret


def test_an_untrusted_certificate_is_a_failed_attempt(employer_team, tls_receiver):
    row, _ = _delivery(employer_team, tls_receiver["url"])
    assert webhook_deliver(delivery_id=row.pk) is not None
    row.refresh_from_db()
    assert row.delivered_at is None and "CERTIFICATE_VERIFY_FAILED" in row.last_error
    assert tls_receiver["got"] == []


def test_a_trusted_certificate_for_the_name_is_delivered(employer_team, tls_receiver, monkeypatch):
    real = ssl.create_default_context
    monkeypatch.setattr(
        "webhooks.delivery.ssl.create_default_context", lambda *a, **k: real(cafile=tls_receiver["ca"])
    )
    row, secret = _delivery(employer_team, tls_receiver["url"])
    assert webhook_deliver(delivery_id=row.pk) is None
    row.refresh_from_db()
    assert row.delivered_at is not None and row.last_status_code == 204
    ((headers, body),) = tls_receiver["got"]
    assert headers["Host"].startswith("localhost:")  # the name, though the connection went to 127.0.0.1
    assert verify(secret=secret, header=headers["Lotse-Signature"], body=body, now=int(time.time()))
