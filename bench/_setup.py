"""Shared set-up for the benchmarks: scratch databases, Django, and a large archive.

`large_archive()` imports the whole livedoor corpus with the real importer, then copies its
articles (with their search terms, mentions and, once, their claims) with varied titles
until the archive holds the number asked for. The result is kept under bench/data/ (SQLite)
or in a database of its own (PostgreSQL), and reused while its size is right.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
LIVEDOOR = CORPORA / "livedoor"
DATA = ROOT / "bench" / "data"
COPY_STRIDE = 1_000_000  # copy k of article i gets id i + k * COPY_STRIDE
TITLE_WORDS = ["速報", "続報", "解説", "まとめ", "特集", "インタビュー", "コラム", "分析", "詳報", "検証",
               "現場から", "論点", "深層", "追跡", "視点", "ルポ"]


def livedoor_files(limit: int | None = None) -> list[Path]:
    files = sorted(p for p in LIVEDOOR.glob("*/*.txt") if p.name != "LICENSE.txt")
    return files[:limit] if limit else files


def every_match(query: str) -> list:
    """The articles search() finds for `query`, every page of them (Django must be set up)."""
    from articles.search import search

    articles: list = []
    while True:
        page = search(query, limit=100, offset=len(articles))
        articles += [hit.article for hit in page.hits]
        if len(articles) >= page.total or not page.hits:
            return articles


def django_on_scratch_database(database_url: str | None = None) -> str:
    """Point Django at `database_url`, or at a new SQLite file, migrate it, return its URL."""
    sys.path.insert(0, str(ROOT))
    if database_url is None:
        database_url = os.environ.get("BENCH_DATABASE_URL") or (
            "sqlite:///" + str(Path(tempfile.mkdtemp(prefix="archive-bench-")) / "bench.sqlite3")
        )
    if database_url.startswith("postgres"):
        _create_postgres_database(database_url)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return database_url


def _create_postgres_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def default_large_url(vendor: str, articles: int) -> str:
    if vendor == "postgresql":
        return f"postgres://postgres@127.0.0.1:5432/archive_bench_{articles}"
    DATA.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DATA / f'archive-{articles}.sqlite3'}"


def large_archive(articles: int = 100_000, vendor: str = "sqlite", database_url: str | None = None) -> str:
    """Django set up on an archive of `articles` articles (built on first use)."""
    url = database_url or default_large_url(vendor, articles)
    django_on_scratch_database(url)
    from articles.models import Article

    if Article.objects.count() == articles:
        return url
    if Article.objects.exists():
        raise SystemExit(f"{url} holds another archive; remove it or pass another --database-url")
    started = time.perf_counter()
    from articles.services.imports import import_paths

    files = livedoor_files()
    if not files:
        raise SystemExit("../shared/corpora/livedoor is absent")
    report = import_paths(files)
    print(f"imported the livedoor corpus: {report.summary()}", file=sys.stderr)
    _copy_until(articles)
    print(f"built {url} with {articles:,} articles in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return url


def _copy_until(target: int) -> None:
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from articles.ingest import index_field
    from articles.models import Article, Claim, Mention, SearchDocument
    from articles.services.rows import update_statistics

    originals = list(Article.objects.order_by("id").values_list("id", "title"))
    copy = 0
    while Article.objects.count() < target:
        copy += 1
        wanted = min(len(originals), target - Article.objects.count())
        batch = originals[:wanted]
        word = TITLE_WORDS[copy % len(TITLE_WORDS)]
        offset = copy * COPY_STRIDE
        last = batch[-1][0]
        with transaction.atomic(), connection.cursor() as cursor:
            # every column copied as it is but those changed here, so that a new field is copied too
            _copy_rows(cursor, Article, {
                "id": ("id + %s", [offset]),
                "slug": ("slug || %s", [f"-{copy}"]),
                "title": ("title || %s", [f"（{word}{copy}）"]),
                "source_url": ("source_url || %s", [f"?copy={copy}"]),
                "content_hash": ("substr(content_hash, 1, 50) || %s", [f"-{copy:013d}"]),
            }, "id <= %s AND id < %s", [last, COPY_STRIDE])
            _copy_rows(cursor, Mention, {"id": None, "article_id": ("article_id + %s", [offset])},
                       "article_id <= %s AND article_id < %s", [last, COPY_STRIDE])
            if copy == 1:  # enough claims for the admin and API benchmarks without a million of them
                _copy_rows(cursor, Claim, {
                    "id": ("id + %s", [offset]), "article_id": ("article_id + %s", [offset]),
                }, "article_id <= %s AND id < %s", [last, COPY_STRIDE])
            documents = SearchDocument.objects.filter(article_id__lte=last, article_id__lt=COPY_STRIDE)
            suffix = index_field(f"（{word}{copy}）").terms
            SearchDocument.objects.bulk_create(
                (
                    SearchDocument(
                        article_id=d.article_id + offset, title=f"{d.title} {suffix}", headings=d.headings,
                        body=d.body, names=d.names, title_offsets=d.title_offsets, body_offsets=d.body_offsets,
                    )
                    for d in documents.iterator(chunk_size=2000)
                ),
                batch_size=2000,
            )
        print(f"  copy {copy}: {Article.objects.count():,} articles", file=sys.stderr)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [Article, Claim, Mention]):
            cursor.execute(statement)
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO articles_fts(articles_fts) VALUES ('optimize')")
        else:
            # VACUUM too: the copies and the importer's names refresh leave dead rows and no
            # visibility map, which a live archive's autovacuum would long since have dealt with
            cursor.execute("VACUUM ANALYZE")
    # SQLite: the statistics an import leaves, which the planner of a live archive reads
    update_statistics()


def _copy_rows(cursor, model, changed: dict, where: str, params: list) -> None:
    """INSERT ... SELECT the rows of `model` that `where` selects, every column as it is but those
    in `changed`: column -> (SQL expression, its parameters), or None to leave it to the database."""
    from django.db import connection

    quote = connection.ops.quote_name
    columns, values, value_params = [], [], []
    for field in model._meta.concrete_fields:
        change = changed.get(field.column, (quote(field.column), []))
        if change is None:
            continue
        columns.append(quote(field.column))
        values.append(change[0])
        value_params += change[1]
    table = quote(model._meta.db_table)
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {table} WHERE {where}",
        [*value_params, *params],
    )
