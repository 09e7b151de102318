"""Put ``platform/`` on sys.path so its packages import by their own names.

Appended, not prepended: a folder early on sys.path can never shadow the standard library
this way, and ``platform/`` itself has no ``__init__.py``.
"""

import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
PLATFORM_DIR = BASE_DIR / "platform"


def ensure() -> None:
    for path in (str(BASE_DIR), str(PLATFORM_DIR)):
        if path not in sys.path:
            sys.path.append(path)
