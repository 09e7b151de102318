"""Employments and their follow-along support in the API (issue 17): read-only, for the coaching
organisation.

A client with ``employments:read`` is its organisation acting as its job coaches (api/scopes.py); it
sees the employments :func:`coaching.followalong_selectors.followed_employments` gives that role, each
with its follow-along plan (FollowAlong), the planned follow-ups (FollowUpDue) and the logged ones
(FollowUp) as the employment page shows them. Every employment shown is audited like a view of that
page. Employments and people are named by their public references, never an id.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.rest import ETAG_HEADER, etag
from api.viewsets import ApiViewSet
from candidates.services import candidates_shown
from employers.models import ContractType, Employment, EmploymentEndReason, PlacementKind
from inputs.dates import DateFilter

from . import followalong_selectors as selectors
from .models import FollowUp, FollowUpDue, Mode, NextStep, Topic, WithWhom

READ = "employments:read"
RUNNING, ENDED = "running", "ended"


class EmploymentApiFilter(django_filters.FilterSet):
    """The API's employments: running or ended, by kind, and what changed since a day."""

    status = django_filters.ChoiceFilter(
        choices=[(RUNNING, _("läuft")), (ENDED, _("beendet"))], method="filter_status"
    )
    kind = django_filters.ChoiceFilter(choices=PlacementKind.choices)
    updated_since = DateFilter(
        method="filter_updated_since",
        help_text=_(
            "Nur Beschäftigungen, die an oder nach diesem Tag begonnen, geendet oder eine "
            "Nachbetreuung bekommen haben (JJJJ-MM-TT)."
        ),
    )

    class Meta:
        model = Employment
        fields = ["status", "kind", "updated_since"]

    def filter_status(self, queryset: QuerySet[Employment], name: str, value: str) -> QuerySet[Employment]:
        return queryset.filter(end_reason="") if value == RUNNING else queryset.exclude(end_reason="")

    def filter_updated_since(self, queryset: QuerySet[Employment], name: str, value) -> QuerySet[Employment]:
        logged = FollowUp.objects.filter(employment_id=OuterRef("pk"), created_at__date__gte=value)
        done = FollowUpDue.objects.filter(employment_id=OuterRef("pk"), done_at__date__gte=value)
        return queryset.filter(
            Q(created_at__date__gte=value)
            | Q(start_date__gte=value)
            | Q(end_date__gte=value)
            | Q(Exists(logged))
            | Q(Exists(done))
        )


class EmploymentPersonSerializer(serializers.Serializer):
    ref = serializers.CharField(help_text="Öffentliche Referenz der Person.")
    first_name = serializers.CharField()
    last_name = serializers.CharField()


class EmploymentFollowUpDueSerializer(serializers.Serializer):
    sequence = serializers.IntegerField(help_text="Nummer im Nachbetreuungsplan.")
    label = serializers.CharField(help_text="Anlass, etwa „nach 4 Wochen“.")
    due_date = serializers.DateField()
    done_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()


class EmploymentFollowUpSerializer(serializers.Serializer):
    date = serializers.DateField()
    mode = serializers.ChoiceField(choices=Mode.choices)
    with_whom = serializers.ChoiceField(choices=WithWhom.choices)
    place = serializers.CharField()
    topics = serializers.ListField(child=serializers.ChoiceField(choices=Topic.choices))
    notes = serializers.CharField()
    next_date = serializers.DateField(allow_null=True)
    next_step = serializers.ChoiceField(
        choices=[("", "")] + list(NextStep.choices), help_text="Nur nach 6 und 12 Monaten; sonst leer."
    )
    created_at = serializers.DateTimeField()


class EmploymentSerializer(serializers.Serializer):
    """An employment with its follow-along support, as the employment page shows it."""

    ref = serializers.CharField(help_text="Öffentliche Referenz der Beschäftigung.")
    person = EmploymentPersonSerializer()
    employer = serializers.CharField(help_text="Der Betrieb.")
    placement = serializers.CharField(help_text="Titel der Stelle, leer wenn keine.")
    kind = serializers.ChoiceField(choices=PlacementKind.choices)
    contract_type = serializers.ChoiceField(choices=[("", "")] + list(ContractType.choices))
    hours_per_week = serializers.IntegerField(allow_null=True)
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    end_reason = serializers.ChoiceField(choices=[("", "")] + list(EmploymentEndReason.choices))
    status = serializers.ChoiceField(choices=[RUNNING, ENDED])
    coaching_organisation = serializers.CharField(
        help_text="Die begleitende Organisation (Nachbetreuung), leer wenn noch keine."
    )
    follow_along_since = serializers.DateTimeField(allow_null=True)
    last_contact = serializers.DateField(allow_null=True, help_text="Datum der letzten Nachbetreuung.")
    due_follow_ups = EmploymentFollowUpDueSerializer(many=True)
    follow_ups = EmploymentFollowUpSerializer(many=True)


def _employment_data(employment: Employment, *, today) -> dict[str, Any]:
    plan = getattr(employment, "follow_along", None)
    person = employment.candidate
    return {
        "ref": employment.reference,
        "person": {"ref": person.public_ref, "first_name": person.first_name, "last_name": person.last_name},
        "employer": employment.employer.organisation.name,
        "placement": employment.placement.title if employment.placement else "",
        "kind": employment.kind,
        "contract_type": employment.contract_type,
        "hours_per_week": employment.hours_per_week,
        "start_date": employment.start_date,
        "end_date": employment.end_date,
        "end_reason": employment.end_reason,
        "status": RUNNING if employment.is_running else ENDED,
        "coaching_organisation": plan.organisation.name if plan and plan.organisation else "",
        "follow_along_since": plan.created_at if plan else None,
        "last_contact": employment.last_contact,
        "due_follow_ups": [
            {
                "sequence": due.sequence,
                "label": due.label,
                "due_date": due.due_date,
                "done_at": due.done_at,
                "overdue": due.is_overdue(today),
            }
            for due in employment.follow_up_dues.all()
        ],
        "follow_ups": [
            {
                "date": entry.date,
                "mode": entry.mode,
                "with_whom": entry.with_whom,
                "place": entry.place,
                "topics": list(entry.topics),
                "notes": entry.notes,
                "next_date": entry.next_date,
                "next_step": entry.next_step,
                "created_at": entry.created_at,
            }
            for entry in employment.follow_ups.all()
        ],
    }


def _shown(request: Request, employments: list[Employment]) -> list[dict[str, Any]]:
    # Into each person's audit trail as the employment page does, in the name of whoever made the credential.
    candidates_shown(
        actor=request.user.actor,
        candidates=[employment.candidate for employment in employments],
        fields=["employment", "follow_ups"],
        note=f"api {request.user}",
    )
    today = timezone.localdate()
    return [EmploymentSerializer(_employment_data(e, today=today)).data for e in employments]


REF = OpenApiParameter(
    "ref",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Die öffentliche Referenz der Beschäftigung.",
    examples=[OpenApiExample("Referenz", value="H4W7B-2MQ9C")],
)


@extend_schema_view(
    list=extend_schema(
        summary="Begleitete Beschäftigungen und ihre Nachbetreuung",
        tags=["employments"],
        description=(
            "Die Beschäftigungen der Personen, deren Akte die eigene Organisation liest, und die "
            "laufenden, für die einer ihrer Jobcoaches zuständig ist — wie auf der Seite der "
            "Beschäftigung, mit geplanten und erfassten Nachbetreuungen. Wer die Einwilligung in die "
            "Weitergabe der Falldaten widerruft, fehlt ab der nächsten Anfrage. Jede Anzeige wird "
            "protokolliert. Die jüngsten zuerst."
        ),
    ),
    retrieve=extend_schema(
        summary="Eine Beschäftigung und ihre Nachbetreuung",
        tags=["employments"],
        description="Nach der öffentlichen Referenz; 404, sobald die Organisation sie nicht mehr begleitet.",
        parameters=[REF, ETAG_HEADER],
    ),
)
class EmploymentViewSet(ApiViewSet):
    serializer_class = EmploymentSerializer
    filterset_class = EmploymentApiFilter
    lookup_field = "ref"
    lookup_value_regex = "[^/]+"
    required_scopes = {"GET": READ}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Employment.objects.none()
        return selectors.followed_employments(user=self.request.user).order_by("-start_date", "-pk")

    def list(self, request: Request) -> Response:
        employments = list(self.paginate_queryset(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(_shown(request, employments))

    def retrieve(self, request: Request, ref: str) -> Response:
        data = _shown(request, [selectors.followed_employment_get(user=request.user, ref=ref)])[0]
        return Response(data, headers={"ETag": etag(data)})
