"""The sentences of an anonymised card, composed in Python once per card (issue 21).

``_card.html`` used to compose them with ~20 ``{% translate %}``/``{% blocktranslate %}`` tags and
four loops per card; a page of 25 cards spent more CPU there than in all its reads. The msgids are
the template's, unchanged (the catalogues keep working), and values are localised as ``{{ value }}``
renders them. Everything here is plain text: the template escapes it like any other variable.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.utils.formats import localize
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
