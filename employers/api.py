"""The employers' part of the API (issue 17): an employer's own system reads, creates and updates
its placements.

The client is the employer organisation (api.authentication.ApiClient); what it sees and changes
comes from the same selectors and services as the placement pages, and its input passes the same
form (:class:`employers.forms.PlacementForm`), so the API cannot store what the page would refuse.
Reads carry an ETag; a write must send it back in If-Match (428 without, 412 when stale).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from api.rest import ETAG_HEADER, IF_MATCH, etag, require_if_match
from api.viewsets import ApiViewSet
from taxonomy.models import OccupationSkill

from . import selectors, services
from .filters import PlacementApiFilter
from .forms import PlacementForm
from .models import Placement

READ = "placements:read"
WRITE = "placements:write"
# The largest id PostgreSQL's bigint holds: a larger one is a 404, not a database error.
MAX_ID = 2**63 - 1

# The API's field names that differ from the form's.
_FORM_NAMES = {"occupation": "occupation_uri"}
_API_NAMES = {form: api for api, form in _FORM_NAMES.items()}


def _form_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return value


class PlacementSerializer(serializers.ModelSerializer):
    occupation = serializers.CharField(
        source="occupation.uri", max_length=255, help_text="ESCO-URI des Berufs (occupation)."
    )

    class Meta:
        model = Placement
        fields = [
            "id",
            "title",
            "kind",
            "occupation",
            "description",
            "min_german_spoken",
            "offers_language_support",
            "language_support_details",
            "postcode",
            "city",
            "hours_per_week",
            "start_date",
            "openings",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {
            "description": {"max_length": 10000},
            "language_support_details": {"max_length": 5000},
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """The page's form decides, with the current values where a PATCH leaves fields out."""
        placement = self.instance
        data: dict[str, Any] = {}
        if placement is not None:
            data = {name: getattr(placement, name) for name in PlacementForm.Meta.fields}
            data["occupation_uri"] = placement.occupation.uri
        for name, value in attrs.items():
            if name == "occupation":
                data["occupation_uri"] = value["uri"]
            else:
                data[name] = value
        form = PlacementForm(data={k: _form_value(v) for k, v in data.items()}, instance=placement)
        if not form.is_valid():
            raise serializers.ValidationError(
                {
                    ("non_field_errors" if field == "__all__" else _API_NAMES.get(field, field)): list(
                        messages
                    )
                    for field, messages in form.errors.items()
                }
            )
        return form.placement_data()


def _placement_id(raw: str) -> int:
    try:
        pk = int(raw)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    if not 0 < pk <= MAX_ID:
        raise NotFound()
    return pk


def _with_etag(data: dict[str, Any], code: int = status.HTTP_200_OK) -> Response:
    return Response(data, status=code, headers={"ETag": etag(data)})


ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Die Nummer der Stelle.")


@extend_schema_view(
    list=extend_schema(summary="Stellen des Betriebs", tags=["placements"]),
    retrieve=extend_schema(summary="Eine Stelle", tags=["placements"], parameters=[ID, ETAG_HEADER]),
    create=extend_schema(
        summary="Stelle anlegen",
        tags=["placements"],
        description="Die wesentlichen ESCO-Kompetenzen des Berufs werden übernommen, wie im Formular.",
        parameters=[ETAG_HEADER],
        responses={201: OpenApiResponse(PlacementSerializer)},
    ),
    update=extend_schema(
        summary="Stelle ändern", tags=["placements"], parameters=[ID, IF_MATCH, ETAG_HEADER]
    ),
    partial_update=extend_schema(
        summary="Stelle teilweise ändern", tags=["placements"], parameters=[ID, IF_MATCH, ETAG_HEADER]
    ),
)
class PlacementViewSet(
    mixins.ListModelMixin,
    ApiViewSet,
):
    serializer_class = PlacementSerializer
    filterset_class = PlacementApiFilter
    lookup_value_regex = "[^/]+"
    required_scopes = {"GET": READ, "POST": WRITE, "PUT": WRITE, "PATCH": WRITE}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Placement.objects.none()
        selectors.require_employer(user=self.request.user)
        return selectors.placements_for(user=self.request.user).order_by("-created_at", "-pk")

    def retrieve(self, request: Request, pk: str) -> Response:
        placement = selectors.placement_get(user=request.user, pk=_placement_id(pk))
        return _with_etag(PlacementSerializer(placement).data)

    def create(self, request: Request) -> Response:
        profile = selectors.require_employer(user=request.user)
        serializer = PlacementSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        skills = [
            (skill, relation)
            for skill, relation in services.suggested_skills(occupation=data["occupation"])
            if relation == OccupationSkill.Relation.ESSENTIAL
        ]
        placement = services.placement_create(
            employer=profile, actor=request.user.actor, data=data, skills=skills
        )
        placement = selectors.placement_get(user=request.user, pk=placement.pk)
        return _with_etag(PlacementSerializer(placement).data, status.HTTP_201_CREATED)

    def update(self, request: Request, pk: str) -> Response:
        return self._change(request, pk, partial=False)

    def partial_update(self, request: Request, pk: str) -> Response:
        return self._change(request, pk, partial=True)

    def _change(self, request: Request, pk: str, *, partial: bool) -> Response:
        with transaction.atomic():
            # Locked while the version is compared and the change is written: two clients holding
            # the same ETag cannot both win.
            placement = selectors.placement_get_for_update(user=request.user, pk=_placement_id(pk))
            require_if_match(request, etag(PlacementSerializer(placement).data))
            serializer = PlacementSerializer(placement, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            services.placement_update(
                placement=placement, actor=request.user.actor, data=serializer.validated_data
            )
        placement = selectors.placement_get(user=request.user, pk=placement.pk)
        return _with_etag(PlacementSerializer(placement).data)
