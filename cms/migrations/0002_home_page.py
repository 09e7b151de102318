"""Replace Wagtail's welcome page with Lotse's German home page and make it the site root.

Also creates the content locales (de, en, ar, uk, fa) so that editors can translate pages.
Self-contained on purpose: it uses the historical models only, never the app's code.
"""

import json
import uuid

from django.db import migrations
from django.utils import timezone

LOCALES = ["de", "en", "ar", "uk", "fa"]
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's MP_Node alphabet, steplen 4

TITLE = "Lotse – Arbeit und Ausbildung für Geflüchtete"
LEAD = (
    "Lotse bringt zusammen, wer in der Kommune Geflüchtete auf dem Weg in Arbeit und Ausbildung "
    "begleitet: Integrationsmanagement, Jobcenter, Agentur für Arbeit, Ehrenamt, Beratungsstellen, "
    "Betriebe und Kammern – mit einer Stelle für alle Beteiligten."
)
BODY = [
    {"type": "heading", "value": "So arbeitet Lotse"},
    {
        "type": "paragraph",
        "value": (
            "<p>Klient*innen entscheiden selbst, wer welche Angaben sehen darf. Case Manager*innen "
            "und Jobcoaches begleiten von der ersten Beratung bis nach der Einstellung. Betriebe "
            "finden passende Bewerber*innen – anonym, bis beide Seiten zustimmen.</p>"
        ),
    },
    {"type": "heading", "value": "Für Kommunen und Kammern"},
    {
        "type": "paragraph",
        "value": (
            "<p>Integrationskoordination, Willkommenslots*innen von IHK und HWK und Beratungsstellen "
            "arbeiten in Lotse mit denselben Fällen, ohne Daten doppelt zu erfassen.</p>"
        ),
    },
]


def _next_child_path(Page, parent):
    last = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("-path").first()
    number = 0
    if last is not None:
        number = 0
        for char in last.path[-4:]:
            number = number * len(_ALPHABET) + _ALPHABET.index(char)
        number += 1
    step = ""
    for _ in range(4):
        number, rest = divmod(number, len(_ALPHABET))
        step = _ALPHABET[rest] + step
    return parent.path + step


def create_home_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Locale = apps.get_model("wagtailcore.Locale")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("cms.HomePage")

    for code in LOCALES:
        Locale.objects.get_or_create(language_code=code)
    german = Locale.objects.get(language_code="de")

    if HomePage.objects.exists():
        return
    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is None:  # wagtailcore's own initial data always makes one; be safe anyway
        return

    home_type, _ = ContentType.objects.get_or_create(app_label="cms", model="homepage")
    now = timezone.now()
    home = HomePage.objects.create(
        title=TITLE,
        draft_title=TITLE,
        slug="home",
        content_type=home_type,
        path=_next_child_path(Page, root),
        depth=2,
        numchild=0,
        url_path="/home/",
        live=True,
        has_unpublished_changes=False,
        first_published_at=now,
        last_published_at=now,
        locale=german,
        translation_key=uuid.uuid4(),
        lead=LEAD,
        body=json.dumps([dict(block, id=str(uuid.uuid4())) for block in BODY]),
        employer_cta_label="Für Arbeitgeber",
        employer_cta_text=(
            "Stellen, Ausbildungsplätze und Praktika anbieten, passende Bewerber*innen finden "
            "und bei Fragen direkt den Jobcoach erreichen."
        ),
        candidate_cta_label="Für Klient*innen",
        candidate_cta_text=(
            "Das eigene Profil pflegen, selbst entscheiden, wer was sehen darf, "
            "und den Stand der Bewerbungen in der eigenen Sprache sehen."
        ),
    )

    # Point every site that showed Wagtail's welcome page (or the default site) at the new home
    # *before* deleting the welcome page: Site.root_page cascades.
    welcome = Page.objects.filter(
        depth=2, slug="home", content_type__app_label="wagtailcore", content_type__model="page"
    ).first()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page_id=home.pk, is_default_site=True)
    else:
        site.root_page_id = home.pk
        site.site_name = "Lotse"
        site.save()
    if welcome is not None:
        Site.objects.filter(root_page_id=welcome.pk).update(root_page_id=home.pk)
        welcome.delete()
    root.numchild = Page.objects.filter(path__startswith=root.path, depth=2).count()
    root.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_home_page, migrations.RunPython.noop)]
