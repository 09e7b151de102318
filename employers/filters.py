"""django-filter FilterSet for browsing listed candidates. Filters on anonymous columns only."""

from __future__ import annotations

import re
from collections.abc import Callable

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from candidates.models import (
    Candidate,
    CandidateOccupation,
    CandidateSkill,
    LanguageSkill,
    PermitCategory,
    WorkPermission,
)
from inputs.dates import DateFilter
from inputs.filtersets import SharedFilterSet
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


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (NumberFilter takes decimals: a radius of 2.5 passed the browse filter while
    the matches filter refused it)."""

    field_class = forms.IntegerField


class BrowseForm(forms.Form):
    def clean(self):
        data = super().clean()
        postcode = data.get("postcode")
        if postcode and not is_valid_postcode(postcode):
            self.add_error("postcode", _("Diese Postleitzahl gibt es nicht."))
        elif data.get("radius") and not postcode:
            self.add_error("postcode", _("Für den Umkreis bitte eine Postleitzahl angeben."))
        return data


class CandidateBrowseFilter(SharedFilterSet):
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
    radius = IntegerFilter(
        label=_("Umkreis (km)"),
        method="noop",
        min_value=1,
        max_value=300,
        # (the matches filter's words for the same field)
        error_messages={
            key: _("Bitte eine ganze Zahl von 1 bis 300 angeben.")
            for key in ("invalid", "min_value", "max_value")
        },
    )
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

    def __init__(self, data=None, queryset=None, *, listed: Callable[[], QuerySet] | None = None, **kwargs):
        # ``listed``: the people this user may browse, built only when rows are read (a page the
        # worker kept reads none, and building it cost a tenth of such a page). Until then, and
        # without either argument, the base is no one: never every candidate.
        self._listed = listed
        super().__init__(data, Candidate.objects.none() if queryset is None else queryset, **kwargs)

    def noop(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset

    def filter_occupation(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # The ESCO URI (the page's hidden field) or the ESCO code (an employer's own system).
        field = "occupation__uri" if "://" in value else "occupation__esco_code"
        return queryset.filter(
            Exists(CandidateOccupation.objects.filter(candidate=OuterRef("pk"), **{field: value}))
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
        if getattr(self, "_listed", None) is not None:
            self.queryset, self._listed = self._listed(), None
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


# --- the anonymised cards in the API (issue 17) ----------------------------------------------------

# What an employer's filter on the permit means in the people's work permission (as on the card).
_PERMITS = {
    PermitCategory.MAY_WORK: [WorkPermission.UNRESTRICTED],
    PermitCategory.NEEDS_APPROVAL: [WorkPermission.NEEDS_APPROVAL],
    PermitCategory.NONE: [WorkPermission.NONE],
    PermitCategory.UNKNOWN: [WorkPermission.UNKNOWN],
}


class _ApiForm(BrowseForm):
    def clean(self):
        data = super().clean()
        occupation = data.get("occupation")
        if occupation and not (
            occupation.startswith(("http://", "https://")) or _ESCO_CODE.match(occupation)
        ):
            self.add_error("occupation", _("Bitte eine ESCO-URI oder einen ESCO-Code angeben."))
        skill = data.get("skill")
        if skill and not skill.startswith(("http://", "https://")):
            self.add_error("skill", _("Bitte eine ESCO-URI angeben."))
        area = data.get("postcode_area")
        if area and not (area.isascii() and area.isdigit()):
            self.add_error("postcode_area", _("Bitte die ersten 1 bis 5 Ziffern einer Postleitzahl angeben."))
        return data


_ESCO_CODE = re.compile(r"^[0-9]{4}(\.[0-9]+)*$")


class CandidateApiFilter(CandidateBrowseFilter):
    """The filters of the API's anonymised cards (employers/api.py): the browse page's own filters
    (the same methods, so page and API agree), plus those an employer's system asks for besides."""

    occupation = django_filters.CharFilter(
        method="filter_occupation", max_length=255, help_text="ESCO-URI oder ESCO-Code des Berufs."
    )
    skill = django_filters.CharFilter(
        method="filter_skill", max_length=255, help_text="ESCO-URI einer Kompetenz, die die Person hat."
    )
    german = django_filters.ChoiceFilter(
        choices=CEFR.choices, method="filter_german", help_text="Deutsch mündlich mindestens (GER)."
    )
    postcode = django_filters.CharFilter(
        method="noop", min_length=5, max_length=5, help_text="Mit radius: Umkreis um diese Postleitzahl."
    )
    radius = django_filters.NumberFilter(
        method="noop", min_value=1, max_value=300, help_text="Umkreis in km um postcode."
    )
    postcode_area = django_filters.CharFilter(
        method="filter_postcode_area",
        min_length=1,
        max_length=5,
        help_text="Postleitzahlgebiet: die ersten Ziffern der Postleitzahl (z. B. 441).",
    )
    available_by = DateFilter(
        method="filter_available", help_text="Verfügbar spätestens an diesem Tag (oder ohne Angabe)."
    )
    permit = django_filters.ChoiceFilter(
        choices=PermitCategory.choices,
        method="filter_permit",
        help_text="Arbeitserlaubnis (Kategorie der Karte).",
    )
    # The page's presentation and its other filters are not part of the API.
    skills = skills_mode = hours = kind = sort = size = None

    class Meta:
        model = Candidate
        fields: list[str] = []
        form = _ApiForm

    def filter_skill(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return self.filter_skills(queryset, name, [value])

    def filter_postcode_area(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(postcode__startswith=value)

    def filter_permit(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(work_permission__in=_PERMITS[value])

    @property
    def qs(self) -> QuerySet:
        # The API's order stays the one it had before filters: the most recently updated first.
        return super().qs.order_by("-updated_at", "pk")


# --- the shared company record (issue 15 §1) ------------------------------------------------------


class BusinessFilter(SharedFilterSet):
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
