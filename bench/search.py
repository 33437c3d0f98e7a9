"""Search speed at 100,000 articles, against the naive icontains scan, and the index size.

    python bench/search.py [--database sqlite|postgresql] [--articles N] [--rounds R]

The archive is the livedoor corpus repeated with varied titles (see _setup.large_archive;
built on first use). Each query of a set of real words (names, places, common nouns, 1- and
2-character words, a phrase, an exclusion) runs `search()` (count + first page of 20 hits with
snippets) and, in the same run, the naive `Article.objects.filter(body__icontains=q)` (count +
first 20). Prints p50/p95 per method, the ratio, the index size, the time of a deep page
(offset 5,000), and how many distinct articles 50 pages of 日 show (indexing speed:
bench/index.py).

Budgets at 100,000 articles: SQLite p95 < 30 ms and >= 50x faster than icontains;
PostgreSQL p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time

from _setup import large_archive

QUERIES = [
    # names (people, organisations, products)
    "香川", "本田", "長友", "AKB48", "ソフトバンク", "iPhone", "ドコモ", "アップル", "トム・クルーズ", "ジブリ",
    # places
    "東京", "大阪", "京都", "アメリカ", "韓国", "中国", "横浜", "東京都",
    # common nouns
    "映画", "試合", "女性", "結婚", "携帯", "仕事", "番組", "ネット", "記者会見", "携帯電話",
    # one and two characters
    "日", "人", "円", "年", "話題", "政治", "記事", "写真", "代表",
    # several words, a phrase, an exclusion
    "東京 映画", "香川 ゴール", "日本 代表 試合", '"日本代表"', '"東京都"', "映画 -アニメ", "iPhone 4S アプリ",
]


DEEP = 5_000


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def time_queries(run, rounds: int, queries: list[str] = QUERIES) -> list[float]:
    times = []
    for _ in range(rounds):
        for query in queries:
            started = time.perf_counter()
            run(query)
            times.append((time.perf_counter() - started) * 1000)
    return times


def index_size_mb() -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT pg_total_relation_size('articles_searchdocument')"
            )
            return cursor.fetchone()[0] / 1e6
        cursor.execute(
            "SELECT coalesce(sum(length(block)), 0) FROM articles_fts_data"
        )
        fts = cursor.fetchone()[0]
        cursor.execute(
            "SELECT coalesce(sum(length(title) + length(headings) + length(body) + length(names)"
            " + length(title_offsets) + length(body_offsets)), 0) FROM articles_searchdocument"
        )
        return (fts + cursor.fetchone()[0]) / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--naive-rounds", type=int, default=1, help="0 skips the icontains comparison")
    args = parser.parse_args()
    url = large_archive(args.articles, args.database, args.database_url)

    from django.db import connection

    from articles.models import Article
    from articles.search import search

    def engine(query):
        return search(query, limit=20)

    def naive(query):
        rows = Article.objects.filter(status="published", body__icontains=query)
        return rows.count(), list(rows[:20])

    time_queries(engine, 1)  # warm the caches
    fast = time_queries(engine, args.rounds)
    slow = time_queries(naive, args.naive_rounds) if args.naive_rounds else []
    totals = {q: search(q).total for q in QUERIES}
    # deep pages: page 251 of the queries with more matches than that (ranked within one block)
    common = [q for q in QUERIES if totals[q] > DEEP + 20]
    deep = time_queries(lambda query: search(query, limit=20, offset=DEEP), args.rounds, common)
    walked = [hit.article.pk for offset in range(0, 1000, 20) for hit in search("日", offset=offset).hits]

    print(f"database: {connection.vendor} ({url})   articles: {Article.objects.count():,}")
    print(f"queries: {len(QUERIES)} x {args.rounds} rounds; hits for 日 {totals['日']:,}, 東京 {totals['東京']:,},"
          f" 香川 {totals['香川']:,}, \"日本代表\" {totals[chr(34) + '日本代表' + chr(34)]:,}")
    print(f"search():   p50 {percentile(fast, .5):8.1f} ms   p95 {percentile(fast, .95):8.1f} ms"
          f"   max {max(fast):8.1f} ms")
    if slow:
        print(f"icontains:  p50 {percentile(slow, .5):8.1f} ms   p95 {percentile(slow, .95):8.1f} ms")
        mean_ratio = statistics.mean(slow) / statistics.mean(fast)
        print(f"ratio icontains / search(): p50 {percentile(slow, .5) / percentile(fast, .5):.0f}x"
              f"   p95 {percentile(slow, .95) / percentile(fast, .95):.0f}x   mean {mean_ratio:.0f}x")
    print(f"index size: {index_size_mb():,.0f} MB")
    if deep:  # a small --articles may leave no query that long
        print(f"page 251 (offset {DEEP:,}) of the {len(common)} queries with more matches:"
              f" p50 {percentile(deep, .5):.1f} ms   p95 {percentile(deep, .95):.1f} ms")
    print(f"pages 1 to 50 of 日 (20 each): {len(walked):,} hits, {len(set(walked)):,} distinct")
    slowest = sorted(zip(fast, QUERIES * args.rounds, strict=True), reverse=True)[:5]
    print("slowest queries: " + ", ".join(f"{q} {t:.1f} ms" for t, q in slowest))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
