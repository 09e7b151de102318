from celery import shared_task

from . import services


@shared_task(name="outbox.tasks.drain")
def drain() -> int:
    """Every minute (Celery beat): send the jobs the broker refused or that were never tried."""
    return services.outbox_drain()
