"""Writes for "Weg zum Zielberuf" (issue 20): a part of a pathway (a group of missing skills or an
offer that teaches some) becomes a goal of the integration plan, through the plan's own goal
service. The goal's key is derived from case, target and part, so a second click (another tab, a
colleague) finds the goal the first one made instead of adding another."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from candidates import services as candidate_services
from candidates.models import Case, Goal
from taxonomy.models import Occupation

from . import pathway_selectors as sel

if TYPE_CHECKING:
    from accounts.models import User


def pathway_goal_add(*, case: Case, actor: User, target: Occupation, part: str) -> tuple[Goal, bool]:
    """The goal for ``part`` ("group:<key>" or "service:<id>") of the pathway to ``target``, and
    whether it was created now (False: it was in the plan already). The title is made here from the
    pathway as it stands, never taken from the request."""
    view = sel.pathway_view(case=case, target=target)
    chosen = view.part(part)
    if chosen is None:
        raise ValidationError(
            _("Dieser Teil des Wegs ist nicht (mehr) offen. Bitte laden Sie die Seite neu."), code="gone"
        )
    key = sel.goal_key(case=case, target=target, part=part)
    existed = Goal.objects.filter(case=case, submission_key=key).exists()
    goal = candidate_services.goal_add(
        case=case, actor=actor, title=chosen.goal_title, submission_key=key, title_lang=get_language() or "de"
    )
    return goal, not existed
