"""Right-to-left done properly: isolate what must read left to right, mark text in another language.

In an Arabic or Farsi page the Unicode bidi algorithm reorders runs of digits and Latin text
("+49 (0)231 …" became "…231(0)49+", "44135 Dortmund" became "Dortmund 44135"). A ``<bdi dir="ltr">``
keeps such a run in its own order; ``lang`` lets screen readers and hyphenation use the right rules.

    {% load lotse_bidi %}
    {{ candidate.phone|ltr }}            phone numbers, postcodes, e-mail addresses, references, dates
    {{ organisation.name|lang:"de" }}    text that stays German on a page in another language
    {{ entry.occupation|esco_label }}    an ESCO label, marked with the language it is really in
    {{ person|isolate }}                 a name of unknown direction (dir="auto" by <bdi>)
    {{ goal.title|written_in:goal.title_lang }}  free text someone typed, in the language they wrote it in
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, get_language_bidi, get_language_info

from taxonomy.models import EN_FALLBACK

register = template.Library()


def _empty(value: object) -> bool:
    return value is None or value == ""


@register.filter
def ltr(value: object) -> SafeString | str:
    """``value`` isolated left to right, whatever the page's direction."""
    if _empty(value):
        return ""
    return format_html('<bdi dir="ltr">{}</bdi>', value)


@register.filter
def isolate(value: object) -> SafeString | str:
    """``value`` isolated with its direction taken from its own first strong character."""
    if _empty(value):
        return ""
    return format_html("<bdi>{}</bdi>", value)


def _primary(code: str | None) -> str:
    return (code or "").split("-")[0].split("_")[0].lower()


def _is_bidi(code: str) -> bool:
    try:
        return bool(get_language_info(code)["bidi"])
    except KeyError:
        return False


@register.filter
def lang(value: object, code: str) -> SafeString | str:
    """``value`` marked as written in ``code`` when that is not the page's language; with its
    direction when that differs from the page's (German inside Arabic reads left to right)."""
    if _empty(value):
        return ""
    code = _primary(code)
    if not code or code == _primary(get_language()):
        return format_html("{}", value)
    page_rtl = get_language_bidi()
    text_rtl = _is_bidi(code)
    if text_rtl == page_rtl:
        return format_html('<span lang="{}">{}</span>', code, value)
    return format_html('<span lang="{}" dir="{}">{}</span>', code, "rtl" if text_rtl else "ltr", value)


@register.filter
def written_in(value: object, code: str | None) -> SafeString | str:
    """Free text a person typed (a plan's goal, a note, her own words), marked with the language it
    was written in (the interface language at the time, stored beside it) and its own direction:
    staff write German for an Arabic reader, she may type Arabic into a German page. Text whose
    language was never recorded is German, the language everyone wrote in before it was."""
    if _empty(value):
        return ""
    return format_html('<span lang="{}" dir="auto">{}</span>', _primary(code) or "de", value)


def label_language(concept: object) -> str:
    """The language ``concept.label`` is really written in: the first ``label_<code>`` field
    (reader's language, English, German, then the others) that holds the shown text."""
    label = getattr(concept, "label", "")
    known = getattr(concept, "label_language", None)
    if known:
        return str(known)
    reader = _primary(get_language())
    order = [reader, "en", "de", *(c for c in ("uk", "ar", "fa") if c != reader)]
    for code in order:
        if label and getattr(concept, f"label_{code}", None) == label:
            # A Skill whose German label is ESCO's English one stands in for a missing German one.
            if code == "de" and getattr(concept, "label_de_source", "") == EN_FALLBACK:
                return "en"
            return code
    return "de"


@register.filter
def esco_label(concept: object) -> SafeString | str:
    """An ESCO occupation's or skill's label, with ``lang`` when it is not in the page's language."""
    if concept is None:
        return ""
    return lang(getattr(concept, "label", ""), label_language(concept))


# Arabic and Farsi separate list items with their own comma (U+060C), not the Latin one.
_LIST_COMMA = {"ar": "، ", "fa": "، "}


@register.simple_tag
def list_comma() -> str:
    """The comma between list items in the page's language."""
    return _LIST_COMMA.get(_primary(get_language()), ", ")
