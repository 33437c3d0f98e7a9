"""Japanese full-text search: one interface, one backend per database.

    from articles.search import search
    page = search("ザッカーバーグ 買収", limit=20, entity=7, published_from=date(2024, 1, 1))
    page.total, [(hit.article.title, hit.score, hit.snippet) for hit in page.hits]

Words, "quoted phrases" and -exclusions; every word must match. Any string is a safe query.
The website, the API's `search` parameter and `manage.py search` all call `search()`.
"""

from .engine import SearchFilters, SearchHit, SearchPage, day_start, search, search_facets
from .indexing import index_article, index_articles, rebuild_index, reindex_names

__all__ = [
    "SearchFilters",
    "SearchHit",
    "SearchPage",
    "day_start",
    "index_article",
    "index_articles",
    "rebuild_index",
    "reindex_names",
    "search",
    "search_facets",
]
