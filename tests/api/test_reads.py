"""Reads: the contract's field names (detail = export record + links), lighter lists, `expand`,
who sees what, conditional GET."""

import json

import pytest

from articles.models import Article, Claim, Entity, Source
from articles.services.archive import export_records
from articles.services.curation import claim_review

from .conftest import ids, results

pytestmark = pytest.mark.django_db

ENDPOINTS = {"source": Source, "entity": Entity, "article": Article, "claim": Claim}
ADDED = {"api_url", "page_url"}


def path(kind: str, pk: int | None = None) -> str:
    plural = {"entity": "entities"}.get(kind, f"{kind}s")
    return f"/api/v1/{plural}/" + (f"{pk}/" if pk else "")


@pytest.mark.parametrize("kind", ENDPOINTS)
def test_every_detail_is_its_export_record_plus_links(editor_client, archive, kind):
    records = [r for r in export_records() if r["type"] == kind]
    assert records
    for record in records:
        response = editor_client.get(path(kind, record["id"]))
        assert response.status_code == 200
        detail = response.json()
        assert {k: v for k, v in detail.items() if k not in ADDED} == record
        assert detail["api_url"] == f"http://testserver{path(kind, record['id'])}"
        obj = ENDPOINTS[kind].objects.get(pk=record["id"])
        assert detail["page_url"] == f"http://testserver{obj.get_absolute_url()}"
        assert detail["updated_at"].endswith("Z")


@pytest.mark.parametrize("kind", ["source", "entity", "claim"])
def test_list_items_equal_details(editor_client, archive, kind):
    for item in results(editor_client.get(path(kind), {"page_size": 1000})):
        assert item == editor_client.get(path(kind, item["id"])).json()


def test_article_list_leaves_out_body_and_mentions_unless_expanded(anon, archive):
    [item, *_] = results(anon.get("/api/v1/articles/"))
    assert "body" not in item and "mentions" not in item and item["title"]
    [item, *_] = results(anon.get("/api/v1/articles/", {"expand": "body,mentions"}))
    detail = anon.get(item["api_url"]).json()
    assert item == detail


def test_expand_replaces_ids_by_compact_objects(anon, archive):
    article = anon.get(path("article", archive.seed.pk), {"expand": "source,attributed_to"}).json()
    assert article["source"] == {"id": archive.seed.source_id, "name": "vietnamnet.vn", "kind": "website",
                                 "api_url": f"http://testserver/api/v1/sources/{archive.seed.source_id}/"}
    assert [s["name"] for s in article["attributed_to"]] == ["WSJ"]
    claim = Claim.objects.filter(article=archive.seed, speaker__isnull=False).exclude(status="rejected").first()
    expanded = anon.get(path("claim", claim.pk), {"expand": "article,speaker,entities,attributed_to"}).json()
    assert expanded["article"] == {"id": archive.seed.pk, "slug": archive.seed.slug, "title": archive.seed.title,
                                   "api_url": f"http://testserver/api/v1/articles/{archive.seed.pk}/"}
    assert expanded["speaker"]["name"] == claim.speaker.name
    assert sorted(e["id"] for e in expanded["entities"]) == sorted(claim.entities.values_list("id", flat=True))
    cited = Claim.objects.filter(article=archive.seed, attributed_to__isnull=False).exclude(status="rejected").first()
    outlet = cited.attributed_to
    assert anon.get(path("claim", cited.pk), {"expand": "attributed_to"}).json()["attributed_to"] == {
        "id": outlet.pk, "name": outlet.name, "kind": outlet.kind,
        "api_url": f"http://testserver/api/v1/sources/{outlet.pk}/",
    }


def test_expand_refuses_unknown_names(anon, archive):
    response = anon.get("/api/v1/claims/", {"expand": "speaker,body"})
    assert response.status_code == 400 and "body" in response.json()["message"]
    assert anon.get("/api/v1/entities/", {"expand": "merged_into"}).status_code == 400  # entities expand nothing


def test_who_reviewed_a_claim_is_shown_to_editors_only(anon, editor_client, editor, archive):
    """A reviewer is named by login name, which is not for the public: null for others, in the
    details as in the export."""
    claim = archive.seed.claims.exclude(pk=archive.rejected.pk).first()
    claim_review(claims=[claim], status=Claim.Status.VERIFIED, user=editor)
    assert editor_client.get(path("claim", claim.pk)).json()["reviewed_by"] == "editor"
    assert [c["reviewed_by"] for c in results(editor_client.get(path("claim"), {"status": "verified"}))] == ["editor"]
    assert anon.get(path("claim", claim.pk)).json()["reviewed_by"] is None
    assert [c["reviewed_by"] for c in results(anon.get(path("claim"), {"status": "verified"}))] == [None]
    exported = b"".join(anon.get("/api/v1/export/").streaming_content).decode().splitlines()
    assert [r["reviewed_by"] for r in map(json.loads, exported) if r["id"] == claim.pk and r["type"] == "claim"] == [None]


def test_anonymous_clients_see_the_public_archive_only(anon, archive):
    article_ids = ids(anon.get("/api/v1/articles/"))
    assert archive.draft.pk not in article_ids and set(article_ids) == {archive.seed.pk, archive.tokyo.pk,
                                                                       archive.english.pk}
    assert anon.get(path("article", archive.draft.pk)).status_code == 404
    claim_ids = ids(anon.get("/api/v1/claims/", {"page_size": 1000}))
    assert archive.rejected.pk not in claim_ids
    assert not set(claim_ids) & set(archive.draft.claims.values_list("id", flat=True))
    assert anon.get(path("claim", archive.rejected.pk)).status_code == 404
    entity_ids = ids(anon.get("/api/v1/entities/", {"page_size": 1000}))
    assert archive.draft_entity.pk not in entity_ids
    assert Entity.objects.get(name="小池百合子").pk in entity_ids
    assert anon.get(path("entity", archive.draft_entity.pk)).status_code == 404
    source_ids = ids(anon.get("/api/v1/sources/"))
    assert archive.draft_source.pk not in source_ids
    assert set(source_ids) == set(Source.objects.exclude(pk=archive.draft_source.pk).values_list("id", flat=True))


def test_readers_without_permissions_see_what_anonymous_clients_see(reader_client, anon, archive):
    for kind in ENDPOINTS:
        assert ids(reader_client.get(path(kind), {"page_size": 1000})) == ids(anon.get(path(kind), {"page_size": 1000}))


def test_editors_see_drafts_and_rejected_claims(editor_client, archive):
    assert archive.draft.pk in ids(editor_client.get("/api/v1/articles/"))
    assert editor_client.get(path("claim", archive.rejected.pk)).json()["status"] == "rejected"
    assert editor_client.get(path("entity", archive.draft_entity.pk)).status_code == 200
    assert editor_client.get(path("source", archive.draft_source.pk)).status_code == 200
    assert ids(editor_client.get("/api/v1/entities/", {"page_size": 1000})) == list(
        Entity.objects.order_by("id").values_list("id", flat=True))


def test_merged_entities_stay_visible_and_point_to_the_survivor(anon, archive, editor):
    from articles.services.curation import entity_merge

    survivor, merged = Entity.objects.get(name="アンドリュー・タロック"), Entity.objects.get(name="アンディ・ストーン")
    entity_merge(survivor=survivor, others=[merged], user=editor)
    detail = anon.get(path("entity", merged.pk)).json()  # it has no mentions left, but clients hold its id
    assert detail["merged_into"] == survivor.pk
    assert "アンディ・ストーン" in anon.get(path("entity", survivor.pk)).json()["aliases"]


def test_detail_etag_gives_304_until_the_object_changes(anon, archive, editor):
    url = path("claim", archive.seed.claims.exclude(pk=archive.rejected.pk).first().pk)
    first = anon.get(url)
    etag = first["ETag"]
    assert etag and first.status_code == 200
    again = anon.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and not again.content
    assert anon.get(url, HTTP_IF_NONE_MATCH=f'"other", W/{etag}').status_code == 304  # weak comparison
    # no modification date: If-Unmodified-Since is ignored, whatever date it gives (RFC 9110)
    for date in ("Sat, 01 Jan 2050 00:00:00 GMT", "Thu, 01 Jan 1970 00:00:00 GMT"):
        assert anon.get(url, HTTP_IF_UNMODIFIED_SINCE=date).status_code == 200
    from articles.services.curation import claim_update

    claim_update(claim=Claim.objects.get(pk=first.json()["id"]), note="確認中", user=editor)
    changed = anon.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag and changed.json()["note"] == "確認中"


def test_responses_vary_by_credentials(anon, archive):
    vary = anon.get("/api/v1/articles/")["Vary"]
    assert "Authorization" in vary and "Accept" in vary


def test_browsable_api_renders_for_browsers(anon, archive):
    for url in ("/api/v1/", "/api/v1/articles/", path("article", archive.seed.pk)):
        response = anon.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
