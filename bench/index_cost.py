"""What a re-index costs, counted in instructions instead of seconds.

    python bench/index_cost.py [--files N (default 200)]

Imports the first N livedoor files into a scratch SQLite database, then counts the instructions
(valgrind's callgrind; Debian's `valgrind` package) of child processes that re-index those
articles once and twice, every document stale each time, and that tokenise their texts with
bare SudachiPy (each text whole, as bench/index.py times it) once and twice. The difference
within each pair is one warm pass, without start-up, imports and first-seen words. Instruction
counts repeat to within a fraction of a percent whatever else the machine is doing (the
children run with PYTHONHASHSEED=0), so they compare two versions of the code where a VM whose
speed swings from minute to minute cannot. The ratio of the two passes is what the re-index
costs over tokenisation; bench/index.py gives the articles per second.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _setup import django_on_scratch_database, livedoor_files


def child(kind: str, passes: int) -> None:
    """Run inside callgrind: `passes` re-indexes or tokenisations of the archive in DATABASE_URL."""
    django_on_scratch_database(os.environ["DATABASE_URL"])
    from articles.models import Article, SearchDocument
    from articles.search import rebuild_index

    if kind == "reindex":
        for _ in range(passes):
            SearchDocument.objects.update(names="")  # stale: every row is written again
            rebuild_index()
        return
    from sudachipy import Dictionary, SplitMode

    texts = [f"{title}\n{body}" for title, body in Article.objects.values_list("title", "body")]
    tokenizer = Dictionary(dict="core").tokenizer(mode=SplitMode.C)
    for _ in range(passes):
        for text in texts:
            tokenizer.tokenize(text)


def instructions(kind: str, passes: int, database: Path) -> int:
    """Instructions of a child process doing `passes` passes on a fresh copy of `database`."""
    with tempfile.TemporaryDirectory(prefix="archive-cost-") as scratch:
        copy = Path(scratch) / "copy.sqlite3"
        shutil.copy(database, copy)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{copy}", "PYTHONHASHSEED": "0"}
        run = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={scratch}/callgrind.out",
             sys.executable, __file__, "--child", kind, "--passes", str(passes)],
            env=env, capture_output=True, text=True, check=True,
        )
    return int(re.search(r"Collected : (\d+)", run.stderr).group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--child", choices=["reindex", "tokenise"], help=argparse.SUPPRESS)
    parser.add_argument("--passes", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.passes)
        return 0
    if not shutil.which("valgrind"):
        print("skipped: valgrind is not installed (apt-get install valgrind)")
        return 0
    files = livedoor_files(args.files)
    if not files:
        print("skipped: ../shared/corpora/livedoor is absent")
        return 0
    url = django_on_scratch_database()
    from articles.services.imports import import_paths

    import_paths(files)
    database = Path(url.removeprefix("sqlite:///"))
    per_article = {}
    for kind in ("reindex", "tokenise"):
        once, twice = (instructions(kind, passes, database) for passes in (1, 2))
        per_article[kind] = (twice - once) / len(files)
    reindex, tokenise = per_article["reindex"], per_article["tokenise"]
    print(f"articles: {len(files)}   instructions per article, one warm pass")
    print(f"bare tokenisation: {tokenise / 1e6:6.2f} million")
    print(f"re-index         : {reindex / 1e6:6.2f} million ({reindex / tokenise:.2f}x bare tokenisation;"
          f" {reindex * len(files) / 1e6:,.0f} million for all {len(files)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
