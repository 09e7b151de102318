"""The figures count what a coordinator expects, for the right people, in SQL."""

from __future__ import annotations

import pytest

from monitoring import selectors
from tests.monitoring.conftest import populate

pytestmark = pytest.mark.django_db


def _fig(figures, key):
    return next(f for f in figures if f.key == key)


def test_coordinator_sees_every_figure_of_the_municipality(monitoring_world):
    populate(monitoring_world, 24)
    scope = selectors.scope_for(user=monitoring_world["coordinator"])
    figures = selectors.dashboard_figures(scope=scope, filters=selectors.default_filters())
    assert [f.key for f in figures] == list(selectors.FIGURE_KEYS)
    phases = _fig(figures, "phases")
    assert sum(r[1] for r in phases.rows) == 24
    for f in figures:
        print(f.key, f.rows, f.summary)
