"""Thin Celery tasks: take ids and call a service."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="notifications.tasks.send_notification_email")
def send_notification_email(notification_id: int) -> bool:
    return services.notification_email_send(notification_id=notification_id)


@shared_task(name="notifications.tasks.send_digests")
def send_digests() -> int:
    """Daily (Celery beat): the digest for people who chose it."""
    return services.digests_send()
