from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LotseConfig(AppConfig):
    """The composition root as an app, so that its templates, template tags and static files are found."""

    name = "config"
    label = "config"
    verbose_name = _("Lotse-Konfiguration")

    def ready(self) -> None:
        from django.core import checks

        from .checks import process_cache_defined
        from .i18n import remember_translations

        checks.register(process_cache_defined)

        remember_translations()
