"""The business funnel (issue 15 §1) reconciled with hand-written expectations: contacted →
registered → verified → first placement → first hire → still employed at 6 months, by partner
level and sector, small cells suppressed (1–4, with the secondary cells the shared rule adds)."""

from __future__ import annotations

import datetime

import pytest

from accounts.roles import Role
from employers.models import BusinessContactLog
from monitoring import selectors
from organisations.models import OrganisationKind, VerificationStatus
from tests.factories import (
    BusinessContactLogFactory,
    BusinessRelationFactory,
    EmployerProfileFactory,
    EmploymentFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    make_candidate,
    make_placement,
)

TODAY = datetime.date(2026, 11, 30)
N = None  # a suppressed cell


def _business(
    municipality,
    n,
    *,
    sector,
    level=None,
    contacted=True,
    registered=True,
    verified=True,
    placement=False,
    hire_days_ago=None,
    occupation=None,
):
    org = OrganisationFactory(
        municipality=municipality,
        kind=OrganisationKind.EMPLOYER,
        name=f"Betrieb {sector} {n}",
        street=f"Weg {sector} {n}",
        verification_status=VerificationStatus.VERIFIED if verified else VerificationStatus.PENDING,
    )
    profile = EmployerProfileFactory(organisation=org, sector=sector, contact_name="")
    if level:
        BusinessRelationFactory(organisation=org, partner_level=level)
    if contacted:
        BusinessContactLogFactory(organisation=org, kind="call", happened_on=datetime.date(2026, 3, 1))
    if registered:
        MembershipFactory(user=UserFactory(), organisation=org, role=Role.EMPLOYER)
    if placement or hire_days_ago is not None:
        job = make_placement(profile, occupation, status="open")
        if hire_days_ago is not None:
            EmploymentFactory(
                candidate=make_candidate(municipality, occupation=occupation),
                employer=profile,
                placement=job,
                start_date=TODAY - datetime.timedelta(days=hire_days_ago),
            )
    return org


@pytest.fixture
def funnel_world(municipality, other_municipality, cook_taxonomy):  # noqa: F811
    cook = cook_taxonomy.cook
    for n in range(6):  # strategic craft businesses: all the way, hired 200 days ago and still there
        _business(municipality, n, sector="handwerk", level="strategic", hire_days_ago=200, occupation=cook)
    for n in range(5):  # active restaurants: a published placement, nobody hired yet
        _business(municipality, n, sector="gastronomie", level="active", placement=True, occupation=cook)
    for n in range(2):  # care services at first contact: contacted only, not registered
        _business(municipality, n, sector="pflege", registered=False, verified=False)
    # A craft business nobody contacted: everything else but outside the funnel.
    _business(municipality, 9, sector="handwerk", contacted=False, hire_days_ago=300, occupation=cook)
    # Another municipality does not count.
    _business(other_municipality, 0, sector="handwerk", level="strategic", hire_days_ago=200, occupation=cook)
    return municipality


def _figure(municipality):
    scope = selectors.Scope("municipality", municipality.pk)
    filters = selectors.Filters(start=datetime.date(2026, 1, 1), end=TODAY)
    figures = selectors.dashboard_figures(scope=scope, filters=filters, today=TODAY)
    return next(f for f in figures if f.key == "business_funnel")


def test_the_funnel_by_partner_level_and_sector(funnel_world):
    figure = _figure(funnel_world)
    rows = {row[0]: row[1:] for row in figure.rows}
    # contacted: first contact 2 (small) and active 5 (secondary) are hidden; the rest is shown.
    assert rows["Partnerstufe: Erstkontakt"] == [N, 0, 0, 0, 0, 0]
    assert rows["Partnerstufe: aktiver Partner"] == [N, 5, 5, 5, 0, 0]
    assert rows["Partnerstufe: strategischer Partner"] == [6, 6, 6, 6, 6, 6]
    # contacted by sector: care 2 (small) is hidden, then the empty sectors and restaurants 5 until
    # the hidden cells count at least 5 (the shared rule, smallest first).
    assert rows["Branche: Handwerk"] == [6, 6, 6, 6, 6, 6]
    assert rows["Branche: Gastronomie und Hotellerie"] == [N, 5, 5, 5, 0, 0]
    assert rows["Branche: Pflege und Gesundheit"] == [N, 0, 0, 0, 0, 0]
    assert rows["Branche: Bau"] == [N, 0, 0, 0, 0, 0]
    assert len(figure.rows) == 3 + 10
    assert figure.columns[1:] == [
        "kontaktiert",
        "angemeldet",
        "geprüft",
        "erste Stelle",
        "erste Einstellung",
        "nach 6 Monaten beschäftigt",
    ]


def test_the_funnel_of_an_organisation_counts_what_it_contacted(funnel_world, make_member):
    coach = make_member(Role.JOB_COACH, lead=True)
    office = coach.memberships.first().organisation
    BusinessContactLog.objects.filter(organisation__name__startswith="Betrieb handwerk").update(
        by_organisation=office
    )
    scope = selectors.Scope("organisation", funnel_world.pk, organisation_id=office.pk)
    filters = selectors.Filters(start=datetime.date(2026, 1, 1), end=TODAY)
    figure = next(
        f
        for f in selectors.dashboard_figures(scope=scope, filters=filters, today=TODAY)
        if f.key == "business_funnel"
    )
    rows = {row[0]: row[1:] for row in figure.rows}
    assert rows["Partnerstufe: strategischer Partner"] == [6, 6, 6, 6, 6, 6]
    assert rows["Partnerstufe: aktiver Partner"] == [0, 0, 0, 0, 0, 0]
    assert rows["Branche: Gastronomie und Hotellerie"] == [0, 0, 0, 0, 0, 0]
