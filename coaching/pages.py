"""The page every short coaching form renders on (coaching/form.html): title, an optional line
under it, the form and a way back."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    title: str,
    back: tuple[str, object] | None,
    subtitle: str = "",
    status: int = 200,
) -> HttpResponse:
    """``back`` is a URL name and its argument (None for none), the link "Abbrechen" leads to."""
    return render(
        request,
        "coaching/form.html",
        {"form": form, "title": title, "subtitle": subtitle, "back": back},
        status=status,
    )
