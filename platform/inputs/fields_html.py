"""A form field as ``includes/form_field.html`` renders it, composed in Python (issue 21).

The employer's browse page renders nine filter fields on every request. Through the include and
Django's widget templates (one ``select_option.html`` include per option, one ``attrs.html`` per
tag) they cost more CPU than the ten cards below them. Here the same markup is built from the
widget's own context (``widget.get_context``: the same attributes, values, selected options and
the project renderer's bound field, so ``dir="ltr"`` on a postcode stays) with string joins.

Only what the page needs is done in Python: text-like ``<input>`` widgets and ``<select>``. Any
other widget, a checkbox or a hidden field falls back to the template, so the output is always the
template's. ``tests/inputs/test_fields_html.py`` compares both, errors and help texts included.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterable
from datetime import datetime, time
from threading import Lock

from django.forms import Form
from django.forms.boundfield import BoundField
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "number", "date", "email", "url", "password", "search", "tel", "time")
)
# Every widget template of Django that is only ``{% include "django/forms/widgets/input.html" %}``.
ANY_INPUT_TEMPLATES = INPUT_TEMPLATES | frozenset(
    f"django/forms/widgets/{name}.html" for name in ("checkbox", "color", "datetime", "file", "hidden")
)
SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"
ERROR_HTML = (
    '<p class="kern-error" role="alert"><span class="kern-icon kern-icon--danger kern-icon--small" '
    'aria-hidden="true"></span><span class="kern-body">{}</span></p>'
)


def _text(value) -> str:
    """``{{ value }}``: localized, made a string, then escaped (an object with ``__html__`` that is
    not a string is escaped too, as the template does)."""
    return conditional_escape(str(localize(value)))


def _attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_text(name)}")
        if value is not True:
            out.append(f'="{conditional_escape(str(value))}"')
    return "".join(out)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{conditional_escape(str(widget["value"]))}"'
    return f'<input type="{_text(widget.get("type", ""))}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            if isinstance(group_name, datetime | time):
                return None  # the template would show it in local time
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            if isinstance(option["label"], datetime | time):
                return None  # the template would show it in local time
            label = _text(option["label"])
            parts.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_attrs(option['attrs'])}>{label}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: dict) -> str | None:
    value = widget["value"]
    if value is not None and not isinstance(value, str):
        return None  # the template would localize it: leave that to the template
    shown = conditional_escape(value) if value else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{shown}</textarea>'


def widget_markup(template_name: str, widget: dict) -> str | None:
    """What Django's widget template ``template_name`` renders for the widget context ``widget``
    (``Widget.get_context(...)["widget"]``), stripped as the form renderer strips it, for inputs,
    selects and text areas; None for any other template (the template renders it)."""
    if template_name in ANY_INPUT_TEMPLATES:
        return _input(widget)
    if template_name == SELECT_TEMPLATE:
        return _select(widget)
    if template_name == TEXTAREA_TEMPLATE:
        return _textarea(widget)
    return None


def widget_html(field: BoundField) -> str | None:
    """``str(field)`` (``BoundField.as_widget``) for input, select and text area widgets; None for
    others."""
    widget = field.field.widget
    if field.field.show_hidden_initial or (
        widget.template_name not in INPUT_TEMPLATES
        and widget.template_name not in (SELECT_TEMPLATE, TEXTAREA_TEMPLATE)
    ):
        return None
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    return widget_markup(widget.template_name, context)


def _errors_html(field: BoundField) -> str:
    """The field's errors in the element its widget's aria-describedby names ({auto_id}_error)."""
    if not field.errors:
        return ""
    target = f' id="{conditional_escape(field.auto_id)}_error"' if field.auto_id else ""
    return f"<div{target}>{''.join(ERROR_HTML.format(conditional_escape(e)) for e in field.errors)}</div>"


def field_html(field: BoundField) -> SafeString:
    """What ``{% include "includes/form_field.html" with field=field %}`` renders."""
    if field.is_hidden and not field.field.show_hidden_initial:
        return mark_safe(f"\n{field}\n")  # noqa: S308 - the widget's markup, escaped where it is built
    html = None if field.widget_type == "checkbox" else widget_html(field)
    if html is None:
        return render_to_string("includes/form_field.html", {"field": field})
    errors = field.errors
    optional = (
        ""
        if field.field.required
        else f' <span class="kern-label__optional">– {conditional_escape(gettext("optional"))}</span>'
    )
    help_text = (
        f'<div class="kern-hint" id="{conditional_escape(field.auto_id)}_helptext">{field.help_text}</div>'
        if field.help_text
        else ""
    )
    return mark_safe(  # noqa: S308 - every value above is escaped, as the template escapes it
        "\n"
        f'\n<div class="kern-form-input{" kern-form-input--error" if errors else ""}">'
        f'\n  <label class="kern-label" for="{conditional_escape(field.id_for_label)}">'
        f"{conditional_escape(field.label)}{optional}</label>"
        f"\n  {help_text}"
        f"\n  {html}"
        f"\n  {_errors_html(field)}"
        "\n</div>\n\n"
    )


_rendered: OrderedDict[Hashable, SafeString] = OrderedDict()
_rendered_lock = Lock()
RENDERED_KEPT = 256


def fields_html(form: Form, names: Iterable[str], *, scope: str, between: str = "") -> SafeString:
    """:func:`field_html` of each named field, joined by ``between``, remembered per process for the
    same ``scope`` (one form on one page: the form class itself may be built per request, as
    django-filter does), field names, language, date (date fields' messages name today) and
    submitted data: a page that opens with the same filter form, or the same search again, renders
    it once. The markup is a function of exactly these (no user, no session): a remembered copy is
    the same bytes."""
    names = tuple(names)
    data = form.data
    submitted = (
        tuple(sorted((k, tuple(data.getlist(k))) for k in data if k in form.fields))
        if hasattr(data, "getlist")
        else tuple(sorted((k, str(v)) for k, v in data.items() if k in form.fields))
    )
    key = (scope, names, between, get_language(), timezone.localdate(), form.is_bound, submitted)
    with _rendered_lock:
        html = _rendered.get(key)
        if html is not None:
            _rendered.move_to_end(key)
            return html
    html = mark_safe(between.join(field_html(form[name]) for name in names))  # noqa: S308 - escaped by field_html
    with _rendered_lock:
        _rendered[key] = html
        while len(_rendered) > RENDERED_KEPT:
            _rendered.popitem(last=False)
    return html


def form_html(form: Form) -> SafeString:
    """Every field of ``form`` (``{% form_fields form %}``)."""
    return mark_safe("".join(field_html(field) for field in form))  # noqa: S308 - escaped by field_html


# Where a form's ``auto_id`` holds this, ``copy_html`` puts the copy's own key.
COPY = "{copy}"


def copy_html(fields: str, copy: int | str) -> SafeString:
    """An unbound form's fields drawn once (``form_html``, with ``COPY`` in its ``auto_id``) for one of
    its copies on a page, such as the step form under each goal: every copy gets ids of its own, so
    each label finds its own field, and the fields are drawn once, not once per copy."""
    return mark_safe(str(fields).replace(COPY, conditional_escape(str(copy))))  # noqa: S308 - drawn escaped
