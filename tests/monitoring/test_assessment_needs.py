"""Issue 14 §1: open needs by life domain and "Bedarfe ohne Angebot", reconciled with fixtures,
small cells suppressed like the comparison."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from candidates import services as candidate_services
from candidates.models import LifeDomain
from monitoring import selectors
from tests.factories import CaseFactory
from tests.fixtures.users import login_with_mfa

pytestmark = pytest.mark.django_db


def _figure(user):
    scope = selectors.scope_for(user=user)
    figures = selectors.dashboard_figures(scope=scope, filters=selectors.default_filters())
    return {row[0]: row[1:] for row in next(f for f in figures if f.key == "assessment_needs").rows}


def _assessed_cases(world, n, *, status="", **needs) -> list:
    cases = []
    for _i in range(n):
        case = CaseFactory(
            responsible_organisation=world.office,
            candidate__municipality=world.municipality,
            candidate__residence_status=status,
            case_manager=world["case_manager"],
        )
        candidate_services.assessment_create(
            case=case,
            actor=world["case_manager"],
            entries=[{"domain": d, "need": needs.get(d, "none")} for d in LifeDomain.values],
        )
        cases.append(case)
    return cases


def test_open_needs_by_domain_and_needs_without_a_local_service(monitoring_world):
    # 6 people need German (there is a course), 5 need a way to work (no service for mobility)
    case, *_rest = _assessed_cases(monitoring_world, 6, german="urgent", mobility="some")
    # an earlier version no longer counts: only the latest assessment of a case
    candidate_services.assessment_create(
        case=case,
        actor=monitoring_world["case_manager"],
        entries=[{"domain": d, "need": "none"} for d in LifeDomain.values],
    )
    rows = _figure(monitoring_world["coordinator"])
    assert rows[str(LifeDomain.GERMAN.label)] == [5, 0]
    assert rows[str(LifeDomain.MOBILITY.label)] == [5, 5]
    assert rows[str(LifeDomain.HOUSING.label)] == [0, 0]


def test_small_cells_are_suppressed(monitoring_world):
    _assessed_cases(monitoring_world, 6, german="some")
    _assessed_cases(monitoring_world, 2, health="urgent")
    rows = _figure(monitoring_world["coordinator"])
    assert rows[str(LifeDomain.HEALTH.label)][0] is None  # 2 people: suppressed
    assert rows[str(LifeDomain.GERMAN.label)][0] is None  # secondary: 8 - 2 would give it away
    html = login_with_mfa(Client(), monitoring_world["coordinator"]).get(reverse("monitoring:dashboard"))
    assert html.status_code == 200
    assert 'data-figure="assessment_needs"' in html.content.decode()


def test_a_service_closed_to_the_persons_status_does_not_count_as_an_offer(monitoring_world):
    monitoring_world.service.eligible_residence_statuses = ["niederlassungserlaubnis"]
    monitoring_world.service.save()
    _assessed_cases(monitoring_world, 5, status="duldung", german="some")
    _assessed_cases(monitoring_world, 5, status="niederlassungserlaubnis", german="some")
    assert _figure(monitoring_world["coordinator"])[str(LifeDomain.GERMAN.label)] == [10, 5]
