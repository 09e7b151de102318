"""Errors as RFC 9457 problem details: ``application/problem+json`` with type, title, status, detail.

Invalid input is a 400 of the type :data:`INVALID_INPUT` whose ``errors`` list says which input was
wrong and why, each with a JSON pointer into the request body (or the query parameter's name), the
way RFC 9457 §3 shows it. Everything else is ``about:blank``: the status says it all, the title is
the status's name and ``detail`` says what happened. An error in a service (Django's
ValidationError) is invalid input too, never a 500.
"""

from __future__ import annotations

from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import set_rollback

from organisations.access import NotFound

from .errors import InvalidQuery, PreconditionFailed, PreconditionRequired  # noqa: F401

CONTENT_TYPE = "application/problem+json"
INVALID_INPUT = "urn:lotse:api:problem:invalid-input"


def _pointer(path: Iterable[str | int], *, in_query: bool) -> str:
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    if in_query:
        return ".".join(parts)
    return "#" + "".join("/" + part for part in parts)


def _flatten(detail: Any, path: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], str]]:
    if isinstance(detail, dict):
        found = []
        for key, value in detail.items():
            key_path = path if key in ("non_field_errors", "__all__") else (*path, key)
            found += _flatten(value, key_path)
        return found
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return [(path, str(item)) for item in detail]
        found = []
        for index, item in enumerate(detail):
            found += _flatten(item, (*path, index))
        return found
    return [(path, str(detail))]


def problem(status_code: int, detail: str, *, type_: str = "about:blank", **extra: Any) -> dict[str, Any]:
    return {
        "type": type_,
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": str(detail),
        **extra,
    }


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, (Http404, NotFound)):  # a selector's NotFound (organisations/access.py) too
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if not isinstance(exc, exceptions.APIException):
        return None  # a real fault: Django's 500 (and the error report)

    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    if isinstance(exc, exceptions.ParseError):
        # A body that is no JSON at all: invalid input too, pointing at the whole document.
        body = problem(
            exc.status_code,
            _("Die Eingabe ist ungültig; „errors“ sagt, was zu ändern ist."),
            type_=INVALID_INPUT,
            errors=[{"pointer": "#", "detail": str(exc.detail)}],
        )
    elif isinstance(exc, exceptions.ValidationError):
        in_query = isinstance(exc, InvalidQuery)
        errors = [
            {"pointer" if not in_query else "parameter": _pointer(path, in_query=in_query), "detail": message}
            for path, message in _flatten(exc.detail)
        ]
        body = problem(
            exc.status_code,
            _("Die Eingabe ist ungültig; „errors“ sagt, was zu ändern ist."),
            type_=INVALID_INPUT,
            errors=errors,
        )
    else:
        detail = exc.detail if not isinstance(exc.detail, (list, dict)) else _flatten(exc.detail)[0][1]
        body = problem(exc.status_code, str(detail))
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers, content_type=CONTENT_TYPE)
