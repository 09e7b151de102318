"""The services directory in the API (issue 17): read-only, each offer in HSDS 3.0 shape.

A client with ``directory:read`` is its organisation acting as the municipality's coordinator
(api/scopes.py); it sees the offers that :func:`coaching.selectors.visible_services` shows that role
— its own municipality's — each exactly as the HSDS export writes it (coaching/hsds.py).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.roles import Role
from api.rest import ETAG_HEADER, IF_MATCH, etag, require_if_match
from api.viewsets import ApiViewSet
from organisations import access

from . import directory_selectors, directory_services, hsds
from . import services as coaching_services
from .forms import ServiceEditForm, ServiceSkillsForm
from .hsds import (
    TAXONOMY_CATEGORY,
    TAXONOMY_ESCO_SKILL,
    TAXONOMY_RESIDENCE,
    codes,
    coordinator_municipality,
    directory_export,
    directory_import,
    organization_document,
    plan_areas,
    plan_schedules,
    service_document,
)
from .models import Service, ServiceOrganisation

READ = "directory:read"
# An offer's HSDS status (one name in the schema for reading and writing).
HSDS_STATUSES = [("active", "active"), ("inactive", "inactive")]


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
    status = serializers.ChoiceField(choices=HSDS_STATUSES)
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


ID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="Die HSDS-ID des Angebots.")


# --- directory writes, organizations, export and import (issue 17, coordinators) ------------------
#
# ``directory:write`` mirrors the coordinator too. A write arrives in HSDS 3.0 shape and passes the
# coordinator's own edit form (coaching.forms.ServiceEditForm, ServiceSkillsForm) and the directory
# services (coaching/directory_services.py), so the API stores nothing the page would refuse; an
# error names the HSDS field (a JSON pointer into the body). Locations are read-only here (a
# provider's locations are shared by its offers; the page does not edit them either).

WRITE = "directory:write"
# Form fields → where they stand in an HSDS service (for error pointers).
_SERVICE_POINTERS: dict[str, tuple[str | int, ...]] = {
    "name": ("name",),
    "category": ("attributes",),
    "description": ("description",),
    "languages": ("languages",),
    "eligible_residence_statuses": ("attributes",),
    "cost": ("cost_options", 0, "option"),
    "cost_details": ("cost_options", 0, "amount_description"),
    "contact_name": ("contacts", 0, "name"),
    "email": ("email",),
    "phone": ("phones", 0, "number"),
    "url": ("url",),
    "wait_time": ("wait_time",),
    "served_municipalities": ("service_areas",),
    "area_postcodes": ("service_areas",),
    "required_documents": ("required_documents",),
    "skills": ("attributes",),
    "__all__": (),
}
_HSDS_PATH = re.compile(r"\[(\d+)\]|\.([^.\[]+)")


def _nest(errors: dict, path: tuple[str | int, ...], message: str) -> None:
    """Put ``message`` at ``path`` of a nested error dict (problems.py makes the pointer).

    A place may have messages about itself and about its parts (``$[0]`` lacks an id, and
    ``$[0].locations`` is not a list): its own then go under ``non_field_errors``, which
    problems.py points at the place itself, as DRF nests an object's errors."""
    node = errors
    for part in path[:-1]:
        child = node.get(part)
        if isinstance(child, list):
            child = node[part] = {"non_field_errors": child}
        node = node.setdefault(part, {}) if child is None else child
    last = path[-1] if path else "non_field_errors"
    if isinstance(node.get(last), dict):
        node[last].setdefault("non_field_errors", []).append(message)
    else:
        node.setdefault(last, []).append(message)


def _hsds_errors(lines: list[str]) -> dict:
    """hsds.py's "$[0].services[1].name: message" lines as a nested error dict."""
    errors: dict = {}
    for line in lines:
        where, _sep, message = line.partition(": ")
        if not where.startswith("$"):
            where, message = "$", line
        path = tuple(int(i) if i else name for i, name in _HSDS_PATH.findall(where[1:]))
        _nest(errors, path, message)
    return errors


def _form_errors(form: Any) -> dict:
    errors: dict = {}
    for field, messages in form.errors.items():
        for message in messages:
            _nest(errors, _SERVICE_POINTERS.get(field, (field,)), message)
    return errors


class StrictCharField(serializers.CharField):
    """A string, never a number or a boolean made into one: the schema says string, so ``0`` is
    invalid input (DRF's CharField would quietly store "0")."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class _CodeIn(serializers.Serializer):
    code = StrictCharField(max_length=16)


class _CostIn(serializers.Serializer):
    option = StrictCharField(max_length=16)
    amount_description = StrictCharField(max_length=300, allow_blank=True, required=False)


class _ContactIn(serializers.Serializer):
    name = StrictCharField(max_length=150, allow_blank=True)


class _PhoneIn(serializers.Serializer):
    number = StrictCharField(max_length=40, allow_blank=True)


class _TermIn(serializers.Serializer):
    taxonomy = StrictCharField(max_length=100)
    code = StrictCharField(max_length=255)


class _AttributeIn(serializers.Serializer):
    taxonomy_term = _TermIn()


class _ScheduleIn(serializers.Serializer):
    freq = serializers.ChoiceField(choices=["WEEKLY"])
    byday = StrictCharField(max_length=40)
    opens_at = StrictCharField(max_length=8)
    closes_at = StrictCharField(max_length=8)


class _AreaIn(serializers.Serializer):
    name = StrictCharField(max_length=200, allow_blank=True, required=False)
    uri = StrictCharField(max_length=200, required=False)


class _DocumentIn(serializers.Serializer):
    document = StrictCharField(max_length=200)


class HsdsServiceWrite(serializers.Serializer):
    """An offer to create or change, in HSDS 3.0 shape. Lotse's category, residence statuses and ESCO
    skills are ``attributes`` with taxonomy terms (``lotse-service-category``,
    ``lotse-residence-status``, ``esco-skill``), as the export writes them; further municipalities
    and single postcodes (``uri`` ``urn:de:plz:…``) are ``service_areas``. ``id``,
    ``service_at_locations`` and the ids inside the lists are read-only and left out or ignored."""

    organization_id = serializers.UUIDField(
        required=False, help_text="Der Träger (HSDS-ID); beim Anlegen nötig, danach unveränderlich."
    )
    name = StrictCharField(max_length=200)
    description = StrictCharField(max_length=3000, allow_blank=True, required=False)
    status = serializers.ChoiceField(
        choices=HSDS_STATUSES, required=False, help_text="inactive deaktiviert das Angebot."
    )
    url = StrictCharField(max_length=200, allow_blank=True, required=False)
    email = StrictCharField(max_length=254, allow_blank=True, required=False)
    wait_time = StrictCharField(max_length=200, allow_blank=True, required=False)
    languages = _CodeIn(many=True, required=False, max_length=30)
    cost_options = _CostIn(many=True, required=False, max_length=1)
    contacts = _ContactIn(many=True, required=False, max_length=1)
    phones = _PhoneIn(many=True, required=False, max_length=1)
    attributes = _AttributeIn(many=True, required=False, max_length=100)
    schedules = _ScheduleIn(many=True, required=False, max_length=50)
    service_areas = _AreaIn(many=True, required=False, max_length=300)
    required_documents = _DocumentIn(many=True, required=False, max_length=20)


def _service_form_input(svc: dict, *, service: Service) -> tuple[dict, list, list]:
    """Turn a validated HSDS service into what the coordinator's forms take, and check it there.
    Returns (fields for service_update, weekly hours, skills) or raises a 400 naming the HSDS fields."""
    errors: list[str] = []
    hours = plan_schedules(svc, "$", errors)
    area_ids, postcodes = plan_areas(svc, "$", errors, directory_selectors.municipality_ids_by_name())
    categories = codes(svc, TAXONOMY_CATEGORY)
    cost = (svc.get("cost_options") or [{}])[0]
    contacts, phones = svc.get("contacts") or [], svc.get("phones") or []
    data = MultiValueDict(
        {
            "name": [svc.get("name", "")],
            "category": [categories[0] if categories else ""],
            "description": [svc.get("description", "")],
            "languages": [lang["code"] for lang in svc.get("languages") or []],
            "eligible_residence_statuses": codes(svc, TAXONOMY_RESIDENCE),
            "cost": [cost.get("option") or "free"],
            "cost_details": [cost.get("amount_description", "")],
            "contact_name": [contacts[0]["name"] if contacts else ""],
            "email": [svc.get("email", "")],
            "phone": [phones[0]["number"] if phones else ""],
            "url": [svc.get("url", "")],
            "wait_time": [svc.get("wait_time", "")],
            "served_municipalities": [str(pk) for pk in area_ids],
            "area_postcodes": [", ".join(postcodes)],
            "required_documents": ["\n".join(d["document"] for d in svc.get("required_documents") or [])],
        }
    )
    form = ServiceEditForm(data, service=service)
    skills_form = ServiceSkillsForm(MultiValueDict({"skills": codes(svc, TAXONOMY_ESCO_SKILL)}))
    problems = _hsds_errors(errors)
    if not form.is_valid():
        for key, value in _form_errors(form).items():
            problems.setdefault(key, value)
    if not skills_form.is_valid():
        for key, value in _form_errors(skills_form).items():
            problems.setdefault(key, value)
    if problems:
        raise serializers.ValidationError(problems)
    return form.cleaned_data, hours, skills_form.cleaned_data["skills"]


def _service_write(*, service: Service, actor: Any, svc: dict) -> None:
    """Store a checked HSDS service through the directory services (each audits its change)."""
    fields, hours, skills = _service_form_input(svc, service=service)
    directory_services.service_update(service=service, actor=actor, **fields)
    if {s.pk for s in skills} != set(service.skills.values_list("pk", flat=True)):
        coaching_services.service_set_skills(service=service, actor=actor, skills=skills)
    directory_services.service_set_hours(service=service, actor=actor, hours=hours)
    if "status" in svc:
        directory_services.service_set_active(service=service, actor=actor, active=svc["status"] == "active")


def _service_etag(service: Service, document: dict) -> str:
    return etag({"service": document, "updated_at": service.updated_at})


def _service_response(request: Request, hsds_id: uuid.UUID, code: int = status.HTTP_200_OK) -> Response:
    service = access.first_visible(
        directory_selectors.hsds_services(user=request.user).filter(hsds_id=hsds_id)
    )
    document = service_document(service)
    return Response(document, status=code, headers={"ETag": _service_etag(service, document)})


def _uuid(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError as exc:
        raise NotFound() from exc


# The writable parts of an HSDS service: a PATCH replaces these where it names them.
_WRITABLE = set(HsdsServiceWrite().fields) - {"organization_id"}


class _ServiceWrites:
    """Creating and changing offers (``directory:write``), part of :class:`ServiceViewSet`."""

    def create(self, request: Request) -> Response:
        serializer = HsdsServiceWrite(data=request.data)
        serializer.is_valid(raise_exception=True)
        svc = serializer.validated_data
        if "organization_id" not in svc:
            raise serializers.ValidationError({"organization_id": [_("Bitte den Träger angeben.")]})
        try:
            provider = directory_selectors.coordinated_provider_get(
                user=request.user, hsds_id=svc["organization_id"]
            )
        except access.NotFound as exc:
            raise serializers.ValidationError(
                {"organization_id": [_("Diesen Träger gibt es im Verzeichnis Ihrer Kommune nicht.")]}
            ) from exc
        draft = Service(municipality_id=provider.municipality_id, organisation=provider)
        fields, _hours, skills = _service_form_input(svc, service=draft)
        with transaction.atomic():
            service = coaching_services.service_create(
                municipality_id=provider.municipality_id,
                actor=request.user.actor,
                organisation_name=provider.name,
                skills=skills,
                **{k: v for k, v in fields.items() if k in directory_services.EDITABLE_FIELDS},
            )
            directory_services.service_created(service=service, actor=request.user.actor)
            _service_write(service=service, actor=request.user.actor, svc=svc)
        return _service_response(request, service.hsds_id, status.HTTP_201_CREATED)

    def update(self, request: Request, pk: str) -> Response:
        return self._change(request, pk, partial=False)

    def partial_update(self, request: Request, pk: str) -> Response:
        return self._change(request, pk, partial=True)

    def _change(self, request: Request, pk: str, *, partial: bool) -> Response:
        hsds_id = _uuid(pk)
        with transaction.atomic():
            # Locked while the version is compared and the change written (as for placements).
            service = directory_selectors.coordinated_service_get(
                user=request.user, hsds_id=hsds_id, for_update=True
            )
            current = service_document(service)
            require_if_match(request, _service_etag(service, current))
            serializer = HsdsServiceWrite(data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            svc = dict(serializer.validated_data)
            moved = svc.pop("organization_id", None)
            if moved is not None and moved != service.organisation.hsds_id:
                raise serializers.ValidationError(
                    {"organization_id": [_("Der Träger eines Angebots lässt sich nicht ändern.")]}
                )
            if partial:
                # What the PATCH leaves out stays: the current document fills it in.
                svc = {**{k: v for k, v in current.items() if k in _WRITABLE}, **svc}
            _service_write(service=service, actor=request.user.actor, svc=svc)
        return _service_response(request, hsds_id)


@extend_schema_view(
    list=extend_schema(summary="Angebote der Kommune (HSDS 3.0)", tags=["directory"]),
    retrieve=extend_schema(
        summary="Ein Angebot (HSDS 3.0)", tags=["directory"], parameters=[ID, ETAG_HEADER]
    ),
    create=extend_schema(
        summary="Angebot eintragen (HSDS 3.0)",
        tags=["directory"],
        description="Beim Träger organization_id der eigenen Kommune; dieselben Prüfungen wie im Formular.",
        request=HsdsServiceWrite,
        responses={201: OpenApiResponse(HsdsService)},
        parameters=[ETAG_HEADER],
    ),
    update=extend_schema(
        summary="Angebot ersetzen (HSDS 3.0)",
        tags=["directory"],
        description="Fehlende Listen werden geleert; ohne status bleibt der Status.",
        request=HsdsServiceWrite,
        responses={200: OpenApiResponse(HsdsService)},
        parameters=[ID, IF_MATCH, ETAG_HEADER],
    ),
    partial_update=extend_schema(
        summary="Angebot teilweise ändern (HSDS 3.0)",
        tags=["directory"],
        description="Nur die genannten Felder; status inactive deaktiviert das Angebot.",
        request=HsdsServiceWrite(partial=True),
        responses={200: OpenApiResponse(HsdsService)},
        parameters=[ID, IF_MATCH, ETAG_HEADER],
    ),
)
class ServiceViewSet(_ServiceWrites, mixins.ListModelMixin, ApiViewSet):
    serializer_class = HsdsService
    lookup_value_regex = "[^/]+"
    required_scopes = {"GET": READ, "POST": WRITE, "PUT": WRITE, "PATCH": WRITE}
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Service.objects.none()
        return directory_selectors.hsds_services(user=self.request.user)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([service_document(service) for service in page])

    def retrieve(self, request: Request, pk: str) -> Response:
        try:
            hsds_id = uuid.UUID(pk)
        except ValueError as exc:
            raise NotFound() from exc
        return _service_response(request, hsds_id)


class HsdsOrganizationPhone(_Item):
    organization_id = serializers.CharField()
    number = serializers.CharField()


class HsdsOrganization(serializers.Serializer):
    """An HSDS 3.0 ``organization`` (a provider of the directory), without its locations and
    services (those are in the export and under /directory/services/)."""

    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=3000, allow_blank=True, required=False)
    website = serializers.CharField(max_length=200, allow_blank=True, required=False)
    email = serializers.CharField(max_length=254, allow_blank=True, required=False)
    phones = HsdsOrganizationPhone(many=True, read_only=True)


class HsdsOrganizationWrite(serializers.Serializer):
    name = StrictCharField(max_length=200)
    description = StrictCharField(max_length=3000, allow_blank=True, required=False)
    website = StrictCharField(max_length=200, allow_blank=True, required=False)
    email = StrictCharField(max_length=254, allow_blank=True, required=False)
    phones = _PhoneIn(many=True, required=False, max_length=1)


def _provider_fields(data: dict) -> dict:
    fields = {k: data[k] for k in ("name", "description", "website", "email") if k in data}
    if "phones" in data:
        fields["phone"] = data["phones"][0]["number"] if data["phones"] else ""
    return fields


def _provider_errors(exc: DjangoValidationError) -> serializers.ValidationError:
    errors: dict = {}
    for field, messages in exc.message_dict.items():
        path = {"phone": ("phones", 0, "number"), "__all__": ()}.get(field, (field,))
        for message in messages:
            _nest(errors, path, message)
    return serializers.ValidationError(errors)


def _provider_response(provider: ServiceOrganisation, code: int = status.HTTP_200_OK) -> Response:
    document = organization_document(provider)
    return Response(
        document,
        status=code,
        headers={"ETag": etag({"organization": document, "updated_at": provider.updated_at})},
    )


OID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="Die HSDS-ID des Trägers.")


@extend_schema_view(
    list=extend_schema(summary="Träger der Kommune (HSDS 3.0)", tags=["directory"]),
    retrieve=extend_schema(
        summary="Ein Träger (HSDS 3.0)", tags=["directory"], parameters=[OID, ETAG_HEADER]
    ),
    create=extend_schema(
        summary="Träger eintragen (HSDS 3.0)",
        tags=["directory"],
        request=HsdsOrganizationWrite,
        responses={201: OpenApiResponse(HsdsOrganization)},
        parameters=[ETAG_HEADER],
    ),
    partial_update=extend_schema(
        summary="Träger ändern (HSDS 3.0)",
        tags=["directory"],
        request=HsdsOrganizationWrite(partial=True),
        responses={200: OpenApiResponse(HsdsOrganization)},
        parameters=[OID, IF_MATCH, ETAG_HEADER],
    ),
    deactivate=extend_schema(
        summary="Alle Angebote eines Trägers deaktivieren",
        tags=["directory"],
        description="Ein Träger hat in HSDS keinen eigenen Status: er ist inaktiv, wenn keines seiner Angebote aktiv ist.",
        request=None,
        responses={200: OpenApiResponse(HsdsOrganization)},
        parameters=[OID, ETAG_HEADER],
    ),
)
class OrganizationViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = HsdsOrganization
    lookup_value_regex = "[^/]+"
    required_scopes = {"GET": READ, "POST": WRITE, "PATCH": WRITE}
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return ServiceOrganisation.objects.none()
        access.require_role(user=self.request.user, roles=[Role.COORDINATOR])
        return directory_selectors.coordinated_providers(user=self.request.user)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([organization_document(provider) for provider in page])

    def retrieve(self, request: Request, pk: str) -> Response:
        provider = directory_selectors.coordinated_provider_get(user=request.user, hsds_id=_uuid(pk))
        return _provider_response(provider)

    def create(self, request: Request) -> Response:
        serializer = HsdsOrganizationWrite(data=request.data)
        serializer.is_valid(raise_exception=True)
        municipality = coordinator_municipality(user=request.user)
        try:
            provider = directory_services.provider_create(
                municipality_id=municipality.pk,
                actor=request.user.actor,
                **_provider_fields(serializer.validated_data),
            )
        except DjangoValidationError as exc:
            raise _provider_errors(exc) from exc
        return _provider_response(provider, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        hsds_id = _uuid(pk)
        with transaction.atomic():
            provider = directory_selectors.coordinated_provider_get(
                user=request.user, hsds_id=hsds_id, for_update=True
            )
            document = organization_document(provider)
            require_if_match(request, etag({"organization": document, "updated_at": provider.updated_at}))
            serializer = HsdsOrganizationWrite(data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            try:
                provider = directory_services.provider_update(
                    provider=provider, actor=request.user.actor, **_provider_fields(serializer.validated_data)
                )
            except DjangoValidationError as exc:
                raise _provider_errors(exc) from exc
        return _provider_response(
            directory_selectors.coordinated_provider_get(user=request.user, hsds_id=hsds_id)
        )

    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk: str) -> Response:
        provider = directory_selectors.coordinated_provider_get(user=request.user, hsds_id=_uuid(pk))
        directory_services.provider_set_active(provider=provider, actor=request.user.actor, active=False)
        return _provider_response(
            directory_selectors.coordinated_provider_get(user=request.user, hsds_id=provider.hsds_id)
        )


class ImportResult(serializers.Serializer):
    organisations = serializers.IntegerField(help_text="Träger angelegt oder aktualisiert.")
    locations = serializers.IntegerField()
    services = serializers.IntegerField()


_PACKAGE = {
    "type": "array",
    "description": "Ein HSDS-3.0-„organization package“: Träger mit ihren Standorten und Angeboten.",
    "items": {"type": "object", "additionalProperties": True},
}


class DirectoryExchangeViewSet(ApiViewSet):
    """The whole directory as one HSDS 3.0 document: the same one ``manage.py hsds_export`` writes and
    the coordinator's exchange page offers (coaching/hsds.py)."""

    required_scopes = {"GET": READ, "POST": WRITE}
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        summary="Das ganze Verzeichnis der Kommune (HSDS 3.0)",
        tags=["directory"],
        description="Aktive und deaktivierte Angebote; prüft gegen das HSDS-3.0-JSON-Schema.",
        responses={200: OpenApiResponse(_PACKAGE)},
    )
    @action(detail=False, methods=["get"], url_path="export")
    def export(self, request: Request) -> Response:
        _municipality, document = directory_export(user=request.user)
        return Response(document)

    @extend_schema(
        summary="Ein Verzeichnis einlesen (HSDS 3.0)",
        tags=["directory"],
        description=(
            "In die Kommune des Clients; nach HSDS-ID angelegt oder aktualisiert, ein erneutes "
            "Einlesen ändert nichts. Alles oder nichts: ein fehlerhaftes Dokument ist ein 400 mit den "
            "Pfaden der Fehler. Höchstens 2 MB."
        ),
        request={"application/json": _PACKAGE},
        responses={200: OpenApiResponse(ImportResult)},
    )
    @action(detail=False, methods=["post"], url_path="import")
    def import_(self, request: Request) -> Response:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        try:
            hsds.refuse_if_too_large(length)  # before the body is read, as the page words it
            counts = directory_import(user=request.user, document=hsds.parse(request.body))
        except hsds.HsdsImportError as exc:
            raise serializers.ValidationError(_hsds_errors(exc.errors)) from exc
        return Response(counts)
