"""The dashboard's filter fields, composed in Python (inputs.fields_html), are the include's bytes."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.template import engines
from django.utils import translation

from inputs.fields_html import field_html
from monitoring.forms import DashboardFilterForm
from organisations.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

INCLUDE = engines["django"].from_string('{% include "includes/form_field.html" with field=field %}')


@pytest.mark.parametrize("language", ["de", "en", "ar"])
@pytest.mark.parametrize(
    "query",
    [
        None,
        "start=2026-01-01&end=2026-06-30&legal_circle=sgb2",
        "start=31.02.2026&end=gestern&organisation=x",
    ],
)
def test_every_filter_field_is_what_the_include_renders(language, query):
    OrganisationFactory(name="Jobcenter <Nord> & Co")
    OrganisationFactory(name="Integrationskurs Süd")
    with translation.override(language):
        form = DashboardFilterForm(
            QueryDict(query) if query else None, organisations=Organisation.objects.order_by("name")
        )
        form.is_valid()
        assert [field.name for field in form] == ["start", "end", "organisation", "legal_circle"]
        for field in form:
            assert field_html(field) == INCLUDE.render({"field": field}), field.name


@pytest.mark.django_db
def test_the_organisation_choices_drawn_are_the_ones_checked_and_read_once(django_assert_num_queries):
    """The filter's organisations, read once (``shown``) for the choices drawn, are the same as the
    queryset that checks what is sent; without any, the field is gone; a choice from elsewhere is
    refused."""
    mine = [
        OrganisationFactory(name="Jobcenter <Nord> & Co"),
        OrganisationFactory(name="Integrationskurs Süd"),
    ]
    elsewhere = OrganisationFactory(name="Anderswo")
    organisations = Organisation.objects.filter(pk__in=[o.pk for o in mine]).order_by("name")
    shown = list(organisations)
    with django_assert_num_queries(0):
        drawn = str(DashboardFilterForm(None, organisations=organisations, shown=shown)["organisation"])
    assert drawn == str(DashboardFilterForm(None, organisations=organisations)["organisation"])
    assert "Jobcenter &lt;Nord&gt; &amp; Co" in drawn and "Anderswo" not in drawn
    refused = DashboardFilterForm(
        QueryDict(f"organisation={elsewhere.pk}"), organisations=organisations, shown=shown
    )
    assert not refused.is_valid() and "organisation" in refused.errors
    assert (
        "organisation" not in DashboardFilterForm(None, organisations=organisations.none(), shown=[]).fields
    )


def test_the_organisations_drawn_are_the_ones_the_scope_may_filter_by():
    """``filter_organisation_rows`` (the choices drawn) lists exactly ``filter_organisations`` (what
    is checked): a coordinator's municipality's organisations but its employers; nothing for a
    team lead's or one's own scope."""
    from monitoring.selectors import Scope, filter_organisation_rows, filter_organisations
    from organisations.models import OrganisationKind

    office = OrganisationFactory(name="Sozialamt", kind=OrganisationKind.MUNICIPALITY_OFFICE)
    municipality = office.municipality
    OrganisationFactory(name="Bäckerei", kind=OrganisationKind.EMPLOYER, municipality=municipality)
    OrganisationFactory(name="Jobcoaching", kind=OrganisationKind.WELFARE, municipality=municipality)
    OrganisationFactory(name="Anderswo", kind=OrganisationKind.WELFARE)
    scope = Scope("municipality", municipality.pk)
    assert [o.name for o in filter_organisation_rows(scope=scope)] == ["Jobcoaching", "Sozialamt"]
    assert filter_organisation_rows(scope=scope) == list(filter_organisations(scope=scope))
    for other in (
        Scope("organisation", municipality.pk, organisation_id=office.pk),
        Scope("own", municipality.pk, user_id=1),
    ):
        assert filter_organisation_rows(scope=other) == [] == list(filter_organisations(scope=other))
