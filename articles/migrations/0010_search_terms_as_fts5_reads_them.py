"""PostgreSQL reads the indexed terms as SQLite's FTS5 does, so that both find the same articles.

FTS5's unicode61 tokenizer splits a term at ASCII punctuation: http://news.livedoor.com/ is the
words http, news, livedoor and com, and 3.5 is 3 and 5. PostgreSQL's parser instead keeps URLs,
host names and decimals whole, so on the same articles `http` found 82 of 1,998 on SQLite and
none on PostgreSQL, and `jp` 331 against 90. The vectors are now built from the terms with
ASCII punctuation read as spaces (the query's terms get the same, in the backend), and rebuilt.
"""

import string

from django.db import migrations

PUNCTUATION = string.punctuation.replace("'", "''")  # as an SQL string literal's content
SPACES = " " * len(string.punctuation)


def _vector(words: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION articles_search_vector(title text, headings text, names text, body text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ts_delete(
        setweight(to_tsvector('simple'::regconfig, {words.replace("FIELD", "title")} || ' ｇａｐ'), 'A')
        || setweight(to_tsvector('simple'::regconfig, {words.replace("FIELD", "headings")} || ' ｇａｐ'), 'B')
        || setweight(to_tsvector('simple'::regconfig, {words.replace("FIELD", "names")} || ' ｇａｐ'), 'C')
        || setweight(to_tsvector('simple'::regconfig, {words.replace("FIELD", "body")}), 'D'),
        'ｇａｐ'::text)
$$"""


REBUILD = """UPDATE articles_searchvector v
    SET vector = articles_search_vector(d.title, d.headings, d.names, d.body)
    FROM articles_searchdocument d WHERE d.article_id = v.article_id"""

FORWARD = [_vector(f"translate(FIELD, '{PUNCTUATION}', '{SPACES}')"), REBUILD]
BACKWARD = [_vector("FIELD"), REBUILD]  # as migration 0009 built them


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)  # None: its % signs are not placeholders

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_search_fields_apart")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
