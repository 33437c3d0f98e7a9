"""Articles for the reader site's tests (views and browser), imported through the real
importer: the seed article, a few JSON Lines articles that share its people, one with markup
in its title and body, and a draft naming a person no published article names."""

from __future__ import annotations

import json
from pathlib import Path

from articles.models import Article
from articles.services.imports import import_paths

from .conftest import SEED

PUBLISHED = [
    {"title": "ザッカーバーグ氏、新たなAI研究所を発表",
     "body": "メタのマーク・ザッカーバーグ最高経営責任者は1日、カリフォルニア州に新たなAI研究所を設立すると発表した。\n\n"
             "ザッカーバーグ氏は「人材に10億ドルを投じる」と述べた。ロイターによると、研究所には約100人が参加する。",
     "url": "https://news.example.com/zuck-lab", "published_at": "2025-02-01T10:00:00+09:00"},
    {"title": "ムラティ氏の新会社、資金調達",
     "body": "OpenAIの元CTOであるミラ・ムラティ氏が設立したThinking Machines Labは、20億ドルを調達したと発表した。\n\n"
             "ムラティ氏は「研究者の自由を守る」と語った。",
     "url": "https://news.example.com/murati", "published_at": "2024-11-01T10:00:00+09:00"},
    {"title": "<script>alert('x')</script>の記事",
     "body": "本文に<b>タグ</b>と東京という語が入っている & 記号も。</p><script>alert(1)</script>",
     "url": "https://example.jp/xss", "published_at": "2024-05-05T10:00:00+09:00"},
    {"title": "東京都知事が会見", "body": "東京都の小池百合子知事は記者会見で、新しい防災計画を発表した。",
     "url": "https://example.jp/tokyo", "published_at": "2024-09-01T10:00:00+09:00"},
]
DRAFTS = [
    {"title": "下書き: 未公開の買収計画",
     "body": "秘密商事の山田太郎社長は、メタへの売却を検討していると語った。ザッカーバーグ氏も関心を示している。",
     "url": "https://example.jp/draft", "published_at": "2025-03-01T10:00:00+09:00"},
]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    return path


def import_site_archive(folder: Path) -> dict[str, Article]:
    """The seed, PUBLISHED and DRAFTS imported; the articles by source URL."""
    report = import_paths([SEED, write_jsonl(folder / "published.jsonl", PUBLISHED)], workers=1)
    assert not report.failures, report.failures
    report = import_paths([write_jsonl(folder / "drafts.jsonl", DRAFTS)], status=Article.Status.DRAFT, workers=1)
    assert not report.failures, report.failures
    return {a.source_url: a for a in Article.objects.all()}


def more_articles(count: int, *, start: int = 0) -> list[dict]:
    """`count` articles naming the same people, with a claim each, one day apart."""
    return [
        {"title": f"ザッカーバーグ氏とムラティ氏が会談（第{n}報）",
         "body": f"マーク・ザッカーバーグ氏は{n % 28 + 1}日、ミラ・ムラティ氏と東京で会談した。\n\n"
                 f"ロイターによると、両氏は約{n + 1}億ドルの提携を協議した。",
         "url": f"https://news.example.com/meeting-{n}",
         "published_at": f"2023-{n // 28 % 12 + 1:02d}-{n % 28 + 1:02d}T09:00:00+09:00"}
        for n in range(start, start + count)
    ]


def import_more_articles(folder: Path, count: int) -> None:
    report = import_paths([write_jsonl(folder / f"more-{count}.jsonl", more_articles(count))], workers=1)
    assert not report.failures, report.failures
