"""A coordinator going back and forth between the dashboard and its settings in Chromium, from /app/:
from the third visit on the dashboard is served from its last drawing (organisations.kept_page), its
charts still draw and axe-core finds nothing serious; once the quarter-hourly task has computed the
figures anew, the next visit shows them."""

from __future__ import annotations

import pytest

from monitoring import services, views
from tests.browser.helpers import serious, signed_in_page
from tests.monitoring.test_fragment_cache import _phase_total
from tests.monitoring.world import build_world, forget_dashboards, populate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_kept_dashboard_draws_its_charts_and_shows_new_figures_once_computed(
    live_server, browser, municipality, other_municipality, monkeypatch
):
    forget_dashboards()  # (no figures cached by an earlier test of this worker)
    world = build_world(municipality, other_municipality)
    populate(world, 6)
    drawn = []
    draw = views._dashboard
    monkeypatch.setattr(views, "_dashboard", lambda *a, **k: (drawn.append(1), draw(*a, **k))[1])
    page = signed_in_page(browser, live_server, world["coordinator"])
    page.locator('a[href="/app/monitoring/"]').first.click()
    for _ in range(2):  # to the settings and back: drawn and kept, then served kept
        page.get_by_role("link", name="Zielwerte und Vergleich einstellen").click()
        page.get_by_role("link", name="Zurück zu den Kennzahlen").click()
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length === 23")
    assert len(drawn) == 2
    before = _phase_total(page.content())
    assert before >= 6
    assert serious(page) == []

    populate(world, 3)
    services.dashboards_refresh()  # what the task does every quarter of an hour
    page.get_by_role("link", name="Zielwerte und Vergleich einstellen").click()
    page.get_by_role("link", name="Zurück zu den Kennzahlen").click()
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length === 23")
    assert _phase_total(page.content()) == before + 3
    assert len(drawn) == 3
