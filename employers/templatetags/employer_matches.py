"""The matches page's list composed in Python (issue 21): 25 sections of ~15 template nodes each
(score, card, explanation, shortlist form with its CSRF token) were the page's largest CPU item."""

from __future__ import annotations

import html
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from employers.card_text import _e

register = template.Library()


@register.simple_tag(takes_context=True)
def match_sections(context: template.Context, match_cards: list[tuple[Any, str, str]]) -> SafeString:
    """What ``placement_matches.html``'s loop over ``match_cards`` rendered, byte for byte: the
    page's CSRF token, words (``note_label``, ``save_note``, ``shortlist_add``) and shortlist URL
    from the template's context, every value escaped as ``{{ }}`` escapes it."""
    token = context.get("csrf_token")
    csrf = (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{html.escape(str(token))}">'
        if token and token != "NOTPROVIDED"  # noqa: S105 - the csrf_token tag's marker, no password
        else ""
    )
    next_path = html.escape(context["request"].get_full_path())
    action = _e(context.get("shortlist_url", ""))
    note_label, save_note, add = (
        _e(context.get(k, "")) for k in ("note_label", "save_note", "shortlist_add")
    )
    score = gettext("Passung: %(s)s von 100")
    out = []
    for m, card, explanation in match_cards:
        ref = _e(m.card.ref)
        out.append(
            '\n<section class="lotse-match" data-testid="match">'
            f"\n  {card}"
            f'\n  <p class="kern-body"><strong>{score % {"s": _e(m.score)}}</strong></p>'
            f"\n  {explanation}"
            f'\n  <form method="post" action="{action}" class="lotse-inline-form">{csrf}'
            f'\n    <input type="hidden" name="candidate" value="{ref}">'
            f'<input type="hidden" name="next" value="{next_path}">'
            f'\n    <label class="kern-label" for="note-{ref}">{note_label}</label>'
            f'\n    <input class="kern-form-input__input" id="note-{ref}" name="note" maxlength="500"'
            f' value="{_e(m.note)}">'
            '\n    <button class="kern-btn kern-btn--secondary kern-btn--small"><span class="kern-label">'
            f"{save_note if m.shortlisted else add}</span></button>"
            "\n  </form>"
            "\n</section>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped, as the template escapes it
