"""search(): parse the query, ask the database's backend, build hits with snippets."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import DatabaseError, connection
from django.utils import timezone
from django.utils.safestring import SafeString

from articles.ingest import PUBLISHED_YEARS
from articles.models import Article, Entity, SearchDocument, Source

from .postgres import PostgresBackend
from .query import ParsedQuery, parse_query
from .snippets import highlight, match_spans

MAX_LIMIT = 100
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SearchFilters:
    entity: int | None = None
    entity_kind: str | None = None
    source: int | None = None  # the article's own source or an outlet it is attributed to
    language: str | None = None
    published_from: dt.date | None = None
    published_to: dt.date | None = None  # inclusive
    status: str | None = Article.Status.PUBLISHED  # None: every status (editors)

    def only_status(self) -> bool:
        return (self.entity is None and self.source is None and not self.entity_kind and not self.language
                and self.published_from is None and self.published_to is None)

    def where(self) -> tuple[str, list]:
        """SQL conditions on the article `a`, the same on every database."""
        clauses, params = [], []
        if self.status:
            clauses.append("a.status = %s")
            params.append(self.status)
        if self.language:
            clauses.append("a.language = %s")
            params.append(self.language)
        if self.source is not None:
            clauses.append(
                "(a.source_id = %s OR EXISTS (SELECT 1 FROM articles_article_attributed_to t"
                " WHERE t.article_id = a.id AND t.source_id = %s))"
            )
            params += [int(self.source), int(self.source)]
        if self.entity is not None:
            clauses.append(
                "EXISTS (SELECT 1 FROM articles_mention m WHERE m.article_id = a.id AND m.entity_id = %s)"
            )
            params.append(int(self.entity))
        if self.entity_kind:
            clauses.append(
                "EXISTS (SELECT 1 FROM articles_mention m JOIN articles_entity e ON e.id = m.entity_id"
                " WHERE m.article_id = a.id AND e.kind = %s)"
            )
            params.append(self.entity_kind)
        if self.published_from:
            clauses.append("a.published_at >= %s")
            params.append(_sql_instant(day_start(self.published_from)))
        if self.published_to:
            clauses.append("a.published_at < %s")
            params.append(_sql_instant(day_start(self.published_to + dt.timedelta(days=1))))
        return "".join(f" AND {c}" for c in clauses), params


def day_start(day: dt.date) -> dt.datetime:
    """The first instant of `day` in the archive's time zone: where date filters begin."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _sql_instant(instant: dt.datetime):
    # as the database compares it: on SQLite, the UTC text Django stores (an aware datetime
    # passed raw would compare as other text)
    return connection.ops.adapt_datetimefield_value(instant)


@dataclass
class SearchHit:
    article: Article
    score: float
    snippet: SafeString
    title_html: SafeString


@dataclass
class SearchPage:
    total: int
    hits: list[SearchHit]
    query: ParsedQuery = field(default_factory=ParsedQuery)
    limit: int = 20
    offset: int = 0


@dataclass
class Facets:
    entities: list[tuple[Entity, int]] = field(default_factory=list)
    kinds: list[tuple[Entity.Kind, int]] = field(default_factory=list)  # of the entities named
    sources: list[tuple[Source, int]] = field(default_factory=list)
    years: list[tuple[int, int]] = field(default_factory=list)
    partial: bool = False  # counted among the newest matches only (see search())


def _backend():
    if connection.vendor == "postgresql":
        return PostgresBackend()
    from .sqlite import SqliteBackend

    return SqliteBackend()


def search(query: str, *, limit: int = 20, offset: int = 0, **filters) -> SearchPage:
    """Articles matching every word of `query`, best first, with snippets.

    The matches are ranked in blocks of the backend's rank_window, newest block first: a
    common word's first pages rank the best of its newest rank_window matches, and a page
    costs the same whatever the word and however deep it is. Each block is ranked the same
    way for every page in it, so walking the pages meets every match once."""
    parsed = parse_query(query if isinstance(query, str) else "")
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    page = SearchPage(total=0, hits=[], query=parsed, limit=limit, offset=offset)
    if parsed.is_empty:
        return page
    backend = _backend()
    try:
        with backend.reading() as cursor:
            matches = _matches(cursor, backend, parsed, SearchFilters(**filters), offset=offset, limit=limit)
            page.total = matches.total
            ranked = []
            for block, skip, take in matches.slices(offset, limit):
                sql, params = matches.block(block)
                cursor.execute(
                    f"SELECT a.id, {backend.score_expression()} AS score FROM {sql}"
                    " ORDER BY score DESC, a.id DESC LIMIT %s OFFSET %s",
                    [*params, take, skip],
                )
                ranked += cursor.fetchall()
    except DatabaseError:
        # a query the index cannot take (it should not happen: every term is quoted) finds
        # nothing for the reader, and leaves a trace for us
        logger.exception("search failed for %r", query)
        page.total = 0
        return page
    page.hits = _hits(ranked, parsed)
    return page


@dataclass
class _Matches:
    """The matches of a query, newest first, cut into blocks of `window` places."""

    sql: str  # FROM/WHERE selecting the matches as `a`
    params: list
    id_column: str
    window: int
    total: int = 0
    starts: list[int] = field(default_factory=list)  # the newest id of each block after the first

    def block(self, number: int) -> tuple[str, list]:
        """FROM/WHERE selecting the matches of one block as `a`."""
        sql, params = self.sql, list(self.params)
        if number > 0:
            sql += f" AND {self.id_column} <= %s"
            params.append(self.starts[number - 1])
        if number < len(self.starts):
            sql += f" AND {self.id_column} > %s"
            params.append(self.starts[number])
        return sql, params

    def slices(self, offset: int, limit: int) -> Iterator[tuple[int, int, int]]:
        """(block, offset in it, how many) for the places offset to offset + limit."""
        end = min(offset + limit, self.total)
        while offset < end:
            number = offset // self.window
            take = min(end, (number + 1) * self.window) - offset
            yield number, offset - number * self.window, take
            offset += take


def _matches(cursor, backend, parsed: ParsedQuery, filters: SearchFilters, *, offset: int, limit: int) -> _Matches:
    """The matches, and where their blocks start, as far as the block holding the page's end.

    Straight from the index when only the status filters (the few articles not published
    are found through the status index and left out); through the articles otherwise."""
    window = backend.rank_window
    matches, params = backend.matches(parsed)
    where, where_params = filters.where()
    found = _Matches(f"{matches}{where}", [*params, *where_params], backend.id_column, window)
    upto = ((offset + limit - 1) // window + 1) * window  # the last place of the page's last block
    if filters.only_status() and filters.status in (None, Article.Status.PUBLISHED):
        exclude = None
        if filters.status:
            others = [s for s in Article.Status.values if s != filters.status]
            placeholders = ", ".join(["%s"] * len(others))
            exclude = (f"SELECT id FROM articles_article WHERE status IN ({placeholders})", others)
        found.total, found.starts = backend.count_and_starts(
            cursor, parsed, window, upto, past=offset, exclude=exclude
        )
        return found
    cursor.execute(f"SELECT count(*) FROM {found.sql}", found.params)
    found.total = cursor.fetchone()[0]
    if found.total > max(window, offset):
        ids = found.id_column
        cursor.execute(f"SELECT {ids} FROM {found.sql} ORDER BY {ids} DESC LIMIT %s OFFSET %s",
                       [*found.params, min(upto, found.total) - window + 1, window])
        found.starts = [row[0] for row in cursor.fetchall()[::window]]
    return found


def _hits(ranked: list[tuple[int, float]], query: ParsedQuery) -> list[SearchHit]:
    ids = [row[0] for row in ranked]
    articles = Article.objects.select_related("source").in_bulk(ids)
    documents = SearchDocument.objects.only(
        "article_id", "title", "body", "title_offsets", "body_offsets"
    ).in_bulk(ids)
    wanted, open_ended = query.highlight_phrases, query.highlight_open_ended
    hits = []
    for article_id, score in ranked:
        article, document = articles.get(article_id), documents.get(article_id)
        if article is None or document is None:  # deleted since the match
            continue
        body_spans = match_spans(document.body, document.body_offsets, wanted, open_ended=open_ended)
        title_spans = match_spans(document.title, document.title_offsets, wanted, open_ended=open_ended)
        hits.append(
            SearchHit(
                article=article,
                score=float(score),
                snippet=highlight(article.body, body_spans),
                title_html=highlight(article.title, title_spans, whole=True),
            )
        )
    return hits


def _local_year(column: str) -> tuple[str, list]:
    """SQL for the year of a timestamp in the archive's time zone, the zone the date filters
    use: an article published at 2025-01-01 08:00 in Tokyo counts for 2025, not for 2024."""
    zone = timezone.get_current_timezone()
    if connection.vendor == "postgresql":
        return f"EXTRACT(YEAR FROM {column} AT TIME ZONE %s)", [str(zone)]
    # SQLite knows no zones: shift by the zone's offset at New Year, when years change
    new_year = dt.datetime(timezone.now().year, 1, 1, tzinfo=zone)
    shift = f"{int(new_year.utcoffset().total_seconds())} seconds"
    return f"CAST(strftime('%%Y', {column}, %s) AS INTEGER)", [shift]


def search_facets(query: str, *, size: int = 10, **filters) -> Facets:
    """Counts of the top entities, the kinds of entity, sources and years among the results
    (for very common queries, among the newest rank_window of them: see Facets.partial)."""
    parsed = parse_query(query if isinstance(query, str) else "")
    empty = Facets()
    if parsed.is_empty:
        return empty
    backend = _backend()
    year, year_params = _local_year("a.published_at")
    try:
        with backend.reading() as cursor:
            matched = _matches(cursor, backend, parsed, SearchFilters(**filters), offset=0, limit=1)
            if not matched.total:
                return empty
            scope, scope_params = matched.block(0)
            cursor.execute(
                "SELECT m.entity_id, count(DISTINCT m.article_id) AS n FROM articles_mention m"
                f" WHERE m.article_id IN (SELECT a.id FROM {scope}) GROUP BY m.entity_id"
                " ORDER BY n DESC, m.entity_id LIMIT %s",
                [*scope_params, size],
            )
            entity_counts = cursor.fetchall()
            cursor.execute(
                "SELECT e.kind, count(DISTINCT m.article_id) AS n FROM articles_mention m"
                " JOIN articles_entity e ON e.id = m.entity_id"
                f" WHERE m.article_id IN (SELECT a.id FROM {scope}) GROUP BY e.kind ORDER BY n DESC, e.kind",
                scope_params,
            )
            kind_counts = cursor.fetchall()
            # as the source filter: the articles a source published or that cite it, each once
            cursor.execute(
                f"WITH matched AS (SELECT a.id, a.source_id FROM {scope})"
                " SELECT source_id, count(*) AS n FROM ("
                " SELECT id AS article_id, source_id FROM matched WHERE source_id IS NOT NULL"
                " UNION SELECT t.article_id, t.source_id FROM articles_article_attributed_to t"
                " JOIN matched ON matched.id = t.article_id"
                ") AS published_or_cited GROUP BY source_id ORDER BY n DESC, source_id LIMIT %s",
                [*scope_params, size],
            )
            source_counts = cursor.fetchall()
            cursor.execute(
                f"SELECT {year} AS y, count(*) AS n FROM {scope} AND a.published_at IS NOT NULL"
                " GROUP BY y ORDER BY y DESC",
                [*year_params, *scope_params],
            )
            year_counts = cursor.fetchall()
    except DatabaseError:
        logger.exception("facets failed for %r", query)
        return empty
    entities = Entity.objects.in_bulk([e for e, _ in entity_counts])
    sources = Source.objects.in_bulk([s for s, _ in source_counts])
    return Facets(
        entities=[(entities[e], n) for e, n in entity_counts if e in entities],
        kinds=[(Entity.Kind(k), n) for k, n in kind_counts if k in Entity.Kind.values],
        sources=[(sources[s], n) for s, n in source_counts if s in sources],
        # only years the year filter takes (an editor may have set a date outside them)
        years=[(int(y), n) for y, n in year_counts if y is not None and int(y) in PUBLISHED_YEARS],
        partial=bool(matched.starts),
    )
