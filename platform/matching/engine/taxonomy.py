"""What the engine needs to know about ESCO, as plain Python: skill rarity (IDF),
each occupation's essential and optional skills, and its ISCO-08 group.

Built either from the project's ESCO CSV files (file interface, no database) or by the
Django side from the taxonomy tables (``TaxonomyIndex.build``).
"""

from __future__ import annotations

import csv
import gzip
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class TaxonomyIndex:
    occupation_isco: dict[str, str] = field(default_factory=dict)
    occupation_essential: dict[str, frozenset[str]] = field(default_factory=dict)
    occupation_optional: dict[str, frozenset[str]] = field(default_factory=dict)
    skill_idf: dict[str, float] = field(default_factory=dict)
    known_skills: frozenset[str] = frozenset()

    @classmethod
    def build(
        cls,
        *,
        occupations: Iterable[tuple[str, str]],
        relations: Iterable[tuple[str, str, str]],
        skills: Iterable[str] = (),
    ) -> TaxonomyIndex:
        """occupations: (uri, isco code); relations: (occupation uri, 'essential'|'optional', skill uri)."""
        occupation_isco = {uri: (isco or "") for uri, isco in occupations}
        essential: dict[str, set[str]] = defaultdict(set)
        optional: dict[str, set[str]] = defaultdict(set)
        document_frequency: dict[str, int] = defaultdict(int)
        for occupation, relation, skill in relations:
            (essential if relation == "essential" else optional)[occupation].add(skill)
            document_frequency[skill] += 1
        n = max(len(occupation_isco), 1)
        # Smoothed IDF over ESCO occupations: a skill that few occupations ask for says more.
        idf = {skill: math.log((1 + n) / (1 + df)) + 1.0 for skill, df in document_frequency.items()}
        known = frozenset(skills) | frozenset(document_frequency)
        return cls(
            occupation_isco=occupation_isco,
            occupation_essential={k: frozenset(v) for k, v in essential.items()},
            occupation_optional={k: frozenset(v) for k, v in optional.items()},
            skill_idf=idf,
            known_skills=known,
        )

    @classmethod
    def from_esco_csv(cls, directory: str | Path) -> TaxonomyIndex:
        directory = Path(directory)
        occupations = [
            (row["conceptUri"], row.get("iscoGroup", "")) for row in _rows(directory, "occupations_de_en.csv")
        ]
        relations = [
            (row["occupationUri"], row["relationType"], row["skillUri"])
            for row in _rows(directory, "occupation_skill_relations_v1.1.1.csv")
        ]
        skills = [row["conceptUri"] for row in _rows(directory, "skills_de_en.csv")]
        return cls.build(occupations=occupations, relations=relations, skills=skills)

    def idf(self, skill: str) -> float:
        # Skills no occupation lists are the rarest of all.
        return self.skill_idf.get(skill, self.max_idf)

    @property
    def max_idf(self) -> float:
        if not hasattr(self, "_max_idf"):
            self._max_idf = max(self.skill_idf.values(), default=1.0)
        return self._max_idf

    def is_known_occupation(self, uri: str) -> bool:
        return uri in self.occupation_isco

    def is_known_skill(self, uri: str) -> bool:
        return uri in self.known_skills


def _rows(directory: Path, name: str) -> Iterable[dict[str, str]]:
    plain, packed = directory / name, directory / f"{name}.gz"
    if packed.exists():
        with gzip.open(packed, "rt", encoding="utf-8", newline="") as handle:
            yield from csv.DictReader(handle)
    elif plain.exists():
        with open(plain, encoding="utf-8", newline="") as handle:
            yield from csv.DictReader(handle)
    else:
        raise FileNotFoundError(f"ESCO file {name}(.gz) not found in {directory}")
