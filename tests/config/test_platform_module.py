"""`platform/` holds the project's packages, yet `import platform` must stay Python's own module:
in the test process, in a Django management command and inside a task run by a real worker."""

import platform
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.config.celery_helpers import ROOT, require_redis, running_worker, subprocess_env

STDLIB = Path(sysconfig.get_paths()["stdlib"]).resolve()


def _is_stdlib(path: str) -> bool:
    resolved = Path(path).resolve()
    return resolved.is_relative_to(STDLIB) and not resolved.is_relative_to(ROOT / "platform")


def test_platform_folder_is_not_a_package():
    # An __init__.py would turn platform/ into a regular package that shadows the stdlib.
    assert (ROOT / "platform").is_dir()
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_the_django_test_process_imports_the_stdlib_platform(settings):
    assert "config.settings.test" in settings.SETTINGS_MODULE  # Django is set up in this process
    assert platform.system() == "Linux"
    assert _is_stdlib(platform.__file__), platform.__file__


def test_a_management_command_imports_the_stdlib_platform():
    code = "import platform, django.conf as c; c.settings.INSTALLED_APPS; print(platform.system(), platform.__file__)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=subprocess_env(DATABASE_URL="sqlite:///:memory:"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    system, path = result.stdout.split()[-2:]
    assert system == "Linux"
    assert _is_stdlib(path), path


def test_ruff_a005_finds_no_module_shadowing_the_stdlib():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "A005", "--no-cache", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_a005_would_catch_a_shadowing_module(tmp_path):
    # Guards the guard: with the project's own ruff configuration, the mistake this layout
    # avoids (an __init__.py that makes platform/ a package) is reported.
    (tmp_path / "platform" / "config").mkdir(parents=True)
    (tmp_path / "platform" / "__init__.py").write_text("")
    (tmp_path / "platform" / "config" / "__init__.py").write_text("")
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "A005" in result.stdout and "platform/__init__.py" in result.stdout


@pytest.mark.worker
@pytest.mark.django_db  # only so that the worker is pointed at the test database
def test_a_celery_task_in_a_real_worker_imports_the_stdlib_platform(request):
    require_redis(request)
    with running_worker() as celery:
        answer = celery.get(celery.send_task("config.stdlib_platform_probe"), timeout=60)
    assert answer["system"] == "Linux"
    assert _is_stdlib(answer["file"]), answer["file"]
