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
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from api.rest import ETAG_HEADER, IF_MATCH, etag, require_if_match
from api.viewsets import ApiViewSet
from candidates.models import Candidate
from taxonomy.models import OccupationSkill

from . import selectors, services
from .filters import CandidateApiFilter, PlacementApiFilter
from .forms import CloseForm, InterviewForm, OfferForm, PlacementForm, ProposalDeclineForm
from .models import Introduction, Placement

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


# --- introductions and anonymised cards (issue 17) ----------------------------------------------

INTRODUCTIONS_READ = "introductions:read"
INTRODUCTIONS_WRITE = "introductions:write"
CANDIDATES_READ = "candidates:read"


class OccupationSerializer(serializers.Serializer):
    label = serializers.CharField()
    years = serializers.FloatField(help_text="Jahre Berufserfahrung.")


class LanguageSerializer(serializers.Serializer):
    language = serializers.CharField()
    spoken = serializers.CharField(help_text="GER-Stufe mündlich, leer wenn unbekannt.")
    written = serializers.CharField(help_text="GER-Stufe schriftlich, leer wenn unbekannt.")


class RecognisedSerializer(serializers.Serializer):
    occupation = serializers.CharField(help_text="Referenzberuf, leer wenn keiner genannt ist.")
    level = serializers.CharField(help_text="Art der Anerkennung.")


class CandidateCardSerializer(serializers.Serializer):
    """The anonymised card the browse page shows: no name, contact, birth date or internal id."""

    ref = serializers.CharField(help_text="Öffentliche Referenz des Profils (nie die interne Nummer).")
    title = serializers.CharField()
    occupations = OccupationSerializer(many=True)
    skills = serializers.ListField(child=serializers.CharField())
    languages = LanguageSerializer(many=True)
    german_spoken = serializers.CharField(help_text="GER-Stufe Deutsch mündlich, leer wenn unbekannt.")
    distance_km = serializers.FloatField(
        allow_null=True, help_text="Entfernung von der Adresse des Betriebs."
    )
    available_from = serializers.DateField(allow_null=True)
    hours_min = serializers.IntegerField(allow_null=True)
    hours_max = serializers.IntegerField(allow_null=True)
    permit = serializers.CharField(help_text="Arbeitserlaubnis (Kategorie, ohne Aufenthaltsstatus).")
    permit_label = serializers.CharField()
    recognised = RecognisedSerializer(many=True)


def _card_data(card: selectors.AnonymousCandidate) -> dict[str, Any]:
    return {
        "ref": card.ref,
        "title": str(card.title),
        "occupations": [{"label": label, "years": years} for label, years in card.occupations],
        "skills": list(card.skills),
        "languages": [
            {"language": language, "spoken": spoken, "written": written}
            for language, spoken, written in card.languages
        ],
        "german_spoken": card.german_spoken,
        "distance_km": card.distance_km,
        "available_from": card.available_from.isoformat() if card.available_from else None,
        "hours_min": card.hours_min,
        "hours_max": card.hours_max,
        "permit": card.permit,
        "permit_label": card.permit_label,
        "recognised": [{"occupation": occupation, "level": level} for occupation, level in card.recognised],
    }


REF = OpenApiParameter(
    "ref", OpenApiTypes.STR, OpenApiParameter.PATH, description="Die öffentliche Referenz des Profils."
)


@extend_schema_view(
    list=extend_schema(
        summary="Anonymisierte Profile",
        tags=["candidates"],
        description=(
            "Wer der Auflistung zugestimmt hat, wie auf der Seite „Profile durchsuchen“; wer die "
            "Zustimmung widerruft, fehlt ab der nächsten Anfrage. Jede Anzeige wird protokolliert. "
            "Die Filter sind die der Seite (dieselben Personen bei denselben Angaben); ein ungültiger "
            "Wert ist ein 400, das den Parameter nennt."
        ),
    ),
    retrieve=extend_schema(
        summary="Ein anonymisiertes Profil",
        tags=["candidates"],
        description="Nach der öffentlichen Referenz der Karte; 404, sobald die Person nicht mehr gelistet ist.",
        parameters=[REF],
    ),
)
class CandidateViewSet(ApiViewSet):
    serializer_class = CandidateCardSerializer
    # The browse page's filters (employers/filters.py), so that page and API find the same people.
    filterset_class = CandidateApiFilter
    lookup_field = "ref"
    lookup_value_regex = "[^/]+"
    required_scopes = {"GET": CANDIDATES_READ}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Candidate.objects.none()
        # The browse page's selector and its first order; the consent is read live on each request.
        return selectors.browse_base(user=self.request.user).order_by("-updated_at", "pk")

    def _shown(self, request: Request, rows: list[Any], origin: str | None = None) -> list[dict[str, Any]]:
        origin = origin or selectors.default_origin(user=request.user)
        cards = selectors.anonymous_cards(rows, origin_postcode=origin)
        # Into each person's audit trail as the browse page does, in the name of whoever made the credential.
        services.anonymous_cards_shown(
            actor=request.user.actor, candidates=[(row.id, row.municipality_id) for row in rows]
        )
        return [_card_data(card) for card in cards]

    def list(self, request: Request) -> Response:
        rows = list(
            self.paginate_queryset(selectors.anonymous_rows(self.filter_queryset(self.get_queryset())))
        )
        # Distances from the postcode searched around, as on the page (else the business's address).
        origin = request.query_params.get("postcode") if request.query_params.get("radius") else None
        return self.get_paginated_response(self._shown(request, rows, origin))

    def retrieve(self, request: Request, ref: str) -> Response:
        candidate = selectors.listed_candidate_get(user=request.user, ref=ref)
        return Response(self._shown(request, [candidate])[0])


class IntroductionSerializer(serializers.Serializer):
    """An introduction as the employer sees it; the person only as their anonymised card, and
    that only while they share it (listed, or their grant for this introduction), as on the page."""

    ref = serializers.CharField(help_text="Öffentliche Referenz der Vorstellung.")
    placement = serializers.IntegerField(help_text="Die Nummer der Stelle.")
    stage = serializers.ChoiceField(choices=Introduction.Stage.choices)
    source = serializers.ChoiceField(choices=Introduction.Source.choices)
    close_reason = serializers.CharField(
        help_text="Grund des Abschlusses (dieselben Werte wie reason beim Ändern); leer, solange sie offen ist."
    )
    interview_at = serializers.DateTimeField(allow_null=True)
    interview_place = serializers.CharField()
    candidate = CandidateCardSerializer(
        allow_null=True, help_text="Fehlt (null), sobald die Person es nicht mehr teilt."
    )
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


# The stages an employer moves an introduction to, each by the service its page button calls.
_MOVES = [
    Introduction.Stage.ACCEPTED,
    Introduction.Stage.INTERVIEW,
    Introduction.Stage.OFFER,
    Introduction.Stage.CLOSED,
]


class IntroductionStageChangeSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(
        choices=[(stage.value, stage.label) for stage in _MOVES],
        help_text=(
            "accepted: einen Vorschlag annehmen; interview: Gesprächstermin (mit interview_at und "
            "interview_place); offer: Angebot; closed: abschließen bzw. einen Vorschlag ablehnen (mit reason)."
        ),
    )
    interview_at = serializers.DateTimeField(required=False)
    interview_place = serializers.CharField(required=False, allow_blank=True, max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)
    reason = serializers.ChoiceField(choices=Introduction.CloseReason.choices, required=False)


def _introduction_rows(request: Request, intros: list[Introduction], *, audit: bool) -> list[dict[str, Any]]:
    cards = selectors.introduction_cards(user=request.user, introductions=intros)
    if audit and cards:
        services.anonymous_cards_shown(
            actor=request.user.actor,
            candidates=[(intro.candidate_id, cards[intro.pk][1]) for intro in intros if intro.pk in cards],
        )
    return [
        {
            "ref": intro.reference,
            "placement": intro.placement_id,
            "stage": intro.stage,
            "source": intro.source,
            "close_reason": intro.close_reason,
            "interview_at": intro.interview_at,
            "interview_place": intro.interview_place,
            "candidate": _card_data(cards[intro.pk][0]) if intro.pk in cards else None,
            "created_at": intro.created_at,
            "updated_at": intro.updated_at,
        }
        for intro in intros
    ]


def _introduction_data(request: Request, intro: Introduction, *, audit: bool = True) -> dict[str, Any]:
    return IntroductionSerializer(_introduction_rows(request, [intro], audit=audit)[0]).data


def _form_valid(form) -> dict[str, Any]:
    """The page's form decides; its errors come back under the API's field names."""
    if not form.is_valid():
        raise serializers.ValidationError({field: list(messages) for field, messages in form.errors.items()})
    return form.cleaned_data


def _stage_move(intro: Introduction, *, actor: Any, data: dict[str, Any]) -> None:
    """The same services, and the same forms, as the buttons on the introduction page."""
    stage = data["stage"]
    note = data.get("note", "")
    if stage == Introduction.Stage.ACCEPTED:
        services.introduction_proposal_accept(introduction=intro, actor=actor)
    elif stage == Introduction.Stage.INTERVIEW:
        at = data.get("interview_at")
        form = InterviewForm(
            {
                "interview_at": timezone.localtime(at).strftime("%Y-%m-%dT%H:%M") if at else "",
                "interview_place": data.get("interview_place", ""),
            }
        )
        cleaned = _form_valid(form)
        services.introduction_schedule_interview(
            introduction=intro, actor=actor, at=cleaned["interview_at"], place=cleaned["interview_place"]
        )
    elif stage == Introduction.Stage.OFFER:
        services.introduction_offer(
            introduction=intro, actor=actor, note=_form_valid(OfferForm({"note": note}))["note"]
        )
    elif intro.stage == Introduction.Stage.SUGGESTED:
        cleaned = _form_valid(ProposalDeclineForm({"reason": data.get("reason", ""), "note": note}))
        services.introduction_proposal_decline(
            introduction=intro, actor=actor, reason=cleaned["reason"], note=cleaned["note"]
        )
    else:
        cleaned = _form_valid(CloseForm({"reason": data.get("reason", ""), "note": note}))
        services.introduction_close(
            introduction=intro, actor=actor, reason=cleaned["reason"], note=cleaned["note"]
        )


INTRO_REF = OpenApiParameter(
    "ref", OpenApiTypes.STR, OpenApiParameter.PATH, description="Die öffentliche Referenz der Vorstellung."
)


@extend_schema_view(
    retrieve=extend_schema(
        summary="Eine Vorstellung und ihr Stand",
        tags=["introductions"],
        description="Nur zu den eigenen Stellen; die Karte der Person nur, solange sie sie teilt.",
        parameters=[INTRO_REF, ETAG_HEADER],
    ),
    partial_update=extend_schema(
        summary="Den Stand einer Vorstellung ändern",
        tags=["introductions"],
        description=(
            "Wie die Schaltflächen der Seite: dieselben Prüfungen, dieselben Benachrichtigungen und "
            "der Webhook introduction.stage_changed."
        ),
        parameters=[INTRO_REF, IF_MATCH, ETAG_HEADER],
        request=IntroductionStageChangeSerializer,
        responses={200: OpenApiResponse(IntroductionSerializer)},
    ),
)
class IntroductionViewSet(ApiViewSet):
    serializer_class = IntroductionSerializer
    lookup_field = "ref"
    lookup_value_regex = "[^/]+"
    required_scopes = {"GET": INTRODUCTIONS_READ, "PATCH": INTRODUCTIONS_WRITE}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Introduction.objects.none()
        return selectors.employer_introductions(user=self.request.user)

    def retrieve(self, request: Request, ref: str) -> Response:
        intro = selectors.employer_introduction_get(user=request.user, ref=ref)
        return _with_etag(_introduction_data(request, intro))

    def partial_update(self, request: Request, ref: str) -> Response:
        serializer = IntroductionStageChangeSerializer(data=request.data)
        with transaction.atomic():
            # Locked while the version is compared and the stage moved (as for placements).
            intro = selectors.employer_introduction_get_for_update(user=request.user, ref=ref)
            require_if_match(request, etag(_introduction_data(request, intro, audit=False)))
            serializer.is_valid(raise_exception=True)
            _stage_move(intro, actor=request.user.actor, data=serializer.validated_data)
        intro = selectors.employer_introduction_get(user=request.user, ref=ref)
        return _with_etag(_introduction_data(request, intro))


@extend_schema_view(
    list=extend_schema(
        summary="Vorstellungen zu einer Stelle",
        tags=["introductions"],
        description="Nur zu den eigenen Stellen (sonst 404), die jüngsten zuerst.",
        parameters=[ID],
    ),
)
class PlacementIntroductionViewSet(mixins.ListModelMixin, ApiViewSet):
    """``/placements/{id}/introductions/``: only for the employer's own placements (404 otherwise)."""

    serializer_class = IntroductionSerializer
    required_scopes = {"GET": INTRODUCTIONS_READ}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Introduction.objects.none()
        return selectors.placement_introductions(
            user=self.request.user, placement_pk=_placement_id(self.kwargs["id"])
        )

    def list(self, request: Request, id: str) -> Response:  # noqa: A002 (the path's name)
        intros = list(self.paginate_queryset(self.get_queryset()))
        return self.get_paginated_response(
            IntroductionSerializer(_introduction_rows(request, intros, audit=True), many=True).data
        )
