"""Plain-row inserts for the importer's link tables (mentions, claim subjects, name keys),
and for restored records; and the planner statistics such bulk writes leave stale.

An article brings tens of such rows; building a model instance per row costs more than
writing it, so these go to the database as tuples in one executemany. Columns are taken
from the model, never spelled out by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection

from articles.models import Article


def insert_rows(model, fields: Sequence[str], rows: Iterable[tuple], *, ignore_conflicts: bool = False) -> None:
    rows = list(rows)
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def insert_objects(model, objects: Sequence) -> None:
    """Model instances (with their ids) as rows, every value as it is: unlike bulk_create, no
    field's pre_save runs, so auto_now and auto_now_add keep the times a restore gives them."""
    fields = model._meta.concrete_fields
    insert_rows(
        model, [f.name for f in fields],
        (tuple(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields) for obj in objects),
    )


def update_statistics() -> None:
    """After a bulk write, refresh SQLite's statistics for its query planner. Without any, SQLite
    chose plans that made the search facets 25 times slower on a freshly imported archive.
    PostgreSQL's autovacuum keeps its own.

    Every index is sampled (milliseconds), then the articles' are read again in full (65 ms at
    100,000 articles): a sample made a column of few values look selective (401 articles per status
    where all 100,000 were published), and the planner then read every published article to
    find the sitemap's latest date (130 ms) instead of one entry of the updated_at index."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit = 400")
        cursor.execute("ANALYZE")
        cursor.execute("PRAGMA analysis_limit = 0")
        cursor.execute(f"ANALYZE {connection.ops.quote_name(Article._meta.db_table)}")
