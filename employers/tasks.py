"""Thin Celery tasks: take ids and call a service."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def send_notification_email(notification_id: int) -> bool:
    return services.notification_email_send(notification_id=notification_id)


@shared_task
def send_verified_email(organisation_id: int) -> int:
    return services.employer_verified_email_send(organisation_id=organisation_id)
