"""``{{ form.field|form_field }}``: what ``{% include "includes/form_field.html" with field=… %}``
renders, composed in Python (inputs/fields_html.py) for pages that render a form on every request."""

from __future__ import annotations

from django import template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

from inputs.fields_html import field_html

register = template.Library()


@register.filter
def form_field(field: BoundField) -> SafeString:
    return field_html(field)
