"""The reader site: every page, what readers may see (no drafts, no rejected claims), merged
records redirecting, escaping, languages, security headers, hostile search input, and a
fixed number of queries per page whatever the lists hold."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection, transaction
from django.urls import reverse

from articles.models import Article, Claim, Entity, Source
from articles.services import curation
from articles.services.imports import import_paths

from .site_data import import_more_articles, import_site_archive, write_jsonl

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(db, tmp_path):
    return import_site_archive(tmp_path)


@pytest.fixture
def seed(archive):
    return Article.objects.get(source_url__contains="vietnamnet.vn")


@pytest.fixture
def zuckerberg(archive):
    return Entity.objects.get(name="マーク・ザッカーバーグ")


@pytest.fixture
def draft(archive):
    return archive["https://example.jp/draft"]


def text(response) -> str:
    return response.content.decode()


def json_ld(response) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text(response), re.S)
    return [json.loads(block) for block in blocks]


# -------------------------------------------------------------------------------------------
# Pages


def test_home_shows_search_latest_articles_entities_and_verified_claims(client, archive, editor):
    claim = Claim.objects.get(text__startswith="ザッカーバーグ氏は「人材に")
    curation.claim_review(claims=[claim], status=Claim.Status.VERIFIED, user=editor)
    response = client.get("/")
    assert response.status_code == 200
    page = text(response)
    assert 'role="search"' in page and '<label for="home-q">' in page
    assert "ザッカーバーグ氏、新たなAI研究所を発表" in page
    assert "マーク・ザッカーバーグ" in page  # the most mentioned
    assert "人材に10億ドルを投じる" in page and "badge--verified" in page
    assert "下書き" not in page and "山田太郎" not in page


def test_search_keeps_the_query_counts_marks_and_offers_facets(client, archive):
    response = client.get("/search/", {"q": "ザッカーバーグ"})
    assert response.status_code == 200
    page = text(response)
    assert 'value="ザッカーバーグ"' in page
    results = response.context["search"].results
    assert results.total == 2  # the seed and the lab article, not the draft
    assert "<mark>ザッカーバーグ</mark>" in page
    assert "2 件の記事が見つかりました。" in page
    facets = response.context["search"].facets
    assert {e.name for e, _ in facets.entities} >= {"マーク・ザッカーバーグ", "ミラ・ムラティ"}
    assert "山田太郎" not in page  # named only by the draft
    assert dict(facets.years) == {2025: 1}  # the seed has no date


def test_facets_narrow_the_results(client, archive):
    murati = Entity.objects.get(name="ミラ・ムラティ")
    everything = client.get("/search/", {"q": "発表"}).context["search"].results.total
    narrowed = client.get("/search/", {"q": "発表", "entity": murati.pk})
    assert narrowed.status_code == 200
    hits = narrowed.context["search"].results.hits
    assert 0 < len(hits) < everything
    assert all(h.article.mentions.filter(entity=murati).exists() for h in hits)
    assert "登場: ミラ・ムラティ" in text(narrowed)  # the filter, with a link that removes it
    by_year = client.get("/search/", {"q": "発表", "year": 2024}).context["search"].results
    assert {h.article.published_at.year for h in by_year.hits} == {2024}
    by_kind = client.get("/search/", {"q": "会見", "kind": "place"}).context["search"].results
    assert by_kind.total == 1
    # a query some of whose hits name no place: the filter keeps only those that do
    unfiltered = client.get("/search/", {"q": "発表"}).context["search"].results
    places = client.get("/search/", {"q": "発表", "kind": "place"}).context["search"].results
    assert 0 < places.total < unfiltered.total
    assert all(hit.article.mentions.filter(entity__kind="place").exists() for hit in places.hits)


def test_the_kind_facet_offers_the_kinds_named_in_the_results_with_their_counts(client, archive):
    response = client.get("/search/", {"q": "発表"})
    kinds = response.context["search"].facets.kinds
    assert kinds and "product" not in {kind for kind, _ in kinds}  # no entity is a product
    for kind, n in kinds:
        assert client.get("/search/", {"q": "発表", "kind": kind}).context["search"].results.total == n
    facet = re.search(r'id="facet-kind".*?</section>', text(response), re.S).group(0)
    assert set(re.findall(r"kind=(\w+)", facet)) == {kind.value for kind, _ in kinds}
    assert "製品" not in facet and f"{kinds[0][0].label}</a> <span class=\"count\">{kinds[0][1]}</span>" in facet


def test_search_pages_through_many_results(client, archive, tmp_path):
    import_more_articles(tmp_path, 25)
    first = client.get("/search/", {"q": "会談"})
    assert first.context["search"].results.total == 25
    assert len(first.context["search"].results.hits) == 20
    assert 'rel="next"' in text(first)
    second = client.get("/search/", {"q": "会談", "page": 2})
    assert len(second.context["search"].results.hits) == 5
    assert not {h.article.pk for h in first.context["search"].results.hits} & {
        h.article.pk for h in second.context["search"].results.hits
    }
    past_the_end = client.get("/search/", {"q": "会談", "page": 99})
    assert past_the_end.status_code == 200 and past_the_end.context["search"].page.number == 2


def test_search_without_results_helps(client, archive):
    response = client.get("/search/", {"q": "存在しない語句ですよ", "year": 2020})
    assert response.status_code == 200
    page = text(response)
    assert "に一致する記事はありません" in page
    assert "絞り込みを解除して検索し直す" in page


def test_search_lists_entities_named_by_the_query(client, archive, zuckerberg):
    page = text(client.get("/search/", {"q": "ザッカーバーグ"}))
    assert f'href="{zuckerberg.get_absolute_url()}"' in page.split('class="named-entities"')[1]


def test_article_page(client, seed, editor):
    claim = Claim.objects.get(article=seed, speaker__name="アンディ・ストーン")
    curation.claim_review(claims=[claim], status=Claim.Status.DISPUTED, user=editor)
    response = client.get(seed.get_absolute_url())
    assert response.status_code == 200
    page = text(response)
    assert "<h1 id=\"article-title\">Meta CEO マーク・ザッカーバーグ氏からの 10 億ドルのオファー</h1>" in page
    assert f'href="{seed.source.get_absolute_url()}"' in page and "vietnamnet.vn" in page
    assert "スタートアップ文化、AGIミッション、そして稀有な忠誠心" in page  # a subheading
    assert "マーク・ザッカーバーグ氏(左)とミラ・ムラティ氏。" in page and "写真: WSJ" in page
    zuckerberg = Entity.objects.get(name="マーク・ザッカーバーグ")
    assert f'<a class="mention" href="{zuckerberg.get_absolute_url()}"' in page
    assert f'<mark class="claim claim-disputed" id="claim-{claim.pk}">' in page
    assert "badge--disputed" in page and f'href="{claim.speaker.get_absolute_url()}"' in page
    wsj = Source.objects.get(name="ウォール・ストリート・ジャーナル")
    assert f'href="{wsj.get_absolute_url()}"' in page  # a claim's attributed outlet
    related = [a.title for a in response.context["detail"].related]
    assert "ザッカーバーグ氏、新たなAI研究所を発表" in related and "下書き: 未公開の買収計画" not in related
    [data] = json_ld(response)
    assert data["@type"] == "NewsArticle" and data["headline"] == seed.title
    assert {"@type": "Person", "name": "マーク・ザッカーバーグ",
            "url": f"http://testserver{zuckerberg.get_absolute_url()}"} in data["mentions"]
    assert f'<link rel="canonical" href="http://testserver{seed.get_absolute_url()}">' in page
    assert '<meta property="og:type" content="article">' in page


def test_entity_page(client, archive, zuckerberg):
    response = client.get(zuckerberg.get_absolute_url())
    assert response.status_code == 200
    page = text(response)
    assert "<h1>マーク・ザッカーバーグ</h1>" in page and "人物" in page
    assert "ザッカーバーグ" in page.split('class="aliases"')[1]  # an alias
    titles = [a.title for a in response.context["articles"].object_list]
    # newest first, the undated seed last
    assert titles == ["ザッカーバーグ氏、新たなAI研究所を発表", "Meta CEO マーク・ザッカーバーグ氏からの 10 億ドルのオファー"]
    claims = response.context["claims"].object_list
    assert claims and all(c.speaker == zuckerberg or zuckerberg in c.entities.all() for c in claims)
    named_with = {e.name for e in response.context["co_mentioned"]}
    assert "OpenAI" in named_with and "マーク・ザッカーバーグ" not in named_with
    assert "山田太郎" not in named_with  # named with him only in the draft
    assert reverse("articles:entity_feed_rss", args=[zuckerberg.pk]) in page


def test_source_page_lists_its_articles_citations_and_claims(client, archive):
    wsj = Source.objects.get(name="ウォール・ストリート・ジャーナル")
    response = client.get(wsj.get_absolute_url())
    assert response.status_code == 200
    claims = response.context["claims"].object_list
    assert claims and {c.attributed_to for c in claims} == {wsj}
    site = Source.objects.get(name="news.example.com")
    titles = {a.title for a in client.get(site.get_absolute_url()).context["articles"].object_list}
    assert titles == {"ザッカーバーグ氏、新たなAI研究所を発表", "ムラティ氏の新会社、資金調達"}
    cited = Source.objects.get(name="WSJ")
    assert [a.source_url for a in client.get(cited.get_absolute_url()).context["citing"].object_list] == [
        "https://vietnamnet.vn/nguoi-tu-choi-1-ty-usd-cua-mark-zuckerberg-2428207.html"
    ]


def test_claim_page_shows_the_claim_in_context_with_review_and_note(client, seed, editor):
    claim = Claim.objects.get(article=seed, speaker__name="アンディ・ストーン")
    curation.claim_review(claims=[claim], status=Claim.Status.VERIFIED, user=editor, note="広報の声明で確認。<b>太字</b>")
    response = client.get(claim.get_absolute_url())
    assert response.status_code == 200
    page = text(response)
    assert "badge--verified" in page and "検証済み" in page
    assert "広報の声明で確認。&lt;b&gt;太字&lt;/b&gt;" in page
    assert f'<mark class="claim claim-verified" id="claim-{claim.pk}">' in page  # in its paragraph
    assert f'href="{claim.speaker.get_absolute_url()}"' in page
    [review] = json_ld(response)
    assert review["@type"] == "ClaimReview" and review["claimReviewed"] == claim.text
    assert review["reviewRating"]["ratingValue"] == 5
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "アンディ・ストーン"}


def test_unreviewed_claims_carry_no_claim_review(client, seed):
    claim = Claim.objects.filter(article=seed, status=Claim.Status.UNREVIEWED).first()
    assert json_ld(client.get(claim.get_absolute_url())) == []


# -------------------------------------------------------------------------------------------
# What readers never see


def test_drafts_are_not_found(client, draft):
    assert client.get(draft.get_absolute_url()).status_code == 404
    [claim] = draft.claims.all()
    assert client.get(claim.get_absolute_url()).status_code == 404
    yamada = Entity.objects.get(name="山田太郎")  # named only by the draft
    assert client.get(yamada.get_absolute_url()).status_code == 404
    assert client.get(reverse("articles:entity_feed_rss", args=[yamada.pk])).status_code == 404


def test_drafts_are_listed_nowhere(client, draft, zuckerberg):
    pages = [
        "/",
        "/search/?q=ザッカーバーグ",
        "/search/?q=売却",
        zuckerberg.get_absolute_url(),
        draft.source.get_absolute_url(),
        reverse("articles:latest_feed_rss"),
        reverse("articles:entity_feed_atom", args=[zuckerberg.pk]),
        reverse("articles:source_feed_rss", args=[draft.source_id]),
        reverse("articles:sitemap_section", args=["articles"]),
        reverse("articles:sitemap_section", args=["entities"]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = text(response)
        assert "未公開の買収計画" not in body and "山田太郎" not in body, url
        assert draft.slug not in body and f"/entities/{Entity.objects.get(name='山田太郎').pk}/" not in body, url


def test_a_source_known_only_from_drafts_is_not_found(client, tmp_path):
    from articles.services.imports import import_paths

    from .site_data import write_jsonl

    path = write_jsonl(tmp_path / "d.jsonl", [{"title": "秘密", "body": "本文です。", "url": "https://secret.example/1"}])
    import_paths([path], status=Article.Status.DRAFT, workers=1)
    source = Source.objects.get(domain="secret.example")
    assert client.get(source.get_absolute_url()).status_code == 404
    assert client.get(reverse("articles:source_feed_atom", args=[source.pk])).status_code == 404


def test_rejected_claims_are_hidden(client, seed, editor, zuckerberg):
    claim = Claim.objects.get(article=seed, text__startswith="ザッカーバーグ氏は、ボーナス")
    curation.claim_review(claims=[claim], status=Claim.Status.REJECTED, user=editor)
    assert client.get(claim.get_absolute_url()).status_code == 404
    article_page = text(client.get(seed.get_absolute_url()))
    assert f'id="claim-{claim.pk}"' not in article_page and "場合によっては15億ドル" in article_page  # text stays
    assert claim.pk not in {c.pk for c in client.get(zuckerberg.get_absolute_url()).context["claims"].object_list}


def test_merged_entities_and_sources_redirect_to_the_survivor(client, archive, editor):
    survivor = Entity.objects.get(name="イリヤ・スツケヴァー")
    merged = Entity.objects.get(name="イリヤ・スツケヴェル")
    curation.entity_merge(survivor=survivor, others=[merged], user=editor)
    response = client.get(merged.get_absolute_url())
    assert response.status_code == 301 and response["Location"] == survivor.get_absolute_url()
    response = client.get(merged.get_absolute_url(), {"page": 2, "claims_page": 3})  # the same page of the survivor's
    assert response.status_code == 301 and response["Location"] == f"{survivor.get_absolute_url()}?page=2&claims_page=3"
    feed = client.get(reverse("articles:entity_feed_rss", args=[merged.pk]))
    assert feed.status_code == 301 and feed["Location"] == reverse("articles:entity_feed_rss", args=[survivor.pk])
    wsj, long_name = Source.objects.get(name="WSJ"), Source.objects.get(name="ウォール・ストリート・ジャーナル")
    curation.source_merge(survivor=long_name, others=[wsj], user=editor)
    response = client.get(wsj.get_absolute_url())
    assert response.status_code == 301 and response["Location"] == long_name.get_absolute_url()
    response = client.get(wsj.get_absolute_url(), {"cited_page": 2})
    assert response.status_code == 301 and response["Location"] == f"{long_name.get_absolute_url()}?cited_page=2"
    assert client.get(long_name.get_absolute_url()).status_code == 200


def assert_newest_first(dates: list) -> None:
    """Dates newest first, then the undated (None)."""
    dated = [d for d in dates if d is not None]
    assert dates == sorted(dated, reverse=True) + [None] * (len(dates) - len(dated)), dates


def test_undated_articles_come_last_in_every_newest_first_list(client, archive, tmp_path, editor, zuckerberg):
    # PostgreSQL puts NULL first in a descending order, SQLite last: the lists must not differ
    extra = [{"title": "日付のない会見", "body": "マーク・ザッカーバーグ氏が会見した。", "url": "https://news.example.com/undated"},
             {"title": "日付のある会見", "body": "ザッカーバーグ氏が再び会見した。", "url": "https://news.example.com/dated",
              "published_at": "2024-01-01T10:00:00+09:00"}]
    assert not import_paths([write_jsonl(tmp_path / "extra.jsonl", extra)], workers=1).failures
    site, wsj = Source.objects.get(name="news.example.com"), Source.objects.get(name="WSJ")
    for article in Article.objects.filter(title__in=["日付のない会見", "日付のある会見"]):
        article.attributed_to.add(wsj)  # cited beside the undated seed
    home = client.get("/").context
    assert_newest_first([a.published_at for a in home["latest"]])
    assert home["latest"][-1].published_at is None
    entity = client.get(zuckerberg.get_absolute_url()).context
    assert_newest_first([a.published_at for a in entity["articles"].object_list])
    assert_newest_first(list(dict.fromkeys(c.article.published_at for c in entity["claims"].object_list)))
    source = client.get(site.get_absolute_url()).context
    assert [a.source_url.rsplit("/", 1)[1] for a in source["articles"].object_list] == [
        "zuck-lab", "murati", "dated", "undated"]
    cited = client.get(wsj.get_absolute_url()).context
    assert [a.published_at is None for a in cited["citing"].object_list] == [False, True, True]
    assert_newest_first(list(dict.fromkeys(c.article.published_at for c in cited["claims"].object_list)))
    # verified claims restored from an archive may have no review time: those come last too
    claims = list(Claim.objects.filter(article__status="published").order_by("pk")[:3])
    curation.claim_review(claims=claims, status=Claim.Status.VERIFIED, user=editor)
    Claim.objects.filter(pk=claims[0].pk).update(reviewed_at=None)
    assert [c.pk for c in client.get("/").context["claims"]][-1] == claims[0].pk


def test_postgresql_lists_walk_the_listing_index_newest_first(archive):
    """Migration 0008: the index puts undated articles last, as the lists do, so that a list
    is read from it in order instead of sorting every article."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's descending index puts NULL last already")
    from articles import selectors

    query = selectors.article_listing().values("id")[:10].query
    sql, params = query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # a few test rows make any plan cheap: rule out all but reading an index in order, which
        # only an index with the lists' NULLS placement offers (a sort stays possible, at a penalty)
        for plan in ("seqscan", "bitmapscan", "sort"):
            cursor.execute(f"SET LOCAL enable_{plan} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "article_listing" in plan and "Sort" not in plan, plan


def test_search_filters_on_a_merged_entity_or_source_follow_it_to_the_survivor(client, archive, editor):
    survivor, merged = Entity.objects.get(name="イリヤ・スツケヴァー"), Entity.objects.get(name="イリヤ・スツケヴェル")
    curation.entity_merge(survivor=survivor, others=[merged], user=editor)
    wsj, long_name = Source.objects.get(name="WSJ"), Source.objects.get(name="ウォール・ストリート・ジャーナル")
    curation.source_merge(survivor=long_name, others=[wsj], user=editor)
    for name, old, new, shown in (("entity", merged, survivor, "登場: イリヤ・スツケヴァー"),
                                  ("source", wsj, long_name, "情報源: ウォール・ストリート・ジャーナル")):
        response = client.get("/search/", {"q": "ザッカーバーグ", name: old.pk})  # a link from before the merge
        assert response.status_code == 200
        found = [hit.article.pk for hit in response.context["search"].results.hits]
        assert found and found == [
            hit.article.pk for hit in client.get("/search/", {"q": "ザッカーバーグ", name: new.pk}).context["search"].results.hits]
        assert shown in text(response)


@pytest.mark.parametrize("url", ["/articles/no-such-article/", "/entities/999999/", "/sources/999999/",
                                 "/claims/999999/", "/entities/99999999999999999999999/", "/articles/%00/",
                                 "/articles/a%00b/"])
def test_unknown_records_are_not_found(client, archive, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "ページが見つかりません" in text(response)


# -------------------------------------------------------------------------------------------
# Escaping and headers


def test_imported_markup_is_shown_as_text(client, archive):
    article = archive["https://example.jp/xss"]
    response = client.get(article.get_absolute_url())
    page = text(response)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;の記事" in page
    assert "&lt;b&gt;タグ&lt;/b&gt;" in page
    assert "<script>alert" not in page and "<b>タグ" not in page
    # the JSON-LD block holds the title as data: no "</script>" can end it early
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert "<" not in block and "\\u003C/script\\u003E" in block
    assert json_ld(response)[0]["headline"] == article.title
    results = text(client.get("/search/", {"q": "タグ"}))
    assert "<script>alert" not in results and "&lt;script&gt;" in results


def test_pages_send_security_headers(client, seed):
    response = client.get(seed.get_absolute_url())
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy and "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "<script>" not in text(response) and " style=" not in text(response)  # nothing the policy would block


def test_static_files_collected_under_debug_serve_production(settings, tmp_path, client, seed, monkeypatch):
    import importlib.util

    from django.core.management import call_command

    from archive import settings as production

    def project_settings(**environment):
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        spec = importlib.util.spec_from_file_location("settings_under_test", production.__file__)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    settings.STATIC_ROOT, settings.DEBUG = tmp_path, True
    settings.STORAGES = project_settings(DJANGO_DEBUG="1").STORAGES  # as the README's run command collects
    call_command("collectstatic", interactive=False, verbosity=0)
    settings.STORAGES, settings.DEBUG = production.STORAGES, False
    page = text(client.get("/"))
    assert re.search(r'href="/static/site\.[0-9a-f]{12}\.css"', page)


# -------------------------------------------------------------------------------------------
# Languages


def test_japanese_by_default(client, archive):
    page = text(client.get("/"))
    assert '<html lang="ja">' in page and "ニュースアーカイブ" in page and "最新の記事" in page


def test_english_from_accept_language(client, archive):
    page = text(client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"))
    assert '<html lang="en">' in page and "Latest articles" in page


def test_language_switch_sets_the_cookie_and_returns(client, seed):
    response = client.post("/i18n/setlang/", {"language": "en", "next": seed.get_absolute_url()})
    assert response.status_code == 302 and response["Location"] == seed.get_absolute_url()
    assert response.cookies["archive_language"].value == "en"
    page = text(client.get(seed.get_absolute_url()))
    assert '<html lang="en">' in page and "Claims in this article" in page
    assert "unreviewed" in page  # model choices are translated too


def test_every_string_is_translated_and_compiled():
    import shutil
    import subprocess
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "articles" / "locale" / "ja" / "LC_MESSAGES"
    entries = (folder / "django.po").read_text(encoding="utf-8").split("\n\n")[1:]
    untranslated = {e.split("msgid ", 1)[1].split("\n")[0] for e in entries if e.rstrip().endswith('msgstr ""')}
    # the importer's reports inside these are English: a Japanese prefix would make them half and half
    assert untranslated == {'"Not imported: %(file)s: %(reason)s"', '"From %(file)s: %(summary)s"'}
    if not shutil.which("msgfmt"):
        pytest.skip("gettext's msgfmt is not installed")
    compiled = subprocess.run(["msgfmt", "--check", "-o", "-", str(folder / "django.po")],
                              capture_output=True, check=True).stdout
    assert compiled == (folder / "django.mo").read_bytes(), "run: manage.py compilemessages --ignore=.venv"


# -------------------------------------------------------------------------------------------
# Any query is safe


HOSTILE = [
    {"q": '"東京'}, {"q": '""'}, {"q": "東京 AND 大阪 OR NOT"}, {"q": "NEAR(東京 大阪)"}, {"q": "*"},
    {"q": "東京\x00大阪"}, {"q": "x" * 10_000}, {"q": "東京 " * 300}, {"q": "'; DROP TABLE articles_article; --"},
    {"q": "ザッカーバーグ", "page": "abc"}, {"q": "ザッカーバーグ", "page": "-1"}, {"q": "ザッカーバーグ", "page": "0"},
    {"q": "ザッカーバーグ", "page": "99999999999999999999999"}, {"q": "ザッカーバーグ", "page": "9" * 5000},
    {"q": "ザッカーバーグ", "page": "1e9"}, {"q": "ザッカーバーグ", "entity": "abc"},
    {"q": "ザッカーバーグ", "entity": "-1"}, {"q": "ザッカーバーグ", "entity": "99999999999999999999999"},
    {"q": "ザッカーバーグ", "entity": "999999"}, {"q": "ザッカーバーグ", "source": "1 OR 1=1"},
    {"q": "ザッカーバーグ", "kind": "robot"}, {"q": "ザッカーバーグ", "year": "99999"}, {"q": "ザッカーバーグ", "year": "0"},
    {"q": "ザッカーバーグ", "year": "1000"}, {"q": "ザッカーバーグ", "year": "2999"}, {"q": ["東京", "大阪"]},
    {"page": "2"}, {"entity": "1"},
]


@pytest.mark.parametrize("params", HOSTILE, ids=lambda p: repr(p)[:60])
def test_hostile_search_input_never_fails(client, archive, params):
    response = client.get("/search/", params)
    assert response.status_code in (200, 400)
    assert 'role="search"' in text(response)
    if response.status_code == 400:
        assert "検索できませんでした" in text(response)


def test_any_text_is_a_query(client, archive):
    response = client.get("/search/", {"q": "ザッカーバーグ\x00"})
    assert response.status_code == 200
    assert 'value="ザッカーバーグ "' in text(response)  # the query that was run, without the NUL
    long = client.get("/search/", {"q": "ザッカーバーグ " + "x" * 10_000})
    shown = re.search(r'id="search-q" type="search" name="q" value="([^"]*)"', text(long)).group(1)
    assert long.status_code == 200 and shown == ("ザッカーバーグ " + "x" * 10_000)[:256]


def test_an_unknown_host_gets_the_bad_request_page():
    from django.test import Client

    response = Client(raise_request_exception=False).get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "evil.example" not in text(response) and 'rel="canonical"' not in text(response)


def test_list_pages_accept_any_page_number(client, archive, zuckerberg):
    for page in ("abc", "-5", "0", "99999999999999999999999", "9" * 5000):
        response = client.get(zuckerberg.get_absolute_url(), {"page": page, "claims_page": page})
        assert response.status_code == 200


# -------------------------------------------------------------------------------------------
# Robots, sitemap


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in text(response)
    assert "Disallow: /admin/" in text(response)


def test_sitemap_lists_published_articles_public_entities_and_reviewed_claims(client, seed, editor, zuckerberg):
    claim = seed.claims.first()
    curation.claim_review(claims=[claim], status=Claim.Status.VERIFIED, user=editor)
    index = text(client.get("/sitemap.xml"))
    for section in ("home", "articles", "entities", "sources", "claims"):
        assert f"http://testserver/sitemap-{section}.xml" in index
    articles = text(client.get("/sitemap-articles.xml"))
    assert f"http://testserver{seed.get_absolute_url()}" in articles
    assert articles.count("<url>") == Article.objects.published().count()
    assert f"http://testserver{zuckerberg.get_absolute_url()}" in text(client.get("/sitemap-entities.xml"))
    assert f"http://testserver{claim.get_absolute_url()}" in text(client.get("/sitemap-claims.xml"))


# -------------------------------------------------------------------------------------------
# A fixed number of queries per page


def claim_pages(article):
    return Claim.objects.filter(article=article).order_by("pk")


@pytest.fixture(params=["few", "many"])
def sized_archive(request, archive, tmp_path, editor):
    """The archive as it is, or with 30 more articles naming the same people, all verified."""
    if request.param == "many":
        import_more_articles(tmp_path, 30)
    curation.claim_review(claims=list(Claim.objects.filter(article__status="published")),
                          status=Claim.Status.VERIFIED, user=editor)
    return archive


def test_home_queries(client, sized_archive, django_assert_num_queries):
    # latest articles; entities in the news: their counts, then the entities; verified claims
    with django_assert_num_queries(4):
        assert client.get("/").status_code == 200


def test_search_queries(client, sized_archive, django_assert_num_queries):
    """The page adds its own queries to the engine's (search() and search_facets(), which
    differ by database and are the search engine's to pin)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles.search import search, search_facets

    murati = Entity.objects.get(name="ミラ・ムラティ").pk
    with CaptureQueriesContext(connection) as engine:
        search("ザッカーバーグ", limit=20)
        search_facets("ザッカーバーグ")
    with django_assert_num_queries(len(engine) + 1):  # the entities the query names
        assert client.get("/search/", {"q": "ザッカーバーグ"}).status_code == 200
    with CaptureQueriesContext(connection) as engine:
        search("ザッカーバーグ", limit=20, entity=murati)
        search_facets("ザッカーバーグ", entity=murati)
    with django_assert_num_queries(len(engine) + 3):  # and the filter's entity: its survivor if merged, its name
        assert client.get("/search/", {"q": "ザッカーバーグ", "entity": murati}).status_code == 200


def test_article_queries(client, sized_archive, seed, django_assert_num_queries):
    # the article and its source, cited sources, mentions, claims, related ids, related articles
    with django_assert_num_queries(6):
        assert client.get(seed.get_absolute_url()).status_code == 200


def test_entity_queries(client, sized_archive, zuckerberg, django_assert_num_queries):
    # entity, article count, articles, claim count, claims, often named with: counts then entities
    with django_assert_num_queries(7):
        assert client.get(zuckerberg.get_absolute_url()).status_code == 200


def test_source_queries(client, sized_archive, editor, django_assert_num_queries):
    site = Source.objects.get(name="news.example.com")  # 2 articles, or 32
    # source; a count and a page of its articles; a count of citing articles and of claims (none)
    with django_assert_num_queries(5):
        assert client.get(site.get_absolute_url()).status_code == 200
    reuters = Source.objects.get(name="ロイター")  # 1 claim, or 31
    # source; a count of its articles and of citing articles (none); a count and a page of claims
    with django_assert_num_queries(5):
        assert client.get(reuters.get_absolute_url()).status_code == 200
    wsj = Source.objects.get(name="ウォール・ストリート・ジャーナル")
    curation.source_merge(survivor=wsj, others=[Source.objects.get(name="WSJ")], user=editor)
    # source; a count of its articles (none); a count and a page of citing articles and of claims
    with django_assert_num_queries(6):
        assert client.get(wsj.get_absolute_url()).status_code == 200


def test_claim_queries(client, sized_archive, seed, django_assert_num_queries):
    claim = claim_pages(seed).first()
    # the claim with its article, speaker and source; its subjects; the mentions in its paragraph
    with django_assert_num_queries(3):
        assert client.get(claim.get_absolute_url()).status_code == 200


def test_every_page_is_read_only(client, seed, zuckerberg):
    """GET and HEAD: a POST, PUT or DELETE gets 405 with Allow, whatever page it is sent to."""
    claim = seed.claims.exclude(status=Claim.Status.REJECTED).first()
    urls = [reverse("articles:home"), reverse("articles:search") + "?q=東京", seed.get_absolute_url(),
            reverse("articles:entity", args=[zuckerberg.pk]), reverse("articles:source", args=[seed.source_id]),
            reverse("articles:claim", args=[claim.pk]), reverse("articles:latest_feed_rss"),
            reverse("articles:entity_feed_atom", args=[zuckerberg.pk]), reverse("articles:sitemap"),
            reverse("articles:robots_txt")]
    for url in urls:
        assert client.get(url).status_code == 200, url
        assert client.head(url).status_code == 200, url
        for method in (client.post, client.put, client.delete):
            response = method(url)
            assert response.status_code == 405 and response["Allow"] == "GET, HEAD", (url, method)
