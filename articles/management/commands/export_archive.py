"""manage.py export_archive [--output FILE] : the whole archive as JSON Lines (see DESIGN.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.management.output import stops_quietly_when_the_reader_leaves
from articles.services.archive import archive_export


class Command(BaseCommand):
    help = "Write sources, entities, articles and claims as JSON Lines (stdout by default)."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", type=Path, help="file to write (default: standard output)")

    def handle(self, *args, output, **options):
        if output is None:
            with stops_quietly_when_the_reader_leaves():
                archive_export(self.stdout)
            return
        partial = output.with_name(output.name + ".partial")
        try:
            with partial.open("w", encoding="utf-8", newline="\n") as out:
                count = archive_export(out)
            partial.replace(output)  # a reader never sees a half-written export
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(f"{output}: {exc.strerror or exc}") from None
        self.stderr.write(f"wrote {count} records to {output}")
