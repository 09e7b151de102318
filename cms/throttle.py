"""Throttles on event registration, so that one sender cannot book an event out.

Per address and per e-mail (allauth's rate limits, ``lotse_event_registration`` in
ACCOUNT_RATE_LIMITS: the same mechanism and the same client-IP rule as the login), and seats
per address and event: one address books at most as many seats in a day as one registration
may carry. The seat count is an atomic cache counter (incremented before booking, given back
if the booking is refused). A cache outage lets registrations through rather than failing
the page; the capacity check in the service still holds.
"""

from __future__ import annotations

import hashlib
import logging

from allauth.core import ratelimit
from allauth.core.internal.ratelimit import get_ip
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .forms import MAX_PEOPLE

logger = logging.getLogger(__name__)

SEATS_WINDOW_SECONDS = 24 * 60 * 60


class Throttled(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _seats_key(request: HttpRequest, event_id: int) -> str:
    address = hashlib.sha256(get_ip(request).encode()).hexdigest()[:32]
    return f"lotse:event-seats:{event_id}:{address}"


def registration_admit(*, request: HttpRequest, event_id: int, email: str, people: int) -> str | None:
    """Count this attempt; raise Throttled with a message for the person if it is one too many.

    Returns the seat counter's key (give the seats back with ``seats_release`` if the booking
    fails afterwards), or None when the cache was unreachable.
    """
    try:
        if not ratelimit.consume(request, action="lotse_event_registration", key=email.strip().lower()):
            raise Throttled(
                _(
                    "In der letzten Stunde sind von Ihrem Anschluss oder mit dieser E-Mail-Adresse schon "
                    "mehrere Anmeldungen eingegangen. Bitte versuchen Sie es später noch einmal oder "
                    "schreiben Sie den Veranstalter*innen."
                )
            )
        key = _seats_key(request, event_id)
        cache.add(key, 0, SEATS_WINDOW_SECONDS)
        booked = cache.incr(key, people)
    except Throttled:
        raise
    except Exception:  # the cache is down: the event's capacity check still holds
        logger.warning("event registration throttle skipped: cache unavailable", exc_info=True)
        return None
    if booked > MAX_PEOPLE:
        seats_release(key=key, people=people)
        raise Throttled(
            _(
                "Von Ihrem Anschluss sind für diese Veranstaltung heute schon %(max)s Plätze angemeldet. "
                "Bitte versuchen Sie es später noch einmal oder schreiben Sie den Veranstalter*innen."
            )
            % {"max": MAX_PEOPLE}
        )
    return key


def seats_release(*, key: str | None, people: int) -> None:
    if key is None:
        return
    try:
        cache.decr(key, people)
    except Exception:  # expired or unreachable: nothing left to give back
        logger.info("event seat counter %s not released", key, exc_info=True)
