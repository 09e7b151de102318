"""The signature of a delivery: ``Lotse-Signature: t=<unix time>,v1=<hex>``, where the hex is
HMAC-SHA256 with the subscription's secret over ``<unix time>.`` followed by the body's bytes.
docs/webhooks.md shows the receiver's side."""

from __future__ import annotations

import hashlib
import hmac

HEADER = "Lotse-Signature"


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(*, secret: str, header: str, body: bytes, now: int, tolerance: int = 300) -> bool:
    """What a receiver does (the tests use it as one): the time is recent and the MAC matches."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret=secret, timestamp=timestamp, body=body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))
