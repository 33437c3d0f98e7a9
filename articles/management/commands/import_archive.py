"""manage.py import_archive FILE : restore an export_archive file into an empty database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from articles.services.archive import ArchiveError, archive_restore


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
        self.stdout.write(", ".join(_counted(n, kind) for kind, n in counts.items()) + " restored")


def _counted(n: int, kind: str) -> str:
    """1 article, 2 articles; 1 entity, 2 entities."""
    stem, endings = (kind[:-1], "y,ies") if kind.endswith("y") else (kind, "s")
    return f"{n} {stem}{pluralize(n, endings)}"
