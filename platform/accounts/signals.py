"""Signal receivers of the accounts app."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

# When this session signed in, by any way (password, e-mail confirmation link, invitation).
LOGIN_AT_SESSION_KEY = "lotse_login_at"


@receiver(user_logged_in, dispatch_uid="accounts.remember_login_time")
def remember_login_time(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_SESSION_KEY] = time.time()
