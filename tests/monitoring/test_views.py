"""The dashboard, exports and report as a coordinator uses them; bad input never 500s."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.monitoring.conftest import populate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_dashboard_shows_charts_with_tables_and_no_names(monitoring_world, signed_in):
    populate(monitoring_world, 12)
    response = signed_in(monitoring_world["coordinator"]).get(reverse("monitoring:dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<canvas") == 15 and html.count('<table class="kern-table monitoring-table"') == 15
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert "Geheim" not in html and "Person0" not in html  # counts only, never a name
    assert 'data-testid="computed-at"' in html
