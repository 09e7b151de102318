"""Signal receivers of the accounts app."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

# When this session signed in, by any way (password, e-mail confirmation link, invitation).
LOGIN_AT_SESSION_KEY = "lotse_login_at"
# The session's last request (written at most once a minute) and its idle limit, fixed at login.
LAST_SEEN_SESSION_KEY = "lotse_last_seen"
IDLE_SECONDS_SESSION_KEY = "lotse_idle_seconds"


@receiver(user_logged_in, dispatch_uid="accounts.remember_login_time")
def remember_login_time(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[LOGIN_AT_SESSION_KEY] = now
        request.session[LAST_SEEN_SESSION_KEY] = now
        # Fixed at login (the role decides it), so a request does not have to work it out.
        request.session[IDLE_SECONDS_SESSION_KEY] = idle_seconds_for(user)


def idle_seconds_for(user: Any) -> int:
    """How long a session of ``user`` may sit idle: staff shorter than candidates."""
    from django.conf import settings

    from organisations.access import requires_mfa

    if requires_mfa(user=user):
        return settings.LOTSE_STAFF_IDLE_MINUTES * 60
    return settings.LOTSE_CANDIDATE_IDLE_MINUTES * 60
