"""Keep chamber editors' Wagtail groups in step with their memberships.

organisations must not know about cms, so cms listens to organisations' saves and deletes.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.roles import Role
from organisations.models import Membership


@receiver(post_save, sender=Membership, dispatch_uid="cms_chamber_editor_sync_save")
@receiver(post_delete, sender=Membership, dispatch_uid="cms_chamber_editor_sync_delete")
def _membership_changed(sender, instance: Membership, **kwargs) -> None:
    from django.contrib.auth import get_user_model

    from .services import chamber_editor_sync

    # Looked up afresh: when a user is deleted, their memberships go first and the user after.
    user = get_user_model().objects.filter(pk=instance.user_id).first()
    if user is None:
        return
    # Any change may matter: a role switched away from chamber_editor must lose the groups too.
    if instance.role == Role.CHAMBER_EDITOR or user.groups.exists():
        chamber_editor_sync(user=user)
