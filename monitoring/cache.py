"""Cached dashboard figures (and the equity tables shown below them) with the time they were computed.

The key holds the scope, the filters, the language (labels are translated when computed) and the
municipality's targets (a saved target shows at once in every language and filter). Under
it sits the token of the current computation, and the figures under the token: a look at the token
(``token_at``, a few bytes) tells whether a page drawn from a computation still shows the
current one (a dashboard kept for a returning visit: organisations.kept_page).
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
# Bump when the shape of Figure or of what is cached changes (2: the equity tables, 3: token, 4: the
# figures under their token).
VERSION = "4"


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
    # The key the token was read under (``token_at``: whether it is still the current one).
    key: str = ""


def key_for(scope: Scope, filters: Filters, language: str | None = None) -> str:
    language = language or translation.get_language() or "de"
    targets = selectors.settings_for(municipality_id=scope.municipality_id)
    settings = f"{targets.target_cases_per_case_manager}-{targets.target_cases_per_coach}"
    return f"monitoring:v{VERSION}:{scope.key}:{filters.key}:{language}:{settings}"


def _figures_key(key: str, token: str) -> str:
    return f"{key}:{token}"


def token_at(key: str) -> str | None:
    """The token of the current computation under ``key`` (a ``Dashboard.key``)."""
    return cache.get(key)


def dashboard(*, scope: Scope, filters: Filters, refresh: bool = False) -> Dashboard:
    key = key_for(scope, filters)
    previous = cache.get(key)
    if not refresh and previous is not None:
        cached = cache.get(_figures_key(key, previous))
        if cached is not None:
            figures, computed_at, equity = cached
            return Dashboard(figures, computed_at, from_cache=True, equity=equity, token=previous, key=key)
    figures = selectors.dashboard_figures(scope=scope, filters=filters)
    equity = quality.equity_tables(
        scope=scope, filters=filters, today=timezone.localdate(), dimensions=quality.DASHBOARD_DIMENSIONS
    )
    computed_at = timezone.now()
    token = uuid.uuid4().hex
    # The figures first, then the token that names them: a reader finds the old token with its
    # figures, or the new one with its own. The old figures go (a reader that had just read the
    # old token computes them again).
    cache.set(_figures_key(key, token), (figures, computed_at, equity), TIMEOUT)
    cache.set(key, token, TIMEOUT)
    if previous is not None:
        cache.delete(_figures_key(key, previous))
    return Dashboard(figures, computed_at, equity=equity, token=token, key=key)


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
