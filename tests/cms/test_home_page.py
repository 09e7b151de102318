"""The site root is Lotse's German home page, made by cms' data migration."""

import pytest
from wagtail.models import Locale, Page, Site

from cms.models import HomePage
from cms.services import HOME_TITLE, home_page_ensure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOST = {"HTTP_HOST": "127.0.0.1:8000"}


def test_migration_makes_the_german_home_page_the_default_sites_root():
    home = HomePage.objects.get(locale__language_code="de")
    site = Site.objects.get(is_default_site=True)

    assert site.root_page_id == home.pk
    assert home.locale.language_code == "de"
    assert home.live
    assert home.title == HOME_TITLE
    # Wagtail's "Welcome to your new Wagtail site!" page is gone.
    assert not Page.objects.filter(title__startswith="Welcome").exists()


def test_migration_creates_every_content_locale():
    codes = set(Locale.objects.values_list("language_code", flat=True))
    assert {"de", "en", "ar", "uk", "fa"} <= codes


def test_site_root_serves_the_home_page_with_both_ways_in(client):
    response = client.get("/", **HOST)

    assert response.status_code == 200
    html = response.content.decode()
    assert HOME_TITLE in html
    assert "Für Arbeitgeber" in html
    assert "Für Klient*innen" in html
    assert '<html lang="de" dir="ltr"' in html


def test_call_to_action_without_a_chosen_page_leads_to_the_login(client):
    html = client.get("/", **HOST).content.decode()
    assert 'href="/accounts/login/"' in html


def test_call_to_action_leads_to_the_page_editors_chose(client):
    home = HomePage.objects.get(locale__language_code="de")
    target = home.add_child(instance=Page(title="Für Betriebe", slug="fuer-betriebe"))
    home.employer_cta_page = target
    home.save()

    html = client.get("/", **HOST).content.decode()

    assert 'href="/fuer-betriebe/"' in html


def test_body_blocks_are_rendered(client):
    home = HomePage.objects.get(locale__language_code="de")
    home.body = [
        ("heading", "Für Kammern"),
        ("paragraph", "<p>Willkommenslots*innen arbeiten mit.</p>"),
        (
            "call_to_action",
            {
                "title": "Mitmachen",
                "text": "",
                "link_label": "Jetzt anmelden",
                "page": None,
                "url": "/accounts/signup/",
            },
        ),
    ]
    home.save()

    html = client.get("/", **HOST).content.decode()

    assert "Für Kammern" in html
    assert "Willkommenslots*innen arbeiten mit." in html
    assert 'href="/accounts/signup/"' in html and "Jetzt anmelden" in html


def test_english_prefix_renders_the_same_page_with_english_interface(client):
    response = client.get("/en/", **HOST)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en" dir="ltr"' in html
    assert "Skip to main content" in html
    assert "Sign in" in html
    assert HOME_TITLE in html  # content stays German until editors translate it


def test_home_page_ensure_rebuilds_a_lost_home_page_and_site(client):
    Site.objects.all().delete()
    HomePage.objects.all().delete()

    home = home_page_ensure()
    again = home_page_ensure()

    assert again.pk == home.pk
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert client.get("/", **HOST).status_code == 200


def test_german_content_keeps_its_language_and_direction_inside_the_arabic_interface(client):
    html = client.get("/ar/", **HOST).content.decode()

    assert '<html lang="ar" dir="rtl"' in html
    assert '<div lang="de" dir="ltr">' in html


def test_editors_can_open_and_save_the_home_page_in_the_wagtail_admin(signed_in, django_user_model):
    # A superuser as createsuperuser makes one (no display name), with a verified primary address.
    admin = UserFactory(email="redaktion@lotse.example", display_name="", is_staff=True, is_superuser=True)
    client = signed_in(admin)
    home = HomePage.objects.get(locale__language_code="de")

    response = client.get(f"/cms-admin/pages/{home.pk}/edit/", **HOST)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Für Arbeitgeber" in html and "Einleitung" in html
