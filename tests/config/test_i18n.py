"""Languages and the shared base template: German first, English, right-to-left for Arabic and Farsi."""

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOST = {"HTTP_HOST": "127.0.0.1:8000"}


@pytest.mark.parametrize("code", ["ar", "fa"])
def test_arabic_and_farsi_pages_are_right_to_left(client, code):
    response = client.get(f"/{code}/", **HOST)

    assert response.status_code == 200
    assert f'<html lang="{code}" dir="rtl"' in response.content.decode()


def test_arabic_interface_strings_are_translated(client):
    html = client.get("/ar/", **HOST).content.decode()
    assert "انتقل إلى المحتوى الرئيسي" in html  # skip link
    assert "تسجيل الدخول" in html  # sign in


def test_ukrainian_is_left_to_right_and_translated(client):
    html = client.get("/uk/", **HOST).content.decode()
    assert '<html lang="uk" dir="ltr"' in html
    assert "Перейти до основного вмісту" in html


def test_german_is_the_default_without_prefix(client):
    html = client.get("/", **HOST).content.decode()
    assert '<html lang="de" dir="ltr"' in html
    assert "Zum Inhalt springen" in html


def test_english_app_pages_use_english_strings(client):
    html = client.get("/en/accounts/login/", **HOST).content.decode()
    assert '<html lang="en"' in html
    assert "Main navigation" in html
    assert "Change language" in html


def test_language_switcher_offers_every_language_in_its_own_name(client):
    html = client.get("/", **HOST).content.decode()
    assert 'action="/i18n/setlang/"' in html
    assert '<label class="kern-label kern-label--small" for="lotse-language-select">Sprache</label>' in html
    for code, _name in settings.LANGUAGES:
        assert f'value="{code}" lang="{code}"' in html
    assert "Українська" in html and "English" in html


def test_switching_language_sets_the_cookie_and_returns_to_the_translated_page(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"}, **HOST)

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_switching_to_an_unknown_language_changes_nothing(client):
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/"}, **HOST)

    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_base_shows_esco_attribution_and_legal_links(client):
    html = client.get("/", **HOST).content.decode()
    assert "ESCO classification © European Union" in html
    assert ">Impressum<" in html and ">Datenschutz<" in html


def test_signed_in_user_sees_my_area_and_a_logout_form(client):
    # Password "pw" and a verified, primary e-mail address, as the factory builds every user.
    user = UserFactory(email="klientin@lotse.example", display_name="", is_candidate=True)
    client.force_login(user)

    html = client.get("/", **HOST).content.decode()

    assert 'href="/app/"' in html and "Mein Bereich" in html
    assert '<form class="lotse-inline-form" method="post" action="/accounts/logout/">' in html


def test_unknown_address_gets_the_translated_404_page(client):
    response = client.get("/en/gibt-es-nicht/", **HOST)

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'lang="en"' in html


def test_500_page_renders_without_any_context():
    html = render_to_string("500.html")
    assert "Ein Fehler ist aufgetreten" in html
    assert "{%" not in html


def test_403_page_uses_the_product_layout(rf):
    request = rf.get("/")
    request.user = AnonymousUser()
    with translation.override("de"):
        html = render_to_string("403.html", request=request)
    assert "Kein Zugriff" in html and "Zum Inhalt springen" in html
