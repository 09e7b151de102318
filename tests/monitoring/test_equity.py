"""Equity figures by legal circle with retention at 3/6/12 months (issue 20), reconciled with a
fixture counted by hand, small cells suppressed, and shown on the page, the report and its PDF.

Today is 1 July 2026: an employment has reached 3 months if it started by 1 April 2026, 6 months
by 31 December 2025, 12 months by 1 July 2025; it counts as retained if it was still running then.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring import quality
from monitoring.selectors import Scope
from tests.fixtures.users import login_with_mfa
from tests.monitoring.helpers import (
    EQUITY_PERIOD,
    EQUITY_TODAY,
    FIXTURE,
    build_equity,
    equity_table,
    pdf_text,
)

pytestmark = pytest.mark.django_db


def _column(table, column: str) -> dict:
    """The groups' cells of one column (the row of women with children under 6 is a subset, apart)."""
    return {row["key"]: row["cells"][column] for row in table.rows if row["key"] != quality.CHILDREN_ROW}


def test_placements_quality_and_below_qualification_by_legal_circle(monitoring_world):
    build_equity(monitoring_world)
    table = equity_table(monitoring_world, "legal_circle")
    # A1–A6 (A4 after its change from AsylbLG), B1–B5, C1–C5
    assert _column(table, "placements") == {"sgb2": 6, "sgb3": 5, "asylblg": 5, "none": 0, "unknown": 0}
    assert _column(table, "recorded") == {"sgb2": 6, "sgb3": 5, "asylblg": 5, "none": 0, "unknown": 0}
    # below: A1–A5, C1–C5
    assert _column(table, "below") == {"sgb2": 5, "sgb3": 0, "asylblg": 5, "none": 0, "unknown": 0}
    shares = {row["key"]: row["shares"]["below"] for row in table.rows}
    assert (shares["sgb2"], shares["sgb3"], shares["asylblg"]) == ("83 %", "0 %", "100 %")
    assert table.totals["placements"] == 16


def test_retention_by_gender_reconciles_and_hides_small_cells(monitoring_world):
    build_equity(monitoring_world)
    table = equity_table(monitoring_world, "gender")
    # women: A1 A2 A3 A6 B3 B5 C1 C4 C5; men: A4 A5 B1 B2 B4 C2 C3
    assert _column(table, "placements") == {"female": 9, "male": 7, "diverse": 0, "unspecified": 0}
    # reached 3 months: women A1 A2 A3 B3 C1 C4 (A2 gone), men A4 A5 B1 B2 B4 C2 C3 (B2, C2 gone)
    assert _column(table, "eligible_3") == {"female": 6, "male": 7, "diverse": 0, "unspecified": 0}
    assert _column(table, "retained_3") == {"female": 5, "male": 5, "diverse": 0, "unspecified": 0}
    women = next(row for row in table.rows if row["key"] == "female")
    assert women["shares"]["retained_3"] == "83 %"
    assert ("retained_3", 5, "von 6, 83 %") in women["values"]
    # reached 6 months: 5 and 5; kept: women A1 A3 B3 C1 = 4, men A4 B1 C3 = 3 → both hidden
    assert _column(table, "eligible_6") == {"female": 5, "male": 5, "diverse": 0, "unspecified": 0}
    assert _column(table, "retained_6") == {"female": None, "male": None, "diverse": 0, "unspecified": 0}
    assert table.totals["retained_6"] == 7
    # reached 12 months: women A1 A2 A3 C1 = 4, men B1 B2 = 2 → both hidden, share not shown
    assert _column(table, "eligible_12") == {"female": None, "male": None, "diverse": 0, "unspecified": 0}
    assert women["shares"]["retained_12"] == "–"


def test_retention_by_legal_circle_hides_cells_that_could_be_worked_out(monitoring_world):
    build_equity(monitoring_world)
    table = equity_table(monitoring_world, "legal_circle")
    # reached 3 months: SGB II A1–A5 = 5, SGB III B1–B4 = 4, AsylbLG C1–C4 = 4. Hiding the two
    # fours alone would give them away (4 + 4 = 8, each at most 4), so a zero cell goes too.
    assert _column(table, "eligible_3") == {
        "sgb2": 5,
        "sgb3": None,
        "asylblg": None,
        "none": None,
        "unknown": 0,
    }
    assert table.totals["eligible_3"] == 13
    # kept 3 months: 4 / 3 / 3 — all under 5
    assert set(_column(table, "retained_3").values()) - {0} == {None}
    # 12 months: SGB II A1 (of A1 A2 A3), SGB III B1 (of B1 B2), AsylbLG C1 (of C1): 3 in all
    assert set(_column(table, "retained_12").values()) == {None}
    assert table.totals["retained_12"] is None


def test_other_municipalities_do_not_count_and_one_query_per_table(monitoring_world, other_municipality):
    build_equity(monitoring_world)
    build_equity(monitoring_world, municipality=other_municipality)
    scope = Scope("municipality", monitoring_world.municipality.pk)
    with CaptureQueriesContext(connection) as queries:
        tables = quality.equity_tables(scope=scope, filters=EQUITY_PERIOD, today=EQUITY_TODAY)
    # one per table and one for the row of women with children under 6
    assert len(tables) == 5 and len(queries) == 6
    circle = next(t for t in tables if t.key == "legal_circle")
    assert circle.totals["placements"] == 16


def test_page_and_report_show_the_tables_and_say_how_children_are_counted(monitoring_world):
    build_equity(monitoring_world)
    client = login_with_mfa(Client(), monitoring_world["coordinator"])
    page = client.get(reverse("monitoring:quality"), {"start": "2025-01-01", "end": "2026-06-30"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="equity-legal_circle"' in html and "SGB II (Jobcenter)" in html
    assert "nach 12 Monaten noch beschäftigt" in html
    assert "dem Speichern eigens zugestimmt" in html
    # Counts only: nobody's name, standing alone (inside the page's random CSRF token "A4" may occur).
    assert not [name for name, *_ in FIXTURE if re.search(rf"(?<![A-Za-z0-9]){name}(?![A-Za-z0-9])", html)]
    report = client.get(reverse("monitoring:report"), {"year": 2025})
    assert 'data-testid="report-equity"' in report.content.decode()
    assert 'data-testid="equity-legal_circle"' in report.content.decode()
    pdf = client.get(reverse("monitoring:report_pdf"), {"year": 2025})

    text = pdf_text(pdf.content)
    assert "Rechtskreis" in text and "Chancengleichheit" in text and "Kinder" in text
