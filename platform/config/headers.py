"""Response headers every page gets: a Content-Security-Policy and, for personal data, no caching.

Django 5.2 has no CSP of its own and the policy is short, so it is written here rather than
pulled in as a package. Pages outside the admins allow scripts and styles only from our own
origin or with the per-request nonce (``{{ request.csp_nonce }}``): no inline handlers, no
``style=`` attributes, no eval (htmx is told so in base.html). Wagtail's and Django's admins
are third-party pages we do not template ourselves; Wagtail 8 still writes ``style=``
attributes and a few inline scripts, so those two paths get their own policy that allows
inline code but still no foreign origin, no eval and no plug-ins (see ADMIN_POLICY).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

# Optional language prefix (/en/app/…): i18n_patterns puts it before every app address.
_ADMIN_PATHS = re.compile(r"^/(cms-admin|django-admin)/")
# The API (/api/, once it exists) authenticates in the view, not by session: listed by path.
_PERSONAL_PATHS = re.compile(r"^/(?:[a-z]{2}(?:-[a-z]+)?/)?(app|accounts)/|^/(cms-admin|django-admin|api)/")


def _policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            # KERN's icons are data: SVGs in the stylesheet.
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _admin_policy(nonce: str) -> str:
    # Wagtail's admin: inline scripts and style attributes in its own templates, blob: image
    # previews while uploading, the page preview in a same-origin iframe. Still: our origin only,
    # no eval, no plug-ins, no <base> tricks, forms post only to us.
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'unsafe-inline'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "frame-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        ]
    )


class SecurityHeadersMiddleware:
    """CSP on every response; ``no-store, private`` where the response may carry personal data.

    Personal data: everything under /app/ and /accounts/ (in every language), the admins, the API,
    and any page shown to a signed-in person (the header bar names them).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            policy = _admin_policy if _ADMIN_PATHS.match(request.path_info) else _policy
            response["Content-Security-Policy"] = policy(request.csp_nonce)
        if _PERSONAL_PATHS.match(request.path_info) or _signed_in(request):
            add_never_cache_headers(response)
        return response


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)
