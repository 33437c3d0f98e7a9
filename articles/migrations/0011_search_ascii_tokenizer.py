"""SQLite's FTS5 index reads the terms with the `ascii` tokenizer instead of `unicode61`.

The terms are SudachiPy words, already folded: all a tokenizer has left to do is split them
at spaces and punctuation. unicode61 looks up every character's Unicode category to do it,
which cost 8% of a whole re-index (counted in instructions: 4,607 million for 200 articles
then, 4,227 million with `ascii`). `ascii` splits only at ASCII characters, so the analysis now
writes "-" for any other character that separates words (・ in イー・モバイル, ×, emoji: see
articles.ingest.analysis), and this migration does the same to the terms already stored.
FTS5 then cuts the same tokens as before in 7,371 of the 7,376 livedoor articles (4,851,082
token instances); the other five hold kaomoji and stylised cries (ゔあ゙あ゙っ) with combining
marks, which unicode61 split at and which now stay in the word, as PostgreSQL keeps them.
PostgreSQL reads "-" as a space (migration 0009), as it read the characters it replaces; its
vectors change only in the rows rewritten here.

Backwards, FTS5 reads the terms with unicode61 again; the "-" stay, and unicode61 splits there too.
"""

import re
import unicodedata
from importlib import import_module

from django.db import migrations

FTS = """CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, headings, body, names,
    content='articles_searchdocument', content_rowid='article_id',
    tokenize='{tokenizer}'
)"""
# the triggers and their removal as migration 0002 wrote them: the table is made anew, they with it
_INITIAL = import_module("articles.migrations.0002_search_index")
TRIGGERS = _INITIAL.SQLITE[1:]
DROP = _INITIAL.SQLITE_REVERSE
FILL = "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')"
FIELDS = ("title", "headings", "body", "names")
BATCH = 500
# text made only of these needs no change: ASCII, kana but ・, CJK ideographs (most rows)
_PLAIN = re.compile(r"[\x00-\x7f\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u4e00-\u9fff]*")


class _Separators(dict):
    """The analysis's rule as it stood when this migration was written: a character that is
    not ASCII, nor a letter, mark, number or private-use character, becomes "-"."""

    def __missing__(self, code):
        category = unicodedata.category(chr(code))
        kept = code < 0x80 or category[0] in "LMN" or category == "Co"
        self[code] = code if kept else "-"
        return self[code]


def _separate_stored_terms(connection):
    table = _Separators()
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT article_id, {', '.join(FIELDS)} FROM articles_searchdocument"
                " WHERE article_id > %s ORDER BY article_id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            last = rows[-1][0]
            changed = []
            for article_id, *values in rows:
                separated = [v if _PLAIN.fullmatch(v) else v.translate(table) for v in values]
                if separated != values:
                    changed.append([*separated, article_id])
            cursor.executemany(
                f"UPDATE articles_searchdocument SET {', '.join(f'{f} = %s' for f in FIELDS)} WHERE article_id = %s",
                changed,
            )


def _forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        for statement in DROP:  # first: rewriting the terms then costs no index updates
            schema_editor.execute(statement)
        _separate_stored_terms(connection)
        for statement in [FTS.format(tokenizer="ascii"), *TRIGGERS, FILL]:
            schema_editor.execute(statement)
    elif connection.vendor == "postgresql":
        _separate_stored_terms(connection)  # the trigger rebuilds the vectors of these rows


def _backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in [*DROP, FTS.format(tokenizer="unicode61 remove_diacritics 0"), *TRIGGERS, FILL]:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_article_language_tag")]

    operations = [migrations.RunPython(_forward, _backward)]
