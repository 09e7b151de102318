"""The project's form renderer: fields that read left to right whatever the page's direction.

On an Arabic or Farsi page an input inherits ``dir="rtl"``: a typed phone number
"+49 (0)231 …" then shows as "…231(0)49+" and an e-mail address jumps about as it is typed.
Every form of the project renders through this renderer (``FORM_RENDERER``), so phone, e-mail,
URL and postcode inputs get ``dir="ltr"`` once, here, instead of in each form or template.
It also composes the markup of the common widgets in Python (``render``).

Every other field a person types words into (text inputs, text areas) gets ``dir="auto"``: Arabic
or Farsi typed into a German page, or German into an Arabic one, runs in its own direction. A
field whose model records the language its text was written in (``<name>_lang``, see the
``written_in`` filter) carries it as ``lang`` while it shows that text.
"""

from __future__ import annotations

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.forms.widgets import Textarea

from inputs.fields_html import widget_markup

LTR_INPUT_TYPES = {"email", "url", "tel"}
WORD_INPUT_TYPES = {"text", "search"}


def _is_phone(name: str) -> bool:
    return name == "phone" or name.endswith("_phone")


def _is_postcode(name: str) -> bool:
    return name == "postcode" or name.endswith("_postcode")


class LotseBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        name = self.name
        if getattr(widget, "input_type", None) in LTR_INPUT_TYPES or _is_phone(name) or _is_postcode(name):
            attrs.setdefault("dir", "ltr")
        if _is_phone(name):
            attrs.setdefault("inputmode", "tel")  # the phone keypad on a mobile
        if isinstance(widget, Textarea) or getattr(widget, "input_type", None) in WORD_INPUT_TYPES:
            attrs.setdefault("dir", "auto")
            written = self._written_in()
            if written:
                attrs.setdefault("lang", written)
        return attrs

    def _written_in(self) -> str:
        """The recorded language of the text this field shows from its model row, if any."""
        instance = getattr(self.form, "instance", None)
        if instance is None or self.form.is_bound or not getattr(instance, self.name, None):
            return ""
        return str(getattr(instance, f"{self.name}_lang", "") or "")


class LotseFormRenderer(DjangoTemplates):
    bound_field_class = LotseBoundField

    def render(self, template_name, context, request=None):
        # Inputs, selects and text areas are composed in Python (inputs.fields_html), the same bytes
        # as Django's widget templates at a fraction of the CPU: one include per option and per
        # attribute list made the widgets a fifth of the case page (issue 18).
        widget = context.get("widget") if request is None and len(context) == 1 else None
        if isinstance(widget, dict):
            html = widget_markup(template_name, widget)
            if html is not None:
                return html
        return super().render(template_name, context, request)
