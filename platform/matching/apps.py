from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from taxonomy.signals import taxonomy_loaded

        from . import services

        # A reloaded taxonomy must not leave a stale ESCO index in any process.
        taxonomy_loaded.connect(lambda **kwargs: services.taxonomy_index_invalidate(), weak=False)
