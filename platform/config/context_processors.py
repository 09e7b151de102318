from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language_bidi


def lotse(request: HttpRequest) -> dict:
    """What the shared base template needs on every page."""
    return {"LOTSE_LANGUAGES": settings.LANGUAGES, "LOTSE_RTL": get_language_bidi()}
