from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployersConfig(AppConfig):
    name = "employers"
    verbose_name = _("Arbeitgeber und Stellen")

    def ready(self) -> None:
        # Registers the re-ranker's source of decisions (introduction outcomes).
        from . import matching  # noqa: F401
