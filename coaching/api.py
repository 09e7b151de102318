"""The services directory in the API (issue 17): read-only, each offer in HSDS 3.0 shape.

A client with ``directory:read`` is its organisation acting as the municipality's coordinator
(api/scopes.py); it sees the offers that :func:`coaching.selectors.visible_services` shows that role
— its own municipality's — each exactly as the HSDS export writes it (coaching/hsds.py).
"""

from __future__ import annotations

import uuid

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.roles import Role
from api.rest import ETAG_HEADER, etag
from api.viewsets import ApiViewSet
from organisations import access

from . import selectors
from .hsds import service_document
from .models import Service

READ = "directory:read"


class _Item(serializers.Serializer):
    id = serializers.CharField()


class HsdsLanguage(_Item):
    service_id = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()


class HsdsCostOption(_Item):
    service_id = serializers.CharField()
    option = serializers.CharField()
    amount_description = serializers.CharField(allow_blank=True)


class HsdsContact(_Item):
    service_id = serializers.CharField()
    name = serializers.CharField()


class HsdsPhone(_Item):
    service_id = serializers.CharField()
    number = serializers.CharField()


class HsdsServiceAtLocation(_Item):
    service_id = serializers.CharField()
    location_id = serializers.CharField()


class HsdsAttribute(_Item):
    link_id = serializers.CharField()
    link_type = serializers.CharField()
    link_entity = serializers.CharField()
    taxonomy_term_id = serializers.CharField()
    value = serializers.CharField()
    taxonomy_term = serializers.DictField()


class HsdsSchedule(_Item):
    """A weekly opening time (issue 17): iCal WEEKLY on ``byday``, local time."""

    service_id = serializers.CharField()
    freq = serializers.ChoiceField(choices=["WEEKLY"])
    wkst = serializers.CharField()
    byday = serializers.CharField()
    opens_at = serializers.CharField()
    closes_at = serializers.CharField()


class HsdsServiceArea(_Item):
    """A further municipality the offer serves across a district line, or one postcode of its area
    (``uri`` ``urn:de:plz:…``; issue 17)."""

    service_id = serializers.CharField()
    name = serializers.CharField()
    uri = serializers.CharField(required=False)


class HsdsRequiredDocument(_Item):
    """A document the person brings to use the offer (issue 17)."""

    service_id = serializers.CharField()
    document = serializers.CharField()
    uri = serializers.URLField(required=False)


class HsdsService(serializers.Serializer):
    """An HSDS 3.0 ``service`` (the schema documents the parts Lotse writes)."""

    id = serializers.UUIDField()
    organization_id = serializers.UUIDField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=["active", "inactive"])
    eligibility_description = serializers.CharField(allow_blank=True)
    url = serializers.URLField(required=False)
    email = serializers.EmailField(required=False)
    languages = HsdsLanguage(many=True)
    cost_options = HsdsCostOption(many=True)
    contacts = HsdsContact(many=True)
    phones = HsdsPhone(many=True)
    service_at_locations = HsdsServiceAtLocation(many=True)
    attributes = HsdsAttribute(many=True)
    schedules = HsdsSchedule(many=True)
    service_areas = HsdsServiceArea(many=True)
    required_documents = HsdsRequiredDocument(many=True)
    wait_time = serializers.CharField(required=False)


def _services(request: Request):
    access.require_role(user=request.user, roles=[Role.COORDINATOR])
    # The skills an offer teaches are part of its HSDS document (issue 20): one query, not one each.
    return (
        selectors.visible_services(user=request.user)
        .prefetch_related(
            "skills", "schedules", "served_municipalities", "area_postcodes", "required_documents"
        )
        .order_by("name", "pk")
    )


ID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="Die HSDS-ID des Angebots.")


@extend_schema_view(
    list=extend_schema(summary="Angebote der Kommune (HSDS 3.0)", tags=["directory"]),
    retrieve=extend_schema(
        summary="Ein Angebot (HSDS 3.0)", tags=["directory"], parameters=[ID, ETAG_HEADER]
    ),
)
class ServiceViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = HsdsService
    lookup_value_regex = "[^/]+"
    required_scopes = {"GET": READ}
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Service.objects.none()
        return _services(self.request)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([service_document(service) for service in page])

    def retrieve(self, request: Request, pk: str) -> Response:
        try:
            hsds_id = uuid.UUID(pk)
        except ValueError as exc:
            raise NotFound() from exc
        service = access.first_or_404(_services(request).filter(hsds_id=hsds_id))
        document = service_document(service)
        return Response(document, headers={"ETag": etag(document)})
