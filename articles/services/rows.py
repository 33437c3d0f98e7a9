"""Plain-row inserts for the importer's link tables (mentions, claim subjects, name keys).

An article brings tens of such rows; building a model instance per row costs more than
writing it, so these go to the database as tuples in one executemany. Columns are taken
from the model, never spelled out by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection


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
