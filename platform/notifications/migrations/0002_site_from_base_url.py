"""The Sites framework's default site says "example.com" (allauth's mails: "Hallo von
example.com!"). Name it Lotse and give it the host of the one configured base URL."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations


def name_the_site(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    domain = urlsplit(settings.WAGTAILADMIN_BASE_URL).netloc or "localhost"
    Site.objects.update_or_create(pk=settings.SITE_ID, defaults={"domain": domain[:100], "name": "Lotse"})


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(name_the_site, migrations.RunPython.noop)]
