"""The one form-post helper (inputs.forms): a valid POST calls the service once, a refusal lands on
the form with the input kept, and nothing is saved on a GET or an invalid form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from inputs.forms import errors_to_form, errors_to_forms, save_form


class NameForm(forms.Form):
    name = forms.CharField(max_length=20)


def _post(data: dict):
    return RequestFactory().post("/", data)


def test_a_valid_post_calls_the_service_once_and_returns_its_result():
    calls = []
    form = NameForm({"name": "Amina"})
    result = save_form(_post({"name": "Amina"}), form, lambda d: calls.append(d) or "saved")
    assert result == "saved" and calls == [{"name": "Amina"}]


def test_a_service_that_returns_nothing_still_counts_as_saved():
    assert save_form(_post({"name": "Amina"}), NameForm({"name": "Amina"}), lambda d: None) is True


def test_nothing_is_saved_on_a_get_or_an_invalid_form():
    def never(data):
        raise AssertionError("the service must not run")

    assert save_form(RequestFactory().get("/"), NameForm(), never) is None
    invalid = NameForm({"name": "x" * 21})
    assert save_form(_post({"name": "x" * 21}), invalid, never) is None
    assert "name" in invalid.errors


def test_a_refusal_lands_on_the_form_with_the_input_kept():
    form = NameForm({"name": "Amina"})

    def refuse(data):
        raise ValidationError({"name": "Schon vergeben.", "elsewhere": "Nicht erlaubt."})

    assert save_form(_post({"name": "Amina"}), form, refuse) is None
    assert form.errors["name"] == ["Schon vergeben."]
    # A field the form does not have goes to the form as a whole (add_error would raise: a 500).
    assert form.non_field_errors() == ["Nicht erlaubt."]
    assert form["name"].value() == "Amina"


def test_a_plain_refusal_goes_to_the_form_as_a_whole():
    form = NameForm({"name": "Amina"})
    form.is_valid()
    errors_to_form(form, ValidationError("Bitte später noch einmal."))
    assert form.non_field_errors() == ["Bitte später noch einmal."]


class CityForm(forms.Form):
    city = forms.CharField(max_length=20)


def test_one_refusal_over_two_forms_lands_on_the_form_with_the_field():
    """A page that posts two forms at once (a business and its placement): each field's error
    stands at its field, whichever form has it; the rest above the last form."""
    first, last = NameForm({"name": "Amina"}), CityForm({"city": "Dortmund"})
    first.is_valid(), last.is_valid()
    errors_to_forms(
        ValidationError({"name": "Schon vergeben.", "city": "Nicht hier.", "elsewhere": "Nicht erlaubt."}),
        first,
        last,
    )
    assert first.errors == {"name": ["Schon vergeben."]}
    assert last.errors["city"] == ["Nicht hier."]
    assert last.non_field_errors() == ["Nicht erlaubt."]
    errors_to_forms(ValidationError("Bitte später noch einmal."), first, last)
    assert last.non_field_errors() == ["Nicht erlaubt.", "Bitte später noch einmal."]
    assert first.non_field_errors() == []
    assert first["name"].value() == "Amina" and last["city"].value() == "Dortmund"


NameFormSet = forms.formset_factory(NameForm, extra=0)


def test_a_formset_gets_its_rows_and_a_refusal_lands_above_them():
    data = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0", "form-0-name": "Amina", "form-1-name": "Oleh"}
    rows = []
    assert save_form(_post(data), NameFormSet(data), lambda r: rows.extend(r)) is True
    assert rows == [{"name": "Amina"}, {"name": "Oleh"}]

    def refuse(_rows):
        raise ValidationError(["Montag: Die Zeiten überschneiden sich.", "Dienstag: zu spät."])

    refused = NameFormSet(data)
    assert save_form(_post(data), refused, refuse) is None
    assert refused.non_form_errors() == ["Montag: Die Zeiten überschneiden sich.", "Dienstag: zu spät."]
    assert [f["name"].value() for f in refused] == ["Amina", "Oleh"]  # the input stays
