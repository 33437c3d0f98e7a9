"""SQLite backend: an FTS5 table over SearchDocument (external content, kept in step by
triggers, created in migration 0002; its `ascii` tokenizer, since 0011, only splits the terms
at spaces and punctuation: the analysis has done the rest), ranked by bm25 with the title
weighted highest."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection, transaction

from .query import Either, ParsedQuery, Part, Phrase

# bm25 column weights: title, headings (subheadings and captions), body, entity names
WEIGHTS = (10.0, 4.0, 1.0, 2.0)


def _phrase(terms: Phrase) -> str:
    # an FTS5 string: double quotes doubled, so nothing inside is syntax
    return '"' + " ".join(terms).replace('"', '""') + '"'


def _either(phrases: Either) -> str:
    return "(" + " OR ".join(map(_phrase, phrases)) + ")"


def _part(part: Part) -> str:
    # (words) OR phrases finds what the words find (each phrase holds them all), but bm25 counts
    # the phrases too: where the words stand side by side, the article ranks higher
    alternatives = [f"({' AND '.join(map(_either, part.words))})"] if part.words else []
    alternatives += map(_phrase, part.phrases)
    alternatives += (_phrase(phrase) + " *" for phrase in part.open_ended)  # its last term a prefix
    return "(" + " OR ".join(alternatives) + ")"


def match_expression(query: ParsedQuery) -> str:
    expression = " AND ".join(map(_part, query.required))
    for part in query.excluded:
        expression += " NOT " + _part(part)
    return expression


class SqliteBackend:
    # the index's own id column: constraints on it let FTS5 seek instead of scanning
    id_column = "articles_fts.rowid"
    rank_window = 1000  # bm25 reads positions from the index itself: cheap

    @contextmanager
    def reading(self):
        """A cursor in one read transaction, so that a search's count, block edges and ranking
        all see the same articles while an import commits beside it (WAL gives the reader a
        snapshot). DEFERRED, not the connection's IMMEDIATE: a read must not take the write
        lock. Inside someone else's transaction (or with autocommit off), a savepoint, so that a
        failed query does not spoil it."""
        if connection.in_atomic_block or not connection.get_autocommit():
            with transaction.atomic(), connection.cursor() as cursor:
                yield cursor
            return
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
            try:
                yield cursor
            finally:
                if connection.connection.in_transaction:  # SQLite ends it itself on some errors
                    cursor.execute("ROLLBACK")  # it only read

    def matches(self, query: ParsedQuery) -> tuple[str, list]:
        """FROM/WHERE that select matching articles as `a`."""
        sql = (
            "articles_fts JOIN articles_article a ON a.id = articles_fts.rowid"
            " WHERE articles_fts MATCH %s"
        )
        return sql, [match_expression(query)]

    def count_and_starts(
        self, cursor, query: ParsedQuery, window: int, upto: int, *,
        past: int = 0, exclude: tuple[str, list] | None = None,
    ) -> tuple[int, list[int]]:
        """The number of matches, less those whose id `exclude` selects, and (if there are more
        than `past`) the ids at every `window`-th place from the newest, up to place `upto`."""
        expression = match_expression(query)
        cursor.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH %s", [expression])
        total = cursor.fetchone()[0]
        keep, keep_params = "", []
        if exclude and total:
            # the few excluded (drafts), found through their own index, then counted out
            among, among_params = exclude
            cursor.execute(
                f"SELECT count(*) FROM articles_fts WHERE articles_fts MATCH %s AND rowid IN ({among})",
                [expression, *among_params],
            )
            total -= cursor.fetchone()[0]
            keep, keep_params = f" AND rowid NOT IN ({among})", among_params
        if total <= max(window, past):
            return total, []
        cursor.execute(
            f"SELECT rowid FROM articles_fts WHERE articles_fts MATCH %s{keep} ORDER BY rowid DESC LIMIT %s OFFSET %s",
            [expression, *keep_params, min(upto, total) - window + 1, window],
        )
        return total, [row[0] for row in cursor.fetchall()[::window]]

    def score_expression(self) -> str:
        weights = ", ".join(str(w) for w in WEIGHTS)
        return f"-bm25(articles_fts, {weights})"  # bm25 is lower-is-better; scores are higher-is-better
