from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(bind=True, name="webhooks.tasks.deliver", max_retries=None)
def deliver(self, delivery_id: int) -> None:
    """One attempt (the service makes it and says when the next is due), retried with back-off.

    The service bounds the attempts from the row (WEBHOOKS_MAX_ATTEMPTS), so a task the outbox sends
    twice cannot add attempts beyond it."""
    while (retry_in := services.webhook_deliver(delivery_id=delivery_id)) is not None:
        if not self.request.is_eager:
            raise self.retry(countdown=retry_in, max_retries=services.max_attempts())
        # Run in-process (the embedded default, tests): no worker can keep a countdown, and an eager
        # Retry would surface as an error; the next attempt follows at once.


@shared_task(name="webhooks.tasks.prune_deliveries")
def prune_deliveries() -> int:
    """Daily: the delivery log keeps finished deliveries WEBHOOKS_LOG_RETENTION_DAYS days."""
    return services.webhook_deliveries_prune(now=timezone.now())
