"""German source, translations through wagtail-localize; Arabic and Farsi pages right to left."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.models import Translation

from cms.models import CandidateInfoPage, StandardPage
from demo.cms import CANDIDATE_INFO_DE, CANDIDATE_INFO_TRANSLATIONS, translate_page
from tests.cms.helpers import HOST
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def info(home) -> CandidateInfoPage:
    de = CANDIDATE_INFO_DE
    page = CandidateInfoPage(
        title=de["title"],
        slug="informationen",
        intro=de["intro"],
        body=[
            ("heading", de["h1"]),
            ("paragraph", f"<p>{de['p1']}</p>"),
            ("heading", de["h2"]),
            ("paragraph", f"<p>{de['p3']}</p>"),
        ],
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def translate(django_capture_on_commit_callbacks):
    """Translate like the demo does; wagtail-localize publishes on commit, so run those callbacks."""

    def run(page, code: str):
        texts = CANDIDATE_INFO_TRANSLATIONS[code]
        with django_capture_on_commit_callbacks(execute=True):
            translated = translate_page(
                page, language_code=code, strings={CANDIDATE_INFO_DE[k]: v for k, v in texts.items()}
            )
        translated.refresh_from_db()
        return translated

    return run


@pytest.mark.parametrize(("code", "direction"), [("ar", "rtl"), ("fa", "rtl"), ("uk", "ltr"), ("en", "ltr")])
def test_translated_candidate_page_renders_in_its_language_and_direction(
    client, info, code, direction, translate
):
    translated = translate(info, code)

    response = client.get(f"/{code}/informationen/", **HOST)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{code}" dir="{direction}"' in html
    assert f'<div lang="{code}" dir="{direction}">' in html
    assert CANDIDATE_INFO_TRANSLATIONS[code]["p1"] in html
    assert CANDIDATE_INFO_DE["p1"] not in html
    assert translated.locale.language_code == code
    assert translated.live


def test_arabic_page_links_to_the_other_languages(client, info, translate):
    for code in ("ar", "uk", "fa"):
        translate(info, code)

    html = client.get("/ar/informationen/", **HOST).content.decode()

    assert 'href="/uk/informationen/" lang="uk" hreflang="uk">Українська' in html
    assert 'href="/fa/informationen/" lang="fa" hreflang="fa">فارسی' in html
    assert 'href="/informationen/" lang="de" hreflang="de">Deutsch' in html


def test_german_page_stays_german_and_ltr(client, info, translate):
    translate(info, "ar")
    html = client.get("/informationen/", **HOST).content.decode()
    assert '<html lang="de" dir="ltr"' in html
    assert CANDIDATE_INFO_DE["p1"] in html


def test_untranslated_parent_in_another_language_is_marked_with_the_source_language(client, info, translate):
    # Translating a page creates its parents in the target tree as aliases of the German ones.
    translate(info, "ar")
    html = client.get("/ar/", **HOST).content.decode()
    assert '<html lang="ar" dir="rtl"' in html
    assert '<div lang="de" dir="ltr">' in html


def test_editors_see_the_translation_status(info, signed_in, django_user_model, translate):
    translated = translate(info, "ar")
    translation = Translation.objects.get(
        source__object_id=info.translation_key, target_locale__language_code="ar"
    )
    total, done = translation.get_progress()
    assert total == done > 0
    # A superuser as createsuperuser makes one (no display name), with a verified primary address.
    admin = UserFactory(email="redaktion@lotse.example", display_name="", is_staff=True, is_superuser=True)

    response = signed_in(admin).get(reverse("wagtailadmin_pages:edit", args=(translated.pk,)), **HOST)

    assert response.status_code == 200
    html = response.content.decode()
    # wagtail-localize's translation editor (segments with their status) replaces the page form.
    assert 'id="translation-editor"' in html or "translation-editor" in html
    assert "&quot;sourceLocale&quot;: {&quot;code&quot;: &quot;de&quot;" in html
    assert f"/cms-admin/localize/translate/{translation.pk}/pofile/download/" in html


def test_changed_source_strings_can_be_translated_again(info, translate):
    translate(info, "uk")
    info.intro = "Neuer Einleitungstext."
    info.save_revision().publish()

    uk = info.get_translation(Locale.objects.get(language_code="uk"))
    assert (
        uk.specific.intro == CANDIDATE_INFO_TRANSLATIONS["uk"]["intro"]
    )  # translations are never overwritten by the source


# --- German-only pages say so in the visitor's language ---------------------------------------


@pytest.fixture
def imprint(home) -> StandardPage:
    page = StandardPage(title="Impressum", slug="impressum", intro="Wer diese Seite betreibt.", body=[])
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def _notice(html: str) -> str:
    start = html.rindex("<aside", 0, html.index('data-testid="language-notice"'))
    return html[start : html.index("</aside>", start)]


def test_a_german_only_page_in_arabic_says_so_in_arabic_and_keeps_the_body_marked_german(client, imprint):
    response = client.get("/ar/impressum/", **HOST)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl"' in html
    notice = _notice(html)
    assert 'lang="ar" dir="rtl"' in notice.split(">")[0]
    # In Arabic: the German sentence is translated, and German is named in Arabic.
    assert "Diese Seite gibt es noch nicht" not in notice
    assert "الألمانية" in notice.replace("\u0651", "")
    assert "<ul" not in notice  # no other language to offer
    # The body after the notice is German, and says so.
    assert '<div lang="de" dir="ltr">' in html[html.index(notice) :]


def test_the_notice_links_to_the_languages_the_page_exists_in(client, info, translate):
    translate(info, "uk")
    translate(info, "en")

    notice = _notice(client.get("/fa/informationen/", **HOST).content.decode())

    assert 'href="/uk/informationen/" lang="uk" hreflang="uk">Українська' in notice
    assert 'href="/en/informationen/" lang="en" hreflang="en">English' in notice
    assert "/fa/" not in notice


def test_an_untranslated_copy_links_to_the_german_original(client, info, translate):
    translate(info, "ar")  # the home page gets an untranslated Arabic copy (an alias)

    html = client.get("/ar/", **HOST).content.decode()

    assert 'href="/" lang="de" hreflang="de">Deutsch' in _notice(html)


def test_a_page_missing_from_the_visitors_language_tree_is_served_in_german_not_404(
    client, info, imprint, translate
):
    # The Arabic tree exists (home page and the information page), the imprint is not in it.
    translate(info, "ar")

    response = client.get("/ar/impressum/", **HOST)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl"' in html
    assert 'data-testid="language-notice"' in html
    assert "Wer diese Seite betreibt." in html
    # The language switcher from the German imprint leads there.
    switched = client.post("/i18n/setlang/", {"language": "ar", "next": "/impressum/"}, **HOST)
    assert switched["Location"] == "/ar/impressum/"
    # What exists nowhere stays a 404.
    assert client.get("/ar/gibt-es-nicht/", **HOST).status_code == 404


def test_a_page_in_the_visitors_language_has_no_notice(client, info, translate):
    translate(info, "ar")
    assert 'data-testid="language-notice"' not in client.get("/ar/informationen/", **HOST).content.decode()
    assert 'data-testid="language-notice"' not in client.get("/informationen/", **HOST).content.decode()


def _teaser(html: str, title: str) -> str:
    start = html.rindex("<article", 0, html.index(title))
    return html[start : html.index("</article>", start)]


def test_a_teaser_of_a_german_only_page_is_marked_german_and_says_so_in_the_visitors_language(client, ihk):
    html = client.get("/uk/", **HOST).content.decode()  # the chamber's section exists only in German

    teaser = _teaser(html, "IHK Teststadt")
    assert teaser.startswith('<article class="kern-card lotse-teaser" lang="de" dir="ltr">')
    note = teaser[teaser.rindex("<p", 0, teaser.index('data-testid="teaser-language"')) :]
    assert 'lang="uk" dir="ltr"' in note.split(">")[0]


def test_a_teaser_shows_the_version_in_the_visitors_language_where_there_is_one(rf, info, translate):
    from django.template.loader import render_to_string
    from django.utils import translation

    translate(info, "ar")
    request = rf.get("/ar/", **HOST)

    with translation.override("ar"):
        teaser = render_to_string("cms/includes/teaser.html", {"item": info}, request=request)

    assert 'lang="ar" dir="rtl"' in teaser[teaser.index("<article") :].split(">")[0]
    assert CANDIDATE_INFO_TRANSLATIONS["ar"]["title"] in teaser
    assert 'href="/ar/informationen/"' in teaser
    assert 'data-testid="teaser-language"' not in teaser
