"""Every date has a sane range: a window for what people type, a fixed range for what is stored.

A date such as 0001-01-01 passed every form, was stored as a BC timestamp (after the time-zone
shift) and every page that read the row answered 500. Two layers close that:

* Forms: every date or datetime field is one of ``DateField``/``DateTimeField`` below (declared,
  or produced by ``formfield_callback`` for model forms, or by ``DateFilter`` for filters). Each
  keeps a ``DateWindow`` relative to today with a clear German message. tests/security checks
  that no form or filter of the project has a date field without one.
* Database: ``stored_range_constraints`` gives CheckConstraints with a fixed, wide range (well
  inside what Python and every time zone can represent), so no path — a service, the shell, an
  API, Wagtail's admin — can store a value that a page then cannot show.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

EARLIEST = datetime.date(1900, 1, 1)
HORIZON_YEARS = 10
# What the database keeps (fixed: a stored value never leaves the range as time passes).
STORED_EARLIEST = datetime.date(1900, 1, 1)
STORED_LATEST = datetime.date(2200, 1, 1)  # exclusive


def _shift_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without it
        return day.replace(year=day.year + years, day=28)


@deconstructible
class DateWindow:
    """A validator: the value lies between ``years_back`` before today (or 1900) and ``years_ahead`` after."""

    message = _("Bitte ein Datum zwischen dem %(earliest)s und dem %(latest)s angeben.")
    code = "date_window"

    def __init__(self, *, years_back: int | None = None, years_ahead: int = HORIZON_YEARS) -> None:
        self.years_back = years_back
        self.years_ahead = years_ahead

    def bounds(self, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
        today = today or timezone.localdate()
        earliest = (
            EARLIEST if self.years_back is None else max(EARLIEST, _shift_years(today, -self.years_back))
        )
        return earliest, _shift_years(today, self.years_ahead)

    def __call__(self, value: datetime.date | datetime.datetime | None) -> None:
        if value is None:
            return
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        earliest, latest = self.bounds()
        if not earliest <= value <= latest:
            raise ValidationError(
                self.message,
                code=self.code,
                params={"earliest": earliest.strftime("%d.%m.%Y"), "latest": latest.strftime("%d.%m.%Y")},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateWindow) and (self.years_back, self.years_ahead) == (
            other.years_back,
            other.years_ahead,
        )

    def __hash__(self) -> int:
        return hash((self.years_back, self.years_ahead))


# The windows in use. ANY: a date on a record (expiry, availability, a deadline).
ANY = DateWindow()
# PAST: what has happened — birth dates, exams taken, forms signed.
PAST = DateWindow(years_ahead=0)
# APPOINTMENT: a meeting or start that someone records now — an interview, a hire, a contact.
APPOINTMENT = DateWindow(years_back=2, years_ahead=2)


class _Bounded:
    def __init__(self, *args, window: DateWindow = ANY, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.window = window
        self.validators.append(window)


class DateField(_Bounded, forms.DateField):
    """A form date that keeps its window (``window=PAST`` etc.); the default is 1900 to ten years ahead."""

    def to_python(self, value):
        # Django refuses a year past 9999 with a bare "invalid"; our message names the range instead.
        try:
            return super().to_python(value)
        except (OverflowError, ValueError) as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc


class DateTimeField(_Bounded, forms.DateTimeField):
    """A form date and time that keeps its window."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except (OverflowError, ValueError) as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc


class DateFilter(django_filters.DateFilter):
    """django-filter's date filter with the window kept (a filter date is a date typed in, too)."""

    field_class = DateField


def window_of(field: forms.Field) -> DateWindow | None:
    """The window a form field keeps, or None — what the project-wide check asks of every date field."""
    return next((v for v in field.validators if isinstance(v, DateWindow)), None)


def narrow(field: forms.Field, window: DateWindow) -> None:
    """Replace a form field's window by a tighter one (its own copy: forms deep-copy their fields)."""
    field.validators = [v for v in field.validators if not isinstance(v, DateWindow)] + [window]
    field.window = window


def formfield_callback(model_field: models.Field, **kwargs) -> forms.Field | None:
    """For ``ModelForm.formfield_callback``: model dates become bounded form dates (window ANY;
    a form narrows one with ``narrow(field, PAST)``)."""
    if isinstance(model_field, models.DateTimeField):
        form_class: type[forms.Field] = DateTimeField
    elif isinstance(model_field, models.DateField):
        form_class = DateField
    else:
        return model_field.formfield(**kwargs)
    return model_field.formfield(form_class=form_class, **kwargs)


def stored_range_constraints(prefix: str, *, dates: Iterable[str] = (), datetimes: Iterable[str] = ()):
    """CheckConstraints keeping each named field in the stored range (NULL stays allowed)."""
    earliest_dt = datetime.datetime.combine(STORED_EARLIEST, datetime.time(), tzinfo=datetime.UTC)
    latest_dt = datetime.datetime.combine(STORED_LATEST, datetime.time(), tzinfo=datetime.UTC)
    bounds = [(name, STORED_EARLIEST, STORED_LATEST) for name in dates]
    bounds += [(name, earliest_dt, latest_dt) for name in datetimes]
    return [
        models.CheckConstraint(
            condition=models.Q(**{f"{name}__gte": low, f"{name}__lt": high}),
            name=f"{prefix}_{name}_in_range",
            violation_error_message=_("Bitte ein Datum zwischen 1900 und 2199 angeben."),
        )
        for name, low, high in bounds
    ]


def repair_stored_range(app_label: str, model_name: str, fields: Iterable[str]):
    """A migration step before the constraints: a value outside the stored range (such as the BC
    interview date the attack left) is cleared where the field may be empty, else moved to the bound."""
    from django.db import migrations

    def forwards(apps, schema_editor) -> None:
        model = apps.get_model(app_label, model_name)
        for name in fields:
            field = model._meta.get_field(name)
            is_datetime = isinstance(field, models.DateTimeField)
            low, high = STORED_EARLIEST, STORED_LATEST - datetime.timedelta(days=1)
            if is_datetime:
                low = datetime.datetime.combine(low, datetime.time(12), tzinfo=datetime.UTC)
                high = datetime.datetime.combine(high, datetime.time(12), tzinfo=datetime.UTC)
            for lookup, bound in ((f"{name}__lt", low), (f"{name}__gt", high)):
                rows = model._base_manager.filter(**{lookup: bound})
                rows.update(**{name: None if field.null else bound})

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)
