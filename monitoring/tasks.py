"""Thin Celery tasks: refresh the cached dashboards (heavy figures computed ahead of time)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="monitoring.tasks.refresh_dashboards")
def refresh_dashboards() -> int:
    return services.dashboards_refresh()
