"""The API's own exceptions (kept apart from problems.py, which imports DRF's views)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _(
        "Das Objekt wurde inzwischen geändert (If-Match passt nicht zum ETag). Bitte neu laden."
    )
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = _("Änderungen brauchen den Header If-Match mit dem ETag des gelesenen Objekts.")
    default_code = "precondition_required"


class InvalidQuery(exceptions.ValidationError):
    """Invalid query parameters (a filter): the errors name the parameter, not a body pointer."""
