from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def name_the_site(using: str = "default", **kwargs) -> None:
    """The Sites framework's site is "Lotse" at the host of the one configured base URL (allauth's
    mails greet with its name: never "example.com"). Runs after every migrate and every test
    flush, before django.contrib.sites would create its example.com default."""
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.contrib.sites.models import Site

    domain = urlsplit(settings.WAGTAILADMIN_BASE_URL).netloc or "localhost"
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain[:100], "name": "Lotse"}
    )
    Site.objects.clear_cache()


class NotificationsConfig(AppConfig):
    name = "notifications"
    label = "notifications"
    verbose_name = _("Benachrichtigungen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(name_the_site, sender=self, dispatch_uid="notifications.name_the_site")
        # A person's notices are part of their GDPR export and go with their erasure.
        from .privacy import register_privacy

        register_privacy()
