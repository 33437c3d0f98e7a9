"""Articles made for search tests, imported through the real importer."""

import json

import pytest

from articles.services.imports import import_paths

ARTICLES = [
    {"title": "東京都知事が会見", "body": "東京都の知事は記者会見で、新しい防災計画を発表した。", "url": "https://example.jp/1",
     "published_at": "2024-09-01T10:00:00+09:00"},
    {"title": "京都の紅葉", "body": "京都では紅葉が見頃を迎え、多くの観光客が訪れた。", "url": "https://example.jp/2",
     "published_at": "2023-11-20T10:00:00+09:00"},
    {"title": "メタの人材獲得", "body": "マーク・ザッカーバーグ氏は研究者の獲得に動いた。ザッカーバーグ氏はCEOである。",
     "url": "https://news.example.com/3", "published_at": "2025-02-01T10:00:00+09:00"},
    {"title": "経済ニュース", "body": "ｻﾞｯｶｰﾊﾞｰｸﾞ氏の発言が市場に影響した。ＣＥＯの交代はない。", "url": "https://example.jp/4",
     "published_at": "2025-03-01T10:00:00+09:00"},
    {"title": "Tech column", "body": "Zuckerberg announced a new AI lab in California.", "url": "https://example.org/5",
     "language": "en", "published_at": "2024-01-05T10:00:00+09:00"},
    {"title": "<script>alert('x')</script>の記事", "body": "本文に<b>タグ</b>と東京という語が入っている & 記号も。",
     "url": "https://example.jp/6", "published_at": "2024-05-05T10:00:00+09:00"},
    {"title": "アンディー・ストーン氏の声明", "body": "広報担当のアンディー・ストーン氏が声明を出した。", "url": "https://example.jp/7",
     "published_at": "2024-06-01T10:00:00+09:00"},
    {"title": "防災の日", "body": "政府は東京で訓練を行った。知事も参加した。", "url": "https://example.jp/8",
     "published_at": "2024-09-02T10:00:00+09:00"},
]


@pytest.fixture
def search_articles(db, tmp_path):
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES), encoding="utf-8")
    report = import_paths([path], workers=1)
    assert not report.failures
    from articles.models import Article

    return {a.source_url: a for a in Article.objects.all()}
