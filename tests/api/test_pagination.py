"""Cursor pages on id: a walk returns every object once, also while imports run; page sizes
and cursors are checked."""

from base64 import b64encode

import pytest

from articles.models import Article, Claim, Entity
from articles.services.imports import import_paths

from .conftest import walk, write_jsonl

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("plural", "model"), [("articles", Article), ("entities", Entity), ("claims", Claim)])
def test_walking_every_page_returns_each_object_once(editor_client, archive, plural, model):
    items = walk(editor_client, f"/api/v1/{plural}/?page_size=2")
    assert [i["id"] for i in items] == list(model.objects.order_by("id").values_list("id", flat=True))


def test_a_walk_while_articles_are_imported_misses_nothing_and_repeats_nothing(editor_client, archive, tmp_path):
    before = {
        "articles": set(Article.objects.values_list("id", flat=True)),
        "claims": set(Claim.objects.values_list("id", flat=True)),
    }

    def import_more(page: int) -> None:
        news = [{"title": f"追加記事{page}", "body": f"大阪府の吉村洋文知事は{page}日、万博の入場者が{page}万人を超えたと発表した。",
                 "url": f"https://example.jp/more/{page}"}]
        assert not import_paths([write_jsonl(tmp_path / f"more-{page}.jsonl", news)], workers=1).failures

    for plural in ("articles", "claims"):
        seen = [i["id"] for i in walk(editor_client, f"/api/v1/{plural}/?page_size=2", between=import_more)]
        assert len(seen) == len(set(seen)), "an object came twice"
        assert before[plural] <= set(seen), "an object that existed before the walk was missed"
        assert len(seen) > len(before[plural]), "objects imported during the walk turn up on the last pages"


def test_walking_a_ranked_search_meets_every_match_once(anon, archive, tmp_path, rank_window):
    rank_window(3)  # blocks of 3 matches, so that the walk below crosses several of them
    news = [{"title": f"知事の会見{i}", "body": "知事は" + "防災について" * (i % 3 + 1) + f"{i}日に語った。",
             "url": f"https://example.jp/governor/{i}"} for i in range(11)]
    assert not import_paths([write_jsonl(tmp_path / "governor.jsonl", news)], workers=1).failures
    expected = set(Article.objects.filter(status="published", body__contains="知事").values_list("id", flat=True))
    first = anon.get("/api/v1/articles/", {"search": "知事", "page_size": 2}).json()
    seen = [item["id"] for item in walk(anon, "/api/v1/articles/?search=%E7%9F%A5%E4%BA%8B&page_size=2")]
    assert first["total"] == len(expected) > 9
    assert sorted(seen) == sorted(expected)  # none twice, none missed


def test_a_search_cursor_past_the_end_gives_an_empty_page(anon, archive):
    cursor = b64encode(f"s={2**63 - 1}".encode()).decode()
    response = anon.get("/api/v1/articles/", {"search": "知事", "cursor": cursor})
    assert response.status_code == 200
    body = response.json()
    assert body["results"] == [] and body["total"] >= 1 and body["next"] is None


def test_previous_links_walk_back(anon, archive):
    first = anon.get("/api/v1/claims/", {"page_size": 3}).json()
    second = anon.get(first["next"]).json()
    assert anon.get(second["previous"]).json()["results"] == first["results"]


def test_page_size_default_and_bounds(anon, archive):
    # more public claims than a default page holds, so that the default of 50 is what cuts
    Claim.objects.bulk_create(
        Claim(article=archive.seed, text=f"記者が{i}件目を確認した。", start=0, end=10, fingerprint=f"page-{i}")
        for i in range(60)
    )
    public = Claim.objects.exclude(status="rejected").filter(article__status="published").count()
    assert public > 60
    assert len(anon.get("/api/v1/claims/").json()["results"]) == 50
    assert len(anon.get("/api/v1/claims/", {"page_size": 1000}).json()["results"]) == public
    assert anon.get("/api/v1/claims/", {"page_size": ""}).status_code == 200  # empty is absent
    for bad in ("0", "-1", "1001", "10000000000000000000000", "abc", " ", "1e3"):
        response = anon.get("/api/v1/claims/", {"page_size": bad})
        assert response.status_code == 400, bad
        assert "1 to 1000" in response.json()["fields"]["page_size"][0]


@pytest.mark.parametrize("cursor", [
    "!!!", "cD0=", "cD1hYmM=", "cD05OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ==", "bz01", "cz0x", "w6k=", "é",
])
def test_malformed_or_foreign_cursors_are_400(anon, archive, cursor):
    # p= (empty), p=abc, p=999...9 (too large), o=5 (an offset), s=1 (a search cursor), non-ASCII
    response = anon.get("/api/v1/articles/", {"cursor": cursor})
    assert response.status_code == 400, response.content
    assert "cursor" in response.json()["fields"]
