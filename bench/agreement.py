"""Do SQLite and PostgreSQL find the same articles? Every query on both, hit sets compared.

    python bench/agreement.py [--files N] [--queries Q] [--database-url postgres://...]

Imports the first N livedoor articles into a new SQLite file and into PostgreSQL (a database
of its own), then runs in each, in a process of its own, the same queries: the words of the
named-entity sentences in ../shared/corpora/ner (another corpus than the articles), as SudachiPy
cuts them, plus the same words quoted, plus two words side by side quoted ("日本代表", whose
last word may begin a longer one), plus numbers and words of URLs and hosts. Prints how many
queries find different articles on the two databases, with the first few.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from itertools import pairwise
from pathlib import Path

from _setup import CORPORA, django_on_scratch_database, every_match, livedoor_files

EXTRA = ["http", "https", "www", "com", "jp", "co", "html", "3", "5", "2012", "3.5", '"3.5"', "a.m.", "iphone4s", "4s",
         "e-mail", "c++", "@", "#", "100%"]


def queries(limit: int) -> list[str]:
    from articles.ingest.analysis import analyse

    words: dict[str, None] = {}
    pairs: dict[str, None] = {}
    for line in (CORPORA / "ner" / "ud_gsd_ner.jsonl").read_text(encoding="utf-8").splitlines():
        tokens = [token for token in analyse(json.loads(line)["text"]) if token.terms]
        for token in tokens:
            words.setdefault(token.surface)
        for first, second in pairwise(tokens):
            pairs.setdefault(f'"{first.surface}{second.surface}"')
        if len(words) >= limit:
            break
    chosen = list(words)[:limit]
    return chosen + [f'"{word}"' for word in chosen[: limit // 4]] + list(pairs)[: limit // 4] + EXTRA


def dump(url: str, files: int, limit: int, out: str) -> None:
    """In this process: the archive at `url` (imported if empty, its index brought up to date
    if not) and each query's hits, to `out`."""
    django_on_scratch_database(url)
    from articles.models import Article
    from articles.search import rebuild_index
    from articles.services.imports import import_paths

    if not Article.objects.exists():
        import_paths(livedoor_files(files))
    else:  # a database kept from an earlier run: its index may hold an older analysis
        rebuild_index()
    found = {query: sorted(article.source_url for article in every_match(query)) for query in queries(limit)}
    Path(out).write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=1500)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/archive_bench_agreement")
    parser.add_argument("--dump", nargs=2, metavar=("URL", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dump:
        dump(args.dump[0], args.files, args.queries, args.dump[1])
        return 0
    if not livedoor_files(1) or not (CORPORA / "ner" / "ud_gsd_ner.jsonl").exists():
        print("skipped: ../shared/corpora/livedoor or ../shared/corpora/ner is absent")
        return 0
    folder = Path(tempfile.mkdtemp(prefix="archive-agreement-"))
    urls = {"sqlite": f"sqlite:///{folder / 'agreement.sqlite3'}", "postgresql": args.database_url}
    runs = [
        subprocess.Popen([sys.executable, __file__, "--files", str(args.files), "--queries", str(args.queries),
                          "--dump", url, str(folder / f"{name}.json")])
        for name, url in urls.items()
    ]
    if any(run.wait() for run in runs):
        return 1
    sqlite, postgresql = (json.loads((folder / f"{name}.json").read_text(encoding="utf-8")) for name in urls)
    differ = [query for query in sqlite if sqlite[query] != postgresql[query]]
    print(f"livedoor files: {args.files:,}   queries: {len(sqlite):,}   finding different articles on SQLite and"
          f" PostgreSQL: {len(differ)}")
    for query in differ[:10]:
        print(f"    {query}: SQLite {len(sqlite[query])}, PostgreSQL {len(postgresql[query])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
