"""Shared set-up for the benchmarks: a scratch database and Django, the corpus paths."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
LIVEDOOR = CORPORA / "livedoor"


def livedoor_files(limit: int | None = None) -> list[Path]:
    files = sorted(p for p in LIVEDOOR.glob("*/*.txt") if p.name != "LICENSE.txt")
    return files[:limit] if limit else files


def django_on_scratch_database(database_url: str | None = None) -> str:
    """Point Django at `database_url`, or at a new SQLite file, migrate it, return its URL."""
    sys.path.insert(0, str(ROOT))
    if database_url is None:
        database_url = os.environ.get("BENCH_DATABASE_URL") or (
            "sqlite:///" + str(Path(tempfile.mkdtemp(prefix="archive-bench-")) / "bench.sqlite3")
        )
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return database_url
