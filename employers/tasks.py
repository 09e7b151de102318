"""Thin Celery tasks: take ids and call a service."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def escalate_overdue_introductions() -> int:
    """Daily (beat): selections not answered in time go to the team lead or the coordinator."""
    return services.introductions_escalate()


@shared_task
def send_notification_email(notification_id: int) -> bool:
    """Retired: notices and their mail live in notifications. Kept so that a job still waiting in
    the outbox from before the move ends quietly instead of failing on an unknown task."""
    return False


@shared_task
def send_acquisition_link(acquisition_id: int) -> bool:
    """Mail a business the signed link that confirms a placement staff recorded for it."""
    return services.acquisition_link_send(acquisition_id=acquisition_id)


@shared_task
def send_speed_dating_invitation(participant_id: int) -> bool:
    """The speed-dating invitation with its calendar file, in the person's language."""
    from .speeddating import speed_dating_invitation_send

    return speed_dating_invitation_send(participant_id=participant_id)


@shared_task
def send_business_contact_reminders() -> int:
    """Daily (beat): the owner of a business relationship hears once that the next contact is due."""
    return services.business_contact_reminders_send()


@shared_task
def notify_new_matching_jobs() -> int:
    """Daily (beat): people with their own login hear of new placements that fit them well."""
    from .jobs import new_jobs_notify

    return new_jobs_notify()
