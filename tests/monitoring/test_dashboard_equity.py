"""Equity figures on the dashboard itself (issue 20): placement, job quality, "below qualification"
and retention at 3/6/12 months by gender, age group and legal circle, small cells suppressed, from
the cache like every other figure.

The fixture is test_equity's (16 hires counted by hand), seen on 1 July 2026 for the period
1 January 2025 – 30 June 2026. Birth dates here put SGB II in 35–49, SGB III under 25 and AsylbLG
at 50 and over.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.models import Candidate
from tests.monitoring.helpers import DASHBOARD_NOW, DASHBOARD_PERIOD, build_equity, dashboard_tables
from tests.monitoring.world import forget_dashboards

pytestmark = pytest.mark.django_db


def _with_birth_dates() -> None:
    Candidate.objects.filter(first_name__startswith="A").update(birth_date=datetime.date(1990, 1, 1))
    Candidate.objects.filter(first_name__startswith="B").update(birth_date=datetime.date(2003, 6, 1))
    Candidate.objects.filter(first_name__startswith="C").update(birth_date=datetime.date(1970, 1, 1))


@pytest.fixture
def dashboard(monitoring_world, signed_in, freeze_now):
    freeze_now(DASHBOARD_NOW)
    build_equity(monitoring_world)
    _with_birth_dates()
    forget_dashboards()
    client = signed_in(monitoring_world["coordinator"])

    def get() -> str:
        response = client.get(reverse("monitoring:dashboard"), DASHBOARD_PERIOD)
        assert response.status_code == 200
        return response.content.decode()

    return get


def test_the_dashboard_splits_placements_quality_and_retention_three_ways(dashboard):
    html = dashboard()
    tables = dashboard_tables(html)
    # The three splits the issue names; origin and residence stay on the quality page.
    assert set(tables) == {"gender", "age", "legal_circle"}
    circle = tables["legal_circle"]
    assert {g: circle[g]["placements"] for g in ("sgb2", "sgb3", "asylblg")} == {
        "sgb2": "6",
        "sgb3": "5",
        "asylblg": "5",
    }
    # below qualification: A1–A5 of six recorded, none in SGB III, C1–C5 of five
    assert circle["sgb2"]["below"] == "5 (83 %)"
    assert circle["sgb3"]["below"] == "0 (0 %)"
    assert circle["asylblg"]["below"] == "5 (100 %)"
    # job quality: all 16 insured (permanent contracts at 15 €)
    assert circle["sgb2"]["insured"] == "6 (100 %)"
    # retention at 3 months: women 5 of 6 kept, men 5 of 7
    gender = tables["gender"]
    assert gender["female"]["retained_3"] == "5 (von 6, 83 %)"
    assert gender["male"]["retained_3"] == "5 (von 7, 71 %)"
    # at 6 months 4 women and 3 men kept: both under 5, both hidden
    assert gender["female"]["retained_6"] == gender["male"]["retained_6"] == "–"
    age = tables["age"]
    assert {g: age[g]["placements"] for g in age} == {
        "u25": "5",
        "25-34": "0",
        "35-49": "6",
        "50+": "5",
        "unknown": "0",
    }
    # SGB III (under 25) kept 3 months: B1, B3, B4 of B1–B4 → 3, hidden
    assert age["u25"]["retained_3"] == "–"
    assert "A1 Person" not in html  # counts, never names


def test_the_equity_tables_come_from_the_cache_with_the_figures(dashboard):
    cold = dashboard()
    with CaptureQueriesContext(connection) as queries:
        warm = dashboard()
    assert dashboard_tables(warm) == dashboard_tables(cold)
    # a warm page reads no employment at all: the tables were cached with the figures
    assert not [q for q in queries if "employers_employment" in q["sql"]]


def test_a_case_managers_dashboard_counts_only_their_own_cases(monitoring_world, signed_in, freeze_now):
    freeze_now(DASHBOARD_NOW)
    build_equity(monitoring_world)
    forget_dashboards()
    # The fixture's cases belong to the office's case manager; the team lead of the Jobcenter
    # has none of them.
    html = signed_in(monitoring_world["lead_other_org"]).get(
        reverse("monitoring:dashboard"), DASHBOARD_PERIOD
    )
    tables = dashboard_tables(html.content.decode())
    assert {row["placements"] for row in tables["legal_circle"].values()} == {"0"}
    mine = signed_in(monitoring_world["case_manager"]).get(reverse("monitoring:dashboard"), DASHBOARD_PERIOD)
    assert dashboard_tables(mine.content.decode())["legal_circle"]["sgb2"]["placements"] == "6"
