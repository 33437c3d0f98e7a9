"""Importing into a large archive: what refreshing the names of the articles stored before costs.

    python bench/import_large.py [--articles N (default 200)] [--rounds R (default 2)]

When an import teaches a stored entity a name, every article that mentions it gets that name in
its index (once per import run). Here, new articles made of the named-entity sentences of
../shared/corpora/ner (ten sentences each) are imported into a copy of the 100,000-article
SQLite archive (bench/_setup.large_archive, built on first use), in the same run with the
refresh and without it (the index of those older articles left behind). Prints the time of
each import and how many older articles the refresh rewrote.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _setup import CORPORA, default_large_url, large_archive


def run(copy: str, articles: int, refresh: bool) -> None:
    """In this process: import `articles` new articles into the archive copy at `copy`."""
    large_archive(100_000, database_url=copy)
    if not articles:  # only making sure the archive is built
        return
    from articles import search
    from articles.services.imports import import_paths

    rewritten = []
    reindex_names = search.reindex_names

    def counted(article_ids) -> None:
        ids = list(article_ids)
        rewritten.append(len(ids))
        if refresh:
            reindex_names(ids)

    search.reindex_names = counted
    sentences = [json.loads(line)["text"] for line in (CORPORA / "ner" / "ud_gsd_ner.jsonl").open(encoding="utf-8")]
    path = Path(tempfile.mkdtemp(prefix="archive-bench-")) / "new.jsonl"
    path.write_text("\n".join(
        json.dumps({"title": sentences[i * 10][:40], "body": "".join(sentences[i * 10 : i * 10 + 10]),
                    "url": f"https://example.jp/bench/{i}"}, ensure_ascii=False)
        for i in range(articles)
    ), encoding="utf-8")
    started = time.perf_counter()
    report = import_paths([path])
    elapsed = time.perf_counter() - started
    print(f"{'with' if refresh else 'without'} the refresh: {elapsed:5.1f} s, {articles / elapsed:5.1f} articles/s;"
          f" older articles whose names were looked at: {sum(rewritten):,}; {report.summary()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--run", nargs=2, metavar=("URL", "REFRESH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run(args.run[0], args.articles, args.run[1] == "1")
        return 0
    if not (CORPORA / "ner" / "ud_gsd_ner.jsonl").exists():
        print("skipped: ../shared/corpora/ner is absent")
        return 0
    archive = default_large_url("sqlite", 100_000)
    subprocess.run([sys.executable, __file__, "--articles", "0", "--run", archive, "0"], check=True)  # built once
    original = Path(archive.removeprefix("sqlite:///"))
    folder = Path(tempfile.mkdtemp(prefix="archive-bench-"))
    for round_ in range(args.rounds):
        for refresh in ("1", "0"):
            copy = folder / f"copy-{round_}-{refresh}.sqlite3"
            for suffix in ("", "-wal"):  # the archive as it was, for each import
                if Path(f"{original}{suffix}").exists():
                    shutil.copy(f"{original}{suffix}", f"{copy}{suffix}")
            subprocess.run([sys.executable, __file__, "--articles", str(args.articles), "--run",
                            f"sqlite:///{copy}", refresh], check=True)
            for leftover in folder.glob(f"{copy.name}*"):
                leftover.unlink()
    shutil.rmtree(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
