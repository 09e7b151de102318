"""Shared by export_hsds and import_hsds: the municipality named on the command line."""

from django.core.management.base import CommandError

from organisations.models import Municipality


def municipality_from(value: str) -> Municipality:
    """A municipality by slug or by id."""
    found = Municipality.objects.filter(slug=value).first()
    if found is None and value.isdigit():
        found = Municipality.objects.filter(pk=int(value)).first()
    if found is None:
        raise CommandError(f"No municipality with slug or id {value!r}.")
    return found
