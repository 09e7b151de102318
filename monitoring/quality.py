"""Job quality and equity figures (issue 20): aggregates over the employments that started in the
period, for the same scope as the dashboard (selectors.scope_for).

- Job quality: of the employments whose job coach completed the quality fields, the share subject
  to social insurance, the median hourly wage, the share at or below the statutory minimum wage
  valid at the start, the share below the person's qualification level and the fixed-term share.
  An Einstiegsqualifizierung (EQ, § 54a SGB III) is counted as its own category, a step towards an
  Ausbildung: it is insured like a trainee, time-limited and exempt from the minimum wage by law,
  so counting it as an insured, fixed-term or low-wage job (or in the median wage) would blur
  what these figures are for: how good the regular jobs are. It stays in "recorded" and "below
  qualification", and has its own row in the summary.
- Equity: the same counts split by gender, age band (at the start of the employment), legal circle
  (of the case the placement belongs to), country of origin group and residence status, with
  retention at 3, 6 and 12 months (as the dashboard's retention figure counts it: of the
  employments that have reached the point, those still running then). Every count column goes
  through comparison.suppress (cells of 1–4 people hidden, plus enough others that none can be
  recovered from the total).
- Women with children under 6: a row under "women" in the gender table, counting only the women
  who answered "yes" while their consent ``family_figures`` is live (candidates.services
  .children_under_6_set). It is a lower bound, and the page says so. Each of its cells is hidden
  under 5, and also when the women of the same column without that answer would be 1–4 (the
  difference of two visible cells).
One query per table, one for the children row, one more for the median; nothing loops over rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from candidates.models import Case as CaseModel
from candidates.models import ChildrenUnder6, Consent, ConsentScope, Gender, LegalCircle, ResidenceStatus
from employers.models import ContractType, Employment

from .comparison import THRESHOLD, suppress
from .selectors import RETENTION_DAYS, Filters, Scope, _Base

UNKNOWN = "unknown"
OTHER = "other"

# Age bands by age at the start of the employment (upper bound exclusive).
AGE_BANDS = (
    (25, "u25", gettext_lazy("unter 25")),
    (35, "25-34", gettext_lazy("25 bis 34")),
    (50, "35-49", gettext_lazy("35 bis 49")),
    (None, "50+", gettext_lazy("50 und älter")),
)

# Country of origin groups: the main countries of origin of people seeking protection in Germany
# (nationality as recorded in the case file, lower case); everything else is "other".
ORIGIN_GROUPS = (
    ("ukrainisch", gettext_lazy("ukrainisch")),
    ("syrisch", gettext_lazy("syrisch")),
    ("afghanisch", gettext_lazy("afghanisch")),
    ("irakisch", gettext_lazy("irakisch")),
    ("türkisch", gettext_lazy("türkisch")),
    ("iranisch", gettext_lazy("iranisch")),
    ("eritreisch", gettext_lazy("eritreisch")),
)

QUALITY_COLUMNS = ("placements", "recorded", "insured", "minimum", "below", "fixed_term")
RETENTION_COLUMNS = tuple(f"{kind}_{m}" for m in RETENTION_DAYS for kind in ("eligible", "retained"))
COUNT_COLUMNS = QUALITY_COLUMNS + RETENTION_COLUMNS


def _fixed_term_q() -> Q:
    return Q(quality__fixed_term=True) | Q(contract_type=ContractType.FIXED_TERM)


def _counts() -> dict:
    recorded = Q(quality__isnull=False)
    eq = Q(contract_type=ContractType.EQ)
    regular = recorded & ~eq
    return {
        "placements": Count("pk"),
        "recorded": Count("pk", filter=recorded),
        "insured": Count("pk", filter=regular & Q(quality__social_insurance=True)),
        "minimum": Count("pk", filter=regular & Q(quality__hourly_wage__lte=F("quality__minimum_wage"))),
        "below": Count("pk", filter=recorded & Q(quality__below_qualification=True)),
        "fixed_term": Count("pk", filter=regular & _fixed_term_q()),
        "eq": Count("pk", filter=recorded & eq),
    }


def _retention_counts(today: datetime.date) -> dict:
    """Still employed 3/6/12 months after the start, of those that have reached the point: the same
    rule as selectors.figure_retention."""
    out = {}
    for months, days in RETENTION_DAYS.items():
        reached = ExpressionWrapper(F("start_date") + datetime.timedelta(days=days), output_field=DateField())
        eligible = Q(start_date__lte=today - datetime.timedelta(days=days))
        kept = Q(end_reason="") | Q(end_date__gte=reached)
        out[f"eligible_{months}"] = Count("pk", filter=eligible)
        out[f"retained_{months}"] = Count("pk", filter=eligible & kept)
    return out


def _share(part: int | None, whole: int | None) -> str:
    if part is None or not whole:
        return "–"
    return f"{round(100 * part / whole)} %"


@dataclass
class Summary:
    placements: int
    recorded: int
    insured: int
    minimum: int
    below: int
    fixed_term: int
    eq: int
    median_wage: Decimal | None

    def shares(self) -> list[tuple[str, str, str]]:
        """(label, count, share of recorded) rows for the page and the tests."""
        return [
            (_("sozialversicherungspflichtig"), str(self.insured), _share(self.insured, self.recorded)),
            (_("auf oder unter dem Mindestlohn"), str(self.minimum), _share(self.minimum, self.recorded)),
            (_("unter der Qualifikation"), str(self.below), _share(self.below, self.recorded)),
            (_("befristet"), str(self.fixed_term), _share(self.fixed_term, self.recorded)),
            (
                _("Einstiegsqualifizierung (Schritt zur Ausbildung)"),
                str(self.eq),
                _share(self.eq, self.recorded),
            ),
        ]


@dataclass
class EquityTable:
    key: str
    title: str
    rows: list[dict]  # label, cells (column → count or None), shares (column → text)
    totals: dict


def _placements(scope: Scope, filters: Filters, today: datetime.date) -> QuerySet[Employment]:
    b = _Base(scope, filters, today)
    return b.employments.filter(start_date__gte=filters.start, start_date__lte=filters.end)


def _median_wage(qs: QuerySet[Employment], n: int) -> Decimal | None:
    if n <= 0:
        return None
    lo, hi = (n - 1) // 2, n // 2
    middle = list(
        qs.filter(quality__isnull=False)
        .exclude(contract_type=ContractType.EQ)
        .order_by("quality__hourly_wage")
        .values_list("quality__hourly_wage", flat=True)[lo : hi + 1]
    )
    return (sum(middle) / len(middle)).quantize(Decimal("0.01")) if middle else None


def job_quality_summary(*, scope: Scope, filters: Filters, today: datetime.date) -> Summary:
    qs = _placements(scope, filters, today)
    counts = qs.aggregate(**_counts())
    return Summary(**counts, median_wage=_median_wage(qs, counts["recorded"] - counts["eq"]))


def _age_band() -> Case:
    whens = []
    for years, key, _label in AGE_BANDS:
        if years is None:
            continue
        # Born after the start date minus ``years`` years → younger than ``years`` at the start.
        whens.append(
            When(
                candidate__birth_date__gt=F("start_date") - datetime.timedelta(days=round(years * 365.25)),
                then=Value(key),
            )
        )
    return Case(
        When(candidate__birth_date__isnull=True, then=Value(UNKNOWN)),
        *whens,
        default=Value(AGE_BANDS[-1][1]),
        output_field=CharField(),
    )


def _origin_group() -> Case:
    return Case(
        When(candidate__nationality="", then=Value(UNKNOWN)),
        *[When(candidate__nationality__iexact=key, then=Value(key)) for key, _label in ORIGIN_GROUPS],
        default=Value(OTHER),
        output_field=CharField(),
    )


def _legal_circle(filters: Filters, scope: Scope) -> Coalesce:
    """The legal circle of the case the placement belongs to: the person's latest case opened by the
    start of the employment, else their first case (a hire recorded before the case was opened)."""
    cases = CaseModel.objects.filter(
        candidate_id=OuterRef("candidate_id"), municipality_id=scope.municipality_id
    )
    if filters.legal_circle:
        cases = cases.filter(legal_circle=filters.legal_circle)
    before = cases.filter(opened_at__date__lte=OuterRef("start_date")).order_by("-opened_at", "-pk")
    first = cases.order_by("opened_at", "pk")
    return Coalesce(
        Subquery(before.values("legal_circle")[:1]),
        Subquery(first.values("legal_circle")[:1]),
        Value(UNKNOWN),
        output_field=CharField(),
    )


def _choice_group(field: str) -> Case:
    return Case(When(**{field: ""}, then=Value(UNKNOWN)), default=F(field), output_field=CharField())


# The order the issue names them in: the two SGBs, then the asylum seekers' benefits.
LEGAL_CIRCLE_ORDER = (LegalCircle.SGB2, LegalCircle.SGB3, LegalCircle.ASYLBLG, LegalCircle.NONE)


def _dimensions(filters: Filters, scope: Scope) -> list[tuple[str, str, object, list[tuple[str, str]]]]:
    unknown = (UNKNOWN, _("keine Angabe"))
    return [
        (
            "gender",
            _("nach Geschlecht"),
            Case(
                When(candidate__gender="", then=Value(Gender.UNSPECIFIED.value)),
                default=F("candidate__gender"),
                output_field=CharField(),
            ),
            [(v, str(label)) for v, label in Gender.choices],
        ),
        (
            "age",
            _("nach Altersgruppe"),
            _age_band(),
            [(k, str(label)) for _y, k, label in AGE_BANDS] + [unknown],
        ),
        (
            "legal_circle",
            _("nach Rechtskreis"),
            _legal_circle(filters, scope),
            [(c.value, str(c.label)) for c in LEGAL_CIRCLE_ORDER] + [(UNKNOWN, _("kein Fall"))],
        ),
        (
            "origin",
            _("nach Staatsangehörigkeit"),
            _origin_group(),
            [(k, str(label)) for k, label in ORIGIN_GROUPS] + [(OTHER, _("andere")), unknown],
        ),
        (
            "residence",
            _("nach Aufenthaltsstatus"),
            _choice_group("candidate__residence_status"),
            [(v, str(label)) for v, label in ResidenceStatus.choices] + [unknown],
        ),
    ]


# The dashboard shows the three splits the issue names; the quality page and the report show all.
DASHBOARD_DIMENSIONS = ("gender", "age", "legal_circle")


def equity_tables(
    *, scope: Scope, filters: Filters, today: datetime.date, dimensions: Sequence[str] | None = None
) -> list[EquityTable]:
    """One table per dimension (all, or those named in ``dimensions``); every count column
    suppressed on its own (comparison.suppress). One query per table."""
    qs = _placements(scope, filters, today)
    counts = {**_counts(), **_retention_counts(today)}
    tables = []
    for key, title, expression, groups in _dimensions(filters, scope):
        if dimensions is not None and key not in dimensions:
            continue
        found = {
            row["group"]: row
            for row in qs.annotate(group=expression).values("group").annotate(**counts).order_by()
        }
        raw = {column: {g: found.get(g, {}).get(column, 0) for g, _l in groups} for column in COUNT_COLUMNS}
        shown, totals = {}, {}
        for column in COUNT_COLUMNS:
            shown[column], totals[column] = suppress(raw[column], THRESHOLD)
        rows = []
        for group, label in groups:
            cells = {column: shown[column][group] for column in COUNT_COLUMNS}
            rows.append(_row(group, label, cells))
        if key == "gender":
            rows.insert(
                [r["key"] for r in rows].index(Gender.FEMALE.value) + 1,
                _children_row(qs, counts, next(r for r in rows if r["key"] == Gender.FEMALE.value)),
            )
        tables.append(EquityTable(key, title, rows, totals))
    return tables


CHILDREN_ROW = "female_children_u6"


def _row(group: str, label: str, cells: dict) -> dict:
    shares = {column: _share(cells[column], cells["recorded"]) for column in QUALITY_COLUMNS[2:]}
    for months in RETENTION_DAYS:
        shares[f"retained_{months}"] = _share(cells[f"retained_{months}"], cells[f"eligible_{months}"])
    values = [(column, cells[column], shares.get(column, "")) for column in QUALITY_COLUMNS]
    values += [
        (
            f"retained_{months}",
            cells[f"retained_{months}"],
            _retention_detail(cells[f"eligible_{months}"], shares[f"retained_{months}"]),
        )
        for months in RETENTION_DAYS
    ]
    return {"key": group, "label": label, "cells": cells, "shares": shares, "values": values}


def _children_row(qs: QuerySet[Employment], counts: dict, women: dict) -> dict:
    """Women who said "yes" to children under 6 with a live consent to keep it: one query. A cell is
    shown when it is 0 or at least THRESHOLD, its women's cell is shown, and the women without that
    answer are 0 or at least THRESHOLD too (else subtracting would reveal them)."""
    consented = Consent.objects.live().filter(
        candidate_id=OuterRef("candidate_id"), scope=ConsentScope.FAMILY_FIGURES
    )
    raw = qs.filter(
        Exists(consented),
        candidate__gender=Gender.FEMALE,
        candidate__children_under_6=ChildrenUnder6.YES,
    ).aggregate(**counts)
    cells = {}
    for column in COUNT_COLUMNS:
        value, whole = raw[column], women["cells"][column]
        hidden = 0 < value < THRESHOLD or whole is None or (value and 0 < whole - value < THRESHOLD)
        cells[column] = None if hidden else value
    return _row(CHILDREN_ROW, _("davon mit Kindern unter 6 Jahren (mit Einwilligung)"), cells)


def _retention_detail(eligible: int | None, share: str) -> str:
    """ "of 7, 71 %": the denominator (employments that reached the point) beside the share."""
    if eligible is None:
        return ""
    return _("von %(n)s, %(share)s") % {"n": eligible, "share": share}


def cell_text(value: int | None, detail: str) -> str:
    """A cell as the PDF prints it: "–" when suppressed, the share (or denominator) beside the count."""
    if value is None:
        return "–"
    return f"{value} ({detail})" if detail and detail != "–" else str(value)


def column_labels() -> list[tuple[str, str]]:
    return [
        ("placements", _("Vermittlungen")),
        ("recorded", _("Qualität erfasst")),
        ("insured", _("sozialversicherungspflichtig")),
        ("minimum", _("auf oder unter dem Mindestlohn")),
        ("below", _("unter der Qualifikation")),
        ("fixed_term", _("befristet")),
        *[(f"retained_{m}", _("nach %(m)s Monaten noch beschäftigt") % {"m": m}) for m in RETENTION_DAYS],
    ]


def printable(tables: list[EquityTable]) -> list[tuple[str, list[str], list[list[str]]]]:
    """Each table as (title, header, rows of text) for the funders' PDF."""
    header = [_("Gruppe"), *[str(label) for _key, label in column_labels()]]
    return [
        (
            table.title,
            header,
            [
                [row["label"], *[cell_text(value, detail) for _c, value, detail in row["values"]]]
                for row in table.rows
            ],
        )
        for table in tables
    ]


CHILDREN_NOTE = gettext_lazy(
    "Frauen mit Kindern unter 6 Jahren: gezählt werden nur Frauen, die das selbst angegeben und dem "
    "Speichern eigens zugestimmt haben; die Zahl ist deshalb eine Untergrenze. Lotse erfasst sonst "
    "keine Kinder (weder Anzahl noch Alter)."
)
