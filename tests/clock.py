"""One fixed "today" for the tests, in the app's time zone (Europe/Berlin).

A module that fixed ``TODAY = timezone.localdate()`` at import broke when a run crossed midnight in
Berlin (23:00 UTC in winter) between import and test: the test's dates were yesterday's, the app's
today's. Tests now stop the clock instead: the ``frozen_today`` fixture (tests/conftest.py) moves
time to noon in Berlin on ``TODAY``, and ``freeze_now`` to any moment (time-machine: every clock
the app reads, model defaults included, not only ``timezone.now``).
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")

# A Thursday, far from a month's, year's or daylight-saving change.
TODAY = datetime.date(2026, 11, 26)


def berlin(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """That wall-clock time in Berlin on ``day``, as an aware datetime."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=BERLIN)


def live_today() -> datetime.date:
    """ "Today" for a test whose clock cannot be stopped because another program reads the real one:
    a Celery worker or gunicorn started as a subprocess (time-machine stops only this process's
    clock), or Chromium against the live server (its session cookie, set at a frozen moment days
    ago, would already have expired). It is the server's own notion, the local date in
    Europe/Berlin (``timezone.localdate()``); call it once per test and build every date from it.
    Everywhere else, freeze the clock (``frozen_today``, ``freeze_now``)."""
    from django.utils import timezone

    return timezone.localdate()
