"""Helpers and constants shared by several monitoring test modules (no fixtures: see conftest.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from html.parser import HTMLParser

from django.utils import timezone

from candidates.models import Candidate
from monitoring import quality
from monitoring.selectors import Filters, Scope
from tests.factories import CandidateFactory, CaseFactory, EmploymentFactory, EmploymentQualityFactory


def bare_candidate(**fields) -> Candidate:
    """A candidate row with only the given fields, as ``Candidate.objects.create`` makes it: no birth
    date, e-mail, phone or place (the factory's defaults would put everyone into one age group)."""
    blank = {"birth_date": None, "email": "", "phone": "", "postcode": "", "city": ""}
    return CandidateFactory(**{**blank, **fields})


# --- the equity tables: sixteen employments of three legal circles --------------------------------

EQUITY_PERIOD = Filters(start=datetime.date(2025, 1, 1), end=datetime.date(2026, 6, 30))
EQUITY_TODAY = datetime.date(2026, 7, 1)
D = datetime.date.fromisoformat

# name, gender, legal circle, start, end (None: running), below qualification
FIXTURE = [
    ("A1", "female", "sgb2", "2025-03-01", None, True),  # retained 3, 6, 12
    ("A2", "female", "sgb2", "2025-03-01", "2025-05-01", True),  # reached 3/6/12, kept none
    ("A3", "female", "sgb2", "2025-06-01", "2025-12-15", True),  # kept 3 and 6, not 12
    ("A4", "male", "sgb2", "2025-10-01", None, True),  # reached 3 and 6 (AsylbLG before, see below)
    ("A5", "male", "sgb2", "2026-02-01", None, True),  # reached 3
    ("A6", "female", "sgb2", "2026-05-01", None, False),  # reached none
    ("B1", "male", "sgb3", "2025-02-01", None, False),  # retained 3, 6, 12
    ("B2", "male", "sgb3", "2025-04-01", "2025-06-01", False),  # reached 3/6/12, kept none
    ("B3", "female", "sgb3", "2025-09-01", None, False),  # reached 3 and 6
    ("B4", "male", "sgb3", "2026-01-10", None, False),  # reached 3
    ("B5", "female", "sgb3", "2026-06-01", None, False),  # reached none
    ("C1", "female", "asylblg", "2025-05-01", None, True),  # retained 3, 6, 12
    ("C2", "male", "asylblg", "2025-08-01", "2025-09-01", True),  # reached 3 and 6, kept none
    ("C3", "male", "asylblg", "2025-11-01", None, True),  # reached 3 and 6
    ("C4", "female", "asylblg", "2026-03-01", None, True),  # reached 3
    ("C5", "female", "asylblg", "2026-04-15", None, True),  # reached none
]


def _aware(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(D(day), datetime.time(9)))


def build_equity(world, municipality=None) -> None:
    municipality = municipality or world.municipality
    for name, gender, circle, start, end, below in FIXTURE:
        candidate = bare_candidate(
            municipality=municipality, first_name=name, last_name="Person", gender=gender
        )
        common = {
            "candidate": candidate,
            "municipality": municipality,
            "responsible_organisation": world.office,
            "case_manager": world["case_manager"],
        }
        if name == "A4":
            # A change of legal circle before the hire: the placement counts where the case was then.
            CaseFactory(
                **common,
                legal_circle="asylblg",
                phase="closed",
                opened_at=_aware("2024-06-01"),
                closed_at=_aware("2025-08-31"),
            )
            CaseFactory(**common, legal_circle="sgb2", phase="monitoring", opened_at=_aware("2025-09-01"))
        else:
            CaseFactory(**common, legal_circle=circle, phase="monitoring")
        employment = EmploymentFactory(
            candidate=candidate,
            placement=None,
            employer=world.employer_profile,
            start_date=D(start),
            end_date=D(end) if end else None,
            end_reason="candidate_resigned" if end else "",
            contract_type="permanent",
        )
        EmploymentQualityFactory(
            employment=employment,
            social_insurance=True,
            hourly_wage=Decimal("15.00"),
            minimum_wage=Decimal("12.82"),
            job_skill_level=1 if below else 2,
            person_skill_level=3 if below else 2,
            below_qualification=below,
        )


def equity_table(world, key: str, today=EQUITY_TODAY):
    scope = Scope("municipality", world.municipality.pk)
    return next(
        t for t in quality.equity_tables(scope=scope, filters=EQUITY_PERIOD, today=today) if t.key == key
    )


# --- the equity tables as the dashboard shows them --------------------------------------------

DASHBOARD_PERIOD = {"start": "2025-01-01", "end": "2026-06-30"}
DASHBOARD_NOW = datetime.datetime(2026, 7, 1, 8, 0, tzinfo=datetime.UTC)


class _Tables(HTMLParser):
    """The equity tables of a page as {table: {group: {column: text}}}."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, dict[str, dict[str, str]]] = {}
        self._table = self._group = self._column = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and (a.get("data-testid") or "").startswith("equity-"):
            self._table = a["data-testid"].removeprefix("equity-")
            self.tables[self._table] = {}
        elif tag == "tr" and self._table and "data-group" in a:
            self._group = a["data-group"]
            self.tables[self._table][self._group] = {}
        elif tag == "td" and self._group and "data-column" in a:
            self._column = a["data-column"]
            self.tables[self._table][self._group][self._column] = ""

    def handle_endtag(self, tag):
        if tag == "td":
            self._column = None
        elif tag == "tr":
            self._group = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._column:
            row = self.tables[self._table][self._group]
            row[self._column] = (row[self._column] + data).strip()


def dashboard_tables(html: str) -> dict:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


# --- PDF reports ---------------------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    """The text drawing operators of every page stream (reportlab: ASCII85, then Flate) — enough to find words."""
    import base64
    import re
    import zlib

    text = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        data = stream.strip()
        try:
            if data.endswith(b"~>"):
                data = base64.a85decode(data[:-2].replace(b"\n", b"").replace(b"\r", b""))
            text.append(zlib.decompress(data).decode("latin-1"))
        except (ValueError, zlib.error):
            continue
    return "".join(text)
