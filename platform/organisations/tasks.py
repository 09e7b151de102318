"""Thin Celery tasks: take ids and call a service."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def send_membership_invitation(invitation_id: int) -> bool:
    return services.invitation_email_send(invitation_id=invitation_id)
