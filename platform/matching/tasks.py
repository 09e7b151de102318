from celery import shared_task

from . import services


@shared_task(name="matching.tasks.train_reranker")
def train_reranker() -> int | None:
    """Weekly (Celery beat): learn from new introduction outcomes once there are enough."""
    model = services.reranker_train()
    return model.version if model else None
