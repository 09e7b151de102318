"""ISCO-08 skill levels (ILO, ISCO-08 vol. 1, table 1): what an occupation asks for, 1 (simple
routine tasks) to 4 (complex problem-solving, a university degree), read from the ISCO code."""

from __future__ import annotations

# Major group → skill level. Group 1 (managers) spans 3 and 4; ISCO assigns 4 to most of it
# (12, 13, 14 at level 3 only for "hospitality, retail and other services managers").
_MAJOR = {"2": 4, "3": 3, "4": 2, "5": 2, "6": 2, "7": 2, "8": 2, "9": 1}
_SUB_MAJOR = {"11": 4, "12": 4, "13": 4, "14": 3, "01": 4, "02": 2, "03": 1}

SKILL_LEVELS = (1, 2, 3, 4)


def skill_level(isco_code: str | None) -> int | None:
    """The ISCO-08 skill level (1–4) of an ISCO code of any length, or None if unknown."""
    code = (isco_code or "").strip()
    if not code or not code.isdigit():
        return None
    return _SUB_MAJOR.get(code[:2]) or _MAJOR.get(code[0])
