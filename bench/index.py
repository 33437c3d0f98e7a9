"""Indexing speed: rebuild_search_index over livedoor articles, per core and on every core.

    python bench/index.py [--files N] [--rounds R (default 5)]

Imports the first N livedoor files into a scratch SQLite database, then, in the same run:
bare SudachiPy tokenisation of every title and body (one process, each text whole, the naive
way), the same texts cut into the pieces the analysis tokenises with each morpheme's word id and
end offset asked for (the least any analysis through SudachiPy's Python API costs), the index's
own analysis of those texts without the database, and the full re-index
(analysis of title, headings and body, entity names, writing the index) with one process and
with one per core. Each of these re-indexes first makes every document stale, so that all of
them are written again (the worst case); a last run re-indexes an index that is current,
which only analyses and compares. Budget: 300 articles per second per core. The ratio to bare
tokenisation is what carries over to another machine. Each run also counts the CPU time it took
(this process, its workers and, for a PostgreSQL server on this machine, the server process
serving it): articles per CPU-second is the rate per core that idle moments and a database
sharing the cores do not blur.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from _setup import django_on_scratch_database, livedoor_files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    args = parser.parse_args()
    files = livedoor_files(args.files)
    if not files:
        print("skipped: ../shared/corpora/livedoor is absent")
        return 0
    url = django_on_scratch_database(args.database_url)

    from sudachipy import Dictionary, SplitMode

    from articles.ingest.analysis import chunks, search_terms
    from articles.models import Article, SearchDocument
    from articles.search import rebuild_index
    from articles.services.imports import import_paths

    import_paths(files)
    texts = [f"{title}\n{body}" for title, body in Article.objects.values_list("title", "body")]
    tokenizer = Dictionary(dict="core").tokenizer(mode=SplitMode.C)

    def bare_tokenisation() -> float:
        started = time.perf_counter()
        for text in texts:
            tokenizer.tokenize(text)
        return len(texts) / (time.perf_counter() - started)

    def morpheme_walk() -> float:
        """Tokenisation in the analysis's pieces, then each morpheme's word id and end offset:
        the least that any analysis through SudachiPy's Python API costs."""
        started = time.perf_counter()
        morphemes = None
        for text in texts:
            for _, piece in chunks(text):
                morphemes = tokenizer.tokenize(piece, out=morphemes)  # the buffer reused, as the analysis does
                for morpheme in morphemes:
                    morpheme.word_id(), morpheme.end()
        return len(texts) / (time.perf_counter() - started)

    def term_building() -> float:
        """The index's analysis of the same texts (search_terms), without the database."""
        started = time.perf_counter()
        for text in texts:
            search_terms(text)
        return len(texts) / (time.perf_counter() - started)

    from django.db import connection

    def server_cpu() -> float:
        """CPU seconds of the PostgreSQL process serving this connection, if it runs here."""
        if connection.vendor != "postgresql":
            return 0.0
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:  # utime and stime, the 14th and 15th fields of /proc/PID/stat
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def cpu() -> tuple[float, float]:
        """CPU seconds so far: this process with its finished workers, and the server."""
        times = os.times()
        return times.user + times.system + times.children_user + times.children_system, server_cpu()

    cores = os.cpu_count() or 1
    cases = [*((workers, "every document changed") for workers in sorted({1, cores})), (1, "index already current")]
    best: dict = {}
    cheapest: dict = {}  # the least CPU per article (indexer, server) over the rounds
    for _ in range(args.rounds):  # rounds, best of each: a shared machine's speed drifts
        for step, measure in (("bare", bare_tokenisation), ("walk", morpheme_walk), ("terms", term_building)):
            best[step] = max(best.get(step, 0.0), measure())
        for workers, case in cases:
            if case == "every document changed":
                SearchDocument.objects.update(names="")  # stale: the re-index writes every row again
            used, served = cpu()
            started = time.perf_counter()
            done, rewritten = rebuild_index(workers=workers)
            rate = done / (time.perf_counter() - started)
            after = cpu()
            costs = ((after[0] - used) / done * 1e3, (after[1] - served) / done * 1e3)  # ms per article
            best[workers, case] = max(best.get((workers, case), (0.0, 0)), (rate, rewritten))
            cheapest[workers, case] = min(cheapest.get((workers, case), costs), costs, key=sum)
    bare = best["bare"]
    print(f"database: {url.split(':', 1)[0]}   articles: {len(texts):,}   best of {args.rounds} rounds")
    print(f"bare tokenisation: {bare:5.0f} articles/s (one process)")
    tokenise, walk, terms = (1e3 / best[step] for step in ("bare", "walk", "terms"))  # ms per article
    print(f"    in pieces, walking the morphemes: {best['walk']:5.0f}/s; the index's terms: {best['terms']:5.0f}/s"
          f" (per article: {tokenise:.2f} ms, +{walk - tokenise:.2f}, +{terms - walk:.2f})")
    for workers, case in cases:
        rate, rewritten = best[workers, case]
        indexer, server = cheapest[workers, case]
        print(f"re-index, {workers} process{'es' if workers > 1 else '  '}, {case}: {rate:5.0f} articles/s,"
              f" {rate / workers:.0f} per core ({rate / workers / bare:.2f}x bare; budget 300),"
              f" {rewritten:,} rewritten")
        server_part = f" + {server:.2f} ms database server" if server else ""
        print(f"    CPU per article: {indexer:.2f} ms indexing{server_part} ="
              f" {1e3 / (indexer + server):.0f} articles per CPU-second")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
