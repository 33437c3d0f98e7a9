"""Every filter of the four FilterSets, ranked search with its own paging, and bad values (400)."""

import datetime as dt

import pytest
from django.utils import timezone

from articles import filtersets
from articles.models import Article, Claim, Entity, Source

from .conftest import ids, results

pytestmark = pytest.mark.django_db


def test_articles_by_entity_source_language_and_dates(anon, archive):
    koike = Entity.objects.get(name="小池百合子")
    assert ids(anon.get("/api/v1/articles/", {"entity": koike.pk})) == [archive.tokyo.pk]
    wsj = Source.objects.get(name="WSJ")
    assert ids(anon.get("/api/v1/articles/", {"source": wsj.pk})) == [archive.seed.pk]  # cited
    assert ids(anon.get("/api/v1/articles/", {"source": archive.tokyo.source_id})) == [archive.tokyo.pk]  # own
    assert ids(anon.get("/api/v1/articles/", {"language": "en"})) == [archive.english.pk]
    assert ids(anon.get("/api/v1/articles/", {"published_from": "2024-09-01", "published_to": "2024-09-01"})) == [
        archive.tokyo.pk]
    assert ids(anon.get("/api/v1/articles/", {"published_to": "2024-08-31"})) == [archive.english.pk]


@pytest.mark.parametrize("collect_up_to", [0, filtersets.COLLECT_UP_TO], ids=["walked", "collected"])
def test_a_source_finds_the_same_articles_walked_or_collected(anon, editor_client, archive, monkeypatch,
                                                              collect_up_to):
    """A source with many articles is found by walking the list, one with few through its
    indexes: the same articles either way, its own and those citing it, each once, drafts
    for editors only."""
    monkeypatch.setattr(filtersets, "COLLECT_UP_TO", collect_up_to)
    tokyo_source = archive.tokyo.source
    archive.english.attributed_to.add(tokyo_source)
    archive.tokyo.attributed_to.add(tokyo_source)  # its own and citing it: listed once
    assert ids(anon.get("/api/v1/articles/", {"source": tokyo_source.pk})) == sorted(
        [archive.tokyo.pk, archive.english.pk])
    assert ids(anon.get("/api/v1/articles/", {"source": archive.draft_source.pk})) == []
    assert ids(editor_client.get("/api/v1/articles/", {"source": archive.draft_source.pk})) == [archive.draft.pk]


def test_article_status_filter_is_for_editors(anon, editor_client, archive):
    assert ids(editor_client.get("/api/v1/articles/", {"status": "draft"})) == [archive.draft.pk]
    assert ids(anon.get("/api/v1/articles/", {"status": "draft"})) == []


def test_updated_since_on_every_list(anon, archive, editor):
    from articles.services.curation import claim_update, entity_update

    later = timezone.now() + dt.timedelta(seconds=1)
    since = since_later = later.isoformat().replace("+00:00", "Z")
    for plural in ("articles", "entities", "claims", "sources"):
        assert ids(anon.get(f"/api/v1/{plural}/", {"updated_since": since})) == []
    entity = Entity.objects.get(name="小池百合子")
    claim = archive.tokyo.claims.first()
    Entity.objects.filter(pk=entity.pk).update(updated_at=later)
    Claim.objects.filter(pk=claim.pk).update(updated_at=later)
    assert ids(anon.get("/api/v1/entities/", {"updated_since": since})) == [entity.pk]
    assert ids(anon.get("/api/v1/claims/", {"updated_since": since})) == [claim.pk]
    # the services stamp what they change
    entity_update(entity=Entity.objects.get(name="OpenAI"), kind="organization", user=editor)
    claim_update(claim=archive.seed.claims.last(), note="要確認", user=editor)
    since = timezone.now().replace(microsecond=0) - dt.timedelta(seconds=5)
    assert "OpenAI" in [e["name"] for e in results(anon.get("/api/v1/entities/", {"updated_since": since.isoformat()}))]
    # ... and only what they change: a stamp later than every other row's
    openai = Entity.objects.get(name="OpenAI")
    stamped = Claim.objects.get(pk=archive.seed.claims.last().pk)
    assert openai.updated_at > Entity.objects.exclude(pk__in=[openai.pk, entity.pk]).latest("updated_at").updated_at
    assert stamped.updated_at > Claim.objects.exclude(pk__in=[stamped.pk, claim.pk]).latest("updated_at").updated_at
    # the other two lists find what changed too
    Article.objects.filter(pk=archive.tokyo.pk).update(updated_at=later)
    Source.objects.filter(pk=archive.tokyo.source_id).update(updated_at=later)
    assert ids(anon.get("/api/v1/articles/", {"updated_since": since_later})) == [archive.tokyo.pk]
    assert ids(anon.get("/api/v1/sources/", {"updated_since": since_later})) == [archive.tokyo.source_id]


def test_entities_by_kind_name_alias_and_merged(anon, archive):
    people = results(anon.get("/api/v1/entities/", {"kind": "person", "page_size": 1000}))
    assert people and all(e["kind"] == "person" for e in people)
    zuckerberg = Entity.objects.get(name="マーク・ザッカーバーグ")
    for name in ("マーク・ザッカーバーグ", "ザッカーバーグ", "ｻﾞｯｶｰﾊﾞｰｸﾞ"):  # name, alias, half-width
        assert ids(anon.get("/api/v1/entities/", {"name": name})) == [zuckerberg.pk], name
    assert ids(anon.get("/api/v1/entities/", {"name": "吉田憲一郎"})) == []  # known from the draft only
    assert ids(anon.get("/api/v1/entities/", {"merged": "true"})) == []
    assert len(ids(anon.get("/api/v1/entities/", {"merged": "false", "page_size": 1000}))) == len(
        ids(anon.get("/api/v1/entities/", {"page_size": 1000})))
    from articles.services.curation import entity_merge

    openai = Entity.objects.get(name="OpenAI")
    entity_merge(survivor=zuckerberg, others=[openai])
    assert ids(anon.get("/api/v1/entities/", {"merged": "true"})) == [openai.pk]
    assert openai.pk not in ids(anon.get("/api/v1/entities/", {"merged": "false", "page_size": 1000}))


def test_claims_by_every_filter(anon, archive):
    seed_claims = Claim.objects.filter(article=archive.seed).exclude(status="rejected")
    assert ids(anon.get("/api/v1/claims/", {"article": archive.seed.pk, "page_size": 1000})) == sorted(
        seed_claims.values_list("id", flat=True))
    assert ids(anon.get("/api/v1/claims/", {"status": "rejected"})) == []
    quotes = results(anon.get("/api/v1/claims/", {"kind": "quote", "page_size": 1000}))
    assert quotes and all(c["kind"] == "quote" for c in quotes)
    with_quantity = results(anon.get("/api/v1/claims/", {"has_quantity": "true", "page_size": 1000}))
    assert with_quantity and all(c["quantities"] for c in with_quantity)
    without_quantity = results(anon.get("/api/v1/claims/", {"has_quantity": "false", "page_size": 1000}))
    assert all(not c["quantities"] for c in without_quantity)
    assert without_quantity  # both sides hold claims, and together they are all of them
    assert len(with_quantity) + len(without_quantity) == len(results(anon.get("/api/v1/claims/", {"page_size": 1000})))
    speaker = seed_claims.filter(speaker__isnull=False).first().speaker
    assert ids(anon.get("/api/v1/claims/", {"speaker": speaker.pk})) == sorted(
        seed_claims.filter(speaker=speaker).values_list("id", flat=True))
    koike = Entity.objects.get(name="小池百合子")
    assert ids(anon.get("/api/v1/claims/", {"entity": koike.pk})) == sorted(
        Claim.objects.filter(entities=koike).values_list("id", flat=True))
    attributed = seed_claims.filter(attributed_to__isnull=False).first()
    assert attributed is not None  # the seed cites WSJ
    assert attributed.pk in ids(anon.get("/api/v1/claims/", {"source": attributed.attributed_to_id}))
    assert ids(anon.get("/api/v1/claims/", {"source": archive.draft_source.pk})) == []


def test_a_merged_entity_or_source_filters_as_its_survivor(anon, archive):
    # clients hold old ids: the mentions, claims and citations they stood for moved to the survivor
    from articles.services.curation import entity_merge, source_merge

    speaker = Claim.objects.filter(article=archive.seed, speaker__isnull=False).first().speaker
    koike = Entity.objects.get(name="小池百合子")
    entity_merge(survivor=koike, others=[speaker])
    wsj, long_name = Source.objects.get(name="WSJ"), Source.objects.get(name="ウォール・ストリート・ジャーナル")
    source_merge(survivor=long_name, others=[wsj])
    for path, name, merged, survivor in (("articles", "entity", speaker, koike), ("claims", "entity", speaker, koike),
                                         ("claims", "speaker", speaker, koike), ("articles", "source", wsj, long_name),
                                         ("claims", "source", wsj, long_name)):
        found = ids(anon.get(f"/api/v1/{path}/", {name: merged.pk, "page_size": 1000}))
        assert found and found == ids(anon.get(f"/api/v1/{path}/", {name: survivor.pk, "page_size": 1000})), (path, name)
    for name, merged in (("entity", speaker), ("source", wsj)):
        assert ids(anon.get("/api/v1/articles/", {"search": "ザッカーバーグ", name: merged.pk})) == [archive.seed.pk]


def test_sources_by_kind_domain_and_name(anon, archive):
    assert [s["name"] for s in results(anon.get("/api/v1/sources/", {"domain": "WWW.Example.JP"}))] == ["example.jp"]
    assert ids(anon.get("/api/v1/sources/", {"domain": "draft.example.com"})) == []
    websites = results(anon.get("/api/v1/sources/", {"kind": "website"}))
    assert {s["domain"] for s in websites} == {"vietnamnet.vn", "example.jp", "example.org"}
    assert [s["name"] for s in results(anon.get("/api/v1/sources/", {"name": "wsj"}))] == ["WSJ"]


def test_search_is_ranked_filtered_and_paged_by_offset(anon, archive):
    response = anon.get("/api/v1/articles/", {"search": "ザッカーバーグ"})
    body = response.json()
    assert body["total"] == 2 and {a["id"] for a in body["results"]} == {archive.seed.pk, archive.english.pk}
    assert "body" not in body["results"][0]
    assert all(a["score"] > 0 and "<mark>" in a["snippet"] for a in body["results"])  # Zuckerberg too
    assert "score" not in anon.get("/api/v1/articles/").json()["results"][0]
    assert ids(anon.get("/api/v1/articles/", {"search": "ザッカーバーグ", "language": "en"})) == [archive.english.pk]
    first = anon.get("/api/v1/articles/", {"search": "ザッカーバーグ", "page_size": 1}).json()
    assert first["total"] == 2 and first["previous"] is None and len(first["results"]) == 1
    second = anon.get(first["next"]).json()
    assert second["next"] is None and second["previous"]
    assert {first["results"][0]["id"], second["results"][0]["id"]} == {archive.seed.pk, archive.english.pk}
    assert anon.get(second["previous"]).json()["results"] == first["results"]


def test_search_keeps_drafts_from_anonymous_clients(anon, editor_client, archive):
    assert anon.get("/api/v1/articles/", {"search": "吉田憲一郎"}).json()["total"] == 0
    assert anon.get("/api/v1/articles/", {"search": "吉田憲一郎", "status": "draft"}).json()["total"] == 0
    assert ids(editor_client.get("/api/v1/articles/", {"search": "吉田憲一郎"})) == [archive.draft.pk]
    assert ids(editor_client.get("/api/v1/articles/", {"search": "ソニーグループ", "status": "published"})) == []


def test_search_and_list_cursors_do_not_mix(anon, archive):
    list_next = anon.get("/api/v1/articles/", {"page_size": 1}).json()["next"]
    cursor = list_next.split("cursor=")[1].split("&")[0]
    assert anon.get("/api/v1/articles/", {"search": "東京", "cursor": cursor}).status_code == 400
    search_next = anon.get("/api/v1/articles/", {"search": "ザッカーバーグ", "page_size": 1}).json()["next"]
    cursor = search_next.split("cursor=")[1].split("&")[0]
    assert anon.get("/api/v1/articles/", {"cursor": cursor}).status_code == 400


@pytest.mark.parametrize(("url", "params", "field"), [
    ("/api/v1/articles/", {"entity": "abc"}, "entity"),
    ("/api/v1/articles/", {"entity": "1.5"}, "entity"),
    ("/api/v1/articles/", {"entity": "0"}, "entity"),
    ("/api/v1/articles/", {"source": "99999999999999999999999"}, "source"),
    ("/api/v1/articles/", {"published_from": "2024-13-01"}, "published_from"),
    ("/api/v1/articles/", {"published_to": "9999-12-31"}, "published_to"),
    ("/api/v1/articles/", {"published_from": "0001-01-01"}, "published_from"),
    ("/api/v1/articles/", {"status": "secret"}, "status"),
    ("/api/v1/articles/", {"search": "x" * 501}, "search"),
    ("/api/v1/articles/", {"search": "東京", "updated_since": "2024-01-01T00:00:00Z"}, "updated_since"),
    ("/api/v1/articles/", {"search": "東京", "page_size": "101"}, "page_size"),
    ("/api/v1/articles/", {"updated_since": "yesterday"}, "updated_since"),
    ("/api/v1/articles/", {"updated_since": "9999-12-31T23:59:59-12:00"}, "updated_since"),
    ("/api/v1/entities/", {"kind": "alien"}, "kind"),
    ("/api/v1/entities/", {"merged": "maybe"}, "merged"),
    ("/api/v1/entities/", {"name": "a\x00b"}, "name"),
    ("/api/v1/claims/", {"has_quantity": "yes"}, "has_quantity"),
    ("/api/v1/claims/", {"speaker": "-1"}, "speaker"),
    ("/api/v1/sources/", {"kind": "blog"}, "kind"),
    ("/api/v1/sources/", {"colour": "red"}, "colour"),
])
def test_bad_filter_values_are_400_naming_the_parameter(anon, archive, url, params, field):
    response = anon.get(url, params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["status"] == 400 and body["code"] == "invalid" and field in body["fields"] and body["message"]


def test_filters_reach_the_html_views_unchanged():
    """The FilterSets are plain django-filter: usable with request.GET and a form."""
    from articles.filtersets import ClaimFilterSet

    filterset = ClaimFilterSet({"status": "verified"}, queryset=Claim.objects.all())
    assert filterset.is_valid() and "status" in filterset.form.fields
    assert not ClaimFilterSet({"status": "nope"}, queryset=Claim.objects.all()).is_valid()
