"""Writes of the monitoring app: settings, and refreshing the dashboard cache."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.utils import translation

from accounts.roles import Role
from candidates.models import Case
from organisations import access

from . import cache, selectors
from .models import MonitoringSettings

if TYPE_CHECKING:
    from accounts.models import User


def dashboards_refresh(*, languages: tuple[str, ...] | None = None) -> int:
    """Recompute each municipality's default view (this year, no filters). Returns how many."""
    languages = languages or (django_settings.LANGUAGE_CODE,)
    municipality_ids = Case.objects.order_by().values_list("municipality_id", flat=True).distinct()
    filters = selectors.default_filters()
    n = 0
    for municipality_id in municipality_ids:  # one pass per municipality, not per row
        scope = selectors.Scope("municipality", municipality_id)
        for language in languages:
            with translation.override(language):
                cache.dashboard(scope=scope, filters=filters, refresh=True)
        n += 1
    return n


def monitoring_settings_save(
    *,
    actor: User,
    municipality_id: int,
    comparison_opt_in: bool,
    target_cases_per_case_manager: int,
    target_cases_per_coach: int,
) -> MonitoringSettings:
    if not access.has_role(user=actor, roles=[Role.COORDINATOR], municipality_id=municipality_id):
        raise PermissionDenied
    found, _created = MonitoringSettings.objects.update_or_create(
        municipality_id=municipality_id,
        defaults={
            "comparison_opt_in": comparison_opt_in,
            "target_cases_per_case_manager": target_cases_per_case_manager,
            "target_cases_per_coach": target_cases_per_coach,
        },
    )
    # The targets show in the caseload figures: recompute the default view now, not in 15 minutes.
    cache.dashboard(
        scope=selectors.Scope("municipality", municipality_id),
        filters=selectors.default_filters(),
        refresh=True,
    )
    return found
