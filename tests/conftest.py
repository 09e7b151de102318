"""Shared pytest set-up. Fixture modules are owned per area and registered here."""

import os

# Playwright runs an event loop in the test thread; Django's ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = [
    "tests.fixtures.taxonomy",
    "tests.fixtures.users",
]
