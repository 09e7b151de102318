"""The composition root's system checks."""

from __future__ import annotations

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

REDIS = "django.core.cache.backends.redis.RedisCache"


def test_settings_without_the_worker_cache_are_named_at_start(settings):
    assert not [m for m in checks.run_checks() if m.id == "lotse.E001"]
    settings.CACHES = {"default": settings.CACHES["default"]}
    errors = [m for m in checks.run_checks() if m.id == "lotse.E001"]
    assert len(errors) == 1
    assert "process" in errors[0].msg


def test_every_settings_module_keeps_the_worker_cache(settings):
    from config.settings import base

    assert base.CACHES["process"]["BACKEND"].endswith("LocMemCache")
    assert "process" in settings.CACHES


def test_manage_check_refuses_settings_without_the_worker_cache(settings):
    settings.CACHES = {"default": settings.CACHES["default"]}
    with pytest.raises(SystemCheckError, match="lotse.E001"):
        call_command("check")


def test_a_worker_cache_that_is_not_in_memory_is_refused(settings):
    settings.CACHES = {**settings.CACHES, "process": settings.CACHES["default"] | {"BACKEND": REDIS}}
    errors = [m for m in checks.run_checks() if m.id.startswith("lotse.")]
    assert [e.id for e in errors] == ["lotse.E002"]
