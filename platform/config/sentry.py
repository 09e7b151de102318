"""Optional error reporting to Sentry (or a compatible service such as GlitchTip).

On only when SENTRY_DSN is set and the sentry-sdk package is installed (``pip install
'.[sentry]'``); otherwise nothing happens. This platform holds refugees' data, so what leaves is
the error and where it happened: no request bodies, no cookies, no headers that identify a
person, no user e-mail or IP address, no local variables of the stack frames (they hold
candidates' records), and the request id to find the matching log lines.
"""

from __future__ import annotations

import importlib.util
import logging
from typing import Any

logger = logging.getLogger(__name__)

# Request headers kept in a report: none of them identifies a person.
_SAFE_HEADERS = {"accept", "accept-language", "content-type", "content-length", "host", "x-request-id"}


def scrub_event(event: dict[str, Any], _hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """``before_send``: keep method, route and safe headers of the request, drop everything else
    that could name a person (belt and braces beside send_default_pii=False)."""
    request = event.get("request")
    if isinstance(request, dict):
        headers = request.get("headers") or {}
        event["request"] = {
            "method": request.get("method"),
            "url": request.get("url"),  # path only: the SDK leaves the query string in its own field
            "headers": {k: v for k, v in headers.items() if k.lower() in _SAFE_HEADERS},
        }
    event.pop("user", None)
    from config.logs import current_request_id

    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def sentry_init(*, dsn: str, environment: str, release: str = "") -> bool:
    """Start the SDK with the Django and Celery integrations; False if sentry-sdk is missing."""
    if not dsn:
        return False
    if importlib.util.find_spec("sentry_sdk") is None:
        logger.warning("SENTRY_DSN is set but sentry-sdk is not installed: errors are not reported")
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=scrub_event,
        traces_sample_rate=0.0,
    )
    return True
