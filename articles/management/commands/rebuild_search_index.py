"""manage.py rebuild_search_index : rebuild the search index from the database, in batches."""

import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles.ingest.parallel import default_workers
from articles.models import Article
from articles.search import rebuild_index
from articles.search.indexing import BATCH


class Command(BaseCommand):
    help = "Rebuild the full-text search index from the articles in the database."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH, help=f"articles per batch (default: {BATCH})")
        parser.add_argument("--workers", type=int, default=default_workers(),
                            help="analysing processes (default: one per core)")

    def handle(self, *args, batch_size, workers, **options):
        total = Article.objects.count()
        with tqdm(total=total, unit="article", disable=not self.stderr.isatty(), file=sys.stderr) as bar:
            done, rewritten = rebuild_index(
                batch_size=max(1, batch_size), workers=max(1, workers), progress=bar.update
            )
        self.stdout.write(f"indexed {done} article{'' if done == 1 else 's'}, {rewritten} of them changed")
