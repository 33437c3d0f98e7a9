"""Import speed: articles per second importing the livedoor corpus, against bare SudachiPy.

    python bench/import.py [--files N] [--workers W] [--database-url URL]

In one run: (1) bare SudachiPy tokenisation (mode C, one process) of the title and body of
every article; (2) the whole import (read, decode, analyse, extract, write, index) into an
empty database; (3) the bare tokenisation again. Prints articles/s for each and the ratio of
the import's time to the mean of the two tokenisations': the machine's speed drifts while the
import runs, and measuring on both sides of it keeps the drift out of the ratio. Budget: the
import costs at most 3x the bare tokenisation on SQLite.
"""

from __future__ import annotations

import argparse
import time

from _setup import django_on_scratch_database, livedoor_files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=0, help="import only the first N files (0: all)")
    parser.add_argument("--workers", type=int, default=None, help="parser processes (default: one per core)")
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    args = parser.parse_args()
    files = livedoor_files(args.files or None)
    if not files:
        print("skipped: ../shared/corpora/livedoor is absent")
        return 0
    url = django_on_scratch_database(args.database_url)

    from sudachipy import Dictionary, SplitMode

    from articles.ingest import read_file
    from articles.models import Article
    from articles.services.imports import import_paths

    documents = [d for f in files for d in read_file(f) if not isinstance(d, Exception)]
    texts = [d.title + "\n" + d.body for d in documents]
    tokenizer = Dictionary(dict="core").tokenizer(mode=SplitMode.C)

    def bare_tokenisation() -> float:
        started = time.perf_counter()
        for text in texts:
            tokenizer.tokenize(text)
        return time.perf_counter() - started

    before = bare_tokenisation()
    started = time.perf_counter()
    report = import_paths(files, workers=args.workers)
    whole = time.perf_counter() - started
    summary = report.summary()  # its clock runs until asked
    after = bare_tokenisation()
    bare = (before + after) / 2
    stored = Article.objects.count()

    print(f"database: {url.split(':', 1)[0]}   files: {len(files)}   characters: {sum(map(len, texts)):,}")
    print(f"bare tokenisation: {len(texts) / before:8.1f} articles/s before the import, {len(texts) / after:.1f}"
          f" after ({bare:.2f} s on average, one process)")
    print(f"whole import:      {stored / whole:8.1f} articles/s ({whole:.2f} s)  {summary}")
    print(f"ratio import / bare tokenisation: {whole / bare:.2f}x (budget 3x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
