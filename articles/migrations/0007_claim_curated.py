"""Claim.curated: set when an editor changes anything of a claim, so that a re-import leaves
its kind, speaker and cited outlet as the editor set them (before, only a reviewed, noted or
text-edited claim was safe). Claims an editor already changed are found by their history:
the importer writes none, curation always does."""

from django.db import migrations, models


def mark_claims_editors_changed(apps, schema_editor):
    Claim = apps.get_model("articles", "Claim")
    HistoricalClaim = apps.get_model("articles", "HistoricalClaim")
    Claim.objects.filter(pk__in=HistoricalClaim.objects.values("id")).update(curated=True)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0006_search_lz4"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="curated",
            field=models.BooleanField(default=False, verbose_name="curated by an editor"),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="curated",
            field=models.BooleanField(default=False, verbose_name="curated by an editor"),
        ),
        migrations.RunPython(mark_claims_editors_changed, migrations.RunPython.noop),
    ]
