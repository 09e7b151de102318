"""File interface for evaluation without a database: JSON lines in, JSON lines out."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from .records import CandidateRecord, PlacementRecord, RecordError
from .scoring import CandidateIndex, Coordinates, Matcher
from .taxonomy import TaxonomyIndex


@dataclass
class FileReport:
    candidates: int = 0
    placements: int = 0
    problems: list[str] = field(default_factory=list)
    unknown_occupations: set[str] = field(default_factory=set)
    unknown_skills: set[str] = field(default_factory=set)
    unknown_postcodes: set[str] = field(default_factory=set)


def read_jsonl(path: Path, parse, report: FileReport, label: str) -> list[Any]:
    records = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                records.append(parse(json.loads(line)))
            except (json.JSONDecodeError, RecordError, TypeError, AttributeError) as exc:
                report.problems.append(f"{path.name}:{number}: {label} skipped: {exc}")
    return records


def check_vocabulary(
    candidates: Iterable[CandidateRecord],
    placements: Iterable[PlacementRecord],
    taxonomy: TaxonomyIndex,
    coordinates: Coordinates | None,
    report: FileReport,
) -> None:
    """Unknown URIs and postcodes are reported, never fatal: they simply match nothing."""
    for c in candidates:
        report.unknown_occupations.update(
            o.uri for o in c.occupations if not taxonomy.is_known_occupation(o.uri)
        )
        report.unknown_skills.update(s for s in c.skills if not taxonomy.is_known_skill(s))
        if c.postcode and coordinates and coordinates(c.postcode) is None:
            report.unknown_postcodes.add(c.postcode)
    for p in placements:
        if p.occupation and not taxonomy.is_known_occupation(p.occupation):
            report.unknown_occupations.add(p.occupation)
        report.unknown_skills.update(s for s in (*p.essential, *p.optional) if not taxonomy.is_known_skill(s))
        if p.postcode and coordinates and coordinates(p.postcode) is None:
            report.unknown_postcodes.add(p.postcode)


def match_files(
    *,
    candidates_path: Path,
    placements_path: Path,
    out: IO[str],
    top: int,
    taxonomy: TaxonomyIndex,
    coordinates: Coordinates | None,
    today: date,
) -> FileReport:
    report = FileReport()
    candidates = read_jsonl(candidates_path, CandidateRecord.from_dict, report, "candidate")
    placements = read_jsonl(placements_path, PlacementRecord.from_dict, report, "placement")
    report.candidates, report.placements = len(candidates), len(placements)
    check_vocabulary(candidates, placements, taxonomy, coordinates, report)
    matcher = Matcher(taxonomy, coordinates=coordinates, today=today)
    # One index for every placement: each further placement costs one ranking, not a rebuild.
    index = matcher.candidate_index(candidates)
    for line in ranked_lines(matcher, index, placements, top):
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return report


def ranked_lines(
    matcher: Matcher,
    candidates: list[CandidateRecord] | CandidateIndex,
    placements: list[PlacementRecord],
    top: int,
) -> Iterator[dict[str, Any]]:
    for placement in placements:
        ranked = matcher.rank_candidates(placement, candidates, top=top)
        yield {
            "placement": placement.id,
            "ranked": [
                {"candidate": r.candidate_id, "score": r.score, "explanation": r.explanation.as_dict()}
                for r in ranked
            ],
        }
