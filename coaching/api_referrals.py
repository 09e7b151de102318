"""Referrals in the API (issue 17): both sides of the loop, each through its organisation's client.

The referring side (the organisation responsible for the case, ``referrals:read``) sees its
referrals as its case page shows them. The receiving provider's organisation — a directory provider
linked to an organisation on Lotse — sees only what its signed link shows (the person's first name,
the note, the offer's waiting time and documents) and answers with ``referrals:write`` through the
very service the link uses (coaching.referral_services.referral_answer_by_provider), which tells the
case staff and fires the ``referral.answered`` webhook once. Every read is audited in the person's
trail; the answer is audited as a change.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from api.rest import ETAG_HEADER, IF_MATCH, etag, require_if_match
from api.viewsets import ApiViewSet

from . import referral_selectors, referral_services
from .api import StrictCharField
from .forms import ReferralStatusForm
from .models import Referral

READ = "referrals:read"
WRITE = "referrals:write"
MAX_ID = 2**63 - 1
# The provider's answers (never back to "sent").
ANSWER_STATUSES = [c for c in Referral.Status.choices if c[0] != Referral.Status.SENT]


class ReferralServiceSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="HSDS-ID des Angebots (wie unter /directory/services/).")
    name = serializers.CharField()


class ReferralSerializer(serializers.Serializer):
    """A referral as one side sees it. ``side`` says which: ``referring`` (the case's organisation:
    also the last name and the case) or ``provider`` (only what the provider's link shows)."""

    id = serializers.IntegerField(help_text="Die Nummer der Verweisung (wie im Webhook referral.answered).")
    side = serializers.ChoiceField(choices=["referring", "provider"])
    status = serializers.ChoiceField(choices=Referral.Status.choices)
    answers = serializers.ListField(
        child=serializers.ChoiceField(choices=Referral.Status.choices),
        help_text="Die Antworten, die der Anbieter jetzt geben kann (leer für die verweisende Seite).",
    )
    service = ReferralServiceSerializer()
    referred_by = serializers.CharField(
        help_text="Die verweisende Organisation (mit Kommune über die Kreisgrenze)."
    )
    first_name = serializers.CharField(help_text="Vorname der Person.")
    last_name = serializers.CharField(allow_null=True, help_text="Nur für die verweisende Seite, sonst null.")
    case = serializers.IntegerField(allow_null=True, help_text="Der Fall; nur für die verweisende Seite.")
    note = serializers.CharField(help_text="Der Anlass der Verweisung.")
    outcome = serializers.CharField(help_text="Das Ergebnis (bei Absage oder Abschluss).")
    wait_time = serializers.CharField(help_text="Wartezeit laut Verzeichnis.")
    required_documents = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ReferralAnswerSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=ANSWER_STATUSES,
        help_text="accepted: aufgenommen; declined: abgelehnt; completed: abgeschlossen (Übergänge wie im Link).",
    )
    outcome = StrictCharField(
        max_length=1000, required=False, allow_blank=True, help_text="Nötig bei declined und completed."
    )


def _data(referral: Referral) -> dict[str, Any]:
    seen = referral_selectors.provider_referral(referral=referral)
    referring = bool(getattr(referral, "as_referrer", False))
    candidate = referral.case.candidate
    return ReferralSerializer(
        {
            "id": referral.pk,
            "side": "referring" if referring else "provider",
            "status": referral.status,
            "answers": [] if referring and not referral.as_provider else [s for s, _label in seen.answers],
            "service": {"id": referral.service.hsds_id, "name": seen.service_name},
            "referred_by": seen.referred_by,
            "first_name": seen.first_name,
            "last_name": candidate.last_name if referring else None,
            "case": referral.case_id if referring else None,
            "note": seen.note,
            "outcome": referral.outcome,
            "wait_time": seen.wait_time,
            "required_documents": list(seen.required_documents),
            "created_at": referral.created_at,
            "updated_at": referral.updated_at,
        }
    ).data


def _shown(request: Request, referrals: list[Referral]) -> None:
    note = f"API: {request.user.organisation.name}"[:255]
    referral_services.referrals_shown(actor=request.user.actor, referrals=referrals, note=note)


def _referral_id(raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
        raise NotFound()
    return int(raw)


REF = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Die Nummer der Verweisung."
)


@extend_schema_view(
    list=extend_schema(
        summary="Verweisungen",
        tags=["referrals"],
        description=(
            "Die Verweisungen der eigenen Fälle (side referring) und die an Angebote der eigenen "
            "Organisation (side provider), die jüngsten zuerst. Jede Anzeige wird protokolliert."
        ),
    ),
    retrieve=extend_schema(summary="Eine Verweisung", tags=["referrals"], parameters=[REF, ETAG_HEADER]),
    partial_update=extend_schema(
        summary="Eine Verweisung als Anbieter beantworten",
        tags=["referrals"],
        description=(
            "Wie über den Link des Anbieters: annehmen, ablehnen oder abschließen (mit Ergebnis); "
            "die Fallverantwortlichen werden benachrichtigt, der Webhook referral.answered feuert "
            "einmal. Nur die Seite des Anbieters (sonst 403)."
        ),
        request=ReferralAnswerSerializer,
        responses={200: OpenApiResponse(ReferralSerializer)},
        parameters=[REF, IF_MATCH, ETAG_HEADER],
    ),
)
class ReferralViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = ReferralSerializer
    lookup_value_regex = "[^/]+"
    required_scopes = {"GET": READ, "PATCH": WRITE}
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Referral.objects.none()
        return referral_selectors.api_referrals(user=self.request.user)

    def list(self, request: Request) -> Response:
        referrals = list(self.paginate_queryset(self.get_queryset()))
        _shown(request, referrals)
        return self.get_paginated_response([_data(referral) for referral in referrals])

    def retrieve(self, request: Request, pk: str) -> Response:
        referral = referral_selectors.api_referral_get(user=request.user, pk=_referral_id(pk))
        _shown(request, [referral])
        data = _data(referral)
        return Response(data, headers={"ETag": etag(data)})

    def partial_update(self, request: Request, pk: str) -> Response:
        serializer = ReferralAnswerSerializer(data=request.data)
        with transaction.atomic():
            # Locked while the version is compared and the answer written: of two answers holding
            # the same ETag one wins, the other gets 412 (and the webhook fires once).
            referral = referral_selectors.api_referral_get(
                user=request.user, pk=_referral_id(pk), for_update=True
            )
            if not referral.as_provider:
                raise PermissionDenied(_("Nur der Anbieter des Angebots beantwortet eine Verweisung."))
            require_if_match(request, etag(_data(referral)))
            serializer.is_valid(raise_exception=True)
            form = ReferralStatusForm(
                {
                    "status": serializer.validated_data["status"],
                    "outcome": serializer.validated_data.get("outcome", ""),
                }
            )
            if not form.is_valid():
                raise serializers.ValidationError({k: list(v) for k, v in form.errors.items()})
            referral_services.referral_answer_by_provider(
                seen=referral_selectors.provider_referral(referral=referral),
                status=form.cleaned_data["status"],
                outcome=form.cleaned_data["outcome"],
                actor=request.user.actor,
            )
        referral = referral_selectors.api_referral_get(user=request.user, pk=referral.pk)
        data = _data(referral)
        return Response(data, headers={"ETag": etag(data)})
