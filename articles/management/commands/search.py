"""manage.py search [--json] QUERY : the site's search engine, for scripts."""

import json

from django.core.management.base import BaseCommand

from articles.search import search


class Command(BaseCommand):
    help = "Search the archive as the website does; --json prints one object per hit."

    def add_arguments(self, parser):
        parser.add_argument("query", nargs="+")
        parser.add_argument("--json", dest="as_json", action="store_true", help="JSON Lines output")
        parser.add_argument("--limit", type=int, default=20)
        parser.add_argument("--offset", type=int, default=0)
        parser.add_argument("--all-statuses", action="store_true", help="include drafts")

    def handle(self, *args, query, as_json, limit, offset, all_statuses, **options):
        filters = {"status": None} if all_statuses else {}
        page = search(" ".join(query), limit=limit, offset=offset, **filters)
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


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)
