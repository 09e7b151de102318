"""Each message looked up once per language (config/i18n.py): the same answers as Django's own
lookup for every message of every catalogue, and a message marked safe never shares an answer
with an unmarked one."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import trans_real

from config.i18n import remember_translations

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _django_lookup(language: str, message: str) -> str:
    """What Django's lookup finds, past the remembered answers (the catalogues walked in order)."""
    t = trans_real.translation(language)
    while t is not None:
        found = t._catalog.get(message) if hasattr(t._catalog, "get") else None
        if found is not None:
            return found
        t = t._fallback
    return message


def test_the_lookup_is_remembered_once_installed():
    remember_translations()
    remember_translations()  # idempotent: wrapped once
    assert trans_real.DjangoTranslation._lotse_remembers is True
    assert trans_real.DjangoTranslation.gettext.__qualname__.startswith("remember_translations")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_of_every_catalogue_is_translated_as_django_translates_it(language):
    """Every msgid the project's catalogue holds, asked twice (looked up, then remembered), gives
    what Django's catalogues give; so do messages no catalogue holds."""
    catalogue = trans_real.translation(language)._catalog
    messages = [key for key in catalogue.keys() if isinstance(key, str) and key][:3000]  # noqa: SIM118 (no __iter__)
    messages += ["Zum Inhalt springen", "Menü", "nie übersetzt 4711", "a\nb", "Case Manager*innen"]
    assert len(messages) > 500
    with translation.override(language):
        for _ in range(2):
            for message in messages:
                assert translation.gettext(message) == _django_lookup(language, message), message


def test_a_translated_page_string_follows_the_active_language():
    template = Template('{% load i18n %}{% translate "Abmelden" %}')
    shown = {}
    for language in ("de", "en", "ar", "de"):
        with translation.override(language):
            shown.setdefault(language, set()).add(template.render(Context()))
    assert shown["de"] == {"Abmelden"}
    assert shown["en"] != shown["de"] and shown["ar"] != shown["de"]


def test_a_message_marked_safe_and_the_same_message_unmarked_keep_their_own_marking():
    """A remembered answer is a plain string: text that was marked safe once is escaped where it
    comes unmarked (a template escapes it), and stays marked where it comes marked."""
    text = "<b>nie übersetzt</b> 0815"
    with translation.override("de"):
        marked = translation.gettext(mark_safe(text))
        plain = translation.gettext(text)
        marked_again = translation.gettext(mark_safe(text))
    assert isinstance(marked, SafeData) and isinstance(marked_again, SafeData)
    assert type(plain) is str and not isinstance(plain, SafeData)
    rendered = Template("{{ m }}").render(Context({"m": plain}))
    assert rendered == "&lt;b&gt;nie übersetzt&lt;/b&gt; 0815"
