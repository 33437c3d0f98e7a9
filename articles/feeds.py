"""RSS 2.0 and Atom feeds of published articles: the latest, per entity, per source.

    /feeds/latest/rss/   /feeds/entities/7/atom/   /feeds/sources/1/rss/

Only published articles appear (see selectors). The feeds hand over plain text; each format
escapes it as its readers read it (RssFeed, AtomFeed). A merged entity's or source's feed
redirects to the survivor's.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from . import selectors

ITEMS = 30
EXCERPT_CHARS = 200


class RssFeed(Rss201rev2Feed):
    """RSS readers take titles and descriptions, the channel's and the items', as HTML: each is
    escaped once more than the XML needs, so that a name holding `<script>` shows as that text."""

    def __init__(self, title, link, description, **kwargs):
        super().__init__(escape(title), link, escape(description), **kwargs)

    def add_item(self, title, link, description, **kwargs):
        super().add_item(escape(title), link, escape(description), **kwargs)


class AtomFeed(Atom1Feed):
    """Atom titles are plain text (RFC 4287 3.1.1): the XML's escaping is all they need.
    Summaries are written as type="html", so they are escaped as in RSS. An entry's id is its
    article's address: an absolute IRI, as Atom requires, that stays while the slug does."""

    def add_item(self, title, link, description, **kwargs):
        super().add_item(title, link, escape(description), **{**kwargs, "unique_id": link})


class _Merged(Exception):
    def __init__(self, url: str):
        self.url = url


class ArticleFeed(Feed):
    """What every article feed shares: the items' fields."""

    feed_type = RssFeed

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except _Merged as merged:
            return HttpResponsePermanentRedirect(merged.url)

    def shown(self, found):
        """The entity or source a feed is about: 404 if nothing public has the id; if it was
        merged, a permanent redirect to the survivor's feed."""
        if found is None:
            raise Http404
        if found.merged_into_id:
            raise _Merged(reverse(self.feed_url_name, args=[found.merged_into_id]))
        return found

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return Truncator(article.body).chars(EXCERPT_CHARS)

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_author_name(self, article):
        return article.source.name if article.source else None

    def item_guid(self, article):  # RSS's (AtomFeed identifies entries by their address)
        return f"article-{article.pk}"

    item_guid_is_permalink = False


class LatestArticlesFeed(ArticleFeed):
    link = reverse_lazy("articles:home")

    def title(self):
        return _("News archive: latest articles")

    def description(self):
        return _("The newest articles in the news archive.")

    subtitle = description

    def items(self):
        return selectors.article_listing().defer(None)[:ITEMS]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = AtomFeed


class EntityArticlesFeed(ArticleFeed):
    feed_url_name = "articles:entity_feed_rss"

    def get_object(self, request, pk):
        return self.shown(selectors.entity_for_reader(pk))

    def title(self, entity):
        return _("News archive: articles naming %(name)s") % {"name": entity.name}

    def description(self, entity):
        return _("The newest articles that name %(name)s.") % {"name": entity.name}

    subtitle = description

    def link(self, entity):
        return entity.get_absolute_url()

    def items(self, entity):
        count = selectors.entity_article_count(entity)
        return selectors.entity_articles(entity, count=count).defer(None)[:ITEMS]


class EntityArticlesAtomFeed(EntityArticlesFeed):
    feed_type = AtomFeed
    feed_url_name = "articles:entity_feed_atom"


class SourceArticlesFeed(ArticleFeed):
    feed_url_name = "articles:source_feed_rss"

    def get_object(self, request, pk):
        return self.shown(selectors.source_for_reader(pk))

    def title(self, source):
        return _("News archive: articles from %(name)s") % {"name": source.name}

    def description(self, source):
        return _("The newest articles from %(name)s.") % {"name": source.name}

    subtitle = description

    def link(self, source):
        return source.get_absolute_url()

    def items(self, source):
        count = selectors.source_article_count(source)
        return selectors.source_articles(source, count=count).defer(None)[:ITEMS]


class SourceArticlesAtomFeed(SourceArticlesFeed):
    feed_type = AtomFeed
    feed_url_name = "articles:source_feed_atom"
