"""Caseload filters (django-filter)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Case, CasePhase, LegalCircle, WorkPermission


class CaseloadFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name"), method="filter_name", max_length=100)
    phase = django_filters.ChoiceFilter(label=_("Phase"), choices=CasePhase.choices)
    legal_circle = django_filters.ChoiceFilter(label=_("Rechtskreis"), choices=LegalCircle.choices)
    overdue = django_filters.BooleanFilter(label=_("nur mit überfälligen Schritten"), method="filter_overdue")
    mine = django_filters.BooleanFilter(label=_("nur meine Fälle"), method="filter_mine")
    permit_open = django_filters.BooleanFilter(
        label=_("nur mit offener Arbeitserlaubnis"), method="filter_permit_open"
    )

    class Meta:
        model = Case
        fields = ["q", "phase", "legal_circle", "overdue", "mine", "permit_open"]

    def filter_name(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        for word in value.split()[:5]:
            queryset = queryset.filter(
                Q(candidate__first_name__icontains=word) | Q(candidate__last_name__icontains=word)
            )
        return queryset

    def filter_overdue(self, queryset: QuerySet[Case], name: str, value: bool | None) -> QuerySet[Case]:
        return queryset.filter(has_overdue=True) if value else queryset

    def filter_permit_open(self, queryset: QuerySet[Case], name: str, value: bool | None) -> QuerySet[Case]:
        return queryset.filter(candidate__work_permission=WorkPermission.UNKNOWN) if value else queryset

    def filter_mine(self, queryset: QuerySet[Case], name: str, value: bool | None) -> QuerySet[Case]:
        return queryset.filter(case_manager=self.request.user) if value else queryset
