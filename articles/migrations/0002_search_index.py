"""The vendor-specific search index beside SearchDocument.

SQLite: an FTS5 table reading its content from articles_searchdocument, kept in step by
triggers. PostgreSQL: a table of tsvectors (config `simple`: the terms are already SudachiPy
words) with per-field weights and a GIN index, kept in step by triggers.
"""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, headings, body, names,
        content='articles_searchdocument', content_rowid='article_id',
        tokenize='unicode61 remove_diacritics 0'
    )""",
    """CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles_searchdocument BEGIN
        INSERT INTO articles_fts(rowid, title, headings, body, names)
        VALUES (new.article_id, new.title, new.headings, new.body, new.names);
    END""",
    """CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles_searchdocument BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, headings, body, names)
        VALUES ('delete', old.article_id, old.title, old.headings, old.body, old.names);
    END""",
    """CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles_searchdocument BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, headings, body, names)
        VALUES ('delete', old.article_id, old.title, old.headings, old.body, old.names);
        INSERT INTO articles_fts(rowid, title, headings, body, names)
        VALUES (new.article_id, new.title, new.headings, new.body, new.names);
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS articles_fts_update",
    "DROP TRIGGER IF EXISTS articles_fts_delete",
    "DROP TRIGGER IF EXISTS articles_fts_insert",
    "DROP TABLE IF EXISTS articles_fts",
]

POSTGRES = [
    # the vectors live in a narrow table of their own: counting matches then reads a few
    # megabytes of row headers, not the search documents' text columns
    """CREATE TABLE articles_searchvector (
        article_id bigint PRIMARY KEY,
        vector tsvector NOT NULL
    )""",
    "CREATE INDEX articles_searchvector_vector ON articles_searchvector USING gin (vector)",
    """CREATE FUNCTION articles_searchvector_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM articles_searchvector WHERE article_id = OLD.article_id;
            RETURN NULL;
        END IF;
        INSERT INTO articles_searchvector (article_id, vector) VALUES (
            NEW.article_id,
            setweight(to_tsvector('simple'::regconfig, NEW.title), 'A')
            || setweight(to_tsvector('simple'::regconfig, NEW.headings), 'B')
            || setweight(to_tsvector('simple'::regconfig, NEW.names), 'C')
            || setweight(to_tsvector('simple'::regconfig, NEW.body), 'D')
        )
        ON CONFLICT (article_id) DO UPDATE SET vector = EXCLUDED.vector;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER articles_searchvector_sync AFTER INSERT OR UPDATE OR DELETE ON articles_searchdocument
        FOR EACH ROW EXECUTE FUNCTION articles_searchvector_sync()""",
    """CREATE FUNCTION articles_searchvector_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE articles_searchvector;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER articles_searchvector_truncate AFTER TRUNCATE ON articles_searchdocument
        FOR EACH STATEMENT EXECUTE FUNCTION articles_searchvector_truncate()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS articles_searchvector_truncate ON articles_searchdocument",
    "DROP TRIGGER IF EXISTS articles_searchvector_sync ON articles_searchdocument",
    "DROP FUNCTION IF EXISTS articles_searchvector_truncate()",
    "DROP FUNCTION IF EXISTS articles_searchvector_sync()",
    "DROP TABLE IF EXISTS articles_searchvector",
]


def _run(statements):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
    ]
