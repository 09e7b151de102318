"""SharedFilterSet (inputs/filtersets.py, issue 21): the same filtering and forms as django-filter's
deep copies, without sharing anything a request changes."""

from __future__ import annotations

import django_filters
import pytest
from django.http import QueryDict

from candidates.filters import CaseloadFilter
from candidates.models import Candidate
from employers.filters import CandidateBrowseFilter
from inputs.filtersets import SharedFilterSet
from organisations.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

QUERIES = [
    "",
    "german=B1&sort=available&size=25",
    "skills=http://x/s1,http://x/s2&skills_mode=any&hours=20&kind=job",
    "postcode=44135&radius=30&available_by=2026-12-31",
    "postcode=00000&radius=abc&german=Z9",  # invalid: errors, the input kept
]


def _deep(cls):
    """The same FilterSet on django-filter's own per-instance deep copies (the reference)."""

    class Deep(cls):
        def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
            django_filters.FilterSet.__init__(self, data, queryset, request=request, prefix=prefix)

        def get_form_class(self):
            return django_filters.FilterSet.get_form_class(self)

    return Deep


@pytest.mark.parametrize("query", QUERIES)
def test_the_browse_filter_filters_and_validates_as_django_filter_does(query):
    data = QueryDict(query) if query else None
    shared = CandidateBrowseFilter(data, queryset=Candidate.objects.all())
    deep = _deep(CandidateBrowseFilter)(data, queryset=Candidate.objects.all())
    assert shared.is_valid() == deep.is_valid()
    assert shared.form.errors == deep.form.errors
    assert [str(bf) for bf in shared.form] == [str(bf) for bf in deep.form]
    if shared.is_valid():
        assert str(shared.qs.query) == str(deep.qs.query)


def test_each_filterset_has_its_own_filters_and_form_fields():
    first = CandidateBrowseFilter(QueryDict("german=B1"), queryset=Candidate.objects.all())
    second = CandidateBrowseFilter(QueryDict("german=A2"), queryset=Candidate.objects.all())
    assert first.filters["german"] is not second.filters["german"]
    assert first.filters["german"].parent is first and second.filters["german"].parent is second
    assert first.form.fields["german"] is not second.form.fields["german"]
    # A view that changes its form (an attribute, a label) changes nothing for the next request.
    first.form.fields["german"].widget.attrs["data-x"] = "1"
    first.form.fields["german"].label = "geändert"
    third = CandidateBrowseFilter(None, queryset=Candidate.objects.all())
    assert "data-x" not in third.form.fields["german"].widget.attrs
    assert third.form.fields["german"].label != "geändert"
    assert first.is_valid() and second.is_valid()
    assert first.form.cleaned_data["german"] == "B1" and second.form.cleaned_data["german"] == "A2"
    assert "IN (B1, B2, C1, C2)" in str(first.qs.query)
    assert "IN (A2, B1, B2, C1, C2)" in str(second.qs.query)


def test_the_caseload_filter_too():
    data = QueryDict("q=Amal&phase=intake")
    shared = CaseloadFilter(data, queryset=CaseloadFilter._meta.model.objects.all())
    deep = _deep(CaseloadFilter)(data, queryset=CaseloadFilter._meta.model.objects.all())
    assert shared.is_valid() == deep.is_valid()
    assert [str(bf) for bf in shared.form] == [str(bf) for bf in deep.form]


class _PerRequest(SharedFilterSet):
    """Choices that depend on who asks: the organisations of the request's user."""

    organisation = django_filters.ModelChoiceFilter(
        queryset=lambda request: Organisation.objects.filter(name=request.organisation_name)
    )

    class Meta:
        model = Candidate
        fields: list[str] = []


def test_a_filter_whose_choices_depend_on_the_request_is_not_shared(rf):
    ours = OrganisationFactory(name="Unsere")
    OrganisationFactory(name="Andere")
    first, second = rf.get("/"), rf.get("/")
    first.organisation_name, second.organisation_name = "Unsere", "Andere"
    one = _PerRequest(None, queryset=Candidate.objects.all(), request=first)
    two = _PerRequest(None, queryset=Candidate.objects.all(), request=second)
    assert list(one.form.fields["organisation"].queryset) == [ours]
    assert [o.name for o in two.form.fields["organisation"].queryset] == ["Andere"]


def test_choices_given_to_one_form_stay_with_it():
    """Forms share the class's choices; a view that gives its form other choices gives them to it alone."""
    first = CandidateBrowseFilter(None, queryset=Candidate.objects.all())
    first.form.fields["sort"].choices = [("recent", "nur diese")]
    second = CandidateBrowseFilter(None, queryset=Candidate.objects.all())
    assert [value for value, _label in second.form.fields["sort"].choices] == [
        "experience",
        "available",
        "hours",
        "recent",
    ]
    assert 'value="experience"' in str(second.form["sort"]) and 'value="experience"' not in str(
        first.form["sort"]
    )


class _StaticModelChoice(SharedFilterSet):
    organisation = django_filters.ModelChoiceFilter(queryset=Organisation.objects.all())

    class Meta:
        model = Candidate
        fields: list[str] = []


def test_a_model_choice_reads_its_choices_afresh_for_every_form():
    OrganisationFactory(name="Erste")
    first = _StaticModelChoice(None, queryset=Candidate.objects.all())
    assert [o.name for o in first.form.fields["organisation"].queryset] == ["Erste"]
    OrganisationFactory(name="Zweite")
    second = _StaticModelChoice(None, queryset=Candidate.objects.all())
    assert sorted(o.name for o in second.form.fields["organisation"].queryset) == ["Erste", "Zweite"]
