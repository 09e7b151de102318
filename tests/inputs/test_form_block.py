"""The one form block (includes/form_block.html, issue 19) every app's forms render through: the
person sees what is wrong with the form and with each field, keeps what she typed, and a screen
reader reaches a field's hint and errors from the field itself (aria-describedby names elements
that are on the page)."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.template import engines

from inputs.fields_html import field_html

BLOCK = engines["django"].from_string('{% include "includes/form_block.html" with form=the_form %}')


class MoveForm(forms.Form):
    postcode = forms.CharField(label="Postleitzahl", max_length=5, help_text="Fünf Ziffern")
    street = forms.CharField(label="Straße", required=False)
    agreed = forms.BooleanField(label="Einverstanden", help_text="Pflicht")
    key = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise ValidationError("Der Umzug ist schon eingetragen.")


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html))


def test_a_refused_form_shows_every_error_keeps_the_input_and_links_each_field_to_its_texts():
    form = MoveForm({"postcode": "4413<5>99", "street": "Am Markt 1"})
    assert not form.is_valid()
    html = BLOCK.render({"the_form": form})
    assert "Der Umzug ist schon eingetragen." in html  # the form as a whole
    assert html.count('class="kern-error"') == 2  # the postcode's and the box's errors
    assert "Postleitzahl" in html and "Straße" in html and "optional" in html
    assert 'value="4413&lt;5&gt;99"' in html and 'value="Am Markt 1"' in html  # input kept, escaped
    ids = _ids(html)
    described = re.findall(r'aria-describedby="([^"]+)"', html)
    assert described  # the fields point at something
    for names in described:
        assert set(names.split()) <= ids  # and what they point at is on the page
    assert "id_postcode_helptext" in described[0] and "id_postcode_error" in described[0]


def test_an_untouched_form_has_no_error_and_nothing_dangling():
    html = BLOCK.render({"the_form": MoveForm()})
    assert "kern-error" not in html and "kern-alert" not in html
    for names in re.findall(r'aria-describedby="([^"]+)"', html):
        assert set(names.split()) <= _ids(html)


def test_the_python_composed_field_links_its_errors_the_same_way():
    form = MoveForm({"postcode": "x" * 9})
    form.is_valid()
    html = str(field_html(form["postcode"]))
    assert 'aria-describedby="id_postcode_helptext id_postcode_error"' in html
    assert 'id="id_postcode_error"' in html
