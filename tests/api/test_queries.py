"""A fixed number of SQL queries per list, whatever the page holds (NetBox/Zulip style)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.services.imports import import_paths

from .conftest import write_jsonl

pytestmark = pytest.mark.django_db

# url -> (anonymous, editor with a token): the editor adds the token lookup and the two
# permission queries (the user's and the groups' permissions)
SEARCH = 0  # stands for the queries of articles.search.search(), counted in the test

EXPECTED = {
    "/api/v1/articles/": (2, 5),  # the page, attributed_to
    "/api/v1/articles/?expand=body,mentions,source,attributed_to": (3, 6),  # + mentions; source is joined
    # the search engine's own queries (pinned by its tests), then attributed_to
    "/api/v1/articles/?search=知事": (SEARCH + 1, SEARCH + 4),
    "/api/v1/entities/": (1, 4),
    "/api/v1/claims/": (2, 5),  # the page, entities
    "/api/v1/claims/?expand=article,speaker,entities,attributed_to": (2, 5),  # joined, not queried
    "/api/v1/sources/": (1, 4),
}


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url + ("&" if "?" in url else "?") + "page_size=100")
    assert response.status_code == 200, response.content
    assert response.json()["results"]
    return len(queries)


def many_more_articles(tmp_path, n: int = 30) -> None:
    articles = [
        {"title": f"知事の会見その{i}", "url": f"https://example.jp/many/{i}",
         "body": f"大阪府の吉村洋文知事は{i}日、記者会見で万博の入場者が{i}万人を超えたと発表した。トヨタ自動車も協賛する。"}
        for i in range(n)
    ]
    assert not import_paths([write_jsonl(tmp_path / "many.jsonl", articles)], workers=1).failures


def engine_queries(**filters) -> int:
    from articles.search import search

    with CaptureQueriesContext(connection) as queries:
        search("知事", limit=100, **filters)
    return len(queries)


@pytest.mark.parametrize("url", EXPECTED)
def test_list_queries_do_not_grow_with_the_page(anon, editor_client, archive, tmp_path, url):
    few = (count_queries(anon, url), count_queries(editor_client, url))
    many_more_articles(tmp_path)
    many = (count_queries(anon, url), count_queries(editor_client, url))
    expected = EXPECTED[url]
    if "search=" in url:  # anonymous clients search the published articles, editors all of them
        expected = (expected[0] + engine_queries(status="published"), expected[1] + engine_queries(status=None))
    assert few == many == expected


# What a sampled ANALYZE (analysis_limit 400) wrote for the articles of bench/'s archive of
# 100,000 published articles: 401 per status, where all are published. Imports now read the
# articles in full (services/rows.py), but an archive may carry a sample from elsewhere (PRAGMA
# optimize samples too), and the list must keep its order whatever the planner expects. SQLite
# plans for the rows the statistics promise, and a test imports a handful.
ARCHIVE_STATISTICS = [
    ("article_status_id", "103509 401 1"),
    ("article_listing", "101752 401 15 1"),
    ("article_source_status", "98118 401 401"),
    ("articles_article_source_id_9a8869ea", "119248 401"),
    ("articles_article_language_5aeb8b73", "51060 401"),
    ("articles_article_updated_at_c81faf03", "97119 14"),
    ("article_url_unique", "106200 1"),
    ("article_source_url", "106200 1"),
]


def sqlite_plan_at_scale(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # creates sqlite_stat1, and gives the real statistics back after
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'articles_article'")
        cursor.executemany("INSERT INTO sqlite_stat1 VALUES ('articles_article', %s, %s)", ARCHIVE_STATISTICS)
        cursor.execute("ANALYZE sqlite_schema")  # reads them again
        try:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            return [row[-1] for row in cursor.fetchall()]
        finally:  # the connection would keep planning with them past the test's rollback
            cursor.execute("ANALYZE")


def test_the_article_list_reads_its_order_from_an_index(anon, archive):
    """Without article_status_id, SQLite reads the published articles through the status index
    in newest-first order and sorts them all for each page (10 ms at 100,000 articles), with a
    filter as well (language, dates)."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL walks its primary key in order, testing the status of each row")
    for filters in ("", "?language=ja", "?published_from=2024-01-01"):
        with CaptureQueriesContext(connection) as queries:
            assert anon.get(f"/api/v1/articles/{filters}").status_code == 200
        page = queries.captured_queries[-2]["sql"]  # then attributed_to
        assert page.startswith('SELECT "articles_article"."id"') and "ORDER BY" in page
        plan = sqlite_plan_at_scale(page)
        assert not any("TEMP B-TREE" in step for step in plan), (filters, plan)
