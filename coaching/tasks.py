"""Thin Celery tasks: take ids (or nothing) and call a service."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def send_follow_up_reminders(stale_seconds: int | None = None) -> int:
    """Daily (beat): remind coaches of due and overdue follow-ups, exactly once each."""
    from datetime import timedelta

    stale = services.REMINDER_STALE_AFTER if stale_seconds is None else timedelta(seconds=stale_seconds)
    return services.reminders_send(stale_after=stale)


@shared_task
def escalate_overdue_support_requests() -> int:
    """Daily (beat): employers' requests not answered within two working days go to the coordinator."""
    return services.support_requests_escalate()


@shared_task
def remind_overdue_round_actions() -> int:
    """Daily (beat): actions of coordination rounds past their deadline are reminded once (issue 23)."""
    from . import barrier_services

    return barrier_services.round_actions_remind()


@shared_task
def remind_agreement_reviews() -> int:
    """Daily (beat): coordinators are reminded once of a cooperation agreement due for review (issue 23)."""
    from . import agreement_services

    return agreement_services.agreement_reviews_remind()


@shared_task
def send_notification_email(notification_id: int) -> bool:
    """Retired: notices and their mail live in notifications. Kept so that a job still waiting in
    the outbox from before the move ends quietly instead of failing on an unknown task."""
    return False


@shared_task
def send_referral_link(referral_id: int) -> bool:
    """Mail the receiving provider the signed link of a referral (issue 17)."""
    from .referral_services import referral_link_send

    return referral_link_send(referral_id=referral_id)


@shared_task
def send_discrimination_referral(referral_id: int) -> bool:
    """Mail a counselling service the signed link of a report referred to it (issue 15 §3)."""
    from .discrimination_services import referral_link_send

    return referral_link_send(referral_id=referral_id)
