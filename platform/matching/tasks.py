from celery import shared_task

from . import services


@shared_task(name="matching.tasks.train_reranker")
def train_reranker() -> int | None:
    """Weekly (Celery beat): learn from new introduction outcomes once there are enough."""
    model = services.reranker_train()
    return model.version if model else None


@shared_task(name="matching.tasks.index_candidates_changed")
def index_candidates_changed(municipality_id: int, candidate_ids: list[int]) -> int:
    """A profile, placement-relevant field or consent changed: log it for every index."""
    return services.index_record_changes(municipality_id=municipality_id, candidate_ids=candidate_ids)


@shared_task(name="matching.tasks.prune_index_changes")
def prune_index_changes() -> int:
    """Daily: drop change-log rows every process has long applied."""
    return services.index_prune_changes()
