"""The vendor-specific search index beside SearchDocument.

SQLite: an FTS5 table reading its content from articles_searchdocument, kept in step by
triggers. PostgreSQL: a generated tsvector column (config `simple`: the terms are already
SudachiPy words) with per-field weights, and a GIN index.
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
    """ALTER TABLE articles_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title), 'A')
        || setweight(to_tsvector('simple'::regconfig, headings), 'B')
        || setweight(to_tsvector('simple'::regconfig, names), 'C')
        || setweight(to_tsvector('simple'::regconfig, body), 'D')
    ) STORED""",
    "CREATE INDEX articles_searchdocument_vector ON articles_searchdocument USING gin (vector)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS articles_searchdocument_vector",
    "ALTER TABLE articles_searchdocument DROP COLUMN IF EXISTS vector",
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
