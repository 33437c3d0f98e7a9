"""PostgreSQL backend: a table of tsvectors built by a trigger from SearchDocument's term
columns with the `simple` configuration (weights A title, B headings, C names, D body) and a
GIN index, created in migration 0002; ranked by ts_rank_cd.

Each term or phrase goes to phraseto_tsquery as a bound parameter, so PostgreSQL splits it
exactly as it split the indexed terms, and no user text is ever tsquery syntax."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection, transaction

from .query import ParsedQuery


def tsquery(query: ParsedQuery) -> tuple[str, list]:
    parts = ["phraseto_tsquery('simple', %s)"] * len(query.required)
    parts += ["!!phraseto_tsquery('simple', %s)"] * len(query.excluded)
    params = [" ".join(terms) for terms in query.required + query.excluded]
    return "(" + " && ".join(parts) + ")", params


class PostgresBackend:
    id_column = "d.article_id"
    # ranking reads each candidate's whole vector: rank fewer of them than SQLite does
    rank_window = 200

    @contextmanager
    def reading(self):
        """A cursor in a transaction where the planner finds matches through the GIN index
        only (bitmap scans). It cannot know that checking a row's vector means reading it back
        from TOAST and decompressing it, so it would otherwise walk the table or the primary
        key checking every vector: a second or more at 100,000 articles."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            yield cursor

    def matches(self, query: ParsedQuery) -> tuple[str, list]:
        """FROM/WHERE that select matching articles as `a`, their documents as `d`."""
        expression, params = tsquery(query)
        sql = (
            f"articles_searchvector d CROSS JOIN (SELECT {expression} AS q) AS q"
            " JOIN articles_article a ON a.id = d.article_id"
            " WHERE d.vector @@ q.q"
        )
        return sql, params

    def ids_among(self, query: ParsedQuery, among: str, among_params: list) -> tuple[str, list]:
        """The ids of matches that are also in `among` (a SELECT of ids), from the index."""
        expression, params = tsquery(query)
        sql = (f"SELECT d.article_id FROM articles_searchvector d"
               f" WHERE d.vector @@ {expression} AND d.article_id IN ({among})")
        return sql, [*params, *among_params]

    def count_and_starts(self, cursor, query: ParsedQuery, window: int, upto: int) -> tuple[int, list[int]]:
        """All matches (any status), and the ids at every `window`-th place from the newest up
        to place `upto`, in one pass over the index (a phrase rechecks positions, which is the
        costly part: do it once)."""
        expression, params = tsquery(query)
        cursor.execute(
            "SELECT count(*), array_agg(id ORDER BY id DESC)"
            " FILTER (WHERE newest > 1 AND newest <= %s + 1 AND (newest - 1) %% %s = 0) FROM ("
            " SELECT d.article_id AS id, row_number() OVER (ORDER BY d.article_id DESC) AS newest"
            f" FROM articles_searchvector d WHERE d.vector @@ {expression}) AS matches",
            [upto, window, *params],
        )
        total, starts = cursor.fetchone()
        return total, starts or []

    def score_expression(self) -> str:
        return "ts_rank_cd(d.vector, q.q)"
