"""Public site URLs: pages, feeds, sitemap.xml and robots.txt (no language prefix: the
language comes from the archive_language cookie or Accept-Language). Every one is read-only:
GET and HEAD, 405 for anything else."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.decorators.http import require_safe

from . import feeds, views
from .sitemaps import SITEMAPS

app_name = "articles"


def page(route: str, view, *args, **kwargs):
    """A site address: GET and HEAD only, 405 for anything else."""
    return path(route, require_safe(view), *args, **kwargs)


urlpatterns = [
    page("", views.home, name="home"),
    page("search/", views.search_page, name="search"),
    page("articles/<str:slug>/", views.article, name="article"),
    page("entities/<int:pk>/", views.entity, name="entity"),
    page("sources/<int:pk>/", views.source, name="source"),
    page("claims/<int:pk>/", views.claim, name="claim"),
    page("feeds/latest/rss/", feeds.LatestArticlesFeed(), name="latest_feed_rss"),
    page("feeds/latest/atom/", feeds.LatestArticlesAtomFeed(), name="latest_feed_atom"),
    page("feeds/entities/<int:pk>/rss/", feeds.EntityArticlesFeed(), name="entity_feed_rss"),
    page("feeds/entities/<int:pk>/atom/", feeds.EntityArticlesAtomFeed(), name="entity_feed_atom"),
    page("feeds/sources/<int:pk>/rss/", feeds.SourceArticlesFeed(), name="source_feed_rss"),
    page("feeds/sources/<int:pk>/atom/", feeds.SourceArticlesAtomFeed(), name="source_feed_atom"),
    page("sitemap.xml", sitemap_views.index,
         {"sitemaps": SITEMAPS, "sitemap_url_name": "articles:sitemap_section"}, name="sitemap"),
    page("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    page("robots.txt", views.robots_txt, name="robots_txt"),
]
