"""Cached dashboard figures (and the equity tables shown below them) with the time they were computed.

The key holds the scope, the filters and the language (labels are translated when computed).
The Celery task (monitoring.tasks.refresh_dashboards) recomputes every municipality's default
view ahead of time, so the coordinator's first look of the day is warm.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import timezone, translation

from . import quality, selectors
from .selectors import Figure, Filters, Scope

TIMEOUT = 60 * 60  # an hour; the task refreshes every 15 minutes
VERSION = "2"  # bump when the shape of Figure or of what is cached changes (2: the equity tables)


@dataclass
class Dashboard:
    figures: list[Figure]
    computed_at: datetime.datetime
    from_cache: bool = False
    # Placement, job quality and retention by gender, age group and legal circle (issue 20),
    # already suppressed: computed and cached with the figures, so a warm page runs no query for them.
    equity: list[quality.EquityTable] = field(default_factory=list)


def key_for(scope: Scope, filters: Filters, language: str | None = None) -> str:
    language = language or translation.get_language() or "de"
    return f"monitoring:v{VERSION}:{scope.key}:{filters.key}:{language}"


def dashboard(*, scope: Scope, filters: Filters, refresh: bool = False) -> Dashboard:
    key = key_for(scope, filters)
    if not refresh:
        cached = cache.get(key)
        if cached is not None:
            figures, computed_at, equity = cached
            return Dashboard(figures, computed_at, from_cache=True, equity=equity)
    figures = selectors.dashboard_figures(scope=scope, filters=filters)
    equity = quality.equity_tables(
        scope=scope, filters=filters, today=timezone.localdate(), dimensions=quality.DASHBOARD_DIMENSIONS
    )
    computed_at = timezone.now()
    cache.set(key, (figures, computed_at, equity), TIMEOUT)
    return Dashboard(figures, computed_at, equity=equity)
