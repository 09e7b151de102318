"""Form fields composed in Python (inputs/fields_html.py, issue 21) are the include's markup exactly.

The browse filter (every widget kind it has: select with and without an empty choice, text, number,
date, hidden) unbound, bound with valid input, bound with bad input (errors), in German and in
languages that translate the labels; plus a field with a help text, markup in a value and an
optgroup. Byte for byte: the page must not change by a character.
"""

from __future__ import annotations

from datetime import timedelta
from unittest.mock import patch

import pytest
from django import forms
from django.http import QueryDict
from django.template import engines
from django.utils import translation

from employers.filters import CandidateBrowseFilter
from inputs.fields_html import _rendered, field_html, fields_html
from tests.clock import TODAY

# "Today" is tests.clock.TODAY, in the test and in the app alike.
pytestmark = pytest.mark.usefixtures("frozen_today")

INCLUDE = engines["django"].from_string('{% include "includes/form_field.html" with field=field %}')
BROWSE_FIELDS = (
    "occupation",
    "skills",
    "skills_mode",
    "german",
    "postcode",
    "radius",
    "available_by",
    "hours",
    "kind",
    "sort",
    "size",
)

QUERIES = [
    None,
    {
        "german": "B1",
        "postcode": "44135",
        "radius": "20",
        "available_by": "2031-07-19",
        "hours": "20",
        "kind": "job",
        "sort": "hours",
        "size": "25",
        "skills_mode": "any",
    },
    {
        "german": "Z9",
        "postcode": "<script>alert(1)</script>",
        "radius": "-4",
        "available_by": "31.02.",
        "hours": 'x"y',
        "kind": "<b>",
        "sort": "no",
        "size": "7",
    },
    {"radius": "10", "available_by": "19.07.2031", "skills": ["http://esco/a", "http://esco/b"]},
]


@pytest.mark.parametrize("language", ["de", "en", "ar"])
@pytest.mark.parametrize("query", QUERIES)
def test_browse_filter_fields_render_as_the_include_does(query, language):
    with translation.override(language):
        filterset = CandidateBrowseFilter(query, queryset=None)
        form = filterset.form
        if query is not None:
            form.is_valid()
        for name in BROWSE_FIELDS:
            field = form[name]
            assert str(field_html(field)) == INCLUDE.render({"field": field}), name


class Odd(forms.Form):
    note = forms.CharField(help_text="Mit <em>Hinweis</em>", initial='"a" & <b>')
    pick = forms.ChoiceField(
        choices=[("Gruppe <1>", [("x", "X & Y"), (3, "drei")]), ("", "keins")], required=False
    )
    agree = forms.BooleanField(required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)


@pytest.mark.parametrize(
    "data", [None, {"note": "", "pick": "3", "agree": "on"}, {"note": "<x>", "pick": "nope"}]
)
def test_help_texts_optgroups_escaping_and_fallbacks_render_as_the_include_does(data):
    form = Odd(data)
    if data is not None:
        form.is_valid()
    for name in form.fields:
        assert str(field_html(form[name])) == INCLUDE.render({"field": form[name]}), name


def _fresh(query, language):
    with translation.override(language):
        filterset = CandidateBrowseFilter(query, queryset=None)
        if query is not None:
            filterset.form.is_valid()
        return filterset.form


def test_a_remembered_filter_form_is_the_same_bytes_for_the_same_input_only():
    """The browse page remembers its rendered filter fields per language, date and input: asked
    again, the same bytes; another input, another language or another day renders anew."""
    names = BROWSE_FIELDS[2:]
    bad = QueryDict("german=Z9&postcode=12&radius=-4")
    good = QueryDict("german=B1&postcode=44135&radius=20")

    def render(query, language):
        form = _fresh(query, language)
        with translation.override(language):
            return str(fields_html(form, names, scope="test", between="\n  ")), "\n  ".join(
                INCLUDE.render({"field": form[n]}) for n in names
            )

    for query, language in [(bad, "de"), (good, "de"), (bad, "de"), (bad, "en"), (None, "de"), (good, "de")]:
        remembered, rendered = render(query, language)
        assert remembered == rendered
    assert render(bad, "de")[0] != render(good, "de")[0] != render(good, "en")[0]
    tomorrow = TODAY + timedelta(days=1)
    with patch("inputs.fields_html.timezone.localdate", return_value=tomorrow):
        form = _fresh(bad, "de")
        fields_html(form, names, scope="test")
    assert sum(1 for key in _rendered if key[0] == "test" and key[4] == tomorrow) == 1
