"""Bounded input, the class behind "a 300-character e-mail gives 500": a form must never accept a
value longer than the column it is stored in. Django's EmailField accepts 320 characters by
default, our columns hold 254; a URLField column holds 200."""

from __future__ import annotations

import importlib
import inspect

import pytest
from django import forms

FORM_MODULES = [
    "candidates.forms",
    "employers.forms",
    "coaching.forms",
    "cms.forms",
    "organisations.forms",
    "employers.filters",
    "candidates.filters",
]
EMAIL_COLUMN, URL_COLUMN = 254, 200


def _form_fields():
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module_name:
                for field_name, field in cls.base_fields.items():
                    yield f"{module_name}.{name}.{field_name}", field


def test_the_walk_finds_the_forms():
    names = [name for name, _field in _form_fields()]
    assert any(name.endswith("InviteForm.email") or ".email" in name for name in names)
    assert len(names) > 100


def _column_for(field_name: str, default: int, model_field_class: type) -> int:
    """The narrowest column of that name in our models (a form field is stored in the column it is
    named after), or Django's default column when no model has one."""
    from django.apps import apps

    widths = [
        f.max_length
        for model in apps.get_models()
        if model.__module__.split(".")[0] in {"candidates", "employers", "coaching", "cms", "organisations"}
        for f in model._meta.get_fields()
        if isinstance(f, model_field_class) and f.name == field_name and f.max_length
    ]
    return min(widths) if widths else default


def test_no_e_mail_or_web_address_field_takes_more_than_its_column():
    from django.db import models

    too_long = [
        (name, field.max_length)
        for name, field in _form_fields()
        if (
            isinstance(field, forms.EmailField)
            and (field.max_length or 10**9)
            > _column_for(name.rsplit(".", 1)[1], EMAIL_COLUMN, models.EmailField)
        )
        or (
            isinstance(field, forms.URLField)
            and (field.max_length or 10**9) > _column_for(name.rsplit(".", 1)[1], URL_COLUMN, models.URLField)
        )
    ]
    assert too_long == []


@pytest.mark.django_db
def test_an_overlong_e_mail_is_a_form_error_not_a_500(make_member, signed_in):
    from organisations.models import MembershipInvitation

    lead = make_member("employer", lead=True)
    client = signed_in(lead)
    client.raise_request_exception = False
    organisation = lead.memberships.first().organisation
    address = "a" * 250 + "@example.org"
    response = client.post(
        f"/app/organisations/{organisation.pk}/members/", {"email": address, "role": "employer"}
    )
    assert response.status_code == 200, response.status_code  # the form again, with its error
    assert "254" in response.content.decode() or "höchstens" in response.content.decode()
    assert not MembershipInvitation.objects.filter(email__startswith="aaaa").exists()
