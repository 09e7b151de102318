"""The card composed in Python (employers/card_text.py, issue 21) reads exactly as the template did.

``OLD_CARD`` is ``_card.html`` as it was before the cards' sentences moved to Python (commit
055bde6): every card below, in four languages and with the edge cases of the template's logic
(one year / fractional years, more than twelve skills, a language without a spoken level, a
recognised qualification without occupation, no distance, no date, half-given hours, markup in a
label), must show the same text in the same markup. Only the escaping of characters that need
none may differ, so both are compared after unescaping, with whitespace collapsed.
"""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from django.template import engines
from django.template.loader import render_to_string
from django.utils import translation

from employers.card_text import card_html
from employers.selectors import AnonymousCandidate

OLD_CARD = r"""{% load i18n %}{# One anonymised candidate: built from selectors.AnonymousCandidate only, never from a Candidate row. #}
<article class="lotse-card kern-card" data-testid="candidate-card">
  <div class="kern-card__body">
    <h3 class="kern-heading-small">{% if hide_ref and not card.occupations %}{% translate "Profil" %}{% else %}{{ card.title }}{% endif %}{% if not hide_ref %} <span class="kern-body kern-body--small">({% blocktranslate with ref=card.ref %}Profil {{ ref }}{% endblocktranslate %})</span>{% endif %}</h3>
    {% if card.occupations %}<p class="kern-body"><strong>{% translate "Berufserfahrung:" %}</strong>
      {% for label, years in card.occupations %}{{ label }} ({% if years == 1 %}{% translate "1 Jahr" %}{% else %}{% blocktranslate with years=years|floatformat:"-1" %}{{ years }} Jahre{% endblocktranslate %}{% endif %}){% if not forloop.last %}, {% endif %}{% endfor %}</p>{% endif %}
    {% if card.skills %}<p class="kern-body"><strong>{% translate "Kompetenzen:" %}</strong> {{ card.skills|slice:":12"|join:", " }}{% if card.skills|length > 12 %} …{% endif %}</p>{% endif %}
    {% if card.languages %}<p class="kern-body"><strong>{% translate "Sprachen:" %}</strong>
      {% for lang, spoken, written in card.languages %}{{ lang }} {% if spoken %}{% blocktranslate %}mündlich {{ spoken }}{% endblocktranslate %}{% endif %}{% if written %}, {% blocktranslate %}schriftlich {{ written }}{% endblocktranslate %}{% endif %}{% if not forloop.last %}; {% endif %}{% endfor %}</p>{% endif %}
    {% if card.recognised %}<p class="kern-body" data-testid="card-recognised"><strong>{% translate "Anerkannter Abschluss:" %}</strong>
      {% for occupation, level in card.recognised %}{% if occupation %}{{ occupation }} ({{ level }}){% else %}{{ level }}{% endif %}{% if not forloop.last %}, {% endif %}{% endfor %}</p>{% endif %}
    <ul class="kern-list lotse-facts">
      <li>{% translate "Entfernung:" %} {% if card.distance_km is not None %}{% blocktranslate with km=card.distance_km %}ca. {{ km }} km{% endblocktranslate %}{% else %}{% translate "unbekannt" %}{% endif %}</li>
      <li>{% translate "Verfügbar:" %} {% if card.available_from %}{% blocktranslate with d=card.available_from|date:"d.m.Y" %}ab {{ d }}{% endblocktranslate %}{% else %}{% translate "sofort" %}{% endif %}</li>
      <li>{% translate "Stunden pro Woche:" %} {% if card.hours_min or card.hours_max %}{{ card.hours_min|default:"–" }}–{{ card.hours_max|default:"–" }}{% else %}{% translate "keine Angabe" %}{% endif %}</li>
      <li>{% translate "Arbeitserlaubnis:" %} {{ card.permit_label }}</li>
    </ul>
    {% if select %}<a class="kern-btn kern-btn--primary kern-btn--small" href="{% url 'employers:select_candidate' card.ref %}{% if placement %}?placement={{ placement.pk }}{% endif %}"><span class="kern-label">{% translate "Kennenlernen anfragen" %}</span></a>{% endif %}
  </div>
</article>
"""

CARDS = [
    AnonymousCandidate(
        ref="K7M2P-9QX4T",
        occupations=(("Koch/Köchin", 6.0), ("Beikoch", 1.0), ("Spüler", 2.5), ("Küchenhilfe", 0.0)),
        skills=tuple(f"Kompetenz {i}" for i in range(14)),
        languages=(("Arabisch", "C2", "C1"), ("Deutsch", "B1", ""), ("Englisch", "", "A2")),
        german_spoken="B1",
        distance_km=12,
        available_from=date(2031, 7, 19),
        hours_min=23,
        hours_max=37,
        permit="may_work",
        permit_label="darf arbeiten",
        recognised=(("Koch/Köchin", "vollständig"), ("", "teilweise")),
    ),
    AnonymousCandidate(ref="AB12C-D34EF", permit="unknown", permit_label="noch offen"),
    AnonymousCandidate(
        ref="ZZ99Y-Y88X7",
        occupations=(("Koch <b>&</b> \"Chef\" 'x'", 1.0),),
        skills=("Tandoor-Ofen bedienen", "<script>alert(1)</script>"),
        languages=(("Dari", "C2", "C2"),),
        distance_km=0,
        hours_min=None,
        hours_max=40,
        permit_label="braucht Zustimmung der Ausländerbehörde",
    ),
    AnonymousCandidate(ref="QQ11W-W22E3", skills=tuple(f"S{i}" for i in range(12)), hours_min=20),
]


class _Placement:
    pk = 41


def _text(markup: str) -> str:
    return " ".join(html.unescape(markup).split())


@pytest.mark.parametrize("language", ["de", "en", "ar", "uk"])
@pytest.mark.parametrize(
    "extra", [{}, {"select": True}, {"select": True, "placement": _Placement()}, {"hide_ref": True}]
)
def test_a_card_reads_as_the_old_template_rendered_it(language, extra):
    old = engines["django"].from_string(OLD_CARD)
    with translation.override(language):
        for card in CARDS:
            expected = old.render({"card": card, **extra})
            got = render_to_string("employers/_card.html", {"card": card, **extra})
            assert _text(got) == _text(expected)


def test_markup_in_a_label_is_escaped_once():
    got = render_to_string("employers/_card.html", {"card": CARDS[2]})
    assert "<script>" not in got and "&lt;script&gt;alert(1)&lt;/script&gt;" in got
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in got and "&amp;amp;" not in got
    assert re.search(r"Tandoor-Ofen bedienen, &lt;script&gt;", got)


@pytest.mark.parametrize("language", ["de", "en", "ar", "uk"])
@pytest.mark.parametrize(
    "extra", [{}, {"select": True}, {"select": True, "placement": _Placement()}, {"hide_ref": True}]
)
def test_a_card_composed_in_python_is_the_templates_markup_byte_for_byte(language, extra):
    """The browse page renders its cards with ``card_html`` (issue 21); other pages include the
    template. Both must give the same bytes, escaping included."""
    with translation.override(language):
        for card in CARDS:
            expected = render_to_string("employers/_card.html", {"card": card, **extra})
            assert str(card_html(card, **extra)) == expected


def test_markup_in_a_label_stays_escaped_in_the_python_card():
    got = str(card_html(CARDS[2], select=True))
    assert "<script>" not in got and "&lt;script&gt;alert(1)&lt;/script&gt;" in got
    assert "&lt;b&gt;&amp;&lt;/b&gt; &quot;Chef&quot; &#x27;x&#x27;" in got and "&amp;amp;" not in got
