"""manage.py import_archive FILE : restore an export_archive file into an empty database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.services.archive import ArchiveError, archive_restore

PLURALS = {"source": "sources", "entity": "entities", "article": "articles", "claim": "claims"}


class Command(BaseCommand):
    help = "Restore a JSON Lines export into an empty database (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            with file.open(encoding="utf-8") as lines:
                counts = archive_restore(lines)
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file}: not UTF-8 text; nothing was restored") from None
        except ArchiveError as exc:
            raise CommandError(f"{file}: {exc}; nothing was restored") from None
        self.stdout.write(", ".join(f"{n} {PLURALS[kind]}" for kind, n in counts.items()) + " restored")
