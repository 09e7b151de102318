"""Issue 14 §4: median days in each phase, from the phase history; reconciled with hand-written
literals, small cells suppressed like the comparison."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from candidates import services as candidate_services
from candidates.models import CasePhase
from monitoring import selectors
from tests.factories import CaseFactory, CasePhaseChangeFactory
from tests.fixtures.users import login_with_mfa

pytestmark = pytest.mark.django_db


def _rows(user):
    scope = selectors.scope_for(user=user)
    figures = selectors.dashboard_figures(scope=scope, filters=selectors.default_filters())
    return {row[0]: row[1:] for row in next(f for f in figures if f.key == "phase_days").rows}


def _case_with_stays(world, *days_per_phase):
    """A case opened through the service whose first phases lasted the given days (ending today)."""
    case = CaseFactory(
        responsible_organisation=world.office,
        candidate__municipality=world.municipality,
        case_manager=world["case_manager"],
    )
    start = timezone.now() - datetime.timedelta(days=sum(days_per_phase), hours=1)
    CasePhaseChangeFactory(case=case, to_phase=case.phase, changed_at=start)
    phases = [CasePhase.ASSESSMENT, CasePhase.PLANNING, CasePhase.LINKING, CasePhase.MONITORING]
    for days, phase in zip(days_per_phase, phases, strict=False):
        start += datetime.timedelta(days=days)
        candidate_services._phase_write(case=case, actor=world["case_manager"], phase=phase, at=start)
    return case


def test_median_days_in_each_phase(monitoring_world):
    for intake, assessment in ((3, 7), (5, 7), (10, 9), (12, 20), (40, 30), (1, 31)):
        _case_with_stays(monitoring_world, intake, assessment)
    # two cases also left planning (4 and 6 days): two stays only, suppressed (no median, no count)
    _case_with_stays(monitoring_world, 2, 2, 4)
    _case_with_stays(monitoring_world, 2, 2, 6)
    rows = _rows(monitoring_world["coordinator"])
    # intakes: 1 2 2 3 5 10 12 40 → median (3 + 5) / 2 = 4
    assert rows[str(CasePhase.INTAKE.label)] == [4, 8]
    # assessments: 2 2 7 7 9 20 30 31 → median (7 + 9) / 2 = 8
    assert rows[str(CasePhase.ASSESSMENT.label)] == [8, 8]
    assert rows[str(CasePhase.PLANNING.label)] == [None, None]
    # the phases still running (linking, the current planning) have not ended: nothing to count
    assert rows[str(CasePhase.LINKING.label)] == [None, 0]


def test_the_figure_is_on_the_dashboard_and_only_for_the_own_scope(monitoring_world):
    for _i in range(5):
        _case_with_stays(monitoring_world, 6)
    assert _rows(monitoring_world["coordinator"])[str(CasePhase.INTAKE.label)] == [6, 5]
    # the other municipality's coordinator sees none of it
    assert _rows(monitoring_world["coordinator_elsewhere"])[str(CasePhase.INTAKE.label)] == [None, 0]
    html = login_with_mfa(Client(), monitoring_world["coordinator"]).get(reverse("monitoring:dashboard"))
    assert 'data-figure="phase_days"' in html.content.decode()
