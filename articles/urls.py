"""Public site URLs: pages, feeds, sitemap.xml and robots.txt (no language prefix: the
language comes from the archive_language cookie or Accept-Language). Every one is read-only:
GET and HEAD, 405 for anything else."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.decorators.http import require_safe

from . import feeds, views
from .sitemaps import SITEMAPS

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_page, name="search"),
    path("articles/<str:slug>/", views.article, name="article"),
    path("entities/<int:pk>/", views.entity, name="entity"),
    path("sources/<int:pk>/", views.source, name="source"),
    path("claims/<int:pk>/", views.claim, name="claim"),
    path("feeds/latest/rss/", require_safe(feeds.LatestArticlesFeed()), name="latest_feed_rss"),
    path("feeds/latest/atom/", require_safe(feeds.LatestArticlesAtomFeed()), name="latest_feed_atom"),
    path("feeds/entities/<int:pk>/rss/", require_safe(feeds.EntityArticlesFeed()), name="entity_feed_rss"),
    path("feeds/entities/<int:pk>/atom/", require_safe(feeds.EntityArticlesAtomFeed()), name="entity_feed_atom"),
    path("feeds/sources/<int:pk>/rss/", require_safe(feeds.SourceArticlesFeed()), name="source_feed_rss"),
    path("feeds/sources/<int:pk>/atom/", require_safe(feeds.SourceArticlesAtomFeed()), name="source_feed_atom"),
    path("sitemap.xml", require_safe(sitemap_views.index),
         {"sitemaps": SITEMAPS, "sitemap_url_name": "articles:sitemap_section"}, name="sitemap"),
    path("sitemap-<section>.xml", require_safe(sitemap_views.sitemap), {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]
