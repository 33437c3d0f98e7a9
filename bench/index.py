"""Indexing speed: rebuild_search_index over livedoor articles, per core and on every core.

    python bench/index.py [--files N]

Imports the first N livedoor files into a scratch SQLite database, then, in the same run:
bare SudachiPy tokenisation of every title and body (one process), and the full re-index
(analysis of title, headings and body, entity names, writing the index) with one process and
with one per core. Budget: 300 articles per second per core.
"""

from __future__ import annotations

import argparse
import os
import time

from _setup import django_on_scratch_database, livedoor_files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    args = parser.parse_args()
    files = livedoor_files(args.files)
    if not files:
        print("skipped: ../shared/corpora/livedoor is absent")
        return 0
    url = django_on_scratch_database(args.database_url)

    from sudachipy import Dictionary, SplitMode

    from articles.models import Article
    from articles.search import rebuild_index
    from articles.services.imports import import_paths

    import_paths(files)
    texts = [f"{title}\n{body}" for title, body in Article.objects.values_list("title", "body")]
    tokenizer = Dictionary(dict="core").tokenizer(mode=SplitMode.C)
    started = time.perf_counter()
    for text in texts:
        tokenizer.tokenize(text)
    bare = len(texts) / (time.perf_counter() - started)
    cores = os.cpu_count() or 1
    print(f"database: {url.split(':', 1)[0]}   articles: {len(texts):,}")
    print(f"bare tokenisation: {bare:8.0f} articles/s (one process)")
    for workers in sorted({1, cores}):
        started = time.perf_counter()
        done = rebuild_index(workers=workers)
        rate = done / (time.perf_counter() - started)
        print(f"re-index, {workers} process{'es' if workers > 1 else ''}: {rate:8.0f} articles/s"
              f"  ({rate / workers:.0f} per core; budget 300)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
