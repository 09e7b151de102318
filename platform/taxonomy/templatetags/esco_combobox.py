"""``{% esco_combobox %}``: one ESCO field (occupation or skill) as a WAI-ARIA 1.2 combobox.

    {% load esco_combobox %}
    {% esco_combobox "skill" field=form.skill_label uri_field=form.skill_uri %}
    {% esco_combobox "occupation" id="occupation-search" name="q" label=… uri_name="occupation" uri_value=… %}
    {% esco_combobox "skill" id="skill-search" name="skill_q" label=… multi="skills" chosen=chosen_skills %}

The page loads taxonomy/static/taxonomy/combobox.js (in its ``extra_js`` block); the markup is
taxonomy/_combobox.html. A form field gives label, name, id, value, help text and errors; each may
also be given on its own (and then wins). ``multi`` names one hidden field per chosen concept
(several may be chosen, ``chosen`` holds their (URI, label) pairs); otherwise the chosen URI goes
to one hidden field (``uri_field`` or ``uri_name``/``uri_id``/``uri_value``).
"""

from __future__ import annotations

from django import template
from django.urls import reverse

register = template.Library()

SEARCH_URLS = {"occupation": "taxonomy:occupation_search", "skill": "taxonomy:skill_search"}


@register.inclusion_tag("taxonomy/_combobox.html")
def esco_combobox(
    kind: str,
    *,
    field=None,
    uri_field=None,
    id: str = "",  # noqa: A002 - the HTML attribute's name
    name: str = "",
    value: str = "",
    label: str = "",
    hint: str = "",
    errors=None,
    uri_name: str = "",
    uri_id: str = "",
    uri_value: str = "",
    multi: str = "",
    chosen=(),
) -> dict:
    if kind not in SEARCH_URLS:
        raise template.TemplateSyntaxError(f"esco_combobox: kind must be one of {sorted(SEARCH_URLS)}")
    input_id = id or (field.id_for_label if field is not None else f"{kind}-search")
    if value in ("", None) and field is not None:
        value = field.value()
    if uri_field is not None:
        uri_name = uri_name or uri_field.html_name
        uri_id = uri_id or uri_field.auto_id
        uri_value = uri_value or uri_field.value()
    return {
        "kind": kind,
        "url": reverse(SEARCH_URLS[kind]),
        "input_id": input_id,
        "name": name or (field.html_name if field is not None else "q"),
        "value": value or "",
        "label": label or (field.label if field is not None else ""),
        "hint": hint or (field.help_text if field is not None else ""),
        "errors": errors or (field.errors if field is not None else []),
        "uri_name": uri_name,
        "uri_id": uri_id or f"{input_id}-uri",
        "uri_value": uri_value or "",
        "multi": multi,
        "chosen": chosen or (),
    }
