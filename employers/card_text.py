"""The sentences of an anonymised card, composed in Python once per card (issue 21).

``_card.html`` used to compose them with ~20 ``{% translate %}``/``{% blocktranslate %}`` tags and
four loops per card; a page of 25 cards spent more CPU there than in all its reads. The msgids are
the template's, unchanged (the catalogues keep working), and the escaping is the template's: the
translation itself is trusted (as ``{% translate %}`` and ``{% blocktranslate %}`` output it), every
value from the record is localised and escaped (as ``{{ value }}`` inside ``blocktranslate``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
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

    profile: SafeString
    experience: SafeString
    skills: SafeString
    languages: SafeString
    recognised: SafeString
    distance: SafeString
    available: SafeString
    hours: SafeString
    permit: SafeString
    select: SafeString


@lru_cache(maxsize=16)
def card_words(language: str | None) -> CardWords:
    # gettext of the active language: the cache key is that language.
    return CardWords(
        profile=mark_safe(gettext("Profil")),
        experience=mark_safe(gettext("Berufserfahrung:")),
        skills=mark_safe(gettext("Kompetenzen:")),
        languages=mark_safe(gettext("Sprachen:")),
        recognised=mark_safe(gettext("Anerkannter Abschluss:")),
        distance=mark_safe(gettext("Entfernung:")),
        available=mark_safe(gettext("Verfügbar:")),
        hours=mark_safe(gettext("Stunden pro Woche:")),
        permit=mark_safe(gettext("Arbeitserlaubnis:")),
        select=mark_safe(gettext("Kennenlernen anfragen")),
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
    """A value as ``{{ value }}`` renders it: localised, then escaped."""
    return conditional_escape(localize(value))


@dataclass(frozen=True)
class CardText:
    words: CardWords
    ref: SafeString
    occupations: SafeString
    skills: SafeString
    languages: SafeString
    recognised: SafeString
    distance: SafeString
    available: SafeString
    hours: SafeString


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
        f"{_v(occupation)} ({_v(level)})" if occupation else _v(level) for occupation, level in card.recognised
    )
    if card.distance_km is not None:
        distance = p["km"] % {"km": _v(card.distance_km)}
    else:
        distance = p["unknown"]
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
        ref=mark_safe(p["ref"] % {"ref": _v(card.ref)}),
        occupations=mark_safe(occupations),
        skills=mark_safe(skills),
        languages=mark_safe(languages),
        recognised=mark_safe(recognised),
        distance=mark_safe(distance),
        available=mark_safe(available),
        hours=mark_safe(hours),
    )
