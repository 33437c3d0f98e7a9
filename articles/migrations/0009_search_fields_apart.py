"""PostgreSQL finds what SQLite's FTS5 finds: no phrase across two fields, and terms split at
ASCII punctuation.

An article's vector joins the vectors of its title, headings, names and body, and joining
numbers the right one's positions on from the left one's last: the title's last word stood
next to the headings' first, so the phrase 東京 大学 matched names ending in 東京 before a body
starting with 大学. FTS5 keeps its columns apart. Now each field but the last ends with a filler
word, deleted from the vector again, which leaves a gap. The filler is written in full-width
letters: the index holds NFKC-folded terms, so it is never a word of an article.

FTS5's unicode61 tokenizer also splits a term at ASCII punctuation (http://news.livedoor.com/
is http, news, livedoor and com; 3.5 is 3 and 5), where PostgreSQL's parser keeps URLs, hosts
and decimals whole: on the same articles `http` found 82 of 1,998 on SQLite and none on
PostgreSQL. The vectors are now built from the terms with ASCII punctuation read as spaces
(the query's terms get the same, in the backend).

One function builds a vector, for the trigger and to rebuild every vector here, once.
"""

import string

from django.db import migrations

PUNCTUATION = string.punctuation.replace("'", "''")  # as an SQL string literal's content
SPACES = " " * len(string.punctuation)
WORDS = f"translate(FIELD, '{PUNCTUATION}', '{SPACES}')"

VECTOR = """CREATE OR REPLACE FUNCTION articles_search_vector(title text, headings text, names text, body text)
    RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ts_delete(
        setweight(to_tsvector('simple'::regconfig, TITLE || ' ｇａｐ'), 'A')
        || setweight(to_tsvector('simple'::regconfig, HEADINGS || ' ｇａｐ'), 'B')
        || setweight(to_tsvector('simple'::regconfig, NAMES || ' ｇａｐ'), 'C')
        || setweight(to_tsvector('simple'::regconfig, BODY), 'D'),
        'ｇａｐ'::text)
$$"""
for _field in ("title", "headings", "names", "body"):
    VECTOR = VECTOR.replace(_field.upper(), WORDS.replace("FIELD", _field))

SYNC = """CREATE OR REPLACE FUNCTION articles_searchvector_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM articles_searchvector WHERE article_id = OLD.article_id;
            RETURN NULL;
        END IF;
        INSERT INTO articles_searchvector (article_id, vector) VALUES (
            NEW.article_id, {vector}
        )
        ON CONFLICT (article_id) DO UPDATE SET vector = EXCLUDED.vector;
        RETURN NULL;
    END $$"""

REBUILD = """UPDATE articles_searchvector v SET vector = {vector}
    FROM articles_searchdocument d WHERE d.article_id = v.article_id"""

# what migration 0002 built the vectors with: the fields joined without a gap, terms as they are
JOINED = """setweight(to_tsvector('simple'::regconfig, {row}.title), 'A')
            || setweight(to_tsvector('simple'::regconfig, {row}.headings), 'B')
            || setweight(to_tsvector('simple'::regconfig, {row}.names), 'C')
            || setweight(to_tsvector('simple'::regconfig, {row}.body), 'D')"""
APART = "articles_search_vector({row}.title, {row}.headings, {row}.names, {row}.body)"

FORWARD = [VECTOR, SYNC.format(vector=APART.format(row="NEW")), REBUILD.format(vector=APART.format(row="d"))]
BACKWARD = [
    SYNC.format(vector=JOINED.format(row="NEW")),
    REBUILD.format(vector=JOINED.format(row="d")),
    "DROP FUNCTION IF EXISTS articles_search_vector(text, text, text, text)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)  # None: its % signs are not placeholders

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_newest_first_undated_last")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
