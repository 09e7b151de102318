"""Thin Celery tasks: take ids (or nothing) and call a service."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def send_invitation_email(invitation_id: int) -> bool:
    return services.invitation_email_send(invitation_id=invitation_id)


@shared_task
def warn_expiring_permits() -> int:
    """Daily (Celery beat): e-mail case managers eight weeks before a permit expires, once."""
    return services.permit_expiry_warn()


@shared_task
def send_appointment_mail(appointment_id: int, method: str, sequence: int, user_id: int | None = None) -> int:
    """The invitation or cancellation of one appointment with its .ics (issue 22)."""
    return services.appointment_mail_send(
        appointment_id=appointment_id, method=method, sequence=sequence, user_id=user_id
    )


@shared_task
def send_appointment_reminders() -> int:
    """Every 15 minutes (Celery beat): the 24-hour reminder of each appointment, once (issue 22)."""
    return services.appointment_reminders_send()


@shared_task
def send_appointment_sms(appointment_id: int, what: str) -> int:
    """The short SMS about an appointment, where the deployment has a sender (issue 22)."""
    return services.appointment_sms_send(appointment_id=appointment_id, what=what)


@shared_task
def send_closure_follow_ups() -> int:
    """Daily (Celery beat): six months after a case closed with an employment, ask its case staff
    whether the employment still runs, once per closing (issue 14)."""
    return services.closure_follow_ups_remind()


@shared_task
def remind_immigration_questions() -> int:
    """Daily (Celery beat): a question to the Ausländerbehörde past its answer date is reminded to
    the office once (issue 14 §3)."""
    return services.immigration_questions_remind()
