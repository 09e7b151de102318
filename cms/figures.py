"""Live figures for the public pages: aggregate COUNTs only, never a row, never a name.

Cached for ten minutes so that a busy home page does not count on every request.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.apps import apps
from django.core.cache import cache
from django.utils import timezone

CACHE_KEY = "cms:live-figures:v1"
CACHE_SECONDS = 10 * 60


@dataclass(frozen=True)
class LiveFigures:
    open_placements: int
    verified_employers: int
    hires_this_year: int | None  # None until employers has an Employment model


def _count(app_label: str, model_name: str, **filters) -> int | None:
    # Looked up by name: the figures must not break the home page while a model is being built.
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return None
    return model.objects.filter(**filters).count()


def compute() -> LiveFigures:
    year_start = timezone.localdate().replace(month=1, day=1)
    return LiveFigures(
        open_placements=_count("employers", "Placement", status="open") or 0,
        verified_employers=_count(
            "organisations", "Organisation", kind="employer", verification_status="verified"
        )
        or 0,
        hires_this_year=_count(
            "employers", "Employment", start_date__gte=year_start, start_date__lte=timezone.localdate()
        ),
    )


def live_figures() -> dict[str, int | None]:
    """The figures as plain numbers (cached)."""
    cached = cache.get(CACHE_KEY)
    if cached is None:
        cached = asdict(compute())
        cache.set(CACHE_KEY, cached, CACHE_SECONDS)
    return cached


def live_figures_clear() -> None:
    cache.delete(CACHE_KEY)
