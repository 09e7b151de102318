"""The events part of the API (issue 17): the chambers' and the website's upcoming events, their
registrations for the chamber that owns the event, and a business registering itself.

The events are public pages (cms.selectors.events_for: the client's municipality). The
registrations are business contact data kept for the organisers: only the chamber whose section
the event stands in reads them (chamber editors' role, through the scope ``events:read``), and
every registration shown is audited once a day, as a page view. A verified employer registers its
own organisation (``events:write``) through the same service and form as the event page's form;
one registration per event and organisation (a database constraint).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from api.viewsets import ApiViewSet
from employers.services import business_registration_link
from organisations.models import OrganisationKind
from privacy.services import audit_record_views_once_a_day

from . import selectors
from .forms import EventRegistrationForm
from .models import EventKind, EventPage, EventRegistration
from .services import RegistrationRefused, event_registration_create

READ = "events:read"
WRITE = "events:write"
# The largest id PostgreSQL's bigint holds: a larger one is a 404, not a database error.
MAX_ID = 2**63 - 1
REGISTRATION_NOTE = "event registrations (API)"


def _event_id(raw: Any) -> int:
    try:
        pk = int(raw)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    if not 0 < pk <= MAX_ID:
        raise NotFound()
    return pk


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Die Nummer der Veranstaltung.")
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=EventKind.choices)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(allow_null=True)
    place = serializers.CharField()
    address = serializers.CharField()
    intro = serializers.CharField(help_text="Kurzbeschreibung, wie auf der Seite.")
    chamber = serializers.IntegerField(
        allow_null=True,
        help_text="Die Kammer (Organisation), in deren Bereich sie steht; null: eine Veranstaltung der Website.",
    )
    registration_open = serializers.BooleanField(help_text="Ob die Anmeldung über Lotse jetzt möglich ist.")
    closes_at = serializers.DateTimeField(help_text="Anmeldeschluss (ohne eigenen: der Beginn).")
    capacity = serializers.IntegerField(allow_null=True, help_text="Plätze; null: nicht begrenzt.")
    seats_left = serializers.IntegerField(allow_null=True, help_text="Freie Plätze; null: nicht begrenzt.")


def _event_data(event: EventPage, chamber: int | None) -> dict[str, Any]:
    taken = getattr(event, "taken", None) or 0
    return {
        "id": event.pk,
        "title": event.title,
        "kind": event.kind,
        "start": event.start,
        "end": event.end,
        "place": event.place,
        "address": event.address,
        "intro": getattr(event, "intro", "") or "",
        "chamber": chamber,
        "registration_open": event.registration_is_open(),
        "closes_at": event.closes_at,
        "capacity": event.capacity,
        "seats_left": None if event.capacity is None else max(event.capacity - taken, 0),
    }


@extend_schema_view(
    list=extend_schema(
        summary="Kommende Veranstaltungen",
        tags=["events"],
        description=(
            "Veröffentlichte kommende Veranstaltungen der Kammern der eigenen Kommune und der Website "
            "selbst (öffentliche Angaben, wie auf den Seiten), die frühesten zuerst. Mit events:read "
            "oder events:write."
        ),
    ),
)
class EventViewSet(ApiViewSet):
    serializer_class = EventSerializer
    # Public data: whoever may read the registrations or register may list the events.
    required_scopes = {"GET": (READ, WRITE)}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return EventPage.objects.none()
        return selectors.events_for(user=self.request.user)

    def list(self, request: Request) -> Response:
        events = list(self.paginate_queryset(self.get_queryset()))
        chambers = selectors.event_chamber_ids(events)
        return self.get_paginated_response(
            EventSerializer([_event_data(event, chambers[event.pk]) for event in events], many=True).data
        )


class RegistrationSerializer(serializers.ModelSerializer):
    organisation_id = serializers.IntegerField(
        source="registered_by_id",
        allow_null=True,
        help_text="Die Organisation, die sich über die API angemeldet hat; null: über das Formular der Seite.",
    )

    class Meta:
        model = EventRegistration
        fields = ["id", "name", "email", "organisation", "organisation_id", "people", "created_at"]


class RegistrationCreateSerializer(serializers.Serializer):
    """The event page's form: the person who comes for the organisation, how many, and consent."""

    name = serializers.CharField(max_length=120, help_text="Wer für die Organisation kommt.")
    email = serializers.EmailField(max_length=254)
    people = serializers.IntegerField(min_value=1, max_value=10, default=1)
    consent = serializers.BooleanField(
        help_text=(
            "Einverständnis, dass die Angaben zur Organisation der Veranstaltung gespeichert und an "
            "die Veranstalter*innen weitergegeben werden (wie im Formular der Seite; muss true sein)."
        )
    )


ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Die Nummer der Veranstaltung."
)


@extend_schema_view(
    list=extend_schema(
        summary="Anmeldungen zu einer Veranstaltung",
        tags=["events"],
        description=(
            "Nur für die Kammer, in deren Bereich die Veranstaltung steht (sonst 404). Personenbezogene "
            "Angaben: jede Anzeige wird protokolliert."
        ),
        parameters=[ID],
    ),
    create=extend_schema(
        summary="Die eigene Organisation anmelden",
        tags=["events"],
        description=(
            "Ein verifizierter Betrieb meldet sich zu einer kommenden Veranstaltung seiner Kommune an, "
            "wie mit dem Formular der Seite (Anmeldeschluss, Plätze). Einmal je Veranstaltung und "
            "Organisation; die Anmeldung erscheint im Betriebsdatensatz."
        ),
        parameters=[ID],
        request=RegistrationCreateSerializer,
        responses={201: OpenApiResponse(RegistrationSerializer)},
    ),
)
class EventRegistrationViewSet(ApiViewSet):
    """``/events/{id}/registrations/``."""

    serializer_class = RegistrationSerializer
    required_scopes = {"GET": READ, "POST": WRITE}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return EventRegistration.objects.none()
        return selectors.event_registrations(user=self.request.user, pk=_event_id(self.kwargs["id"]))

    def list(self, request: Request, id: str) -> Response:  # noqa: A002 (the path's name)
        rows = list(self.paginate_queryset(self.get_queryset()))
        municipality_id = request.user.organisation.municipality_id
        audit_record_views_once_a_day(
            actor=request.user.actor,
            record_type="cms.eventregistration",
            records=[(row.pk, municipality_id) for row in rows],
            fields=["name", "email", "organisation", "people"],
            note=REGISTRATION_NOTE,
        )
        return self.get_paginated_response(RegistrationSerializer(rows, many=True).data)

    def create(self, request: Request, id: str) -> Response:  # noqa: A002 (the path's name)
        event = selectors.event_for_registration(user=request.user, pk=_event_id(id))
        body = RegistrationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        organisation = request.user.organisation
        # The page's form decides (markup, e-mail, limits), with the organisation's own name.
        form = EventRegistrationForm(
            data={
                **{name: value for name, value in body.validated_data.items() if name != "consent"},
                "organisation": organisation.name[:200],
                "consent": "on" if body.validated_data["consent"] else "",
            }
        )
        if not form.is_valid():
            raise serializers.ValidationError({name: list(errors) for name, errors in form.errors.items()})
        try:
            with transaction.atomic():
                registration = event_registration_create(
                    event=event, registered_by=organisation, **form.cleaned_data
                )
                if organisation.kind == OrganisationKind.EMPLOYER:
                    # On the business record, as a coach's manual link would put it.
                    business_registration_link(
                        organisation=organisation, actor=request.user.actor, registration_id=registration.pk
                    )
        except RegistrationRefused as refused:
            raise serializers.ValidationError(
                {refused.field or "non_field_errors": [refused.message]}
            ) from refused
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)
