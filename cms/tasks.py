"""Thin Celery tasks: take ids and call a service."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def notify_event_organiser(registration_id: int) -> bool:
    return services.event_registration_notify(registration_id=registration_id)


@shared_task
def confirm_event_registration(registration_id: int, language: str = "de") -> bool:
    return services.event_registration_confirm(registration_id=registration_id, language=language)
