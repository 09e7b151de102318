"""Issue 14 §2: hires split by how the introduction came about, reconciled with hand-written counts."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from monitoring import selectors
from tests.factories import CaseFactory, EmploymentFactory, IntroductionFactory
from tests.fixtures.users import login_with_mfa

pytestmark = pytest.mark.django_db

YEAR = selectors.Filters(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31))


def _hire(world, source: str | None, start: datetime.date) -> None:
    case = CaseFactory(
        responsible_organisation=world.office,
        candidate__municipality=world.municipality,
        case_manager=world["case_manager"],
    )
    intro = None
    if source is not None:
        intro = IntroductionFactory(
            placement=world.placement, candidate=case.candidate, stage="hired", source=source
        )
    EmploymentFactory(
        candidate=case.candidate,
        employer=world.employer_profile,
        placement=world.placement,
        introduction=intro,
        start_date=start,
    )


def test_hires_by_source(monitoring_world):
    spring = datetime.date(2025, 4, 1)
    for source, n in [("employer_search", 3), ("staff_proposal", 2), ("candidate_interest", 1), ("event", 1)]:
        for _i in range(n):
            _hire(monitoring_world, source, spring)
    _hire(monitoring_world, None, spring)  # recorded without an introduction
    _hire(monitoring_world, "staff_proposal", datetime.date(2024, 12, 31))  # before the period
    figure = next(
        f
        for f in selectors.dashboard_figures(
            scope=selectors.scope_for(user=monitoring_world["coordinator"]), filters=YEAR
        )
        if f.key == "placements_source"
    )
    assert figure.rows == [
        ["Suche des Betriebs", 3],
        ["Vorschlag des Case Managements", 2],
        ["Interesse der Person", 1],
        ["Veranstaltung", 1],
        ["Schnittstelle", 0],
        ["ohne Vorstellung erfasst", 1],
    ]
    html = login_with_mfa(Client(), monitoring_world["coordinator"]).get(reverse("monitoring:dashboard"))
    assert 'data-figure="placements_source"' in html.content.decode()
