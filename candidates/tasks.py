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
