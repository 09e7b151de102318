from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Kommunen und Organisationen")

    def ready(self) -> None:
        from .audit_names import register

        register()
