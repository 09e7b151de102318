"""django-filter FilterSet for browsing listed candidates. Filters on anonymous columns only."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from candidates.models import Candidate, CandidateOccupation, CandidateSkill, LanguageSkill
from inputs.dates import DateFilter
from taxonomy.cefr import CEFR, CEFR_ORDER
from taxonomy.postcodes import is_valid_postcode

from .models import PartnerLevel, Placement, PlacementKind, PlacementStatus, Sector
from .selectors import postcodes_within

PAGE_SIZES = (10, 25, 50)
MAX_SKILLS = 10


class SkillUrisField(forms.CharField):
    """Skill URIs, one per repeated ``skills`` parameter or comma-separated."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        uris = []
        for item in value:
            uris.extend(part.strip() for part in str(item).split(",") if part.strip())
        return list(dict.fromkeys(uris))[:MAX_SKILLS]


class SkillUrisFilter(django_filters.Filter):
    field_class = SkillUrisField


class BrowseForm(forms.Form):
    def clean(self):
        data = super().clean()
        postcode = data.get("postcode")
        if postcode and not is_valid_postcode(postcode):
            self.add_error("postcode", _("Diese Postleitzahl gibt es nicht."))
        elif data.get("radius") and not postcode:
            self.add_error("postcode", _("Für den Umkreis bitte eine Postleitzahl angeben."))
        return data


class CandidateBrowseFilter(django_filters.FilterSet):
    occupation = django_filters.CharFilter(
        label=_("Beruf (ESCO)"), method="filter_occupation", widget=forms.HiddenInput
    )
    skills = SkillUrisFilter(label=_("Kompetenzen"), method="filter_skills")
    skills_mode = django_filters.ChoiceFilter(
        label=_("Kompetenzen verknüpfen"),
        method="noop",
        empty_label=None,
        choices=[("all", _("alle gewählten")), ("any", _("mindestens eine"))],
    )
    german = django_filters.ChoiceFilter(
        label=_("Deutsch mündlich mindestens"),
        choices=CEFR.choices,
        method="filter_german",
        empty_label=_("egal"),
    )
    postcode = django_filters.CharFilter(label=_("Entfernung von PLZ"), method="noop", max_length=5)
    radius = django_filters.NumberFilter(label=_("Umkreis (km)"), method="noop", min_value=1, max_value=300)
    available_by = DateFilter(
        label=_("verfügbar bis spätestens"),
        method="filter_available",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    hours = django_filters.NumberFilter(
        label=_("mindestens Stunden pro Woche"), method="filter_hours", min_value=1, max_value=60
    )
    kind = django_filters.ChoiceFilter(
        label=_("Art der Stelle"), choices=PlacementKind.choices, method="filter_kind", empty_label=_("egal")
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sortieren nach"),
        method="noop",
        empty_label=None,
        choices=[
            ("experience", _("Berufserfahrung")),
            ("available", _("frühester Beginn")),
            ("hours", _("Stunden pro Woche")),
            ("recent", _("zuletzt aktualisiert")),
        ],
    )
    size = django_filters.ChoiceFilter(
        label=_("Treffer pro Seite"),
        method="noop",
        empty_label=None,
        choices=[(str(n), str(n)) for n in PAGE_SIZES],
    )

    class Meta:
        model = Candidate
        fields: list[str] = []
        form = BrowseForm

    def noop(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset

    def filter_occupation(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Exists(CandidateOccupation.objects.filter(candidate=OuterRef("pk"), occupation__uri=value))
        )

    def filter_skills(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        if not value:
            return queryset
        has = lambda uri: Exists(CandidateSkill.objects.filter(candidate=OuterRef("pk"), skill__uri=uri))  # noqa: E731
        if self.form.cleaned_data.get("skills_mode") == "any":
            return queryset.filter(
                Exists(CandidateSkill.objects.filter(candidate=OuterRef("pk"), skill__uri__in=value))
            )
        for uri in value:
            queryset = queryset.filter(has(uri))
        return queryset

    def filter_german(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        levels = CEFR_ORDER[CEFR_ORDER.index(value) :]
        return queryset.filter(
            Exists(LanguageSkill.objects.filter(candidate=OuterRef("pk"), language="de", spoken__in=levels))
        )

    def filter_available(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(Q(available_from__isnull=True) | Q(available_from__lte=value))

    def filter_hours(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(Q(hours_per_week_max__isnull=True) | Q(hours_per_week_max__gte=value))

    def filter_kind(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Candidates record no wish for a kind of placement. A job asks for work experience;
        # Ausbildung, Praktikum and EQ are entry routes open to everyone.
        if value == PlacementKind.JOB:
            return queryset.filter(
                Exists(CandidateOccupation.objects.filter(candidate=OuterRef("pk"), years_experience__gt=0))
            )
        return queryset

    @property
    def qs(self) -> QuerySet:
        queryset = super().qs
        if not self.is_bound or not self.form.is_valid():
            return queryset.order_by("-updated_at", "pk")
        data = self.form.cleaned_data
        postcode, radius = data.get("postcode"), data.get("radius")
        if postcode and radius:
            queryset = queryset.filter(postcode__in=sorted(postcodes_within(postcode, int(radius))))
        sort = data.get("sort") or "experience"
        if sort == "available":
            return queryset.order_by("available_from", "pk")
        if sort == "hours":
            return queryset.order_by("-hours_per_week_max", "pk")
        if sort == "recent":
            return queryset.order_by("-updated_at", "pk")
        # A correlated subquery rather than a join with GROUP BY: the count query can drop it.
        most_years = (
            CandidateOccupation.objects.filter(candidate=OuterRef("pk"))
            .order_by("-years_experience")
            .values("years_experience")[:1]
        )
        return queryset.annotate(_years=Subquery(most_years)).order_by(
            F("_years").desc(nulls_last=True), "pk"
        )

    @property
    def page_size(self) -> int:
        if self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("size"):
            return int(self.form.cleaned_data["size"])
        return PAGE_SIZES[0]


# --- the shared company record (issue 15 §1) ------------------------------------------------------


class BusinessFilter(django_filters.FilterSet):
    """The list of business records: partner level, sector, owner, next contact due."""

    q = django_filters.CharFilter(label=_("Name"), method="filter_name", max_length=100)
    partner_level = django_filters.ChoiceFilter(
        label=_("Partnerstufe"), choices=PartnerLevel.choices, method="filter_level", empty_label=_("alle")
    )
    sector = django_filters.ChoiceFilter(
        label=_("Branche"),
        choices=Sector.choices,
        field_name="employer_profile__sector",
        empty_label=_("alle"),
    )
    owner = django_filters.ChoiceFilter(
        label=_("zuständig"),
        choices=[("me", _("ich")), ("none", _("niemand"))],
        method="filter_owner",
        empty_label=_("alle"),
    )
    due = django_filters.BooleanFilter(
        label=_("nächster Kontakt fällig"),
        method="filter_due",
        widget=forms.CheckboxInput,
    )

    def __init__(self, *args, user=None, today=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.today = user, today

    def filter_name(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(name__icontains=value.strip()) if value.strip() else queryset

    def filter_level(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == PartnerLevel.FIRST_CONTACT:
            return queryset.filter(
                Q(business_relation__isnull=True) | Q(business_relation__partner_level=value)
            )
        return queryset.filter(business_relation__partner_level=value)

    def filter_owner(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "me":
            return queryset.filter(business_relation__owner=self.user)
        if value == "none":
            return queryset.filter(
                Q(business_relation__isnull=True) | Q(business_relation__owner__isnull=True)
            )
        return queryset

    def filter_due(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if value:
            return queryset.filter(business_relation__next_contact_on__lte=self.today)
        return queryset


class PlacementApiFilter(django_filters.FilterSet):
    """The API's placement list (employers/api.py): by status and kind."""

    status = django_filters.ChoiceFilter(choices=PlacementStatus.choices)
    kind = django_filters.ChoiceFilter(choices=PlacementKind.choices)

    class Meta:
        model = Placement
        fields = ["status", "kind"]
