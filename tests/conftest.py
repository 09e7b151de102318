"""Shared pytest set-up. Fixture modules are owned per area and registered here."""

import os

import pytest

# Playwright runs an event loop in the test thread; Django's ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = [
    "tests.fixtures.taxonomy",
    "tests.fixtures.users",
]


@pytest.fixture(autouse=True)
def _reset_active_language():
    """A request to /en/ or /ar/ leaves that language active in the test thread (LocaleMiddleware
    never deactivates); reset it so that the next test's reverse() and gettext start in German."""
    yield
    from django.utils import translation

    translation.deactivate()
