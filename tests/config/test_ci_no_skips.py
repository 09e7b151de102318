"""Issue 19: in CI (CI=true) a test that needs a real service fails instead of skipping; every run
says how many tests passed against PostgreSQL, Redis and Chromium."""

from __future__ import annotations

import os
from pathlib import Path

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]

CONFTEST = "from tests.conftest import pytest_runtest_makereport, pytest_terminal_summary  # noqa: F401\n"
TESTS = """
import pytest

def test_needs_redis():
    pytest.skip("Redis is not reachable at 127.0.0.1:6379")

def test_skipped_for_another_reason():
    pytest.skip("only on Tuesdays")
"""


def _run(pytester, monkeypatch, ci: str):
    monkeypatch.setenv("CI", ci)
    monkeypatch.setenv("PYTHONPATH", f"{ROOT}{os.pathsep}{ROOT / 'platform'}")
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_probe=TESTS)
    return pytester.runpytest_subprocess("-p", "no:django", "-p", "no:randomly", "-p", "no:cacheprovider")


def test_in_ci_a_test_skipped_for_a_missing_service_fails(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, "true")
    result.assert_outcomes(failed=1, skipped=1)
    result.stdout.fnmatch_lines(["*would have been skipped*Redis is not reachable*"])
    result.stdout.fnmatch_lines(["tests that passed against real services: *"])


def test_outside_ci_it_is_skipped_with_its_reason(pytester, monkeypatch):
    result = _run(pytester, monkeypatch, "")
    result.assert_outcomes(skipped=2)
