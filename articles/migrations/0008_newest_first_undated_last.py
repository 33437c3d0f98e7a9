"""Lists put undated articles last on every database (models.newest_first).

PostgreSQL puts NULL first in a descending order, and an index serves an ORDER BY only with
the same NULLS placement: its listing index becomes (status, published_at DESC NULLS LAST,
id DESC), so that lists still walk it newest first instead of sorting every article. SQLite
puts NULL last in a descending index already (and cannot declare NULLS LAST in one): nothing
to do there, and the model keeps declaring the index by its fields.
"""

from django.db import migrations, models

CREATE = "CREATE INDEX article_listing ON articles_article (status, published_at DESC{}, id DESC)"


def _listing_index(nulls: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("DROP INDEX article_listing")
        schema_editor.execute(CREATE.format(nulls))

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0007_claim_curated'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='article',
            options={'ordering': [models.OrderBy(models.F('published_at'), descending=True, nulls_last=True), models.OrderBy(models.F('id'), descending=True)], 'verbose_name': 'article', 'verbose_name_plural': 'articles'},
        ),
        migrations.RunPython(_listing_index(" NULLS LAST"), _listing_index("")),
    ]
