"""Keeping SearchDocument in step with articles: on import, on edits, and in bulk.

The vendor index follows SearchDocument by itself (triggers into an FTS5 table on SQLite, into a
table of tsvectors on PostgreSQL), so writing the row is all an update takes.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from operator import attrgetter

from django.db import connection, transaction

from articles.ingest import IndexedField, headings_text, index_field
from articles.ingest.analysis import analyse
from articles.ingest.parallel import map_in_workers
from articles.ingest.terms import index_fields_of
from articles.ingest.types import Document, Figure
from articles.models import Article, Claim, Mention, SearchDocument

# Articles per batch: small enough that the worker processes of a rebuild share the work evenly
# to the last batch, large enough that a batch's queries cost nothing (100 instead of 500 adds
# 0.2% to a rebuild's work in one process)
BATCH = 100
# between two names: a filler no query ever holds (every query term is NFKC-folded, and this is
# full-width), so no phrase runs from one name into the next; PostgreSQL's vectors drop it
# (migration 0009), leaving the gap without spending positions of a common term
NAME_GAP = "ｇａｐ"
INDEXED_FIELDS = ("title", "headings", "body", "names", "title_offsets", "body_offsets")
_indexed = attrgetter(*INDEXED_FIELDS)


@lru_cache(maxsize=50_000)
def _name_terms(name: str) -> str:
    return index_field(name).terms


def _names_text(names: Iterable[str]) -> str:
    """The terms of each name in order, the names apart (NAME_GAP between two), each once,
    sorted: the same whatever order names come in."""
    return f" {NAME_GAP} ".join(sorted({terms for name in names if (terms := _name_terms(name))}))


def _article_names(article_ids: list[int]) -> dict[int, list[str]]:
    """Every name and alias of the entities and sources each article mentions or cites: each
    link read with its names in one query (a join), no model built. Without their models'
    ordering, DISTINCT reads each entity once per article, not once per mention; the claims'
    outlets are joined LEFT, which makes SQLite read the claims by article, not every claim
    of each outlet (the rows without one are skipped here)."""
    links = [
        Mention.objects.filter(article_id__in=article_ids)
        .values_list("article_id", "entity__name", "entity__aliases").order_by().distinct(),
        Article.attributed_to.through.objects.filter(article_id__in=article_ids)
        .values_list("article_id", "source__name", "source__aliases"),
        Claim.objects.filter(article_id__in=article_ids)
        .values_list("article_id", "attributed_to__name", "attributed_to__aliases").order_by().distinct(),
        Article.objects.filter(pk__in=article_ids, source__isnull=False)
        .values_list("id", "source__name", "source__aliases").order_by(),
    ]
    names: dict[int, list[str]] = defaultdict(list)
    for rows in links:
        for article_id, name, aliases in rows:
            if name is not None:
                names[article_id] += [name, *aliases]
    return names


def _document(article: Article, fields: dict[str, IndexedField] | None, names: list[str]) -> SearchDocument:
    if fields is None:
        title, headings, body = index_fields_of([_texts(article)])[0]
        fields = {"title": title, "headings": headings, "body": body}
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
    _upsert([_document(article, fields, names) for article, fields, names in items])


def _upsert(documents: list[SearchDocument]) -> None:
    """Insert these documents, or write them over their articles' stored ones: one statement."""
    SearchDocument.objects.bulk_create(
        documents, update_conflicts=True, unique_fields=["article"], update_fields=INDEXED_FIELDS
    )


def reindex_names(article_ids: Iterable[int]) -> None:
    """After a rename, new aliases or a merge: refresh the entity names of these articles."""
    ids = list(set(article_ids))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        names = _article_names(batch)
        documents = list(SearchDocument.objects.filter(article_id__in=batch).only("article_id", "names"))
        changed = []
        for document in documents:
            text = _names_text(names.get(document.article_id, []))
            if text != document.names:  # the rest are left alone: an update rewrites the whole index row
                document.names = text
                changed.append(document)
        SearchDocument.objects.bulk_update(changed, ["names"])


def _texts(article: Article) -> tuple[str, str, str]:
    """The title, headings (subheadings and captions) and body an article's index is made of."""
    document = Document(
        title=article.title,
        body=article.body,
        subheadings=list(article.subheadings or []),
        figures=[Figure(**f) for f in article.figures or []],
    )
    return document.title, headings_text(document), document.body


def _article_batches(batch_size: int) -> Iterator[list[Article]]:
    last_id = 0
    while articles := list(
        Article.objects.filter(pk__gt=last_id).order_by("pk")
        .only("id", "title", "body", "subheadings", "figures")[:batch_size]
    ):
        yield articles
        last_id = articles[-1].pk


def _changed(documents: list[SearchDocument]) -> list[SearchDocument]:
    """The documents that differ from what the index holds for their article: a rebuild
    rewrites only these, so rebuilding a current index churns neither FTS5 segments nor
    PostgreSQL rows and GIN entries."""
    stored = {
        # PostgreSQL reads the offsets as memoryview, SQLite as bytes
        row[0]: tuple(bytes(v) if isinstance(v, memoryview) else v for v in row[1:])
        for row in SearchDocument.objects.filter(article_id__in=[d.article_id for d in documents])
        .values_list("article_id", *INDEXED_FIELDS)
    }
    return [d for d in documents if stored.get(d.article_id) != _indexed(d)]


def _replace(documents: list[SearchDocument]) -> None:
    """Write these documents over what the index holds for their articles. PostgreSQL deletes
    the old rows, then takes the new ones with COPY, which streams the rows instead of building
    and parsing an INSERT of thousands of parameters (the triggers fire as usual). SQLite takes
    one upsert: FTS5's update trigger swaps the terms, and the row is rewritten in place, where
    a DELETE then an INSERT cost a tenth of a millisecond more per article."""
    if connection.vendor != "postgresql":
        _upsert(documents)
        return
    SearchDocument.objects.filter(article_id__in=[d.article_id for d in documents]).delete()
    columns = ("article_id", *INDEXED_FIELDS)
    with connection.cursor() as cursor, cursor.cursor.copy(
        f"COPY {SearchDocument._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    ) as copy:
        for document in documents:
            copy.write_row([document.article_id, *_indexed(document)])


def rebuild_index(
    *, batch_size: int = BATCH, workers: int = 1, progress: Callable[[int], None] | None = None
) -> tuple[int, int]:
    """Rebuild every SearchDocument from the articles, in batches (memory stays bounded), and
    return how many articles were analysed and how many documents changed. With `workers`
    > 1, worker processes analyse the next batches while this one writes."""
    batches: deque[list[Article]] = deque()

    def texts() -> Iterator[list[tuple[str, str, str]]]:
        for articles in _article_batches(batch_size):
            batches.append(articles)
            yield [_texts(a) for a in articles]

    if workers > 1:
        analyse("準備")  # load the dictionary once, before the workers fork
        results = map_in_workers(index_fields_of, texts(), workers=workers)
    else:
        results = map(index_fields_of, texts())
    total = rewritten = 0
    for fields in results:
        articles = batches.popleft()
        names = _article_names([a.pk for a in articles])
        documents = [
            _document(a, {"title": title, "headings": headings, "body": body}, names.get(a.pk, []))
            for a, (title, headings, body) in zip(articles, fields, strict=True)
        ]
        with transaction.atomic():
            changed = _changed(documents)
            _replace(changed)
        total += len(articles)
        rewritten += len(changed)
        if progress:
            progress(len(articles))
    return total, rewritten
