"""The base of the apps' API resources (apart from rest.py, which DRF's settings import)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.viewsets import GenericViewSet

from .errors import InvalidQuery


class ApiViewSet(GenericViewSet):
    """The base of every API resource: besides DRF's, it refuses query parameters the operation
    does not know (400 naming them), so that a mistyped filter never quietly returns everything."""

    def known_query_parameters(self) -> set[str]:
        known: set[str] = set()
        if self.action == "list":
            if self.paginator is not None:
                known |= {self.paginator.page_query_param, self.paginator.page_size_query_param}
            filterset_class = getattr(self, "filterset_class", None)
            if filterset_class is not None:
                known |= set(filterset_class.base_filters)
        return known

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authentication, scopes, rate limit first
        if self.action is None:
            return  # a method the resource does not have: the 405 follows
        unknown = sorted(set(request.query_params) - self.known_query_parameters())
        if unknown:
            raise InvalidQuery({name: [_("Diesen Parameter gibt es hier nicht.")] for name in unknown[:10]})
