"""The one place where the domain's "not found" becomes an HTTP 404.

Selectors raise :class:`organisations.access.NotFound` when a row does not exist or the user may
not see it (the two look the same, so nothing leaks); they know nothing of HTTP. Pages get
Django's 404 through :class:`DomainErrorMiddleware`, the API its problem+json 404 through
:func:`api_exception_handler`. "Not allowed" needs no mapping of its own: it is Django's
``PermissionDenied`` (django.core, not django.http), which both already answer with a 403.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from rest_framework.response import Response

from api import problems
from organisations.access import NotFound


class DomainErrorMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            # Raised here, Django's own handler renders the 404 page exactly as for a view's Http404.
            raise Http404 from exception
        return None


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, NotFound):
        exc = Http404()
    return problems.exception_handler(exc, context)
