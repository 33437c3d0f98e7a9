"""manage.py import_articles PATH... : import article files and folders (recursively).

One line on stderr per failure (a file, or a record of a JSON Lines file) and per file skipped
as a duplicate, a summary at the end; exit status 1 if anything failed.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize
from tqdm import tqdm

from articles.models import Article
from articles.services.imports import import_paths, iter_files

PROGRESS_THRESHOLD = 20  # files; fewer than this import without a progress bar


class Command(BaseCommand):
    help = "Import news article files (seed layout, livedoor corpus, JSON Lines), or folders of them."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--status", choices=[s.value for s in Article.Status], default=Article.Status.PUBLISHED,
            help="status of newly imported articles (default: published)",
        )
        parser.add_argument("--force", action="store_true", help="re-extract unchanged articles too")
        parser.add_argument("--workers", type=int, default=None, help="parser processes (default: one per core)")
        parser.add_argument("--no-progress", action="store_true", help="never show a progress bar")

    def handle(self, *args, paths, status, force, workers, no_progress, **options):
        files = sum(1 for _ in iter_files(paths))
        show_progress = not no_progress and sys.stderr.isatty() and files >= PROGRESS_THRESHOLD
        with tqdm(total=files, unit="file", disable=not show_progress, file=sys.stderr) as bar:
            report = import_paths(paths, status=status, force=force, workers=workers, on_file=lambda _: bar.update())
        for name, reason in [*report.failures, *report.duplicates]:
            self.stderr.write(f"{name}: {reason}")
        self.stdout.write(report.summary())
        if report.failures:
            failures, files = len(report.failures), report.failed_files
            raise CommandError(f"{failures} failure{pluralize(failures)} in {files} file{pluralize(files)}",
                               returncode=1)
