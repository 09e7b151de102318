"""Reads of the network level (issue 23): the barriers of a coordinator's municipality, counted by
category and period, small cells suppressed (privacy.disclosure, the rule of the monitoring
comparison). Two queries whatever the number of barriers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import CASE_STAFF, Role
from organisations import access
from organisations.models import Membership, Municipality, Organisation
from privacy.disclosure import THRESHOLD, suppress

from .models import Barrier, BarrierCategory, CoordinationRound, RoundAction

if TYPE_CHECKING:
    from accounts.models import User

MONTH = "month"
QUARTER = "quarter"
NOTES_SHOWN = 50


def may_flag(*, user: User) -> bool:
    return access.has_role(user=user, roles=CASE_STAFF)


def coordinated_municipality(*, user: User) -> Municipality:
    """The municipality whose network the coordinator looks after (the first, as the dashboard)."""
    ids = sorted(access.municipality_ids(user=user, roles=[Role.COORDINATOR]))
    if not ids:
        raise PermissionDenied
    return Municipality.objects.get(pk=ids[0])


@dataclass
class PeriodColumn:
    label: str
    cells: dict[str, int | None]
    total: int | None


@dataclass
class BarrierTable:
    year: int
    period: str
    rows: list[tuple[str, str]]  # (category code, label)
    columns: list[PeriodColumn]
    threshold: int = THRESHOLD

    def row_cells(self) -> list[tuple[str, list[int | None]]]:
        return [(label, [c.cells[code] for c in self.columns]) for code, label in self.rows]


def _period_labels(period: str, year: int) -> list[str]:
    if period == QUARTER:
        return [_("%(q)s. Quartal %(y)s") % {"q": q, "y": year} for q in range(1, 5)]
    return [datetime.date(year, m, 1).strftime("%m/%Y") for m in range(1, 13)]


def barrier_counts(*, municipality_id: int, year: int, period: str = MONTH) -> BarrierTable:
    """Barriers flagged in ``year`` by category (rows) and month or quarter (columns); every column
    suppressed on its own: no cell of 1–4 is shown or can be worked out from the column's total."""
    grouped = (
        Barrier.objects.filter(municipality_id=municipality_id, flagged_on__year=year)
        .annotate(month=ExtractMonth("flagged_on"))
        .values("category", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    width = 4 if period == QUARTER else 12
    raw = [dict.fromkeys(BarrierCategory.values, 0) for _i in range(width)]
    for row in grouped:  # at most 9 categories × 12 months
        index = (row["month"] - 1) // 3 if period == QUARTER else row["month"] - 1
        raw[index][row["category"]] += row["n"]
    columns = []
    for label, cells in zip(_period_labels(period, year), raw, strict=True):
        shown, total = suppress(cells)
        columns.append(PeriodColumn(label, shown, total))
    return BarrierTable(year, period, [(v, str(label)) for v, label in BarrierCategory.choices], columns)


def barrier_notes(*, municipality_id: int, year: int) -> list[tuple[str, list[str]]]:
    """The anonymous notes of the year by category, without day, month or organisation, and only of
    the categories flagged at least THRESHOLD times that year (so a note does not reveal a cell that
    the table suppresses). At most NOTES_SHOWN notes, newest first."""
    barriers = Barrier.objects.filter(municipality_id=municipality_id, flagged_on__year=year)
    enough = [
        row["category"]
        for row in barriers.values("category").annotate(n=Count("pk")).order_by()
        if row["n"] >= THRESHOLD
    ]
    notes = (
        barriers.filter(category__in=enough)
        .exclude(note="")
        .order_by("-flagged_on", "-pk")
        .values_list("category", "note")[:NOTES_SHOWN]
    )
    by_category: dict[str, list[str]] = {}
    for category, note in notes:
        by_category.setdefault(category, []).append(note)
    return [(str(label), by_category[v]) for v, label in BarrierCategory.choices if v in by_category]


def barrier_years(*, municipality_id: int) -> list[int]:
    this_year = timezone.localdate().year
    first = (
        Barrier.objects.filter(municipality_id=municipality_id)
        .order_by("flagged_on")
        .values_list("flagged_on", flat=True)
        .first()
    )
    start = min(first.year, this_year) if first else this_year
    return list(range(this_year, start - 1, -1))


# --- coordination rounds ------------------------------------------------------------------------------

AGENDA_DEFAULT_DAYS = 90


def may_see_rounds(*, user: User) -> bool:
    return access.has_role(user=user, roles=[*CASE_STAFF, Role.COORDINATOR])


def visible_rounds(*, user: User) -> QuerySet[CoordinationRound]:
    """Rounds of the municipalities the user coordinates, and those their own organisation (as case
    staff) is a member of."""
    coordinated = access.municipality_ids(user=user, roles=[Role.COORDINATOR])
    staff_orgs = access.organisation_ids(user=user, roles=CASE_STAFF)
    return (
        CoordinationRound.objects.filter(Q(municipality_id__in=coordinated) | Q(members__in=staff_orgs))
        .distinct()
        .select_related("municipality")
        .order_by("next_date", "name", "pk")
    )


def round_get(*, user: User, pk: int, for_edit: bool = False) -> CoordinationRound:
    """A round the user may see (coordinators of its municipality may change it), else NotFound."""
    if for_edit:
        coordinated = access.municipality_ids(user=user, roles=[Role.COORDINATOR])
        rounds = CoordinationRound.objects.filter(municipality_id__in=coordinated)
    else:
        rounds = visible_rounds(user=user)
    return access.first_visible(rounds.filter(pk=pk))


def round_members(*, coordination_round: CoordinationRound) -> QuerySet[Organisation]:
    """The member organisations of a round, by name: one order for its page and its minutes."""
    return coordination_round.members.order_by("name")


def may_edit_round(*, user: User, coordination_round: CoordinationRound) -> bool:
    return coordination_round.municipality_id in access.municipality_ids(user=user, roles=[Role.COORDINATOR])


def member_choices(*, municipality_id: int) -> QuerySet[Organisation]:
    return Organisation.objects.filter(municipality_id=municipality_id).order_by("name")


def owner_choices(*, coordination_round: CoordinationRound):
    """Who may own an action: the municipality's coordinators and the case staff of the members."""
    from django.contrib.auth import get_user_model

    members = Membership.objects.filter(is_active=True).filter(
        Q(role=Role.COORDINATOR, organisation__municipality_id=coordination_round.municipality_id)
        | Q(role__in=CASE_STAFF, organisation__in=coordination_round.members.all())
    )
    return get_user_model().objects.filter(pk__in=members.values("user_id")).order_by("display_name", "pk")


@dataclass
class Agenda:
    since: datetime.date
    rows: list[tuple[str, int | None]]
    total: int | None


def round_agenda(*, coordination_round: CoordinationRound, today: datetime.date | None = None) -> Agenda:
    """The barriers flagged since the round last met (the last 90 days before its first meeting),
    counted by category, small cells suppressed. Counts only: nothing of a person or case."""
    today = today or timezone.localdate()
    if coordination_round.last_held_on:
        since = coordination_round.last_held_on + datetime.timedelta(days=1)
    else:
        since = today - datetime.timedelta(days=AGENDA_DEFAULT_DAYS)
    counts = dict(
        Barrier.objects.filter(municipality_id=coordination_round.municipality_id, flagged_on__gte=since)
        .values("category")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("category", "n")
    )
    shown, total = suppress({v: counts.get(v, 0) for v in BarrierCategory.values})
    return Agenda(since, [(str(label), shown[v]) for v, label in BarrierCategory.choices], total)


def round_actions(*, coordination_round: CoordinationRound) -> QuerySet[RoundAction]:
    return coordination_round.actions.select_related("owner").order_by("done_at", "deadline", "pk")


def action_get(*, user: User, pk: int) -> RoundAction:
    """An action the user may mark done: their own, or any of a round they coordinate; else 404."""
    coordinated = access.municipality_ids(user=user, roles=[Role.COORDINATOR])
    return access.first_visible(
        RoundAction.objects.filter(pk=pk).filter(Q(owner=user) | Q(round__municipality_id__in=coordinated))
    )
