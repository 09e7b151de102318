"""python manage.py match_file --candidates C.jsonl --placements P.jsonl --top 10 --out R.jsonl

Ranks from files and the project's ESCO CSVs alone: no database is read or written.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from matching.engine.files import match_files
from matching.engine.taxonomy import TaxonomyIndex
from taxonomy.postcodes import coordinates
from taxonomy.services import DATA_DIR as ESCO_DATA_DIR


class Command(BaseCommand):
    help = "Rank candidates for placements from JSON-lines files (see README, 'Matching file interface')."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--candidates", required=True, type=Path)
        parser.add_argument("--placements", required=True, type=Path)
        parser.add_argument("--top", type=int, default=10)
        parser.add_argument("--out", type=Path, help="output file (default: standard output)")

    def handle(
        self, *args, candidates: Path, placements: Path, top: int, out: Path | None, **options
    ) -> None:
        candidates, placements = Path(candidates), Path(placements)
        out = Path(out) if out else None
        for path in (candidates, placements):
            if not path.is_file():
                raise CommandError(f"File not found: {path}")
        if top < 1:
            raise CommandError("--top must be at least 1")
        taxonomy = TaxonomyIndex.from_esco_csv(ESCO_DATA_DIR)
        handle = open(out, "w", encoding="utf-8") if out else sys.stdout  # noqa: SIM115
        try:
            report = match_files(
                candidates_path=candidates,
                placements_path=placements,
                out=handle,
                top=top,
                taxonomy=taxonomy,
                coordinates=coordinates,
                today=timezone.localdate(),
            )
        finally:
            if out:
                handle.close()
        err = self.stderr
        for problem in report.problems:
            err.write(problem)
        for label, values in (
            ("unknown occupation URIs", report.unknown_occupations),
            ("unknown skill URIs", report.unknown_skills),
            ("unknown postcodes", report.unknown_postcodes),
        ):
            if values:
                err.write(f"{len(values)} {label} (ignored): " + ", ".join(sorted(values)[:20]))
        err.write(f"ranked {report.candidates} candidates for {report.placements} placements")
