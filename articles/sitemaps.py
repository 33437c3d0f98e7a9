"""sitemap.xml: an index of sections (home, articles, entities, sources, reviewed claims),
each split into pages of PAGE_SIZE addresses. Only what readers may see is listed."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from articles.models import Article, Claim

from . import selectors

PAGE_SIZE = 5000


class HomeSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return ["articles:home"]

    def location(self, name):
        return reverse(name)


class ListedSitemap(Sitemap):
    """Pages of a model's rows ordered by id, each address with its `updated_at`."""

    limit = PAGE_SIZE

    def lastmod(self, obj):
        return obj.updated_at

    def get_latest_lastmod(self):
        # for the index; the default reads every row of every page, and "the latest public
        # entity" costs a scan of the mentions: the index leaves it out
        return None


class ArticleSitemap(ListedSitemap):
    def items(self):
        return Article.objects.published().only("slug", "updated_at").order_by("id")

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]  # the updated_at index


class EntitySitemap(ListedSitemap):
    def items(self):
        return selectors.public_entities().only("updated_at").order_by("id")


class SourceSitemap(ListedSitemap):
    def items(self):
        return selectors.public_sources().only("updated_at").order_by("id")


class ClaimSitemap(ListedSitemap):
    """Reviewed claims only: their pages carry a ClaimReview."""

    def items(self):
        reviewed = [Claim.Status.VERIFIED, Claim.Status.DISPUTED]
        return selectors.visible_claims().filter(status__in=reviewed).only("updated_at").order_by("id")


SITEMAPS = {
    "home": HomeSitemap,
    "articles": ArticleSitemap,
    "entities": EntitySitemap,
    "sources": SourceSitemap,
    "claims": ClaimSitemap,
}
