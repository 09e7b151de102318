"""The pieces every API view shares: pagination, the filter backend, ETag and If-Match."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ParseError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser as _JSONParser
from rest_framework.request import Request

from .errors import InvalidQuery, PreconditionFailed, PreconditionRequired


class JSONParser(_JSONParser):
    """DRF's, but JSON nested too deep ("[[[[…") is a 400 like any malformed body, not a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - nested too deep") from exc


class Pagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class FilterBackend(DjangoFilterBackend):
    """django-filter; an invalid filter value is a 400 naming the query parameter."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise InvalidQuery({name: list(errors) for name, errors in filterset.errors.items()})
        return filterset.qs


def etag(data: Any) -> str:
    """A strong ETag of a representation: any change of what the client sees changes it."""
    encoded = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False).encode()
    return '"' + hashlib.sha256(encoded).hexdigest()[:32] + '"'


def require_if_match(request: Request, current: str) -> None:
    """A write must name the version it changes: 428 without If-Match, 412 when it is stale."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    tags = [tag.strip() for tag in header.split(",") if tag.strip()]
    # Strong comparison (RFC 9110 §13.1.1): a weak tag never matches.
    if "*" in tags or current in tags:
        return
    raise PreconditionFailed()
