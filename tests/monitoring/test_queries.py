"""The dashboard costs the same number of SQL queries for little and for much data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.monitoring.world import forget_dashboards, populate

pytestmark = pytest.mark.django_db

# 21 figures of about one query each, plus the page's own (main had reached 32 with 19 figures;
# the discrimination figure and the business funnel, issue 15, add one query each; the procedure
# durations, issue 14 §3, two: one per procedure; the network figure, issue 23, two: its actions and
# its agreements; the equity tables on the dashboard, issue 20, four: one per split and one for the
# women with children under 6).
MAX_QUERIES = 42


def _cold_page(client) -> int:
    forget_dashboards()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("monitoring:dashboard")).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_data(monitoring_world, signed_in, django_assert_max_num_queries):
    client = signed_in(monitoring_world["coordinator"])
    populate(monitoring_world, 5)
    forget_dashboards()
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(reverse("monitoring:dashboard"))
    small = _cold_page(client)
    populate(monitoring_world, 60)
    forget_dashboards()
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(reverse("monitoring:dashboard"))
    large = _cold_page(client)
    assert small == large


def test_warm_page_does_not_compute_figures(monitoring_world, signed_in):
    client = signed_in(monitoring_world["coordinator"])
    populate(monitoring_world, 10)
    cold = _cold_page(client)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("monitoring:dashboard")).content.decode()
    shown = page.count('data-figure="')
    assert shown >= 20  # the page shows its figures ...
    assert len(queries) < cold - shown  # ... from the cache: at least one query fewer for each
