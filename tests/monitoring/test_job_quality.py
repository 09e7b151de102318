"""Job-quality and equity figures (issue 20) reconcile with hand-counted fixture rows.

Twelve employments start on 1 March 2026 (minimum wage 13.90 €); the expected figures below are
counted by hand from FIXTURE, never computed by the code under test. Equity cells of 1–4 people
are suppressed together with enough others that none can be recovered from the column total.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from employers.models import Employment, EmploymentQuality
from monitoring import quality
from monitoring.selectors import Filters, Scope
from tests import clock
from tests.factories import CaseFactory, EmploymentFactory, EmploymentQualityFactory
from tests.fixtures.users import login_with_mfa
from tests.monitoring.helpers import bare_candidate

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 3, 1)
PERIOD = Filters(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 6, 30))
TODAY = datetime.date(2026, 7, 1)

# gender, birth date, nationality, residence status, (insured, wage, fixed term, job level, person level)
FIXTURE = [
    ("female", "1990-05-01", "syrisch", "aufenthaltserlaubnis", (True, "15.00", False, 2, 2)),
    ("female", "1992-01-01", "syrisch", "aufenthaltserlaubnis", (True, "13.90", True, 1, 4)),
    ("female", "1985-01-01", "ukrainisch", "aufenthaltserlaubnis", (True, "14.50", False, 1, 2)),
    ("female", "1980-01-01", "Ukrainisch", "aufenthaltserlaubnis", (False, "13.90", False, 1, None)),
    ("female", "2004-01-01", "afghanisch", "aufenthaltsgestattung", (True, "16.00", True, 2, 1)),
    ("female", "1970-01-01", "ukrainisch", "aufenthaltserlaubnis", (True, "18.00", False, 2, 4)),
    ("female", "1995-06-01", "eritreisch", "duldung", None),
    ("male", "1990-01-01", "syrisch", "niederlassungserlaubnis", (True, "20.00", False, 3, 4)),
    ("male", "2003-01-01", "afghanisch", "duldung", (True, "14.00", True, 1, 1)),
    ("male", "1988-01-01", "irakisch", "aufenthaltserlaubnis", (True, "13.00", False, 2, 2)),
    ("male", "1975-01-01", "", "", (True, "17.00", False, 2, None)),
    ("", "2001-01-01", "türkisch", "aufenthaltserlaubnis", (False, "13.90", False, 1, 1)),
]


def _build(world, municipality=None, organisation=None, start=START) -> None:
    municipality = municipality or world.municipality
    for i, (gender, born, nationality, residence, q) in enumerate(FIXTURE):
        candidate = bare_candidate(
            municipality=municipality,
            first_name=f"Q{i}",
            last_name="Person",
            gender=gender,
            birth_date=datetime.date.fromisoformat(born),
            nationality=nationality,
            residence_status=residence,
        )
        CaseFactory(
            candidate=candidate,
            municipality=municipality,
            responsible_organisation=organisation or world.office,
            case_manager=world["case_manager"],
            phase="monitoring",
            legal_circle="sgb2",
        )
        employment = EmploymentFactory(
            candidate=candidate,
            employer=world.employer_profile,
            placement=None,
            start_date=start,
            contract_type="permanent",
        )
        if q is None:
            continue
        insured, wage, fixed_term, job_level, person_level = q
        EmploymentQualityFactory(
            employment=employment,
            social_insurance=insured,
            hourly_wage=Decimal(wage),
            minimum_wage=Decimal("13.90"),
            fixed_term=fixed_term,
            job_skill_level=job_level,
            person_skill_level=person_level,
            below_qualification=person_level is not None and job_level < person_level,
        )


def _scope(world) -> Scope:
    return Scope("municipality", world.municipality.pk)


def test_job_quality_summary_reconciles(monitoring_world):
    _build(monitoring_world)
    summary = quality.job_quality_summary(scope=_scope(monitoring_world), filters=PERIOD, today=TODAY)
    assert (summary.placements, summary.recorded) == (12, 11)
    # insured: rows 1,2,3,5,6,8,9,10,11; ≤ 13.90: rows 2,4,10,12; below: rows 2,3,6,8; fixed: 2,5,9
    assert (summary.insured, summary.minimum, summary.below, summary.fixed_term) == (9, 4, 4, 3)
    # 13.00 13.90 13.90 13.90 14.00 [14.50] 15.00 16.00 17.00 18.00 20.00
    assert summary.median_wage == Decimal("14.50")
    assert [share for _label, _n, share in summary.shares()] == ["82 %", "36 %", "36 %", "27 %", "0 %"]


def test_an_einstiegsqualifizierung_counts_as_its_own_category(monitoring_world):
    """An EQ (insured, time-limited, an allowance below the minimum wage by law) is a step towards
    an Ausbildung: it has its own row and does not count as an insured, fixed-term or low-wage job."""
    _build(monitoring_world)
    # Rows 1 (insured, 15.00, level 2 = 2) and 2 (insured, 13.90, fixed, 1 < 4) become EQs.
    eqs = Employment.objects.filter(candidate__first_name__in=["Q0", "Q1"])
    eqs.update(contract_type="eq")
    EmploymentQuality.objects.filter(employment__in=eqs).update(hourly_wage=Decimal("2.10"), fixed_term=True)
    summary = quality.job_quality_summary(scope=_scope(monitoring_world), filters=PERIOD, today=TODAY)
    assert (summary.placements, summary.recorded, summary.eq) == (12, 11, 2)
    # insured 9 − 2; ≤ 13.90: rows 4,10,12; below: still rows 2,3,6,8; fixed: rows 5,9
    assert (summary.insured, summary.minimum, summary.below, summary.fixed_term) == (7, 3, 4, 2)
    # the nine regular wages: 13.00 13.90 13.90 14.00 [14.50] 16.00 17.00 18.00 20.00
    assert summary.median_wage == Decimal("14.50")
    label, count, share = summary.shares()[-1]
    assert (label, count, share) == ("Einstiegsqualifizierung (Schritt zur Ausbildung)", "2", "18 %")


def test_other_municipality_and_other_periods_do_not_count(monitoring_world, other_municipality):
    _build(monitoring_world)
    _build(monitoring_world, municipality=other_municipality)
    _build(monitoring_world, start=datetime.date(2025, 12, 31))
    summary = quality.job_quality_summary(scope=_scope(monitoring_world), filters=PERIOD, today=TODAY)
    assert (summary.placements, summary.recorded, summary.insured) == (12, 11, 9)


def _table(world, key: str):
    tables = quality.equity_tables(scope=_scope(world), filters=PERIOD, today=TODAY)
    return next(t for t in tables if t.key == key)


def _column(table, column: str) -> dict:
    """The groups' cells of one column (the row of women with children under 6 is a subset, apart:
    tests/monitoring/test_equity_children.py)."""
    return {row["key"]: row["cells"][column] for row in table.rows if row["key"] != quality.CHILDREN_ROW}


def test_equity_by_gender_suppresses_small_cells(monitoring_world):
    _build(monitoring_world)
    table = _table(monitoring_world, "gender")
    # women 7, men 4, no gender given 1: the two small cells (5 together) are hidden
    assert _column(table, "placements") == {"female": 7, "male": None, "diverse": 0, "unspecified": None}
    assert table.totals["placements"] == 12
    assert _column(table, "recorded") == {"female": 6, "male": None, "diverse": 0, "unspecified": None}
    # insured women 5, men 4: hiding the men alone would give them away (9 − 5) → all hidden
    assert set(_column(table, "insured").values()) == {None}
    assert table.totals["insured"] == 9
    # at or below the minimum wage: 4 in all, under 5 → the whole column and its total hidden
    assert set(_column(table, "minimum").values()) == {None}
    assert table.totals["minimum"] is None


def test_equity_by_age_band(monitoring_world):
    _build(monitoring_world)
    table = _table(monitoring_world, "age")
    # under 25: rows 5, 9; 25–34: 2, 7, 12; 35–49: 1, 3, 4, 8, 10; 50+: 6, 11
    assert _column(table, "placements") == {"u25": None, "25-34": None, "35-49": 5, "50+": None, "unknown": 0}
    assert _column(table, "recorded")["35-49"] == 5
    # insured 2 / 1 / 4 / 2: every non-zero cell is small
    assert _column(table, "insured") == {"u25": None, "25-34": None, "35-49": None, "50+": None, "unknown": 0}


def test_equity_by_origin_and_residence(monitoring_world):
    _build(monitoring_world)
    origin = _column(_table(monitoring_world, "origin"), "placements")
    # Syria 3, Ukraine 3 (one written "Ukrainisch"), Afghanistan 2, Iraq, Turkey, Eritrea, unknown 1
    assert origin == {
        "ukrainisch": None,
        "syrisch": None,
        "afghanisch": None,
        "irakisch": None,
        "türkisch": None,
        "iranisch": 0,
        "eritreisch": None,
        "other": 0,
        "unknown": None,
    }
    residence = _table(monitoring_world, "residence")
    assert _column(residence, "placements") == {
        "aufenthaltsgestattung": None,
        "duldung": None,
        "aufenthaltserlaubnis": 7,
        "niederlassungserlaubnis": None,
        "other": 0,
        "unknown": None,
    }
    # recorded: 7 with a residence permit, four single people: hiding those four (4 < 5) needs a
    # fifth cell; the zero is not enough, so the 7 goes too
    assert set(_column(residence, "recorded").values()) == {None}
    assert residence.totals["recorded"] == 11


@pytest.mark.usefixtures("frozen_today")  # the page counts this year in Berlin, not the UTC date's
def test_page_shows_the_figures_to_the_coordinator(monitoring_world):
    _build(monitoring_world, start=clock.TODAY.replace(month=1, day=2))
    client = login_with_mfa(Client(), monitoring_world["coordinator"])
    response = client.get(reverse("monitoring:quality"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="quality-recorded">11<' in html
    assert "14,50 €" in html
    assert 'data-testid="equity-gender"' in html
    # Counts only: nobody's name, standing alone (inside the page's random CSRF token "Q1" may occur).
    assert not [i for i in range(len(FIXTURE)) if re.search(rf"(?<![A-Za-z0-9])Q{i}(?![A-Za-z0-9])", html)]


def test_bad_filter_is_a_clear_error(monitoring_world):
    client = login_with_mfa(Client(), monitoring_world["coordinator"])
    response = client.get(reverse("monitoring:quality"), {"start": "kein Datum"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
