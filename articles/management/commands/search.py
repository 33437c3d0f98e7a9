"""manage.py search [--json] QUERY : the site's search engine, for scripts."""

import argparse
import json

from django.core.management.base import BaseCommand

from articles.management.output import stops_quietly_when_the_reader_leaves
from articles.search import search
from articles.search.engine import MAX_LIMIT


class Command(BaseCommand):
    help = "Search the archive as the website does; --json prints one object per hit."

    def add_arguments(self, parser):
        parser.add_argument("query", nargs="+")
        parser.add_argument("--json", dest="as_json", action="store_true", help="JSON Lines output")
        parser.add_argument("--limit", type=_whole_number(1, MAX_LIMIT), default=20, help=f"1 to {MAX_LIMIT}")
        parser.add_argument("--offset", type=_whole_number(0), default=0)
        parser.add_argument("--all-statuses", action="store_true", help="include drafts")

    def handle(self, *args, query, as_json, limit, offset, all_statuses, **options):
        filters = {"status": None} if all_statuses else {}
        page = search(" ".join(query), limit=limit, offset=offset, **filters)
        with stops_quietly_when_the_reader_leaves():
            if as_json:
                for hit in page.hits:
                    self.stdout.write(_dumps({
                        "id": hit.article.pk, "slug": hit.article.slug, "title": hit.article.title,
                        "score": round(hit.score, 6), "snippet": str(hit.snippet),
                    }))
                return
            self.stdout.write(f"{page.total} articles")
            for hit in page.hits:
                self.stdout.write(f"[{hit.article.pk}] {hit.article.title}  ({hit.score:.3f})")
                self.stdout.write(f"    {hit.snippet}")


def _whole_number(least: int, most: int | None = None):
    """An argparse type: an int from `least` to `most`, refused otherwise (the search engine
    would change it silently)."""

    def whole_number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if most is not None and not least <= value <= most:
            raise argparse.ArgumentTypeError(f"must be between {least} and {most}, not {value}")
        if value < least:
            raise argparse.ArgumentTypeError(f"must be {least} or more, not {value}")
        return value

    return whole_number


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)
