"""The plain records the engine takes. Each side (candidates, employers) builds them from
its own rows; the file interface reads them from JSON lines.

What is deliberately absent: name, nationality, gender, age, religion, residence status
beyond the permit category. The engine cannot use what it is never given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

# "unknown": nobody has entered the permit yet; ranked and explained, never taken for "none".
PERMIT_CATEGORIES = ("may_work", "needs_approval", "none", "unknown")
CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")


class RecordError(ValueError):
    """A record that cannot be read; the message says which field and why."""


@dataclass(frozen=True)
class OccupationYears:
    uri: str
    years: float = 0.0


@dataclass(frozen=True)
class CandidateRecord:
    id: str
    occupations: tuple[OccupationYears, ...] = ()
    skills: tuple[str, ...] = ()
    german: str | None = None
    postcode: str | None = None
    hours: int | None = None
    available_from: date | None = None
    permit: str = "may_work"
    # issue 14 §3: reference occupations of recognised qualifications (also among ``occupations``,
    # so they count like declared ones); kept apart only for the explanation
    recognised: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CandidateRecord:
        try:
            recognised = tuple(dict.fromkeys(str(u) for u in data.get("recognised") or ()))
            declared = tuple(
                OccupationYears(uri=str(o["uri"]), years=float(o.get("years") or 0))
                for o in data.get("occupations") or ()
            )
            # A recognised qualification counts like a declared occupation (as candidate_record does).
            known = {o.uri for o in declared}
            occupations = declared + tuple(OccupationYears(uri=u) for u in recognised if u not in known)
            return cls(
                id=str(data["id"]),
                occupations=occupations,
                skills=tuple(str(s) for s in data.get("skills") or ()),
                german=_cefr(data.get("german"), "german"),
                postcode=_postcode(data.get("postcode")),
                hours=_int_or_none(data.get("hours"), "hours"),
                available_from=_date_or_none(data.get("available_from"), "available_from"),
                permit=_permit(data.get("permit", "may_work")),
                recognised=recognised,
            )
        except KeyError as exc:
            raise RecordError(f"missing field {exc.args[0]!r}") from exc


@dataclass(frozen=True)
class PlacementRecord:
    id: str
    occupation: str | None = None
    essential: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    min_german: str | None = None
    language_support: bool = False
    postcode: str | None = None
    hours: int | None = None
    start: date | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlacementRecord:
        try:
            return cls(
                id=str(data["id"]),
                occupation=str(data["occupation"]) if data.get("occupation") else None,
                essential=tuple(str(s) for s in data.get("essential") or ()),
                optional=tuple(str(s) for s in data.get("optional") or ()),
                min_german=_cefr(data.get("min_german"), "min_german"),
                language_support=bool(data.get("language_support", False)),
                postcode=_postcode(data.get("postcode")),
                hours=_int_or_none(data.get("hours"), "hours"),
                start=_date_or_none(data.get("start"), "start"),
            )
        except KeyError as exc:
            raise RecordError(f"missing field {exc.args[0]!r}") from exc


@dataclass
class Explanation:
    essential_met: list[str] = field(default_factory=list)
    essential_missing: list[str] = field(default_factory=list)
    other_relevant: list[str] = field(default_factory=list)
    occupation: str = "none"  # same, isco4, isco3, isco2, none
    german: str | None = None
    german_required: str | None = None
    language_gap: int = 0
    bridged_by_language_support: bool = False
    distance_km: float | None = None
    permit: str = "may_work"
    hours_fit: bool | None = None
    available_in_time: bool | None = None
    components: dict[str, float] = field(default_factory=dict)
    # Breadth: how many skills the person listed, how many of them belong to the placement, and the
    # factor (FOCUS_FLOOR..1) the skill fit was multiplied by; 1.0 when nothing lowered it.
    skills_listed: int = 0
    skills_listed_fitting: int = 0
    skill_focus: float = 1.0
    # issue 14 §3: the occupation fit comes from a recognised qualification ("anerkannter Abschluss")
    recognised_qualification: bool = False
    # Essential skills counted as met without being listed: skill → (occupation they were inferred
    # from, years in it, whether a recognised qualification is in that occupation). They count by the years (implied_skill_weight),
    # so the explanation must say "vermutlich", never pass them off as listed.
    essential_inferred: dict[str, tuple[str, float, bool]] = field(default_factory=dict)
    # The constraints the hours, start and permit components score, said in numbers.
    hours: int | None = None
    hours_required: int | None = None
    available_from: date | None = None
    start: date | None = None
    days_late: int = 0  # days between the placement's start and the person's availability

    @property
    def essential_listed(self) -> list[str]:
        """The essential skills met because the person listed them."""
        return [s for s in self.essential_met if s not in self.essential_inferred]

    def as_dict(self) -> dict[str, Any]:
        return {
            "essential_met": self.essential_met,
            "essential_missing": self.essential_missing,
            "other_relevant": self.other_relevant,
            "occupation": self.occupation,
            "german": self.german,
            "german_required": self.german_required,
            "language_gap": self.language_gap,
            "bridged_by_language_support": self.bridged_by_language_support,
            "distance_km": None if self.distance_km is None else round(self.distance_km, 1),
            "permit": self.permit,
            "hours_fit": self.hours_fit,
            "available_in_time": self.available_in_time,
            "components": {k: round(v, 4) for k, v in self.components.items()},
            "skills_listed": self.skills_listed,
            "skills_listed_fitting": self.skills_listed_fitting,
            "skill_focus": round(self.skill_focus, 4),
            "recognised_qualification": self.recognised_qualification,
            "essential_inferred": {
                skill: {"occupation": uri, "years": years, "recognised": recognised}
                for skill, (uri, years, recognised) in self.essential_inferred.items()
            },
            "hours": self.hours,
            "hours_required": self.hours_required,
            "available_from": self.available_from.isoformat() if self.available_from else None,
            "start": self.start.isoformat() if self.start else None,
            "days_late": self.days_late,
        }


@dataclass(frozen=True)
class RankedMatch:
    candidate_id: str
    placement_id: str
    score: float
    explanation: Explanation
    base_score: float | None = None  # set when a learned re-ranker changed the score
    model_version: int | None = None


def _cefr(value: Any, name: str) -> str | None:
    if value in (None, ""):
        return None
    level = str(value).strip().upper()
    if level not in CEFR_LEVELS:
        raise RecordError(f"{name}: {value!r} is not a CEFR level (A1–C2)")
    return level


def _postcode(value: Any) -> str | None:
    if value in (None, ""):
        return None
    return str(value).strip().zfill(5)


def _int_or_none(value: Any, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise RecordError(f"{name}: {value!r} is not a whole number") from exc


def _date_or_none(value: Any, name: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise RecordError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from exc


def _permit(value: Any) -> str:
    if value not in PERMIT_CATEGORIES:
        raise RecordError(f"permit: {value!r} is not one of {', '.join(PERMIT_CATEGORIES)}")
    return str(value)
