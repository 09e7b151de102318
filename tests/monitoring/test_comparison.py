"""Comparison with similar municipalities: opt-in only, and no suppressed cell can be recovered."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from monitoring import comparison, selectors
from monitoring.models import MonitoringSettings
from tests.factories import MonitoringSettingsFactory, OrganisationFactory
from tests.monitoring.world import populate

pytestmark = pytest.mark.django_db


def recover(
    cells: dict[str, int | None], total: int | None, *, small: set[str] = frozenset(), threshold: int = 5
) -> dict[str, int]:
    """The attacker: which hidden cells are pinned down by the published column?

    A strong attacker: knows the visible cells, the total, that every hidden cell is >= 0 and even which
    hidden cells are the small ones (1..threshold-1). A cell is recovered when its lowest and highest
    possible values coincide.
    """
    hidden = [k for k, v in cells.items() if v is None]
    if not hidden or total is None:
        return {}
    rest = total - sum(v for v in cells.values() if v is not None)
    bounds = {k: (1, threshold - 1) if k in small else (0, rest) for k in hidden}
    found = {}
    for key in hidden:
        others_lo = sum(bounds[k][0] for k in hidden if k != key)
        others_hi = sum(bounds[k][1] for k in hidden if k != key)
        lowest = max(bounds[key][0], rest - others_hi)
        highest = min(bounds[key][1], rest - others_lo)
        if lowest == highest:
            found[key] = lowest
    return found


def test_the_attacker_recovers_a_cell_that_was_suppressed_alone():
    """Shows the attack works: primary suppression alone would leak the 3."""
    assert recover({"a": None, "b": 10, "c": 7}, 20, small={"a"}) == {"a": 3}


def test_a_single_small_cell_is_suppressed_with_its_complement():
    cells, total = comparison.suppress({"a": 3, "b": 10, "c": 7, "d": 0})
    assert cells["a"] is None  # primary: fewer than 5 people
    assert sum(v is None for v in cells.values()) >= 2  # and a complement, so 3 = total − visible fails
    assert total == 20
    assert recover(cells, total, small={"a"}) == {}


def test_a_column_below_five_in_total_is_hidden_entirely():
    cells, total = comparison.suppress({"a": 1, "b": 2, "c": 0})
    assert total is None and set(cells.values()) == {None}


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.sampled_from("abcdef"), st.integers(min_value=0, max_value=30), min_size=2, max_size=6)
)
def test_no_suppressed_cell_can_be_recovered_from_the_total(raw):
    cells, total = comparison.suppress(raw)
    small = {k for k, v in raw.items() if 0 < v < comparison.THRESHOLD}
    assert all(cells[k] is None for k in small)  # every small cell is hidden
    assert not set(recover(cells, total, small=small)) & small


@pytest.fixture
def peers(monitoring_world, other_municipality):
    """Dortmund and Bochum both opt in; Bochum has a phase with only 1–4 cases."""
    populate(monitoring_world, 30)
    bochum_office = OrganisationFactory(municipality=other_municipality, kind="municipality_office")
    populate(
        monitoring_world,
        27,
        municipality=other_municipality,
        organisation=bochum_office,
        case_manager=monitoring_world["coordinator_elsewhere"],
        coach=monitoring_world["coordinator_elsewhere"],
    )
    for m in (monitoring_world.municipality, other_municipality):
        MonitoringSettingsFactory(municipality=m, comparison_opt_in=True)
    return other_municipality


def test_the_comparison_page_never_shows_a_recoverable_small_cell(monitoring_world, peers, signed_in):
    scope = selectors.scope_for(user=monitoring_world["coordinator"])
    participants, tables = comparison.comparison_tables(scope=scope, filters=selectors.default_filters())
    assert [m.name for m in participants] == ["Dortmund", "Bochum"]
    for table in tables:
        bochum = next(c for c in table.columns if c.name == "Bochum")
        small = {k for k, v in bochum.cells.items() if v is None}
        assert not recover(bochum.cells, bochum.total, small=small)
    # Bochum has 27 cases over six phases: at least one phase (4 or 5 cases) — check it is not published.
    phases = next(t for t in tables if t.key == "phases")
    bochum = next(c for c in phases.columns if c.name == "Bochum")
    assert all(v is None or v == 0 or v >= 5 for v in bochum.cells.values())
    html = signed_in(monitoring_world["coordinator"]).get(reverse("monitoring:compare")).content.decode()
    assert "Bochum" in html and "unterdrückt" in html


def test_only_municipalities_that_opt_in_see_others(monitoring_world, peers, signed_in):
    MonitoringSettings.objects.filter(municipality=peers).update(comparison_opt_in=False)
    scope = selectors.scope_for(user=monitoring_world["coordinator"])
    participants, tables = comparison.comparison_tables(scope=scope, filters=selectors.default_filters())
    assert tables == [] and [m.name for m in participants] == ["Dortmund"]
    html = (
        signed_in(monitoring_world["coordinator_elsewhere"])
        .get(reverse("monitoring:compare"))
        .content.decode()
    )
    assert "nimmt noch nicht am Vergleich teil" in html and "Dortmund" not in html
