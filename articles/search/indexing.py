"""Keeping SearchDocument in step with articles: on import, on edits, and in bulk.

The vendor index follows SearchDocument by itself (triggers on SQLite, a generated column on
PostgreSQL), so writing the row is all an update takes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache

from django.db import transaction

from articles.ingest import IndexedField, headings_text, index_field
from articles.ingest.types import Document, Figure
from articles.models import Article, Claim, Entity, Mention, SearchDocument, Source

BATCH = 500


@lru_cache(maxsize=50_000)
def _name_terms(name: str) -> tuple[str, ...]:
    return tuple(index_field(name).terms.split())


def _names_text(names: Iterable[str]) -> str:
    """The terms of all names, each once, sorted: the same whatever order names come in."""
    return " ".join(sorted({term for name in names for term in _name_terms(name)}))


def _article_names(article_ids: list[int]) -> dict[int, list[str]]:
    """Every name and alias of the entities and sources each article mentions or cites."""
    names: dict[int, list[str]] = defaultdict(list)
    mentioned = (
        Mention.objects.filter(article_id__in=article_ids)
        .values_list("article_id", "entity_id").distinct()
    )
    entity_ids = {e for _, e in mentioned}
    entities = {
        e.pk: e.names
        for e in Entity.objects.filter(pk__in=entity_ids).only("name", "aliases")
    }
    for article_id, entity_id in mentioned:
        names[article_id] += entities.get(entity_id, [])
    source_links = list(
        Article.attributed_to.through.objects.filter(article_id__in=article_ids).values_list(
            "article_id", "source_id"
        )
    )
    claim_outlets = list(
        Claim.objects.filter(article_id__in=article_ids, attributed_to__isnull=False)
        .values_list("article_id", "attributed_to_id").distinct()
    )
    own = list(Article.objects.filter(pk__in=article_ids, source__isnull=False).values_list("id", "source_id"))
    source_links += claim_outlets + own
    sources = {
        s.pk: s.names
        for s in Source.objects.filter(pk__in={s for _, s in source_links}).only("name", "aliases")
    }
    for article_id, source_id in dict.fromkeys(source_links):
        names[article_id] += sources.get(source_id, [])
    return names


def _document(article: Article, fields: dict[str, IndexedField] | None, names: list[str]) -> SearchDocument:
    if fields is None:
        document = Document(
            title=article.title,
            body=article.body,
            subheadings=list(article.subheadings or []),
            figures=[Figure(**f) for f in article.figures or []],
        )
        fields = {
            "title": index_field(document.title),
            "headings": index_field(headings_text(document)),
            "body": index_field(document.body),
        }
    return SearchDocument(
        article_id=article.pk,
        title=fields["title"].terms,
        headings=fields["headings"].terms,
        body=fields["body"].terms,
        names=_names_text(names),
        title_offsets=fields["title"].offsets,
        body_offsets=fields["body"].offsets,
    )


def index_article(article: Article) -> None:
    """(Re)index one article from the database."""
    index_articles([(article, None, _article_names([article.pk])[article.pk])])


def index_articles(items: list[tuple[Article, dict[str, IndexedField] | None, list[str]]]) -> None:
    """(Re)index articles given as (article, fields, names): the importer passes the fields
    of its own analysis and the names of what each article mentions, which saves analysing
    and querying them again. One statement for all."""
    SearchDocument.objects.bulk_create(
        [_document(article, fields, names) for article, fields, names in items],
        update_conflicts=True,
        unique_fields=["article"],
        update_fields=["title", "headings", "body", "names", "title_offsets", "body_offsets"],
    )


def reindex_names(article_ids: Iterable[int]) -> None:
    """After a rename, new aliases or a merge: refresh the entity names of these articles."""
    ids = list(set(article_ids))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        names = _article_names(batch)
        documents = list(SearchDocument.objects.filter(article_id__in=batch).only("article_id", "names"))
        for document in documents:
            document.names = _names_text(names.get(document.article_id, []))
        SearchDocument.objects.bulk_update(documents, ["names"])


def rebuild_index(*, batch_size: int = BATCH, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild every SearchDocument from the articles, in batches (memory stays bounded)."""
    total = 0
    last_id = 0
    while True:
        articles = list(
            Article.objects.filter(pk__gt=last_id).order_by("pk")
            .only("id", "title", "body", "subheadings", "figures")[:batch_size]
        )
        if not articles:
            return total
        names = _article_names([a.pk for a in articles])
        documents = [_document(a, None, names.get(a.pk, [])) for a in articles]
        with transaction.atomic():
            SearchDocument.objects.filter(article_id__in=[a.pk for a in articles]).delete()
            SearchDocument.objects.bulk_create(documents)
        total += len(articles)
        last_id = articles[-1].pk
        if progress:
            progress(len(articles))
