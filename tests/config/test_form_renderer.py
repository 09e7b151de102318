"""The project's form renderer composes inputs, selects and text areas in Python (config/forms.py,
inputs/fields_html.py, issue 18), and the form block composes its fields in Python
(``{% form_fields %}``). Both must be Django's templates' markup byte for byte: every field of every
form of the project, unbound and bound with bad input (errors), in German and in Arabic; and any
value, attribute and label a person could type, drawn at random.
"""

from __future__ import annotations

import importlib
import inspect
from datetime import date

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import engines
from django.utils import translation
from django.utils.translation import gettext_lazy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.forms import LotseBoundField, LotseFormRenderer
from inputs.fields_html import widget_markup

pytestmark = pytest.mark.usefixtures("frozen_today")

FORM_MODULES = (
    "candidates.forms",
    "cms.forms",
    "coaching.forms",
    "employers.forms",
    "monitoring.forms",
    "api.forms",
    "inputs.forms",
    "notifications.forms",
    "organisations.forms",
    "webhooks.forms",
    "employers.filters",
    "allauth.account.forms",
    "allauth.mfa.base.forms",
    "allauth.mfa.totp.forms",
)
BLOCK = engines["django"].from_string('{% include "includes/form_block.html" %}')
# What includes/form_block.html was before {% form_fields %}: one include per field.
BLOCK_BEFORE = engines["django"].from_string(
    '{% include "includes/form_errors.html" %}\n'
    '{% for field in form %}{% include "includes/form_field.html" with field=field %}{% endfor %}\n'
)
JUNK = {"title": "<b>x</b>", "text": '"&', "email": "a@", "postcode": "4413x", "date": "31.02.2030"}


class TemplateRenderer(DjangoTemplates):
    """Django's widget templates with the project's bound field: what the renderer replaced."""

    bound_field_class = LotseBoundField


def _project_forms() -> list[type[forms.BaseForm]]:
    found = {}
    for name in FORM_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        for obj in vars(module).values():
            if (
                inspect.isclass(obj)
                and issubclass(obj, forms.BaseForm)
                and obj.__module__ == module.__name__
                and not inspect.isabstract(obj)
            ):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
        # django-filter filtersets carry their form class
        for obj in vars(module).values():
            if inspect.isclass(obj) and hasattr(obj, "base_filters") and obj.__module__ == module.__name__:
                try:
                    found[f"{obj.__module__}.{obj.__qualname__}.form"] = type(obj(None, queryset=None).form)
                except Exception:  # noqa: BLE001 - a filterset that needs more than a queryset
                    continue
    return [found[key] for key in sorted(found)]


def _instances(form_class: type[forms.BaseForm]):
    """The form unbound and bound with bad input, when it can be built without arguments."""
    for data in (None, {name: JUNK.get(name, "<x>") for name in form_class.base_fields}):
        try:
            form = form_class(data)
        except (TypeError, ValueError, KeyError, AttributeError):
            return  # it needs arguments (a case, a user, a model)
        if data is not None:
            try:
                form.is_valid()
            except AttributeError:
                return  # a choice field whose form sets its queryset from an argument
        yield form


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["de", "ar"])
def test_every_field_of_every_project_form_renders_as_the_widget_templates(language):
    compared = fast = 0
    kinds = set()
    with translation.override(language):
        for form_class in _project_forms():
            for form in _instances(form_class):
                for name in form.fields:
                    field = form[name]
                    form.renderer = TemplateRenderer()
                    try:
                        rendered = str(field)
                    except AttributeError:
                        continue  # a choice field whose form sets its choices from an argument
                    form.renderer = LotseFormRenderer()
                    assert str(field) == rendered, f"{form_class.__qualname__}.{name}"
                    compared += 1
                    widget = field.field.widget
                    template_name = getattr(widget, "template_name", "")
                    if widget_markup(template_name, widget.get_context(name, field.value(), {})["widget"]):
                        fast += 1
                        kinds.add(template_name.rsplit("/", 1)[-1])
    # The comparison covers the project's forms, not a handful.
    assert compared >= 600, compared
    assert fast >= 500, fast
    assert {"text.html", "select.html", "textarea.html", "hidden.html", "checkbox.html", "date.html"} <= kinds


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["de", "en", "fa"])
def test_the_form_block_renders_as_one_include_per_field(language):
    blocks = 0
    with translation.override(language):
        for form_class in _project_forms():
            for form in _instances(form_class):
                form.renderer = LotseFormRenderer()
                try:
                    before = BLOCK_BEFORE.render({"form": form})
                except AttributeError:
                    continue  # as above
                assert BLOCK.render({"form": form}) == before, form_class
                blocks += 1
    assert blocks >= 60, blocks
    # No form in the context renders nothing, as the loop did.
    assert BLOCK.render({}) == BLOCK_BEFORE.render({})


# --- random input ----------------------------------------------------------------------------------

TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ['"', "'", "<script>", "&amp;", "a&b", "\u202e", "\u0627\u0644\u0639\u0631\u0628\u064a\u0629", ""]
    ),
)
VALUE = st.one_of(st.none(), TEXT, st.integers(-(10**6), 10**6), st.dates(date(1900, 1, 1), date(2100, 1, 1)))
ATTRS = st.dictionaries(
    st.sampled_from(
        ["placeholder", "class", "maxlength", "aria-describedby", "required", "disabled", "data-x"]
    ),
    st.one_of(st.booleans(), TEXT, st.integers(0, 500), st.just(gettext_lazy("optional"))),
    max_size=4,
)


class Marked:
    """A label that is not a string but has ``__html__``: the template makes it a string first,
    so its ``__str__`` is what shows, escaped."""

    def __html__(self) -> str:
        return "<b>trusted?</b>"

    def __str__(self) -> str:
        return "<i>typed</i> & more"


LABEL = st.one_of(TEXT, st.just(gettext_lazy("Suche")), st.builds(Marked), st.integers(-5000, 5000))
CHOICES = st.lists(st.tuples(st.one_of(TEXT, st.integers(0, 99)), LABEL), max_size=6)
GROUP = st.one_of(TEXT.filter(bool), st.dates(date(2000, 1, 1), date(2030, 1, 1)), st.builds(Marked))
WIDGETS = st.one_of(
    st.builds(forms.TextInput),
    st.builds(forms.EmailInput),
    st.builds(forms.NumberInput),
    st.builds(forms.DateInput),
    st.builds(forms.HiddenInput),
    st.builds(forms.PasswordInput, render_value=st.booleans()),
    st.builds(forms.CheckboxInput),
    st.builds(forms.Textarea),
    st.builds(forms.Select, choices=CHOICES),
    st.builds(
        forms.Select,
        choices=st.lists(st.tuples(GROUP, CHOICES), min_size=1, max_size=3),  # optgroups
    ),
    st.builds(forms.SelectMultiple, choices=CHOICES),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(widget=WIDGETS, name=TEXT, value=st.one_of(VALUE, st.lists(VALUE, max_size=3)), attrs=ATTRS)
def test_any_value_attribute_and_label_renders_as_the_widget_templates(widget, name, value, attrs):
    composed = widget.render(name, value, attrs, renderer=LotseFormRenderer())
    assert composed == widget.render(name, value, attrs, renderer=TemplateRenderer())
