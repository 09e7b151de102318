"""Require a second factor (TOTP) from every role but the candidate's - in *this* session.

Having set up a TOTP device is not enough: the session must have passed it. allauth records
every factor a session passed ("authentication records"); a session signed in by any other way
(an old login form, a session made before the rule) has only the password on record and is sent
to allauth's second-factor prompt before it sees anything.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from urllib.parse import urlencode

from allauth.account.internal.flows.login import get_authentication_records
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from accounts.selectors import has_totp
from accounts.signals import (
    IDLE_SECONDS_SESSION_KEY,
    LAST_SEEN_SESSION_KEY,
    LOGIN_AT_SESSION_KEY,
    idle_seconds_for,
)
from organisations.access import requires_mfa

# Paths that must stay reachable to set up the second factor or to leave.
_OPEN_PREFIXES = ("/static/", "/media/", "/i18n/", "/health/")
# Where to go on after setting up the second factor: allauth's set-up ends on the recovery codes
# page and forgets `next`, so the page the user was on its way to is kept here.
MFA_NEXT_SESSION_KEY = "lotse_mfa_next"
# allauth's own pages (login, logout, e-mail, MFA set-up), with or without a language prefix.
# Anchored, so that "/app/x/accounts/" does not slip through.
_ALLAUTH_PATH = re.compile(r"^/(?:[a-z]{2}(?:-[a-z0-9]+)?/)?accounts/")


def session_passed_mfa(request: HttpRequest) -> bool:
    """True if the signed-in user proved a second factor in this session."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


class RequireMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._open(request):
            target = self._missing_step(request)
            if target is not None:
                next_path = request.get_full_path()
                if target == "mfa_activate_totp" and url_has_allowed_host_and_scheme(
                    next_path, allowed_hosts=None
                ):
                    request.session[MFA_NEXT_SESSION_KEY] = next_path
                return redirect(f"{reverse(target)}?{urlencode({'next': next_path})}")
        return self.get_response(request)

    @staticmethod
    def _open(request: HttpRequest) -> bool:
        path = request.path_info
        return path.startswith(_OPEN_PREFIXES) or bool(_ALLAUTH_PATH.match(path))

    @staticmethod
    def _missing_step(request: HttpRequest) -> str | None:
        """The allauth page the user must pass first, or None."""
        user = request.user
        if user.email.lower() in settings.LOTSE_MFA_EXEMPT_EMAILS:
            return None
        if not requires_mfa(user=user):
            return None
        if not has_totp(user=user):
            return "mfa_activate_totp"
        if not session_passed_mfa(request):
            return "mfa_reauthenticate"
        return None


class SessionLifetimeMiddleware:
    """Signed-in sessions end after a time without activity and after a longest lifetime.

    Staff read other people's most sensitive data, often on shared office machines: their sessions
    end after LOTSE_STAFF_IDLE_MINUTES idle. Candidates get LOTSE_CANDIDATE_IDLE_MINUTES (longer:
    filling in a profile in a new language takes time). Every session ends LOTSE_SESSION_MAX_HOURS
    after the login. The last activity is written at most once a minute, not on every request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ended = session_ended(request)
            if ended is not None:
                logout(request)
                messages.info(request, ended)
                if request.method == "GET" and not request.path_info.startswith(_OPEN_PREFIXES):
                    return redirect(
                        f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"
                    )
                return redirect("account_login")
        return self.get_response(request)


def session_ended(request: HttpRequest) -> str | None:
    """Why this session is over (a message for the login page), or None; notes the activity."""
    session = request.session
    now = time.time()
    login_at = session.setdefault(LOGIN_AT_SESSION_KEY, now)
    idle_seconds = session.get(IDLE_SECONDS_SESSION_KEY)
    if idle_seconds is None:
        idle_seconds = session[IDLE_SECONDS_SESSION_KEY] = idle_seconds_for(request.user)
    last_seen = session.get(LAST_SEEN_SESSION_KEY, now)
    if now - last_seen > idle_seconds:
        return gettext(
            "Sie wurden nach %(minutes)s Minuten ohne Aktivität abgemeldet. Bitte melden Sie sich neu an."
        ) % {"minutes": round(idle_seconds / 60)}
    if now - login_at > settings.LOTSE_SESSION_MAX_HOURS * 3600:
        return gettext("Sie wurden nach %(hours)s Stunden abgemeldet. Bitte melden Sie sich neu an.") % {
            "hours": settings.LOTSE_SESSION_MAX_HOURS
        }
    if now - last_seen >= 60 or LAST_SEEN_SESSION_KEY not in session:
        session[LAST_SEEN_SESSION_KEY] = now
    return None
