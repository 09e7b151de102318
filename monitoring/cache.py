"""Cached dashboard figures (and the equity tables shown below them) with the time they were computed.

The key holds the scope, the filters and the language (labels are translated when computed).
The Celery task (monitoring.tasks.refresh_dashboards) recomputes every municipality's default
view ahead of time, so the coordinator's first look of the day is warm.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.utils import timezone, translation

from . import quality, selectors
from .selectors import Figure, Filters, Scope

TIMEOUT = 60 * 60  # an hour; the task refreshes every 15 minutes
VERSION = "3"  # bump when the shape of Figure or of what is cached changes (2: the equity tables, 3: token)


@dataclass
class Dashboard:
    figures: list[Figure]
    computed_at: datetime.datetime
    from_cache: bool = False
    # Placement, job quality and retention by gender, age group and legal circle (issue 20),
    # already suppressed: computed and cached with the figures, so a warm page runs no query for them.
    equity: list[quality.EquityTable] = field(default_factory=list)
    # New with every computation: the rendered figures are cached under it (fragment_key).
    token: str = ""


def key_for(scope: Scope, filters: Filters, language: str | None = None) -> str:
    language = language or translation.get_language() or "de"
    return f"monitoring:v{VERSION}:{scope.key}:{filters.key}:{language}"


def dashboard(*, scope: Scope, filters: Filters, refresh: bool = False) -> Dashboard:
    key = key_for(scope, filters)
    if not refresh:
        cached = cache.get(key)
        if cached is not None:
            figures, computed_at, equity, token = cached
            return Dashboard(figures, computed_at, from_cache=True, equity=equity, token=token)
    figures = selectors.dashboard_figures(scope=scope, filters=filters)
    equity = quality.equity_tables(
        scope=scope, filters=filters, today=timezone.localdate(), dimensions=quality.DASHBOARD_DIMENSIONS
    )
    computed_at = timezone.now()
    token = uuid.uuid4().hex
    cache.set(key, (figures, computed_at, equity, token), TIMEOUT)
    return Dashboard(figures, computed_at, equity=equity, token=token)


# The rendered figures and equity tables (most of the dashboard's CPU: ~100 KB of HTML) are cached
# under the token of the computation they show, with everything else they are drawn from (the
# user's links, the query, the language): a fragment is only ever served for exactly that. A
# deploy that changes the templates changes every key.
_TEMPLATES = ("dashboard.html", "_figure_table.html", "_equity_tables.html")
_TEMPLATE_HASH = hashlib.sha256(
    b"".join((Path(__file__).parent / "templates" / "monitoring" / name).read_bytes() for name in _TEMPLATES)
).hexdigest()


def fragment_key(*, data: Dashboard, links: dict[str, Any], query: str) -> str:
    """The key of the rendered figures of ``data`` for these links and this query (see above)."""
    payload = json.dumps(
        [data.token, links, query, translation.get_language(), _TEMPLATE_HASH], sort_keys=True, default=str
    )
    return hashlib.sha256(payload.encode()).hexdigest()
