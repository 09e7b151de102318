"""``{% form_fields form %}``: every field of a form as ``includes/form_field.html`` renders it,
composed in Python (``inputs.fields_html.field_html``; widgets it does not know fall back to the
include). The one form block of every app (``includes/form_block.html``) uses it: an include per
field cost more CPU than the rest of a form page (issue 18)."""

from __future__ import annotations

from django import template
from django.forms import Form
from django.utils.safestring import SafeString, mark_safe

from inputs.fields_html import copy_html, form_html

register = template.Library()


@register.simple_tag
def form_fields(form: Form | None) -> SafeString:
    if form is None or form == "":  # no form in the context: nothing, as the loop rendered
        return mark_safe("")
    return form_html(form)


@register.simple_tag
def form_copy(fields: str, copy: int | str) -> SafeString:
    """``{% form_copy step_fields goal.pk %}``: see ``inputs.fields_html.copy_html``."""
    return copy_html(fields, copy)
