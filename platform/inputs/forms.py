"""The one shape of a form post: a valid POST calls the service; what the service refuses (a
``ValidationError``) lands on the form, so the page shows it with the person's input kept.

Shared by every app's views (issue 19: one helper instead of a copy per app).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect

_Result = TypeVar("_Result")


def errors_to_form(form: forms.BaseForm | forms.BaseFormSet, error: ValidationError) -> None:
    """A service's ``ValidationError`` onto the form: on the field it names where the form has that
    field, else on the form as a whole (never the ValueError ``add_error`` raises for an unknown
    field, which would answer 500). On a formset: above its rows, with its own non-form errors."""
    if isinstance(form, forms.BaseFormSet):
        form.non_form_errors().extend(error.messages)
    else:
        errors_to_forms(error, form)


def errors_to_forms(error: ValidationError, *forms_: forms.BaseForm) -> None:
    """The same for one post that fills several forms on one page (say, a business and its
    placement): a field's errors on the first form that has that field, everything else on the
    last form as a whole."""
    last = forms_[-1]
    if not hasattr(error, "error_dict"):
        last.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        target = next((f for f in forms_ if name in f.fields), None)
        if target is None:
            last.add_error(None, errors)
        else:
            target.add_error(name, errors)


def save_form(
    request: HttpRequest, form: forms.BaseForm | forms.BaseFormSet, save: Callable[[Any], _Result]
) -> _Result | bool | None:
    """POST and valid → ``save(cleaned_data)``; its result (``True`` if it returns nothing), or
    ``None`` when nothing was saved: a GET, an invalid form, or a ``ValidationError`` from the
    service, which is then on the form. A formset's ``save`` gets its list of rows' data."""
    if request.method != "POST" or not form.is_valid():
        return None
    data = form.cleaned_data if isinstance(form, forms.BaseFormSet) else dict(form.cleaned_data)
    try:
        return save(data) or True
    except ValidationError as error:
        errors_to_form(form, error)
        return None


def model_choices(field: forms.ModelChoiceField, rows: Iterable[Any]) -> list:
    """What ``field`` draws (its empty label, then each row as its iterator shows it) for rows
    already read: a page reads its choices once (a kept statement) while the field's queryset still
    checks what is sent."""
    iterator = field.iterator(field)
    empty = [] if field.empty_label is None else [("", field.empty_label)]
    return [*empty, *(iterator.choice(row) for row in rows)]


def post_or_back_to(url_name: str, *kwarg_names: str) -> Callable:
    """For a form view that answers its errors with the page the form sits on, drawn at the form's
    own address: a GET there (the language switch, a bookmark) goes back to that page, where a bare
    ``require_POST`` would answer 405. ``kwarg_names`` are the URL's arguments the page takes."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                return view(request, *args, **kwargs)
            if request.method in ("GET", "HEAD"):
                return redirect(url_name, **{name: kwargs[name] for name in kwarg_names})
            return HttpResponseNotAllowed(["GET", "POST"])

        return wrapped

    return decorate
