"""Listen to the employers app instead of being called by it (employers never imports coaching)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from employers.models import Employment


@receiver(post_save, sender=Employment, dispatch_uid="coaching_plan_at_hire")
def plan_at_hire(sender, instance: Employment, created: bool, raw: bool = False, **kwargs) -> None:
    if raw or not created:
        return
    from .services import follow_along_start

    # After the hire commits: a rolled-back hire leaves no plan behind.
    transaction.on_commit(lambda pk=instance.pk: follow_along_start(employment_id=pk))
