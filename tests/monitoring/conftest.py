"""Fixtures for the monitoring tests: ``monitoring_world`` (tests/monitoring/world.py builds it) and
a cache namespace of their own for the dashboards."""

from __future__ import annotations

import pytest

from tests.monitoring.world import MonitoringWorld, build_world, forget_dashboards


@pytest.fixture(autouse=True)
def _own_dashboard_cache(monkeypatch):
    from monitoring import cache as monitoring_cache

    monkeypatch.setattr(monitoring_cache, "VERSION", monitoring_cache.VERSION)
    forget_dashboards()


@pytest.fixture
def monitoring_world(municipality, other_municipality) -> MonitoringWorld:
    return build_world(municipality, other_municipality)
