"""Keep the first recorded German level of a candidate (the "at intake" value of the dashboard)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from candidates.models import LanguageSkill

from .models import FirstLanguageLevel


@receiver(post_save, sender=LanguageSkill, dispatch_uid="monitoring_first_language_level")
def remember_first_german_level(sender, instance: LanguageSkill, raw: bool = False, **kwargs) -> None:
    if raw or instance.language != "de" or not instance.spoken:
        return
    # get_or_create: only the first level ever saved counts; later changes are "now".
    FirstLanguageLevel.objects.get_or_create(
        candidate_id=instance.candidate_id, defaults={"spoken": instance.spoken}
    )
