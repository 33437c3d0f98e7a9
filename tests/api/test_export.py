"""The streaming JSON Lines export: the export_archive format; the public part for others."""

import io
import json

import pytest
from django.http import StreamingHttpResponse

from articles.models import Claim, Entity, Source
from articles.services.archive import archive_export

pytestmark = pytest.mark.django_db


def lines(response) -> list[dict]:
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    return [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]


def test_editors_get_exactly_what_export_archive_writes(editor_client, archive):
    expected = io.StringIO()
    archive_export(expected)
    response = editor_client.get("/api/v1/export/")
    assert b"".join(response.streaming_content).decode() == expected.getvalue()


def test_anonymous_export_holds_the_public_archive_only(anon, archive):
    records = lines(anon.get("/api/v1/export/"))
    by_type = {kind: [r for r in records if r["type"] == kind] for kind in ("source", "entity", "article", "claim")}
    assert [r["type"] for r in records] == sorted((r["type"] for r in records),
                                                  key=["source", "entity", "article", "claim"].index)
    articles = {r["id"] for r in by_type["article"]}
    assert articles == {archive.seed.pk, archive.tokyo.pk, archive.english.pk}
    claims = {r["id"] for r in by_type["claim"]}
    assert claims == set(Claim.objects.filter(article_id__in=articles).exclude(status="rejected")
                         .values_list("id", flat=True))
    entities = {r["id"] for r in by_type["entity"]}
    assert archive.draft_entity.pk not in entities and Entity.objects.get(name="小池百合子").pk in entities
    assert archive.draft_source.pk not in {r["id"] for r in by_type["source"]}
    # the same records as the API's lists, and every reference resolves within the export
    for kind, plural in (("entity", "entities"), ("source", "sources"), ("claim", "claims")):
        listed = anon.get(f"/api/v1/{plural}/", {"page_size": 1000}).json()["results"]
        assert [r["id"] for r in by_type[kind]] == [item["id"] for item in listed]
    mentioned = {m["entity"] for r in by_type["article"] for m in r["mentions"]}
    assert mentioned <= entities
    cited = {s for r in by_type["article"] for s in [r["source"], *r["attributed_to"]] if s}
    assert cited <= {r["id"] for r in by_type["source"]}


def test_export_restores_into_an_empty_archive(anon, archive, tmp_path):
    """A public export is a valid backup file of the public archive."""
    from articles.models import Article
    from articles.services.archive import archive_restore

    text = b"".join(anon.get("/api/v1/export/").streaming_content).decode()
    for model in (Claim, Article, Entity, Source):
        model.objects.all().delete()
    counts = archive_restore(text.splitlines())
    assert counts["article"] == 3 and counts["entity"] == Entity.objects.count()
    exported = [json.loads(line) for line in text.splitlines() if line.strip()]
    for kind, model in (("entity", Entity), ("source", Source), ("claim", Claim)):  # every record, by id
        assert sorted(model.objects.values_list("id", flat=True)) == sorted(
            r["id"] for r in exported if r.get("type") == kind), kind
