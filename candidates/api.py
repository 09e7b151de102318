"""Full profiles for the case organisation in the API (issue 17): read-only.

A client with ``cases:read`` is its organisation acting as its case managers (api/scopes.py); it
sees the people :func:`candidates.selectors.case_profiles` shows that role — whose open case the
organisation holds, or who handed their case data to it by a consent that is read live on every
request — with the fields of the case page (candidates/templates/candidates/candidate_detail.html),
nothing of the case notes, the assessment (special categories) or family facts. Every person shown
is audited like a view of the case page. People are named by their public reference, never an id.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.rest import ETAG_HEADER, etag
from api.viewsets import ApiViewSet

from . import selectors, services
from .filters import CaseProfileApiFilter
from .models import (
    Candidate,
    CasePhase,
    Language,
    LanguageSkill,
    LegalCircle,
    PermitCategory,
    QualificationKind,
    RecognitionStatus,
    WorkPermission,
)

READ = "cases:read"


class ProfileConceptSerializer(serializers.Serializer):
    uri = serializers.CharField(help_text="ESCO-URI.")
    label = serializers.CharField()


class ProfileOccupationSerializer(ProfileConceptSerializer):
    years = serializers.FloatField(allow_null=True, help_text="Jahre Berufserfahrung.")


class ProfileLanguageSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=Language.choices)
    spoken = serializers.CharField(allow_null=True, help_text="GER-Stufe mündlich, null wenn unbekannt.")
    written = serializers.CharField(allow_null=True, help_text="GER-Stufe schriftlich, null wenn unbekannt.")
    native = serializers.BooleanField(help_text="Erstsprache.")


class ProfileQualificationSerializer(serializers.Serializer):
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=QualificationKind.choices)
    country = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    recognition_status = serializers.ChoiceField(choices=RecognitionStatus.choices)
    recognition_occupation = serializers.CharField(help_text="Referenzberuf, leer wenn keiner genannt ist.")


class ProfileCaseSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=CasePhase.choices)
    legal_circle = serializers.ChoiceField(choices=LegalCircle.choices)
    responsible_organisation = serializers.CharField(help_text="Die fallführende Organisation.")
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()


class CaseProfileSerializer(serializers.Serializer):
    """A person's full profile as the case page shows it to the case organisation's staff."""

    ref = serializers.CharField(help_text="Öffentliche Referenz der Person (nie die interne Nummer).")
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    birth_date = serializers.DateField(allow_null=True)
    email = serializers.CharField()
    phone = serializers.CharField()
    street = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()
    occupations = ProfileOccupationSerializer(many=True)
    skills = ProfileConceptSerializer(many=True)
    languages = ProfileLanguageSerializer(many=True)
    qualifications = ProfileQualificationSerializer(many=True)
    work_permission = serializers.ChoiceField(choices=WorkPermission.choices)
    work_permission_expires = serializers.DateField(allow_null=True)
    permit_category = serializers.ChoiceField(choices=PermitCategory.choices)
    available_from = serializers.DateField(allow_null=True)
    hours_min = serializers.IntegerField(allow_null=True)
    hours_max = serializers.IntegerField(allow_null=True)
    case = ProfileCaseSerializer(
        allow_null=True,
        help_text="Der offene Fall der Person (sonst ihr letzter); null, wenn es keinen gibt.",
    )
    updated_at = serializers.DateTimeField()


def _language(skill: LanguageSkill) -> dict[str, Any]:
    return {
        "language": skill.language,
        "spoken": skill.spoken or None,
        "written": skill.written or None,
        "native": skill.is_native,
    }


def _profile_data(candidate: Candidate) -> dict[str, Any]:
    case = selectors.current_case(candidate)
    return {
        "ref": candidate.public_ref,
        "first_name": candidate.first_name,
        "last_name": candidate.last_name,
        "birth_date": candidate.birth_date,
        "email": candidate.email,
        "phone": candidate.phone,
        "street": candidate.street,
        "postcode": candidate.postcode,
        "city": candidate.city,
        "occupations": [
            {
                "uri": row.occupation.uri,
                "label": row.occupation.label,
                "years": float(row.years_experience) if row.years_experience is not None else None,
            }
            for row in candidate.occupations.all()
        ],
        "skills": [{"uri": row.skill.uri, "label": row.skill.label} for row in candidate.skills.all()],
        "languages": [_language(skill) for skill in candidate.languages.all()],
        "qualifications": [
            {
                "title": q.title,
                "kind": q.kind,
                "country": q.country,
                "year": q.year,
                "recognition_status": q.recognition_status,
                "recognition_occupation": q.recognition_occupation.label if q.recognition_occupation else "",
            }
            for q in candidate.qualifications.all()
        ],
        "work_permission": candidate.work_permission,
        "work_permission_expires": candidate.work_permission_expires,
        "permit_category": candidate.permit_category,
        "available_from": candidate.available_from,
        "hours_min": candidate.hours_per_week_min,
        "hours_max": candidate.hours_per_week_max,
        "case": None
        if case is None
        else {
            "phase": case.phase,
            "legal_circle": case.legal_circle,
            "responsible_organisation": case.responsible_organisation.name,
            "opened_at": case.opened_at,
            "closed_at": case.closed_at,
            "updated_at": case.updated_at,
        },
        "updated_at": candidate.updated_at,
    }


def _shown(request: Request, people: list[Candidate]) -> list[dict[str, Any]]:
    # Into each person's audit trail as the case page does, in the name of whoever made the credential.
    services.candidates_shown(
        actor=request.user.actor, candidates=people, fields=["cases", "profile"], note=f"api {request.user}"
    )
    return [CaseProfileSerializer(_profile_data(person)).data for person in people]


REF = OpenApiParameter(
    "ref",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Die öffentliche Referenz der Person.",
    examples=[OpenApiExample("Referenz", value="7KQ2M-9XD3A")],
)


@extend_schema_view(
    list=extend_schema(
        summary="Vollständige Profile der eigenen Fälle",
        tags=["cases"],
        description=(
            "Wessen offenen Fall die eigene Organisation führt, und wer ihr die Falldaten per "
            "Einwilligung übergeben hat — wie auf der Fallseite. Wer die Einwilligung widerruft, fehlt "
            "ab der nächsten Anfrage. Jede angezeigte Person wird protokolliert. Die jüngsten Änderungen zuerst."
        ),
    ),
    retrieve=extend_schema(
        summary="Ein vollständiges Profil",
        tags=["cases"],
        description="Nach der öffentlichen Referenz; 404, sobald die Organisation die Person nicht mehr sieht.",
        parameters=[REF, ETAG_HEADER],
    ),
)
class CaseProfileViewSet(ApiViewSet):
    serializer_class = CaseProfileSerializer
    filterset_class = CaseProfileApiFilter
    lookup_field = "ref"
    lookup_value_regex = "[^/]+"
    required_scopes = {"GET": READ}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Candidate.objects.none()
        # Read anew on every request: a revoked consent takes the person away at once.
        return selectors.case_profiles(user=self.request.user).order_by("-updated_at", "pk")

    def list(self, request: Request) -> Response:
        people = list(self.paginate_queryset(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(_shown(request, people))

    def retrieve(self, request: Request, ref: str) -> Response:
        data = _shown(request, [selectors.case_profile_get(user=request.user, ref=ref)])[0]
        return Response(data, headers={"ETag": etag(data)})
