"""Reads for the coaching organisation's view of its employments through the API (issue 17).

A client with ``employments:read`` is its organisation acting as its job coaches (api/scopes.py).
It sees what :func:`coaching.selectors.visible_employments` shows a job coach of that organisation —
the employments of the people whose record the organisation reads (candidates.selectors; a
handed-over person only while their ``case_data`` consent is live) — and, in place of "the ones I
coach", the running employments one of its job coaches is responsible for. The follow-up log of
each belongs to it as on the employment page (``employment_page``: the responsible coach, or
whoever reads the file).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Max, Prefetch, Q, QuerySet

from accounts.roles import Role
from candidates import selectors as candidate_selectors
from employers.models import Employment
from organisations import access
from organisations.models import Membership

from .models import FollowUp, FollowUpDue

if TYPE_CHECKING:
    from accounts.models import User


def followed_employments(*, user: User) -> QuerySet[Employment]:
    """The employments a coaching organisation's client follows, with their follow-along plan, due
    follow-ups and logged follow-ups joined in, and ``last_contact`` annotated. Only job coaches
    (403 for every other role); consent and erasure are read on every call."""
    access.require_role(user=user, roles=[Role.JOB_COACH])
    organisations = access.organisation_ids(user=user, roles=[Role.JOB_COACH])
    coaches = Membership.objects.filter(
        organisation_id__in=organisations, role=Role.JOB_COACH, is_active=True
    ).values("user_id")
    coached = Q(job_coach__in=coaches, end_reason="", candidate__erased_at__isnull=True)
    readable = Q(candidate__in=candidate_selectors.visible_candidates(user=user))
    return (
        Employment.objects.filter(readable | coached)
        .select_related(
            "candidate", "employer__organisation", "placement", "follow_along__organisation", "job_coach"
        )
        .prefetch_related(
            Prefetch("follow_up_dues", queryset=FollowUpDue.objects.order_by("due_date", "sequence")),
            Prefetch(
                "follow_ups", queryset=FollowUp.objects.select_related("author").order_by("-date", "-pk")
            ),
        )
        .annotate(last_contact=Max("follow_ups__date"))
    )


def followed_employment_get(*, user: User, ref: str) -> Employment:
    """One of :func:`followed_employments` by its reference, else NotFound (an id is no reference)."""
    return access.first_visible(followed_employments(user=user).filter(reference=str(ref)[:11]))
