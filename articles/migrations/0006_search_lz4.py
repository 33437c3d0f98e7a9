"""PostgreSQL: compress the search documents and vectors with lz4 instead of pglz.

Every indexed article writes about ten kilobytes of terms, offsets and vector, and every
ranked search reads vectors back: lz4 compresses and decompresses several times faster than
pglz, the default. Only values written from now on change; a server built without lz4 keeps
pglz. Nothing to do on SQLite.
"""

from django.db import migrations

COLUMNS = {
    "articles_searchdocument": ["title", "headings", "body", "names", "title_offsets", "body_offsets"],
    "articles_searchvector": ["vector"],
}


def _compress_with(method):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
            )
            row = cursor.fetchone()
        if not (row and row[0]):
            return
        for table, columns in COLUMNS.items():
            changes = ", ".join(f"ALTER COLUMN {column} SET COMPRESSION {method}" for column in columns)
            schema_editor.execute(f"ALTER TABLE {table} {changes}")

    return run


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_curatable_names")]

    operations = [migrations.RunPython(_compress_with("lz4"), _compress_with("default"))]
