"""Comparison with similar municipalities: only suppressed aggregates cross the municipal boundary.

- Municipalities take part by opting in (MonitoringSettings.comparison_opt_in); only participants see others.
- "Similar" = participating municipalities whose number of candidates with a case is within a factor
  of three of the own (all participants if none is that close).
- Small cells: a count of 1 to 4 people is suppressed (primary). So that it cannot be recovered by
  subtracting the visible cells from the column total, more cells of the same column are suppressed
  (secondary, smallest first) until at least two are hidden, the hidden cells together count at
  least 5 people and no hidden cell can be pinned down even by someone who knows which hidden cells
  are the small ones; if that needs every cell, the total is hidden too. A column whose total is
  below 5 is hidden entirely. No totals across municipalities
  are shown, so rows need no second pass.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from candidates.models import Case, CasePhase
from employers.models import Employment, PlacementKind
from organisations.models import Municipality
from privacy.disclosure import THRESHOLD as THRESHOLD  # re-exported: views and quality use it
from privacy.disclosure import suppress

from .models import MonitoringSettings
from .selectors import Filters, Scope

SIMILAR_FACTOR = 3


@dataclass
class Column:
    name: str
    cells: dict[str, int | None]
    total: int | None
    own: bool = False


@dataclass
class Table:
    key: str
    title: str
    row_labels: list[tuple[str, str]]
    columns: list[Column]


def participants_for(*, scope: Scope) -> list[Municipality]:
    """The similar participating municipalities (own first); PermissionDenied unless own takes part."""
    if scope.kind != "municipality":
        raise PermissionDenied
    opted = set(
        MonitoringSettings.objects.filter(comparison_opt_in=True).values_list("municipality_id", flat=True)
    )
    if scope.municipality_id not in opted:
        return []
    sizes = dict(
        Case.objects.filter(municipality_id__in=opted, candidate__erased_at__isnull=True)
        .order_by()
        .values("municipality_id")
        .annotate(n=Count("candidate_id", distinct=True))
        .values_list("municipality_id", "n")
    )
    own = sizes.get(scope.municipality_id, 0)
    others = [m for m in opted if m != scope.municipality_id]
    close = [
        m
        for m in others
        if own and sizes.get(m, 0) and own / SIMILAR_FACTOR <= sizes[m] <= own * SIMILAR_FACTOR
    ]
    chosen = close or others
    found = {m.pk: m for m in Municipality.objects.filter(pk__in=[scope.municipality_id, *chosen])}
    return [found[scope.municipality_id], *sorted((found[m] for m in chosen), key=lambda m: m.name)]


def _grouped(queryset, group: str, municipality_field: str) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {}
    for row in queryset.values(municipality_field, group).annotate(n=Count("pk")).order_by():
        out.setdefault(row[municipality_field], {})[row[group]] = row["n"]
    return out


def _table(key, title, choices, grouped, participants, own_id) -> Table:
    columns = []
    for m in participants:
        raw = {value: grouped.get(m.pk, {}).get(value, 0) for value, _label in choices}
        if m.pk == own_id:
            columns.append(Column(m.name, dict(raw), sum(raw.values()), own=True))
        else:
            cells, total = suppress(raw)
            columns.append(Column(m.name, cells, total))
    return Table(key, title, [(value, str(label)) for value, label in choices], columns)


def comparison_tables(*, scope: Scope, filters: Filters) -> tuple[list[Municipality], list[Table]]:
    """Cases by phase and placements by kind for the own and each similar municipality (2 queries)."""
    participants = participants_for(scope=scope)
    if len(participants) < 2:
        return participants, []
    ids = [m.pk for m in participants]
    active = Case.objects.filter(
        municipality_id__in=ids, candidate__erased_at__isnull=True, opened_at__lt=filters.end_before
    ).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=filters.start_at))
    placements = Employment.objects.filter(
        candidate__municipality_id__in=ids,
        candidate__erased_at__isnull=True,
        start_date__gte=filters.start,
        start_date__lte=filters.end,
    )
    phases = _grouped(active, "phase", "municipality_id")
    kinds = _grouped(placements, "kind", "candidate__municipality_id")
    return participants, [
        _table(
            "phases", _("Fälle nach Phase"), CasePhase.choices, phases, participants, scope.municipality_id
        ),
        _table(
            "placements_kind",
            _("Vermittlungen nach Art"),
            PlacementKind.choices,
            kinds,
            participants,
            scope.municipality_id,
        ),
    ]
