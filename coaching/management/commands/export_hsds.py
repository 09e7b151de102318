"""Write a municipality's services directory as HSDS 3.0 JSON (issue 17)."""

from django.core.management.base import BaseCommand, CommandError

from coaching import hsds

from ._hsds import municipality_from


class Command(BaseCommand):
    help = "Export a municipality's services directory as an HSDS 3.0 organization package (JSON)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--municipality", required=True, help="slug or id")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, **options) -> None:
        municipality = municipality_from(options["municipality"])
        document = hsds.hsds_document(municipality=municipality)
        errors = hsds.validate(document)
        if errors:  # a defect of the export, never of the data: say so rather than write bad HSDS
            raise CommandError("The export does not validate:\n" + "\n".join(errors))
        text = hsds.dumps(document) + "\n"
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as fh:
                fh.write(text)
            self.stderr.write(f"{len(document)} organisations written to {options['output']}")
        else:
            self.stdout.write(text, ending="")
