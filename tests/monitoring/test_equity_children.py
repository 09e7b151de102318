"""Women with children under 6 in the equity figures (issue 20): counted only where the woman said
so with a live consent ``family_figures``, shown under "women", hidden under 5 and when the women
without that answer would be 1–4. test_equity's fixture, seen on 1 July 2026: the women are A1 A2
A3 A6 B3 B5 C1 C4 C5."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates import services
from candidates.models import Candidate, Consent
from monitoring import quality
from tests.factories import ConsentFactory
from tests.monitoring.helpers import (
    DASHBOARD_NOW,
    DASHBOARD_PERIOD,
    build_equity,
    dashboard_tables,
    equity_table,
    pdf_text,
)
from tests.monitoring.world import forget_dashboards

pytestmark = pytest.mark.django_db


def _answer(names: list[str], value: str = "yes", consent: str = "live") -> None:
    for candidate in Candidate.objects.filter(first_name__in=names):
        Candidate.objects.filter(pk=candidate.pk).update(children_under_6=value)
        if consent == "none":
            continue
        ConsentFactory(
            candidate=candidate,
            scope="family_figures",
            granted_at=timezone.now() - datetime.timedelta(days=30),
            revoked_at=timezone.now() if consent == "revoked" else None,
        )


def _children(world) -> dict:
    table = equity_table(world, "gender")
    keys = [row["key"] for row in table.rows]
    assert keys.index(quality.CHILDREN_ROW) == keys.index("female") + 1  # right under the women
    return next(row for row in table.rows if row["key"] == quality.CHILDREN_ROW)["cells"]


def test_only_women_who_said_yes_with_a_live_consent_count(monitoring_world, monkeypatch):
    build_equity(monitoring_world)
    _answer(["A1", "A2", "A3", "A6", "B3"])  # counted: five women, yes, consent live
    _answer(["C1"], consent="none")  # a yes without consent (left behind somehow): not counted
    _answer(["C4"], consent="revoked")  # consent revoked: not counted
    _answer(["C5"], value="no")  # consent, but no children under 6
    _answer(["A4"])  # a man: not in the women's row
    monkeypatch.setattr(quality, "THRESHOLD", 1)  # every count visible, to reconcile
    cells = _children(monitoring_world)
    assert cells["placements"] == 5
    assert cells["below"] == 3  # A1 A2 A3
    # reached 3 months: A1 A2 A3 B3 (A6 started in May 2026); kept: A1 A3 B3
    assert (cells["eligible_3"], cells["retained_3"]) == (4, 3)


def test_the_row_is_hidden_under_5_and_when_the_other_women_would_be_few(monitoring_world):
    build_equity(monitoring_world)
    _answer(["A1", "A2", "A3", "A6", "B3"])
    cells = _children(monitoring_world)
    # 5 of 9 women: 5 is enough, but the 4 others would follow by subtraction
    assert cells["placements"] is None
    assert cells["below"] is None  # 3
    assert cells["eligible_12"] is None  # the women's own cell is hidden


def test_all_women_answered_shows_the_row_with_its_shares(monitoring_world):
    build_equity(monitoring_world)
    _answer(["A1", "A2", "A3", "A6", "B3", "B5", "C1", "C4", "C5"])
    cells = _children(monitoring_world)
    assert cells["placements"] == 9
    assert cells["insured"] == 9
    # women below qualification: A1 A2 A3 C1 C4 C5 = 6, but the men's 4 hides the women's cell
    # too (secondary suppression), and so this one
    assert cells["below"] is None
    assert cells["retained_3"] == 5 and cells["eligible_3"] == 6
    assert cells["retained_6"] is None  # the women's 4 is hidden, so is this


def test_the_dashboard_and_the_pdf_show_the_row(monitoring_world, signed_in, freeze_now):
    freeze_now(DASHBOARD_NOW)
    build_equity(monitoring_world)
    _answer(["A1", "A2", "A3", "A6", "B3", "B5", "C1", "C4", "C5"])
    forget_dashboards()
    client = signed_in(monitoring_world["coordinator"])
    html = client.get(reverse("monitoring:dashboard"), DASHBOARD_PERIOD).content.decode()
    row = dashboard_tables(html)["gender"][quality.CHILDREN_ROW]
    assert row["placements"] == "9" and row["insured"] == "9 (100 %)" and row["below"] == "–"
    assert "dem Speichern eigens zugestimmt" in html
    pdf = client.get(reverse("monitoring:report_pdf"), {"year": 2025})
    assert "Kindern unter 6" in pdf_text(pdf.content)


def test_a_revoked_consent_takes_the_woman_out_at_once(monitoring_world, desk_free_actor):
    build_equity(monitoring_world)
    _answer(["A1", "A2", "A3", "A6", "B3", "B5", "C1", "C4", "C5"])
    consent = Consent.objects.get(candidate__first_name="C5")
    services.consent_revoke(consent=consent, actor=desk_free_actor)
    assert Candidate.objects.get(first_name="C5").children_under_6 == ""
    # 8 of 9 women: the one left would follow by subtraction, so the cell is hidden
    assert _children(monitoring_world)["placements"] is None


@pytest.fixture
def desk_free_actor(monitoring_world):
    return monitoring_world["case_manager"]
