"""A string is done when it is translated in every catalogue: no untranslated, no fuzzy entry.

Fuzzy entries are silently unused by gettext, and a string added to the code without running
makemessages is in no catalogue at all; both leave German on an Arabic page. So the test extracts
the messages from a copy of the source (as a developer's `makemessages` would) and asks gettext's
own tools what is missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# What makemessages reads: every app, the shared platform and the project's templates.
SOURCE = ["candidates", "employers", "coaching", "cms", "monitoring", "platform", "manage.py", "locale"]

pytestmark = pytest.mark.skipif(shutil.which("msgattrib") is None, reason="gettext tools missing")


def _msgids(po: Path, *flags: str) -> list[str]:
    out = subprocess.run(
        ["msgattrib", *flags, "--no-wrap", str(po)], capture_output=True, text=True, check=True
    )
    return [
        line[len('msgid "') : -1]
        for line in out.stdout.splitlines()
        if line.startswith('msgid "') and line != 'msgid ""'
    ]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("messages")
    for name in SOURCE:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy2(src, copy / name)
    env = {**os.environ, "PYTHONPATH": f"{copy / 'platform'}{os.pathsep}{copy}"}
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--no-obsolete",
            "-v0",
            *[f"-l{code}" for code in LANGUAGES],
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return copy


def test_there_is_one_catalogue_per_language():
    # A second catalogue beside locale/ (an app's own) made one msgid mean two things.
    catalogues = {p.relative_to(ROOT).parts[0] for p in ROOT.glob("*/locale/*/LC_MESSAGES/django.po")}
    catalogues |= {
        p.relative_to(ROOT).parts[:2] for p in ROOT.glob("platform/*/locale/*/LC_MESSAGES/django.po")
    }
    assert catalogues == set()
    assert sorted(p.parent.parent.name for p in ROOT.glob("locale/*/LC_MESSAGES/django.po")) == sorted(
        LANGUAGES
    )


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_string_of_the_source_is_translated(extracted, code):
    po = extracted / "locale" / code / "LC_MESSAGES" / "django.po"
    assert _msgids(po, "--untranslated") == [], f"untranslated in {code}"
    assert _msgids(po, "--only-fuzzy") == [], f"fuzzy (unused) in {code}"


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_committed_catalogue_compiles_and_matches_its_po(code, tmp_path):
    po = ROOT / "locale" / code / "LC_MESSAGES" / "django.po"
    subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(po)], check=True)
    # The committed .mo is what Django reads: it must be the compiled .po, not an older one.
    assert (tmp_path / "django.mo").read_bytes() == (po.parent / "django.mo").read_bytes(), (
        f"run: msgfmt -o locale/{code}/LC_MESSAGES/django.mo locale/{code}/LC_MESSAGES/django.po"
    )
