"""Require a second factor (TOTP) from every role that reads other people's personal data."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from organisations.access import requires_mfa

# Paths that must stay reachable to set up the second factor or to leave.
_OPEN_PREFIXES = ("/static/", "/media/", "/i18n/", "/health/")
# allauth's own pages (login, logout, e-mail, MFA set-up), with or without a language prefix.
# Anchored, so that "/app/x/accounts/" does not slip through.
_ALLAUTH_PATH = re.compile(r"^/(?:[a-z]{2}(?:-[a-z0-9]+)?/)?accounts/")


class RequireMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not self._allowed(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('mfa_activate_totp')}?{query}")
        return self.get_response(request)

    def _allowed(self, request: HttpRequest) -> bool:
        path = request.path_info
        if path.startswith(_OPEN_PREFIXES):
            return True
        if _ALLAUTH_PATH.match(path):
            return True
        user = request.user
        if user.email.lower() in settings.LOTSE_MFA_EXEMPT_EMAILS:
            return True
        if not requires_mfa(user=user):
            return True
        return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
