"""Helpers the candidates views share."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from .. import selectors
from ..models import Candidate

_Found = TypeVar("_Found")

PAGE_SIZE = 25


def own(request: HttpRequest, read: Callable[..., _Found | None]) -> _Found:
    """What ``read`` finds of the signed-in candidate's own (her record, her plan): 403 for other
    roles, 404 if she has none."""
    if not request.user.is_candidate:
        raise PermissionDenied
    found = read(user=request.user)
    if found is None:
        raise Http404
    return found


def require_candidate(request: HttpRequest) -> Candidate:
    """The signed-in candidate's own record; 403 for other roles, 404 if no record is linked."""
    return own(request, selectors.own_candidate)


def back_to_detail(candidate_pk: int) -> HttpResponse:
    return redirect("candidates:detail", pk=candidate_pk)


def json_download(data: Any, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
