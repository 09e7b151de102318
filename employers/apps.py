from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployersConfig(AppConfig):
    name = "employers"
    verbose_name = _("Arbeitgeber und Stellen")

    def ready(self) -> None:
        from .notices import register_kinds

        register_kinds()
        from candidates.hooks import register_status_provider

        from .selectors import candidate_status_items

        # Candidates see their introductions in plain words without candidates importing us.
        register_status_provider(candidate_status_items)
