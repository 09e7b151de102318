"""The sentences of an anonymised card, composed in Python once per card (issue 21).

``_card.html`` used to compose them with ~20 ``{% translate %}``/``{% blocktranslate %}`` tags and
four loops per card; a page of 25 cards spent more CPU there than in all its reads. The msgids are
the template's, unchanged (the catalogues keep working), and values are localised as ``{{ value }}``
renders them. Everything here is plain text: the template escapes it like any other variable.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.urls import get_script_prefix, reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from candidates.models import REFERENCE_PATTERN

if TYPE_CHECKING:
    from .selectors import AnonymousCandidate, MatchRow

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
    if type(value) is str:
        return value
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)  # what localize gives an int without grouping, at a tenth of its cost
    return str(localize(value))


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


def _day(value) -> str:
    """``value|date:"d.m.Y"`` of a date, without parsing the format each time."""
    if type(value) is date:
        return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"
    return _v(date_filter(value, "d.m.Y"))


# (script prefix, language) -> the select link's address around the reference
_SELECT_HREF: dict[tuple[str, str | None], tuple[str, str]] = {}
_REFERENCE = re.compile(REFERENCE_PATTERN)


def _select_href(ref: str) -> str:
    """``{% url 'employers:select_candidate' ref %}``, escaped, reversed once per script prefix and
    language (the address differs only in the reference, which the converter passes unchanged)."""
    key = (get_script_prefix(), get_language())
    parts = _SELECT_HREF.get(key)
    if parts is None or not _REFERENCE.fullmatch(ref):
        href = conditional_escape(reverse("employers:select_candidate", args=[ref]))
        if _REFERENCE.fullmatch(ref) and href.count(ref) == 1:
            _SELECT_HREF[key] = tuple(href.split(ref))
        return href
    return f"{parts[0]}{ref}{parts[1]}"


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
    available = p["from"] % {"d": _day(card.available_from)} if card.available_from else p["now"]
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
        href = _select_href(card.ref)
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


# --- the explanation of a match (``_explanation.html``), composed in Python (issue 21) -------------


@lru_cache(maxsize=16)
def _explanation_words(language: str | None) -> dict[str, str]:
    # ``{% translate %}`` of a literal: not escaped (the literal is safe), so neither are these.
    return {
        "recognised": gettext("anerkannter Abschluss – zählt wie ein angegebener Beruf"),
        "listed": gettext("Angegeben:"),
        "met": gettext("Wesentliche Kompetenzen vorhanden:"),
        "missing": gettext("Wesentliche Kompetenzen fehlen noch:"),
        "focus": gettext(
            "Passend zu dieser Stelle: %(fitting)s von %(listed)s berufsbezogenen Kompetenzen im Profil "
            "(angegeben oder aus der Berufserfahrung abgeleitet). Die übrigen senken die "
            "Kompetenzpassung auf %(percent)s %%."
        ),
        "german_gap": gettext("Deutsch: %(have)s, gefordert %(need)s."),
        "bridged": gettext("Ihre Sprachförderung kann die Lücke schließen."),
        "not_bridged": gettext("Die Lücke wird nicht durch Sprachförderung überbrückt."),
        "german_met": gettext("Deutsch: %(have)s – erfüllt (gefordert %(need)s)."),
        "hours": gettext("Arbeitszeit: Stelle %(required)s Stunden pro Woche, die Person %(hours)s."),
        "no_hours": gettext("Arbeitszeit: keine Stundenzahl eingetragen."),
        "start": gettext("Verfügbar ab %(available)s, Stellenbeginn %(start)s."),
        "available": gettext("Verfügbar ab %(available)s."),
        "distance": gettext("Entfernung zum Arbeitsort: ca. %(km)s km"),
        "permit_open": gettext("Arbeitserlaubnis noch offen"),
        "permit": gettext("Arbeitserlaubnis:"),
        "from_recognised": gettext("Aus anerkanntem Abschluss als %(occupation)s:"),
        "from_occupation": gettext("Vermutlich, aus dem Beruf %(occupation)s:"),
    }


def _join(values) -> str:
    """``{{ values|join:", " }}``: each item escaped (not localised), as the filter does."""
    return ", ".join(str(v.__html__()) if hasattr(v, "__html__") else html.escape(str(v)) for v in values)


def _points_html(points) -> str:
    """``{% include "employers/_points.html" %}``, its trailing newline included."""
    if not points:
        return "\n"
    text = ngettext("−%(p)s Punkt", "−%(p)s Punkte", points) % {"p": _e(points)}
    return f' <span class="kern-hint" data-testid="points">({text})</span>\n'


def _occupation_value(occupation) -> str:
    # ``group.occupation.label|default:group.occupation``: the label, else the URI or the object
    return _e(getattr(occupation, "label", "") or occupation)


def explanation_html(m: MatchRow) -> SafeString:
    """What ``{% include "employers/_explanation.html" with m=m %}`` renders, without the template
    (issue 21: ~30 nodes and 5–8 ``blocktranslate`` per match, a third of the matches page's CPU).
    The msgids are the template's; values are localised and escaped as the template does it, the
    translated words not (``{% translate %}`` of a literal is not escaped either).
    ``tests/employers/test_explanation_html.py`` requires the template's bytes for every sample."""
    w = _explanation_words(get_language())
    notes = m.notes
    out = ['<ul class="kern-list">\n    ']
    if m.recognised:
        out.append(f'<li data-testid="recognised-qualification">{w["recognised"]}</li>')
    out.append("\n    ")
    if notes is not None and notes.inferred:
        count = notes.inferred_count
        text = ngettext(
            "%(listed)s von %(total)s wesentlichen Kompetenzen angegeben, %(n)s weitere zählt aus dem Beruf.",
            "%(listed)s von %(total)s wesentlichen Kompetenzen angegeben, %(n)s weitere zählen aus dem Beruf.",
            count,
        ) % {"listed": _e(len(notes.listed)), "total": _e(notes.essential_total), "n": _e(count)}
        out.append(f'<li data-testid="skills-listed">{text}\n        ')
        if notes.listed:
            out.append(f"<br>{w['listed']} {_join(notes.listed)}")
        out.append("\n        ")
        for group in notes.inferred:
            occupation = _occupation_value(group.occupation)
            if group.recognised:
                source = w["from_recognised"] % {"occupation": occupation}
            elif group.years:
                source = ngettext(
                    "Vermutlich, aus %(years)s Jahr als %(occupation)s:",
                    "Vermutlich, aus %(years)s Jahren als %(occupation)s:",
                    group.years,
                ) % {"years": _e(group.years), "occupation": occupation}
            else:
                source = w["from_occupation"] % {"occupation": occupation}
            out.append(f'<br><span data-testid="inferred-skills">{source} {_join(group.skills)}</span>')
        out.append("</li>\n    ")  # the template's line break before its ``{% elif %}``
    elif m.essential_met:
        out.append(f"<li>{w['met']} {_join(m.essential_met)}</li>")
    out.append("\n    ")
    if m.essential_missing:
        out.append(f"<li>{w['missing']} {_join(m.essential_missing)}</li>")
    out.append("\n    ")
    if m.skill_focus_percent < 100:
        text = w["focus"] % {
            "fitting": _e(m.skills_listed_fitting),
            "listed": _e(m.skills_listed),
            "percent": _e(m.skill_focus_percent),
        }
        out.append(f'<li data-testid="skill-focus">{text}</li>')
    out.append("\n    ")
    if m.german_required:
        if m.language_gap > 0:
            gap = w["german_gap"] % {"have": _e(m.german or "?"), "need": _e(m.german_required)}
            out.append(f"<li>{gap} {w['bridged'] if m.bridged else w['not_bridged']}</li>")
        else:
            met = w["german_met"] % {"have": _e(m.german), "need": _e(m.german_required)}
            out.append(f"<li>{met}</li>")
    out.append("\n    ")
    if notes is not None and notes.hours_points:
        if notes.hours is not None and notes.hours_required is not None:
            text = w["hours"] % {"required": _e(notes.hours_required), "hours": _e(notes.hours)}
        else:
            text = w["no_hours"]
        out.append(f'<li data-testid="hours">{text}{_points_html(notes.hours_points)}</li>')
    out.append("\n    ")
    if notes is not None and notes.days_late:
        available = _e(date_filter(notes.available_from, "SHORT_DATE_FORMAT"))
        if notes.start:
            text = w["start"] % {
                "available": available,
                "start": _e(date_filter(notes.start, "SHORT_DATE_FORMAT")),
            }
        else:
            text = w["available"] % {"available": available}
        out.append(f'<li data-testid="start">{text}{_points_html(notes.start_points)}</li>')
    out.append("\n    ")
    if m.distance_km is not None:
        out.append(f"<li>{w['distance'] % {'km': _e(m.distance_km)}}</li>")
    out.append("\n    ")
    if m.permit == "unknown":
        out.append(
            '<li><span class="kern-badge kern-badge--warning" data-testid="permit-open">'
            f'<span class="kern-label kern-label--small">{w["permit_open"]}</span></span></li>'
        )
    else:
        points = (
            _points_html(notes.permit_points)
            if notes is not None and notes.permit == "needs_approval"
            else ""
        )
        out.append(f"<li>{w['permit']} {_e(m.permit_note)}{points}</li>")
    out.append("\n</ul>\n")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped, as the template escapes it
