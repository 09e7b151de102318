"""`manage.py load_taxonomy`: load or refresh the ESCO taxonomy from taxonomy/data/esco."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from taxonomy.services import taxonomy_load


class Command(BaseCommand):
    help = "Lädt ISCO-Gruppen, ESCO-Berufe, -Kompetenzen und ihre Beziehungen (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="Folder with the ESCO files (default: the shipped copy).",
        )

    def handle(self, *args, data_dir: Path | None = None, **options) -> None:
        report = taxonomy_load(data_dir=data_dir)
        for line in report.lines():
            self.stdout.write(line)
        if report.skipped_occupation_uris:
            self.stdout.write("unknown occupation URIs in relations:")
            for uri in sorted(report.skipped_occupation_uris):
                self.stdout.write(f"  {uri}")
        self.stdout.write(self.style.SUCCESS("ESCO taxonomy loaded."))
