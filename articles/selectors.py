"""Reads for the public site: only what readers may see, in a fixed number of queries.

Readers see published articles and the claims of published articles that are not rejected.
An entity or a source is public while a published article or a public claim names it, so a
draft never shows through an entity page, a source page, a feed or the sitemap.

Every function runs a fixed number of queries whatever the lists hold. The ones that read
the mention table (millions of rows at scale) look at a bounded window, the newest articles,
so that their cost stays flat as the archive grows.

    detail = article_detail("meta-ceo-...")        # None for drafts and unknown slugs
    page = site_search(query="東京", filters=SiteFilters(year=2024), page_number=1)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from articles.ingest import name_key
from articles.models import Article, Claim, Entity, EntityName, Mention, Source, newest_first
from articles.search import search, search_facets
from articles.search.engine import Facets, SearchPage

PUBLISHED = Article.Status.PUBLISHED
PER_PAGE = 20
SEARCH_MAX_PAGES = 50  # 1,000 results: past that, a reader narrows the query or the facets


# -------------------------------------------------------------------------------------------
# What readers may see


def published_articles() -> QuerySet[Article]:
    return Article.objects.published().select_related("source")


def article_listing() -> QuerySet[Article]:
    """Published articles for lists: everything but the body, newest first."""
    return published_articles().defer("body").order_by(*newest_first())


def visible_claims() -> QuerySet[Claim]:
    """Claims readers may see: not rejected, in a published article."""
    return Claim.objects.exclude(status=Claim.Status.REJECTED).filter(article__status=PUBLISHED)


def public_claims() -> QuerySet[Claim]:
    """visible_claims() for lists, with their article, speaker and cited outlet."""
    return visible_claims().select_related("article", "speaker", "attributed_to").defer("article__body")


def _claims_naming_entity() -> QuerySet[Claim]:
    """Visible claims where the entity (OuterRef "pk") is the speaker or a subject."""
    subjects = Claim.entities.through.objects.filter(entity=OuterRef(OuterRef("pk"))).values("claim_id")
    return visible_claims().filter(Q(speaker=OuterRef("pk")) | Q(pk__in=subjects))


def _entity_is_public() -> Q:
    mentioned = Mention.objects.filter(entity=OuterRef("pk"), article__status=PUBLISHED)
    return Q(Exists(mentioned)) | Q(Exists(_claims_naming_entity()))


def _unpublished_ids() -> QuerySet:
    """Ids of the articles readers may not see: few, found through the status index. Counting
    "all but these" reads an index alone, where "status = published" reads every row."""
    return Article.objects.filter(status__in=[s for s in Article.Status.values if s != PUBLISHED]).values("id")


def _source_is_public() -> Q:
    own = Article.objects.filter(source=OuterRef("pk")).exclude(pk__in=_unpublished_ids())
    cited = Article.objects.published().filter(attributed_to=OuterRef("pk"))
    claims = visible_claims().filter(attributed_to=OuterRef("pk"))
    return Q(Exists(own)) | Q(Exists(cited)) | Q(Exists(claims))


def public_entities() -> QuerySet[Entity]:
    """Entities a reader may open: not merged, named by a published article or a public claim."""
    return Entity.objects.filter(merged_into=None).filter(_entity_is_public())


def public_sources() -> QuerySet[Source]:
    return Source.objects.filter(merged_into=None).filter(_source_is_public())


def entity_for_reader(pk: int) -> Entity | None:
    """The entity if it is public, or if it was merged (the page then redirects to the survivor)."""
    return Entity.objects.filter(pk=pk).filter(Q(merged_into__isnull=False) | _entity_is_public()).first()


def source_for_reader(pk: int) -> Source | None:
    return Source.objects.filter(pk=pk).filter(Q(merged_into__isnull=False) | _source_is_public()).first()


def paginate(queryset, number, *, per_page: int = PER_PAGE, count: int | None = None) -> Page:
    """A page of `queryset`; a bad or out-of-range `number` gives the first or last page.
    `count`, when known already, saves the paginator its COUNT query."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: this is its value
    return paginator.get_page(number)


# -------------------------------------------------------------------------------------------
# Home


def latest_articles(*, limit: int = 10) -> list[Article]:
    return list(article_listing()[:limit])


def most_mentioned_entities(*, limit: int = 12, window: int = 500) -> list[Entity]:
    """The entities named in the most of the newest `window` published articles, each with
    `article_count`. Counting every mention would read millions of rows per page view."""
    newest = Article.objects.published().order_by(*newest_first()).values("id")[:window]
    return _counted_entities(Mention.objects.filter(article_id__in=newest), "article_count", limit=limit)


def _counted_entities(mentions: QuerySet[Mention], count_name: str, *, limit: int) -> list[Entity]:
    """The entities of `mentions` named in the most articles, each with that number as
    `count_name`. Grouping the mentions alone, then reading the few entities, is 5x faster
    than grouping entities joined to their mentions."""
    rows = list(
        mentions.order_by().values("entity_id").annotate(n=Count("article_id", distinct=True))
        .order_by("-n", "entity_id").values_list("entity_id", "n")[:limit]
    )
    entities = Entity.objects.in_bulk([pk for pk, _ in rows])
    counted = []
    for pk, n in rows:
        if pk in entities:
            setattr(entities[pk], count_name, n)
            counted.append(entities[pk])
    return counted


def recently_verified_claims(*, limit: int = 5) -> list[Claim]:
    return list(public_claims().filter(status=Claim.Status.VERIFIED).order_by(*newest_first("reviewed_at"))[:limit])


# -------------------------------------------------------------------------------------------
# Article


@dataclass
class ArticleDetail:
    article: Article
    mentions: list[Mention]  # with their entity
    claims: list[Claim]  # public ones, in the order of the text
    cited_sources: list[Source]
    related: list[Article] = field(default_factory=list)

    @cached_property
    def entities(self) -> list[Entity]:
        """The entities the article names, most mentioned first."""
        counts: dict[int, int] = {}
        entities: dict[int, Entity] = {}
        for mention in self.mentions:
            counts[mention.entity_id] = counts.get(mention.entity_id, 0) + 1
            entities.setdefault(mention.entity_id, mention.entity)
        return [entities[pk] for pk in sorted(counts, key=lambda pk: -counts[pk])]


def article_detail(slug: str) -> ArticleDetail | None:
    if "\x00" in slug:  # no slug holds one, and PostgreSQL refuses to compare text with it
        return None
    article = published_articles().filter(slug=slug).first()
    if article is None:
        return None
    detail = ArticleDetail(
        article=article,
        mentions=list(article.mentions.select_related("entity").order_by("start", "id")),
        claims=list(
            article.claims.exclude(status=Claim.Status.REJECTED)
            .select_related("speaker", "attributed_to").order_by("start", "id")
        ),
        cited_sources=list(article.attributed_to.filter(merged_into=None)),
    )
    detail.related = related_articles(article, [e.pk for e in detail.entities])
    return detail


def related_articles(article: Article, entity_ids: list[int], *, limit: int = 5, per_entity: int = 200,
                     max_entities: int = 30) -> list[Article]:
    """Published articles sharing the most entities with `article`, newest first among equals.

    Candidates are each entity's `per_entity` newest mentions (a walk down the (entity,
    article) index), so that an entity named in half the archive, such as 日本, costs as
    little as a rare one; the naive GROUP BY over all their mentions takes some 60x longer
    at 100,000 articles (bench/pages.py)."""
    entity_ids = entity_ids[:max_entities]
    if not entity_ids:
        return []
    window = (
        "SELECT * FROM (SELECT m.article_id, m.entity_id FROM articles_mention m"
        " JOIN articles_article a ON a.id = m.article_id"
        " WHERE m.entity_id = %s AND m.article_id <> %s AND a.status = %s"
        " ORDER BY m.article_id DESC LIMIT %s) AS w{}"
    )
    union = " UNION ALL ".join(window.format(i) for i in range(len(entity_ids)))
    params = [value for pk in entity_ids for value in (pk, article.pk, PUBLISHED, per_entity)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT article_id, count(DISTINCT entity_id) AS shared FROM ({union}) AS candidates"
            " GROUP BY article_id ORDER BY shared DESC, article_id DESC LIMIT %s",
            [*params, limit],
        )
        ids = [row[0] for row in cursor.fetchall()]
    found = article_listing().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


# -------------------------------------------------------------------------------------------
# Entity

# Above this many articles, an entity's or a source's first pages are found faster by walking
# the newest articles and testing each than by collecting all of its articles and sorting them.
WALK_ABOVE = 2000


def entity_article_count(entity: Entity) -> int:
    """Published articles naming `entity`, read from the (entity, article) index alone."""
    return (
        Mention.objects.filter(entity=entity).exclude(article_id__in=_unpublished_ids())
        .aggregate(n=Count("article_id", distinct=True))["n"]
    )


def entity_articles(entity: Entity, *, count: int) -> QuerySet[Article]:
    """Published articles naming `entity`, newest first (`count`: entity_article_count)."""
    mentions = Mention.objects.filter(entity=entity)
    if count > WALK_ABOVE:
        return article_listing().filter(Exists(mentions.filter(article=OuterRef("pk"))))
    return article_listing().filter(pk__in=mentions.values("article_id"))


def entity_claims(entity: Entity) -> QuerySet[Claim]:
    """Public claims where `entity` is the speaker or a subject, newest articles first."""
    subjects = Claim.entities.through.objects.filter(entity=entity).values("claim_id")
    return public_claims().filter(Q(speaker=entity) | Q(pk__in=subjects)).order_by(
        *newest_first("article__published_at", "article_id"), "start", "id"
    )


def co_mentioned_entities(entity: Entity, *, limit: int = 10, window: int = 500) -> list[Entity]:
    """Entities named in the most of the `window` newest published articles naming `entity`,
    each with `shared_count`."""
    newest = (
        Mention.objects.filter(entity=entity, article__status=PUBLISHED)
        .order_by("-article_id").values("article_id").distinct()[:window]
    )
    mentions = Mention.objects.filter(article_id__in=newest).exclude(entity=entity)
    return _counted_entities(mentions, "shared_count", limit=limit)


# -------------------------------------------------------------------------------------------
# Source


def source_article_count(source: Source) -> int:
    return Article.objects.filter(source=source).exclude(pk__in=_unpublished_ids()).count()


def source_articles(source: Source, *, count: int) -> QuerySet[Article]:
    """Published articles from `source`, newest first (`count`: source_article_count)."""
    if count > WALK_ABOVE:
        return article_listing().filter(source=source)
    return article_listing().filter(pk__in=Article.objects.filter(source=source).values("pk"))


def articles_citing(source: Source) -> QuerySet[Article]:
    return article_listing().filter(attributed_to=source)


def source_claims(source: Source) -> QuerySet[Claim]:
    return public_claims().filter(attributed_to=source).order_by(
        *newest_first("article__published_at", "article_id"), "start"
    )


# -------------------------------------------------------------------------------------------
# Claim


@dataclass
class ClaimDetail:
    claim: Claim
    subjects: list[Entity]
    context_start: int  # the claim's paragraph in the article body
    context_end: int
    context_mentions: list[Mention]

    @property
    def context(self) -> str:
        return self.claim.article.body[self.context_start : self.context_end]


def claim_detail(pk: int) -> ClaimDetail | None:
    claim = visible_claims().filter(pk=pk).select_related("article__source", "speaker", "attributed_to").first()
    if claim is None:
        return None
    body = claim.article.body
    start, end = paragraph_around(body, claim.start, claim.end)
    return ClaimDetail(
        claim=claim,
        subjects=list(claim.entities.filter(merged_into=None).order_by("name")),
        context_start=start,
        context_end=end,
        context_mentions=list(
            Mention.objects.filter(article=claim.article_id, start__gte=start, end__lte=end)
            .select_related("entity").order_by("start", "id")
        ),
    )


def paragraph_around(body: str, start: int, end: int) -> tuple[int, int]:
    """The bounds of the paragraph(s) holding body[start:end] (paragraphs: blank-line separated)."""
    if not 0 <= start <= end <= len(body):
        return 0, len(body)
    first = body.rfind("\n\n", 0, start)
    last = body.find("\n\n", end)
    return (0 if first < 0 else first + 2), (len(body) if last < 0 else last)


# -------------------------------------------------------------------------------------------
# Search


@dataclass(frozen=True)
class SiteFilters:
    """The search page's filters, already validated (see views.SearchForm)."""

    entity_kind: str | None = None
    entity: int | None = None
    source: int | None = None
    year: int | None = None

    def as_search_kwargs(self) -> dict:
        kwargs = {"entity_kind": self.entity_kind or None, "entity": self.entity, "source": self.source}
        if self.year:
            kwargs["published_from"] = dt.date(self.year, 1, 1)
            kwargs["published_to"] = dt.date(self.year, 12, 31)
        return kwargs

    @property
    def active(self) -> bool:
        return any((self.entity_kind, self.entity, self.source, self.year))


@dataclass
class SiteSearch:
    results: SearchPage
    page: Page  # numbers only: the hits are results.hits
    facets: Facets
    named_entities: list[Entity]  # public entities whose name or alias is the query
    entity: Entity | None  # the entity and source filtered on, for their names
    source: Source | None

    @property
    def capped(self) -> bool:
        """More results than the pages show."""
        return self.results.total > self.page.paginator.count


def site_search(*, query: str, filters: SiteFilters, page_number) -> SiteSearch:
    """A page of search results with the facets of the whole result set."""
    kwargs = filters.as_search_kwargs()
    number = min(_page_number(page_number), SEARCH_MAX_PAGES)
    results = search(query, limit=PER_PAGE, offset=(number - 1) * PER_PAGE, **kwargs)
    # the paginator only does the arithmetic: range() stands in for the results
    page = Paginator(range(min(results.total, PER_PAGE * SEARCH_MAX_PAGES)), PER_PAGE).get_page(number)
    if page.number != number and results.total:  # past the end: show the last page instead
        results = search(query, limit=PER_PAGE, offset=(page.number - 1) * PER_PAGE, **kwargs)
    return SiteSearch(
        results=results,
        page=page,
        facets=search_facets(query, **kwargs) if results.total else Facets(),
        named_entities=_entities_named(query) if results.query.required else [],
        entity=public_entities().filter(pk=filters.entity).first() if filters.entity else None,
        source=public_sources().filter(pk=filters.source).first() if filters.source else None,
    )


def _page_number(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def _entities_named(query: str, *, limit: int = 3) -> list[Entity]:
    key = name_key(query)
    if not key:
        return []
    return list(public_entities().filter(pk__in=EntityName.objects.filter(key=key).values("entity_id"))[:limit])
