"""A throttle on the employer's "Unterstützung anfragen", so that one account (or one business)
cannot flood the coaches' inboxes.

The mechanism that throttles event registration (cms/throttle.py): allauth's rate limits, with
the rates in ACCOUNT_RATE_LIMITS["lotse_support_request"] — per person and per business. A cache
outage lets the request through rather than failing the page (the request is worth more than
the throttle).
"""

from __future__ import annotations

import logging

from allauth.core import ratelimit
from django.http import HttpRequest

logger = logging.getLogger(__name__)

ACTION = "lotse_support_request"


def support_request_admit(*, request: HttpRequest, organisation_id: int) -> bool:
    """Count this request; False when the person or the business asked too often lately."""
    try:
        return ratelimit.consume(request, action=ACTION, key=f"organisation:{organisation_id}")
    except Exception:  # the cache is down: let the request through
        logger.warning("support request throttle skipped: cache unavailable", exc_info=True)
        return True
