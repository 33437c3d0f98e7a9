import json

import pytest

from articles.search import search
from articles.services.imports import import_paths

pytestmark = pytest.mark.django_db


def test_a_word_typed_whole_ranks_its_parts_side_by_side_first(write_file):
    articles = [
        {"title": "会議の報告", "body": "日本の選手から代表を選ぶ会議が開かれ、日本各地の代表が集まった。", "url": "https://example.jp/apart"},
        {"title": "試合の結果", "body": "昨夜の試合で日本代表が勝った。", "url": "https://example.jp/together"},
    ] + [{"title": f"天気 {i}", "body": f"今日は晴れ。気温は{i}度。", "url": f"https://example.jp/w{i}"} for i in range(8)]
    path = write_file("ranking.jsonl", "\n".join(json.dumps(a, ensure_ascii=False) for a in articles))
    assert not import_paths([path]).failures
    hits = search("日本代表").hits
    print([(h.article.source_url, h.score) for h in hits])
    assert [h.article.source_url.rsplit("/", 1)[1] for h in hits] == ["together", "apart"]
