"""PostgreSQL backend: a table of tsvectors built by a trigger from SearchDocument's term
columns with the `simple` configuration (weights A title, B headings, C names, D body) and a
GIN index, created in migration 0002; ranked by ts_rank_cd. The fields stand apart, and ASCII
punctuation in the terms reads as spaces, as SQLite's FTS5 reads it (migration 0009).

Each term or phrase goes to phraseto_tsquery as a bound parameter, so PostgreSQL splits it
exactly as it split the indexed terms, and no user text is ever tsquery syntax."""

from __future__ import annotations

import string
from contextlib import contextmanager

from django.db import connection, transaction

from .query import ParsedQuery, Part, Phrase

_PHRASE = "phraseto_tsquery('simple', %s)"
# the same with its last lexeme a prefix ('日本' <-> '代表':*), written by PostgreSQL itself (an
# open-ended phrase always ends in a word, query._opens_words, so there is a lexeme to mark)
_OPEN_ENDED = f"({_PHRASE}::text || ':*')::tsquery"
# ASCII punctuation read as spaces, as FTS5 reads it and as the vectors are built (migration 0009)
_AS_FTS5 = str.maketrans(string.punctuation, " " * len(string.punctuation))


def _text(phrase: Phrase) -> str:
    return " ".join(phrase).translate(_AS_FTS5)


def _part(part: Part) -> tuple[str, list[str]]:
    # (words) || phrases finds what the words find (each phrase holds them all, and GIN needs no
    # recheck where the words are there), but ts_rank_cd ranks the phrases too
    alternatives = []
    params = []
    if part.words:
        alternatives.append(
            "(" + " && ".join("(" + " || ".join([_PHRASE] * len(either)) + ")" for either in part.words) + ")"
        )
        params += [_text(phrase) for either in part.words for phrase in either]
    alternatives += [_PHRASE] * len(part.phrases) + [_OPEN_ENDED] * len(part.open_ended)
    params += [_text(phrase) for phrase in (*part.phrases, *part.open_ended)]
    return "(" + " || ".join(alternatives) + ")", params


def tsquery(query: ParsedQuery) -> tuple[str, list]:
    parts = [_part(part) for part in query.required] + [_part(part) for part in query.excluded]
    required = len(query.required)
    sql = [sql if index < required else "!!" + sql for index, (sql, _) in enumerate(parts)]
    return "(" + " && ".join(sql) + ")", [param for _, params in parts for param in params]


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

    def count_and_starts(
        self, cursor, query: ParsedQuery, window: int, upto: int, *,
        past: int = 0, exclude: tuple[str, list] | None = None,
    ) -> tuple[int, list[int]]:
        """The number of matches, less those whose id `exclude` selects, and (if there are more
        than `past`) the ids at every `window`-th place from the newest, up to place `upto`: in
        one pass over the index (a phrase rechecks positions, which is the costly part)."""
        expression, params = tsquery(query)
        keep, keep_params = (f" AND d.article_id NOT IN ({exclude[0]})", exclude[1]) if exclude else ("", [])
        cursor.execute(
            "SELECT count(*), array_agg(id ORDER BY id DESC)"
            " FILTER (WHERE newest > 1 AND newest <= %s + 1 AND (newest - 1) %% %s = 0) FROM ("
            " SELECT d.article_id AS id, row_number() OVER (ORDER BY d.article_id DESC) AS newest"
            f" FROM articles_searchvector d WHERE d.vector @@ {expression}{keep}) AS matches",
            [upto, window, *params, *keep_params],
        )
        total, starts = cursor.fetchone()
        return total, starts if starts and total > past else []

    def score_expression(self) -> str:
        return "ts_rank_cd(d.vector, q.q)"
