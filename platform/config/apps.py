from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LotseConfig(AppConfig):
    """The composition root as an app, so that its templates, template tags and static files are found."""

    name = "config"
    label = "config"
    verbose_name = _("Lotse-Konfiguration")

    def ready(self) -> None:
        from .i18n import remember_translations

        remember_translations()
