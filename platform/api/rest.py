"""The pieces every API view shares: pagination, the filter backend, ETag and If-Match."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from .errors import InvalidQuery, PreconditionFailed, PreconditionRequired


class Pagination(PageNumberPagination):
    """Pages of 25 (page_size up to 100). A page_size or page that is no whole number in range is a
    400 naming the parameter (DRF would quietly fall back to the default)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100

    def _number(self, request: Request, name: str, *, maximum: int | None) -> int | None:
        values = request.query_params.getlist(name)
        if not values:
            return None
        value = values[-1]
        if len(values) > 1 or not value.isascii() or not value.isdigit() or len(value) > 9:
            raise InvalidQuery({name: [_("Bitte eine ganze Zahl angeben.")]})
        number = int(value)
        if number < 1 or (maximum is not None and number > maximum):
            raise InvalidQuery(
                {name: [_("Bitte eine Zahl von 1 bis {maximum} angeben.").format(maximum=maximum or "…")]}
            )
        return number

    def get_page_size(self, request: Request) -> int:
        return self._number(request, self.page_size_query_param, maximum=self.max_page_size) or self.page_size

    def paginate_queryset(self, queryset, request, view=None):
        self._number(request, self.page_query_param, maximum=None)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters


class FilterBackend(DjangoFilterBackend):
    """django-filter; an invalid filter value is a 400 naming the query parameter."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        repeated = [name for name in filterset.filters if len(request.query_params.getlist(name)) > 1]
        if repeated:
            raise InvalidQuery({name: [_("Bitte nur einen Wert angeben.")] for name in repeated})
        # django-filter reads an empty value as "no filter"; here it is a mistake worth naming.
        empty = [name for name in filterset.filters if request.query_params.get(name, None) == ""]
        if empty:
            raise InvalidQuery({name: [_("Bitte einen Wert angeben.")] for name in empty})
        if not filterset.is_valid():
            raise InvalidQuery({name: list(errors) for name, errors in filterset.errors.items()})
        return filterset.qs


def etag(data: Any) -> str:
    """A strong ETag of a representation: any change of what the client sees changes it. A
    writable resource's representation carries its ``updated_at``, so each update changes the tag,
    even one that writes the same values again."""
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


# The headers of conditional writes, for the schema (RFC 9110 §8.8.3, §13.1.1).
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description=(
        "Der ETag der zuletzt gelesenen Fassung (aus GET), oder *. Fehlt er: 428; passt er nicht "
        "mehr, weil inzwischen jemand anderes geändert hat: 412 — neu lesen und erneut versuchen."
    ),
)
ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=True,
    description="Starker ETag der Fassung; ändert sich mit jeder Änderung (für If-Match).",
)
