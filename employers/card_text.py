"""The sentences of an anonymised card, composed in Python once per card (issue 21).

``_card.html`` used to compose them with ~20 ``{% translate %}``/``{% blocktranslate %}`` tags and
four loops per card; a page of 25 cards spent more CPU there than in all its reads. The msgids are
the template's, unchanged (the catalogues keep working), and values are localised as ``{{ value }}``
renders them. Everything here is plain text: the template escapes it like any other variable.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

if TYPE_CHECKING:
    from .selectors import AnonymousCandidate

SKILLS_SHOWN = 12


@dataclass(frozen=True)
class CardWords:
    """The card's fixed words in one language (translated once per process and language)."""

    profile: str
    experience: str
    skills: str
    languages: str
    recognised: str
    distance: str
    available: str
    hours: str
    permit: str
    select: str


@lru_cache(maxsize=16)
def card_words(language: str | None) -> CardWords:
    # gettext of the active language: the cache key is that language.
    return CardWords(
        profile=gettext("Profil"),
        experience=gettext("Berufserfahrung:"),
        skills=gettext("Kompetenzen:"),
        languages=gettext("Sprachen:"),
        recognised=gettext("Anerkannter Abschluss:"),
        distance=gettext("Entfernung:"),
        available=gettext("Verfügbar:"),
        hours=gettext("Stunden pro Woche:"),
        permit=gettext("Arbeitserlaubnis:"),
        select=gettext("Kennenlernen anfragen"),
    )


@lru_cache(maxsize=16)
def _phrases(language: str | None) -> dict[str, str]:
    return {
        "ref": gettext("Profil %(ref)s"),
        "one_year": gettext("1 Jahr"),
        "years": gettext("%(years)s Jahre"),
        "spoken": gettext("mündlich %(spoken)s"),
        "written": gettext("schriftlich %(written)s"),
        "km": gettext("ca. %(km)s km"),
        "unknown": gettext("unbekannt"),
        "from": gettext("ab %(d)s"),
        "now": gettext("sofort"),
        "no_entry": gettext("keine Angabe"),
    }


def _v(value) -> str:
    """A value as ``{{ value }}`` renders it (localised; the template escapes the whole sentence)."""
    return value if type(value) is str else str(localize(value))


@dataclass(frozen=True)
class CardText:
    words: CardWords
    ref: str
    occupations: str
    skills: str
    languages: str
    recognised: str
    distance: str
    available: str
    hours: str


def card_text(card: AnonymousCandidate) -> CardText:
    language = get_language()
    p = _phrases(language)
    occupations = ", ".join(
        f"{_v(label)} ({p['one_year'] if years == 1 else p['years'] % {'years': _v(floatformat(years, '-1'))}})"
        for label, years in card.occupations
    )
    skills = ", ".join(_v(s) for s in card.skills[:SKILLS_SHOWN])
    if len(card.skills) > SKILLS_SHOWN:
        skills += " …"
    languages = "; ".join(
        f"{_v(lang)} "
        + (p["spoken"] % {"spoken": _v(spoken)} if spoken else "")
        + (", " + p["written"] % {"written": _v(written)} if written else "")
        for lang, spoken, written in card.languages
    )
    recognised = ", ".join(
        f"{_v(occupation)} ({_v(level)})" if occupation else _v(level)
        for occupation, level in card.recognised
    )
    distance = p["unknown"] if card.distance_km is None else p["km"] % {"km": _v(card.distance_km)}
    if card.available_from:
        available = p["from"] % {"d": _v(date_filter(card.available_from, "d.m.Y"))}
    else:
        available = p["now"]
    if card.hours_min or card.hours_max:
        hours = f"{_v(card.hours_min or '–')}–{_v(card.hours_max or '–')}"
    else:
        hours = p["no_entry"]
    return CardText(
        words=card_words(language),
        ref=p["ref"] % {"ref": _v(card.ref)},
        occupations=occupations,
        skills=skills,
        languages=languages,
        recognised=recognised,
        distance=distance,
        available=available,
        hours=hours,
    )


def _e(value) -> str:
    """``{{ value }}``: localised, then escaped as ``conditional_escape`` does (Django's ``escape`` is
    ``html.escape``; called directly, without its lazy-string wrapper, it costs a third)."""
    value = _v(value)
    return value if hasattr(value, "__html__") else html.escape(value)


@lru_cache(maxsize=16)
def _escaped_words(language: str | None) -> CardWords:
    words = card_words(language)
    return CardWords(**{name: _e(getattr(words, name)) for name in words.__dataclass_fields__})


def card_html(
    card: AnonymousCandidate, *, select: bool = False, placement=None, hide_ref: bool = False
) -> SafeString:
    """What ``{% include "employers/_card.html" with card=card … %}`` renders, without the template
    (issue 21): a page of cards spent most of its rendering time in the include's ~25 nodes per card.
    Every value is escaped as the template escapes it; ``tests/employers/test_card_text.py``
    requires the same bytes as the template for every sample card."""
    t = card.text
    w = _escaped_words(get_language())
    heading = w.profile if hide_ref and not card.occupations else _e(card.title)
    if not hide_ref:
        heading += f' <span class="kern-body kern-body--small">({_e(t.ref)})</span>'
    occupations = (
        f'<p class="kern-body"><strong>{w.experience}</strong>\n      {_e(t.occupations)}</p>'
        if card.occupations
        else ""
    )
    skills = f'<p class="kern-body"><strong>{w.skills}</strong> {_e(t.skills)}</p>' if card.skills else ""
    languages = (
        f'<p class="kern-body"><strong>{w.languages}</strong>\n      {_e(t.languages)}</p>'
        if card.languages
        else ""
    )
    recognised = (
        f'<p class="kern-body" data-testid="card-recognised"><strong>{w.recognised}</strong>'
        f"\n      {_e(t.recognised)}</p>"
        if card.recognised
        else ""
    )
    link = ""
    if select:
        href = conditional_escape(reverse("employers:select_candidate", args=[card.ref]))
        if placement:
            href += f"?placement={_e(placement.pk)}"
        link = (
            f'<a class="kern-btn kern-btn--primary kern-btn--small" href="{href}">'
            f'<span class="kern-label">{w.select}</span></a>'
        )
    return mark_safe(  # noqa: S308 - every value above is escaped, as the template escapes it
        '\n<article class="lotse-card kern-card" data-testid="candidate-card">'
        '\n  <div class="kern-card__body">'
        f'\n    <h3 class="kern-heading-small">{heading}</h3>'
        f"\n    {occupations}"
        f"\n    {skills}"
        f"\n    {languages}"
        f"\n    {recognised}"
        '\n    <ul class="kern-list lotse-facts">'
        f"\n      <li>{w.distance} {_e(t.distance)}</li>"
        f"\n      <li>{w.available} {_e(t.available)}</li>"
        f"\n      <li>{w.hours} {_e(t.hours)}</li>"
        f"\n      <li>{w.permit} {_e(card.permit_label)}</li>"
        "\n    </ul>"
        f"\n    {link}"
        "\n  </div>"
        "\n</article>\n"
    )
