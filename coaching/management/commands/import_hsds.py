"""Read an HSDS 3.0 organization package into a municipality's services directory (issue 17)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coaching import hsds

from ._hsds import municipality_from


class Command(BaseCommand):
    help = "Import an HSDS 3.0 organization package (JSON) into a municipality: create or update by id, all or nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--municipality", required=True, help="slug or id")
        parser.add_argument("file", help="the HSDS JSON file")

    def handle(self, *args, **options) -> None:
        municipality = municipality_from(options["municipality"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.stat().st_size > hsds.MAX_BYTES:
            raise CommandError(f"{path} is larger than {hsds.MAX_BYTES} bytes.")
        try:
            counts = hsds.hsds_import(municipality=municipality, document=hsds.parse(path.read_bytes()))
        except hsds.HsdsImportError as exc:
            raise CommandError("Nothing imported:\n" + "\n".join(exc.errors)) from exc
        self.stdout.write(
            f"Imported into {municipality.slug}: {counts['organisations']} organisations, "
            f"{counts['locations']} locations, {counts['services']} services."
        )
