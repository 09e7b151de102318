"""Issue 14 §3: median days from an offer to the work permission decision and from a recognition
application to its decision; reconciled with hand-written literals, small cells suppressed like the
comparison."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from employers.models import IntroductionStage
from monitoring import selectors
from tests.clock import TODAY
from tests.factories import (
    CaseFactory,
    IntroductionFactory,
    IntroductionStageFactory,
    QualificationFactory,
    WorkPermitProcedureFactory,
)
from tests.fixtures.users import login_with_mfa

# Dates are built from TODAY: the clock stands at noon in Berlin that day (tests/clock.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
PERMIT = "Angebot bis Entscheidung über die Beschäftigungserlaubnis"
RECOGNITION = "Antrag auf Anerkennung bis Entscheidung"


def _rows(user):
    scope = selectors.scope_for(user=user)
    figures = selectors.dashboard_figures(scope=scope, filters=selectors.default_filters(TODAY))
    return {row[0]: row[1:] for row in next(f for f in figures if f.key == "procedure_days").rows}


def _case(world):
    return CaseFactory(
        responsible_organisation=world.office,
        candidate__municipality=world.municipality,
        case_manager=world["case_manager"],
    )


def _permit(world, placement, offer_days_ago: int, decided_days_ago: int):
    """A case whose person got an offer ``offer_days_ago`` and a decision ``decided_days_ago``."""
    case = _case(world)
    intro = IntroductionFactory(placement=placement, candidate=case.candidate, stage="offer")
    stage = IntroductionStageFactory(introduction=intro, stage="offer")
    IntroductionStage.objects.filter(pk=stage.pk).update(
        at=timezone.now() - datetime.timedelta(days=offer_days_ago)
    )
    WorkPermitProcedureFactory(
        case=case, decision="granted", decided_on=TODAY - datetime.timedelta(days=decided_days_ago)
    )


def _recognition(world, applied_days_ago: int, decided_days_ago: int, status="partial"):
    case = _case(world)
    QualificationFactory(
        candidate=case.candidate,
        title="Abschluss",
        kind="vocational",
        country="",
        recognition_status=status,
        recognition_applied_on=TODAY - datetime.timedelta(days=applied_days_ago),
        recognition_decided_on=TODAY - datetime.timedelta(days=decided_days_ago),
    )


def test_median_days_of_both_procedures(monitoring_world):
    placement = monitoring_world.placement
    for offer, decided in ((40, 30), (25, 5), (20, 0), (9, 1), (60, 0), (2, 1)):
        _permit(monitoring_world, placement, offer, decided)
    # offer to decision: 10 20 20 8 60 1 → 1 8 10 20 20 60 → median (10 + 20) / 2 = 15, six procedures
    for applied, decided, status in ((100, 0, "full"), (90, 0, "partial"), (30, 0, "refused")):
        _recognition(monitoring_world, applied, decided, status)
    # a procedure still running counts nowhere
    QualificationFactory(
        candidate=_case(monitoring_world).candidate,
        title="läuft",
        kind="university",
        country="",
        recognition_status="in_progress",
        recognition_applied_on=TODAY,
    )
    rows = _rows(monitoring_world["coordinator"])
    assert rows[PERMIT] == [15, 6]
    # three recognition decisions: suppressed (no median, no count)
    assert rows[RECOGNITION] == [None, None]
    for applied in (11, 13):
        _recognition(monitoring_world, applied, 0)
    # 11 13 30 90 100 → median 30, five decisions
    assert _rows(monitoring_world["coordinator"])[RECOGNITION] == [30, 5]


def test_only_the_own_municipality_and_the_figure_is_on_the_dashboard(monitoring_world):
    for applied in (10, 20, 30, 40, 50):
        _recognition(monitoring_world, applied, 0)
    assert _rows(monitoring_world["coordinator"])[RECOGNITION] == [30, 5]
    assert _rows(monitoring_world["coordinator_elsewhere"])[RECOGNITION] == [None, 0]
    html = login_with_mfa(Client(), monitoring_world["coordinator"]).get(reverse("monitoring:dashboard"))
    assert 'data-figure="procedure_days"' in html.content.decode()
