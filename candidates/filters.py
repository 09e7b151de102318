"""Caseload filters (django-filter)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Case, CasePhase, LegalCircle, WorkPermission


class CaseloadFilter(django_filters.FilterSet):
    # Searched in the view (candidates.selectors.caseload_search), which audits every search.
    q = django_filters.CharFilter(
        label=_("Suche: Name, Referenz oder Geburtsdatum"),
        method="noop",
        max_length=100,
        help_text=_("Tippfehler im Namen sind erlaubt; Geburtsdatum als TT.MM.JJJJ."),
    )
    phase = django_filters.ChoiceFilter(label=_("Phase"), choices=CasePhase.choices)
    legal_circle = django_filters.ChoiceFilter(label=_("Rechtskreis"), choices=LegalCircle.choices)
    overdue = django_filters.BooleanFilter(label=_("nur mit überfälligen Schritten"), method="filter_overdue")
    permit_open = django_filters.BooleanFilter(
        label=_("nur mit offener Arbeitserlaubnis"), method="filter_permit_open"
    )

    class Meta:
        model = Case
        fields = ["q", "phase", "legal_circle", "overdue", "permit_open"]

    def noop(self, queryset: QuerySet[Case], name: str, value) -> QuerySet[Case]:
        return queryset

    def filter_overdue(self, queryset: QuerySet[Case], name: str, value: bool | None) -> QuerySet[Case]:
        return queryset.filter(has_overdue=True) if value else queryset

    def filter_permit_open(self, queryset: QuerySet[Case], name: str, value: bool | None) -> QuerySet[Case]:
        return queryset.filter(candidate__work_permission=WorkPermission.UNKNOWN) if value else queryset
