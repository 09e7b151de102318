"""Issue 19: the suite runs in a random order (pytest-randomly, seeded from the commit in CI); a
test marked ``last_in_module`` still runs after its module's other tests, shuffled or not, in one
process or under pytest-xdist's ``--dist loadfile`` (as ``make test`` runs it in CI)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]

CONFTEST = """
from tests.conftest import pytest_collection_modifyitems  # noqa: F401

def pytest_configure(config):
    config.addinivalue_line("markers", "last_in_module: runs after the module's other tests")
"""
TESTS = """
import pytest

RAN = []

@pytest.mark.last_in_module
def test_all_the_others_ran_before_me():
    assert sorted(RAN) == list(range(8))

@pytest.mark.parametrize("n", range(8))
def test_one(n):
    RAN.append(n)
"""


def _run(pytester, monkeypatch, *args: str):
    monkeypatch.setenv("PYTHONPATH", f"{ROOT}{os.pathsep}{ROOT / 'platform'}")
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_probe=TESTS, test_other=TESTS)
    return pytester.runpytest_subprocess("-p", "no:django", "-p", "no:cacheprovider", "-v", *args)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_marked_test_runs_last_in_its_module_whatever_the_seed(pytester, monkeypatch, seed):
    result = _run(pytester, monkeypatch, "-p", "randomly", f"--randomly-seed={seed}")
    result.assert_outcomes(passed=18)
    result.stdout.fnmatch_lines([f"*--randomly-seed={seed}*"])
    order = [line.split("::")[1].split()[0] for line in result.outlines if "test_probe.py::" in line]
    assert order[-1] == "test_all_the_others_ran_before_me"
    # The seed really shuffles: the parametrized tests do not all run in their written order.
    assert order[:-1] != [f"test_one[{n}]" for n in range(8)]


def test_the_marked_test_runs_last_under_xdist_loadfile(pytester, monkeypatch):
    result = _run(
        pytester, monkeypatch, "-p", "randomly", "--randomly-seed=7", "-n", "2", "--dist", "loadfile"
    )
    result.assert_outcomes(passed=18)
