"""Caseload filters (django-filter)."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from inputs.dates import DateFilter
from inputs.filtersets import SharedFilterSet

from .models import Candidate, Case, CasePhase, LegalCircle, WorkPermission


class CaseloadFilter(SharedFilterSet):
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


# --- the API's full profiles (issue 17, api17a) -------------------------------------------------


class CaseProfileApiFilter(django_filters.FilterSet):
    """The API's list of full profiles (candidates/api.py): by the phase and legal circle of a case
    of the person, the work permission, and what changed since a day."""

    phase = django_filters.ChoiceFilter(
        choices=CasePhase.choices, method="filter_phase", help_text=_("Phase eines Falls der Person.")
    )
    legal_circle = django_filters.ChoiceFilter(
        choices=LegalCircle.choices, method="filter_legal_circle", help_text=_("Rechtskreis eines Falls.")
    )
    work_permission = django_filters.ChoiceFilter(choices=WorkPermission.choices)
    updated_since = DateFilter(
        method="filter_updated_since",
        help_text=_("Nur, wessen Profil oder Fall an oder nach diesem Tag geändert wurde (JJJJ-MM-TT)."),
    )

    class Meta:
        model = Candidate
        fields = ["phase", "legal_circle", "work_permission", "updated_since"]

    def _with_case(self, queryset: QuerySet[Candidate], **lookups) -> QuerySet[Candidate]:
        return queryset.filter(Exists(Case.objects.filter(candidate_id=OuterRef("pk"), **lookups)))

    def filter_phase(self, queryset: QuerySet[Candidate], name: str, value: str) -> QuerySet[Candidate]:
        return self._with_case(queryset, phase=value)

    def filter_legal_circle(
        self, queryset: QuerySet[Candidate], name: str, value: str
    ) -> QuerySet[Candidate]:
        return self._with_case(queryset, legal_circle=value)

    def filter_updated_since(self, queryset: QuerySet[Candidate], name: str, value) -> QuerySet[Candidate]:
        changed_case = Case.objects.filter(candidate_id=OuterRef("pk"), updated_at__date__gte=value)
        return queryset.filter(Q(updated_at__date__gte=value) | Q(Exists(changed_case)))
