from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _drop_search_index(**kwargs) -> None:
    from taxonomy.selectors import clear_search_index

    clear_search_index()


class TaxonomyConfig(AppConfig):
    name = "taxonomy"
    verbose_name = _("Taxonomie (ESCO, ISCO, GER)")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from taxonomy.models import Occupation, Skill

        # A label edited one by one (e.g. in the admin) must show in search at once; the bulk
        # loader sends no signals and clears the index itself.
        for model in (Occupation, Skill):
            for signal in (post_save, post_delete):
                signal.connect(
                    _drop_search_index, sender=model, dispatch_uid=f"taxonomy-index-{model.__name__}"
                )
