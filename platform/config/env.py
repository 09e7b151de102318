"""The one reader of the environment. Settings modules ask here and nowhere else.

A missing or malformed required variable stops start-up with a message that names it.
"""

from __future__ import annotations

import importlib.util
import os
import warnings
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[2]

_env = environ.Env()
_dotenv = BASE_DIR / ".env"
if _dotenv.exists() and not os.environ.get("LOTSE_IGNORE_DOTENV"):
    environ.Env.read_env(str(_dotenv), overwrite=False)

_REQUIRED = object()


def _read(kind: str, name: str, default: Any, **kwargs: Any) -> Any:
    reader = getattr(_env, kind)
    raw = os.environ.get(name)
    if raw is None or raw == "":
        if default is _REQUIRED:
            raise ImproperlyConfigured(f"Set the environment variable {name} (see .env.example).")
        return default
    try:
        return reader(name, **kwargs)
    except (ValueError, TypeError, ImproperlyConfigured, KeyError) as exc:
        raise ImproperlyConfigured(
            f"The environment variable {name} has an invalid value {raw!r}: {exc}"
        ) from exc


def str_(name: str, default: Any = _REQUIRED) -> str:
    return _read("str", name, default)


def bool_(name: str, default: Any = _REQUIRED) -> bool:
    raw = os.environ.get(name)
    if raw is not None and raw.strip().lower() not in {
        "1",
        "0",
        "true",
        "false",
        "yes",
        "no",
        "on",
        "off",
        "",
    }:
        raise ImproperlyConfigured(f"The environment variable {name} must be true or false, not {raw!r}.")
    return _read("bool", name, default)


def int_(name: str, default: Any = _REQUIRED) -> int:
    return _read("int", name, default)


def list_(name: str, default: Any = _REQUIRED) -> list[str]:
    return _read("list", name, default)


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def db(name: str = "DATABASE_URL", default: Any = _REQUIRED) -> dict[str, Any]:
    raw = os.environ.get(name)
    if not raw:
        if default is _REQUIRED:
            raise ImproperlyConfigured(f"Set the environment variable {name} (see .env.example).")
        raw = default
    try:
        with warnings.catch_warnings():
            # django-environ only warns about an unknown scheme; here it is an error (below).
            warnings.simplefilter("ignore", UserWarning)
            config = environ.Env.db_url_config(raw)
    except (ValueError, KeyError, ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(f"The environment variable {name} is not a database URL: {exc}") from exc
    engine = config.get("ENGINE") or ""
    # An unknown scheme comes back as ENGINE=<scheme>: refuse it now, not at the first query.
    if not engine or not _importable(engine):
        raise ImproperlyConfigured(
            f"The environment variable {name} names an unknown database scheme: {raw!r} "
            "(use postgres://user:password@host:5432/name or sqlite:////absolute/path.sqlite3)."
        )
    return config


def url(name: str, default: Any = _REQUIRED) -> str:
    value = str_(name, default)
    if value and "://" not in value:
        raise ImproperlyConfigured(f"The environment variable {name} must be a URL, not {value!r}.")
    return value
