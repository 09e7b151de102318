"""Writes for the website. The migration 0002 makes the first home page; this does the same
for a database that lost it (a test flush, a wiped demo) and is safe to call repeatedly."""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Locale, Page, Site

from .models import HomePage

CONTENT_LOCALES = ("de", "en", "ar", "uk", "fa")
HOME_TITLE = "Lotse – Arbeit und Ausbildung für Geflüchtete"


@transaction.atomic
def home_page_ensure() -> HomePage:
    """The German home page as the default site's root, creating locales, page and site if missing."""
    for code in CONTENT_LOCALES:
        Locale.objects.get_or_create(language_code=code)
    german = Locale.objects.get(language_code="de")

    home = HomePage.objects.filter(locale=german).first()
    if home is None:
        root = Page.get_first_root_node()
        if root is None:
            root = Page.add_root(title="Root", slug="root", locale=german)
        home = root.add_child(
            instance=HomePage(
                title=HOME_TITLE,
                slug="home",
                locale=german,
                lead=(
                    "Lotse bringt zusammen, wer in der Kommune Geflüchtete auf dem Weg in Arbeit "
                    "und Ausbildung begleitet."
                ),
            )
        )
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Lotse"
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save(update_fields=["root_page"])
    return home
