"""Importing articles: ParsedArticle -> rows.

    from articles.services.imports import import_paths
    report = import_paths([Path("seeds")])
    print(report.summary())

Files are analysed in worker processes while this process writes. Articles are written a
batch at a time, in one transaction, with one query per table for the whole batch (a query
per article and table would cost more than the analysis). A batch is all or nothing; if one
article in it cannot be written, the batch is written again one article per transaction,
so that the others still go through and the failure names its file. No article is ever
half-imported.

Idempotent: the same article (same source URL, or same normalised content) is updated in
place; a file with the content of an article that came from another URL is a duplicate of it
and changes nothing (the livedoor corpus holds a story twice). Editors' work survives: a
claim an editor reviewed, noted, edited or gave another kind, speaker or cited outlet stays as
the editor left it; an entity or source an editor renamed, retyped or merged stays so, and
names that were merged away resolve to the survivor.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Q
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import get_history_manager_for_model

from articles import search
from articles.ingest import IngestError, ParsedArticle, ParsedClaim, name_key, read_bytes
from articles.ingest.analysis import fold
from articles.ingest.layouts import parse_published_at
from articles.ingest.parallel import parse_files, parse_items
from articles.models import Article, Claim, Entity, EntityName, Mention, Source, SourceName

from .names import domain_of, entity_names_add, keys_of, root, source_names_sync
from .rows import insert_rows, update_statistics

IMPORTED, UPDATED, UNCHANGED, FAILED = "imported", "updated", "unchanged", "failed"
BATCH_SIZE = 32  # articles per transaction
logger = logging.getLogger(__name__)


@dataclass
class ImportReport:
    counts: Counter = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file, reason); a file may have several
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (file, which article it repeats); unchanged
    entity_keys: set[str] = field(default_factory=set)  # each entity once, however many articles name it
    claims: int = 0
    started: float = field(default_factory=time.perf_counter)

    def add_failure(self, name: str, reason: str) -> None:
        self.counts[FAILED] += 1
        self.failures.append((name, reason))

    def add(self, name: str, outcome: ImportOutcome) -> None:
        self.counts[outcome.status] += 1
        if outcome.duplicate:
            article, document = outcome.article, outcome.parsed.document
            self.duplicates.append(
                (name, document.locate(f"skipped, the same text as article {article.pk} ({article.source_url})"))
            )
        if outcome.status != UNCHANGED:
            self.entity_keys.update(e.key for e in outcome.parsed.entities)
            self.claims += len(outcome.parsed.claims)

    @property
    def failed_files(self) -> int:
        return len({name for name, _ in self.failures})

    def summary(self) -> str:
        seconds = time.perf_counter() - self.started
        c = self.counts
        duplicates = f" ({len(self.duplicates)} duplicate{pluralize(len(self.duplicates))})" if self.duplicates else ""
        return (
            f"{c[IMPORTED]} imported, {c[UPDATED]} updated, {c[UNCHANGED]} unchanged{duplicates}, "
            f"{c[FAILED]} failed; {len(self.entity_keys)} entities, {self.claims} claims; {seconds:.1f} s"
        )


class KnownNames:
    """What editors have taught the importer: curated entities' name keys and kinds. A key
    that names more than one live entity (a surname two people share) teaches nothing."""

    def __init__(self) -> None:
        live = EntityName.objects.filter(entity__merged_into=None)
        curated = live.filter(entity__curated=True)
        shared = (
            live.filter(key__in=curated.values("key")).values("key")
            .annotate(entities=Count("entity", distinct=True)).filter(entities__gt=1).values("key")
        )
        self.kinds: dict[str, str] = dict(curated.exclude(key__in=shared).values_list("key", "entity__kind"))


class SourceCache:
    """Sources met during one import run: a run meets the same few sites and outlets over
    and over, so each is looked up (or created) once per run."""

    def __init__(self) -> None:
        self.by_domain: dict[str, Source] = {}
        self.by_key: dict[str, Source] = {}

    def for_url(self, url: str) -> Source | None:
        """The website an article comes from, one Source per domain."""
        domain = domain_of(url)
        if not domain:
            return None
        if domain not in self.by_domain:
            source = Source.objects.select_related("merged_into").filter(domain=domain).order_by("id").first()
            if source is None:
                parts = urlsplit(url)
                source = _create_source(
                    name=domain, kind=Source.Kind.WEBSITE, url=f"{parts.scheme}://{parts.hostname}/", domain=domain
                )
            self.by_domain[domain] = root(source)
        return self.by_domain[domain]

    def for_outlet(self, name: str) -> Source:
        """An outlet an article cites by name (WSJ, ウォール・ストリート・ジャーナル)."""
        key = name_key(name)
        if key not in self.by_key:
            row = SourceName.objects.select_related("source__merged_into").filter(key=key).order_by("source_id").first()
            self.by_key[key] = root(row.source) if row else _create_source(name=name[:300], kind=Source.Kind.OTHER)
        return self.by_key[key]


def _create_source(**fields) -> Source:
    source = Source(**fields)
    source.clean_fields()
    source.save()
    source_names_sync([source])
    return source


# -------------------------------------------------------------------------------------------
# Files


def iter_files(paths: Iterable[Path], *, on_error: Callable[[str, str], None] | None = None) -> Iterator[Path]:
    """Files under `paths` (recursively), skipping licence and readme files and hidden ones.

    Whatever is not a folder is yielded, so that reading it says why it is no article file (a
    looping or broken link, a pipe); each folder that cannot be listed goes to
    `on_error(path, reason)`. Links to folders are not followed.
    """
    def unlisted(error: OSError) -> None:
        if on_error:
            on_error(error.filename, f"cannot list the folder ({error.strerror or error})")

    for path in paths:
        if not path.is_dir():
            yield path
            continue
        found = []
        for folder, subfolders, names in os.walk(path, onerror=unlisted):
            subfolders[:] = [name for name in subfolders if not name.startswith(".")]
            found += (Path(folder, name) for name in names)
        yield from sorted(child for child in found if not _skipped(child.relative_to(path)))


def _skipped(relative: Path) -> bool:
    if any(part.startswith(".") for part in relative.parts):
        return True
    stem = relative.stem.upper()
    return stem in ("LICENSE", "LICENCE", "README", "CHANGES", "COPYING") or stem.endswith("-LICENSE")


def import_paths(
    paths: Iterable[Path],
    *,
    status: str = Article.Status.PUBLISHED,
    force: bool = False,
    workers: int | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> ImportReport:
    """Import every article file under `paths`; failures are reported, never raised."""
    report = ImportReport()
    known = KnownNames()
    writer = _BatchWriter(report, status=status, force=force)
    files = list(iter_files(paths, on_error=report.add_failure))
    for path, items in parse_files(
        files, known_kinds=known.kinds, max_bytes=settings.ARCHIVE_MAX_IMPORT_BYTES, workers=workers
    ):
        for item in items:
            writer.add(str(path), item)
        if on_file:
            on_file(path)
    writer.finish()
    update_statistics()
    return report


def import_upload(name: str, data: bytes, *, status: str = Article.Status.PUBLISHED) -> ImportReport:
    """The admin's upload: same importer, same errors, for bytes that never touched the disk."""
    report = ImportReport()
    limit = settings.ARCHIVE_MAX_IMPORT_BYTES
    if len(data) > limit:
        report.add_failure(name, f"the file is {len(data):,} bytes, over the {limit:,}-byte limit")
        return report
    writer = _BatchWriter(report, status=status, force=False)
    for item in parse_items(read_bytes(data, name=name), known_kinds=KnownNames().kinds):
        writer.add(name, item)
    writer.finish()
    update_statistics()
    return report


class _BatchWriter:
    """Collects parsed articles and writes them a batch at a time (see the module docstring)."""

    def __init__(self, report: ImportReport, *, status: str, force: bool) -> None:
        self.report = report
        self.status = status
        self.force = force
        self.sources = SourceCache()
        self.pending: list[tuple[str, ParsedArticle]] = []
        self.learnt: set[int] = set()  # stored entities that learnt a name during the run

    def add(self, name: str, item: ParsedArticle | IngestError) -> None:
        if isinstance(item, IngestError):
            self.report.add_failure(name, str(item))
            return
        self.pending.append((name, item))
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        try:
            outcomes = articles_import([p for _, p in batch], status=self.status, force=self.force,
                                       sources=self.sources, learnt=self.learnt)
        except Exception:  # whatever it was, the articles that can be written still are
            self.sources = SourceCache()  # the rollback may have undone sources it holds
            for name, parsed in batch:
                self._one(name, parsed)
            return
        for (name, _), outcome in zip(batch, outcomes, strict=True):
            self.report.add(name, outcome)

    def finish(self) -> None:
        """Write what is pending, then give the articles that mention an entity which learnt a
        name in this run that name in their index: once per run, not per batch, since a common
        entity learns names batch after batch (were the run cut short before this, a rebuild of
        the index catches up; the articles themselves are all written)."""
        self.flush()
        _refresh_names(self.learnt)
        self.learnt = set()

    def _one(self, name: str, parsed: ParsedArticle) -> None:
        locate = parsed.document.locate
        try:
            [outcome] = articles_import([parsed], status=self.status, force=self.force, sources=self.sources,
                                        learnt=self.learnt)
        except IngestError as exc:
            self.report.add_failure(name, locate(str(exc)))
        except ValidationError as exc:
            self.report.add_failure(name, locate("; ".join(exc.messages)))
        except DatabaseError as exc:
            self.report.add_failure(name, locate(f"the database refused it ({exc})"))
            self.sources = SourceCache()
        except Exception as exc:  # one article's unforeseen failure must not stop the run
            logger.debug("storing %s failed", name, exc_info=True)
            self.report.add_failure(name, locate(f"could not be stored ({type(exc).__name__}: {exc})"))
            self.sources = SourceCache()
        else:
            self.report.add(name, outcome)


# -------------------------------------------------------------------------------------------
# Articles


@dataclass(frozen=True)
class ImportOutcome:
    article: Article
    status: str
    parsed: ParsedArticle
    duplicate: bool = False  # the document holds the text of `article`, which came from another URL


@transaction.atomic
def articles_import(
    batch: Sequence[ParsedArticle],
    *,
    status: str = Article.Status.PUBLISHED,
    force: bool = False,
    sources: SourceCache | None = None,
    learnt: set[int],
) -> list[ImportOutcome]:
    """Create or update articles and everything extracted from them, all in one transaction,
    with the same result as importing them one after another. The ids of stored entities that
    learn a name go to `learnt`, for the caller to refresh the names of the articles stored
    before that mention them (_refresh_names, which _BatchWriter.finish calls once a run)."""
    sources = sources or SourceCache()
    repeat = _first_repeat(batch)
    if repeat is not None:  # the same article twice: the second copy updates the first
        head = articles_import(batch[:repeat], status=status, force=force, sources=sources, learnt=learnt)
        return head + articles_import(batch[repeat:], status=status, force=force, sources=sources, learnt=learnt)
    existing, taken_slugs = _existing_articles(batch)
    outcomes: dict[int, ImportOutcome] = {}
    work: list[tuple[ParsedArticle, Article, bool]] = []  # (parsed, article, created)
    for index, parsed in enumerate(batch):
        article = existing.get(index)
        if article is not None and _from_elsewhere(article, parsed):
            outcomes[index] = ImportOutcome(article, UNCHANGED, parsed, duplicate=True)
            continue
        published_at = _published_at(parsed.document.published_at)
        if article is not None and not force and _unchanged(article, parsed, published_at):
            outcomes[index] = ImportOutcome(article, UNCHANGED, parsed)
            continue
        created = article is None
        if created:
            article = Article(status=status, slug=_free_slug(parsed, taken_slugs))
        _fill(article, parsed, published_at, sources)
        work.append((parsed, article, created))
        outcomes[index] = ImportOutcome(article, IMPORTED if created else UPDATED, parsed)
    if work:
        _save_articles(work)
        outlets = {name: sources.for_outlet(name) for parsed, _, _ in work for name in parsed.outlets}
        _set_citations(work, outlets)
        entities, grown = _resolve_entities([parsed for parsed, _, _ in work])
        _replace_mentions(work, entities)
        _sync_claims(work, entities, outlets)
        search.index_articles([
            (article, parsed.fields, _names(entities[id(parsed)], [article.source, *map(outlets.get, parsed.outlets)]))
            for parsed, article, _ in work
        ])
        learnt.update(grown)
    return [outcomes[i] for i in range(len(batch))]


def _refresh_names(entity_ids: Iterable[int]) -> None:
    """The articles that mention these entities (which learnt a name since those articles were
    indexed) are found by every name of theirs: their index's names field is brought up to date."""
    ids = list(entity_ids)
    articles: set[int] = set()
    for start in range(0, len(ids), 500):
        mentioning = Mention.objects.filter(entity_id__in=ids[start : start + 500])
        articles.update(mentioning.values_list("article_id", flat=True).distinct())
    with transaction.atomic():
        search.reindex_names(articles)


def _names(entities: list[Entity], sources: Iterable[Source | None]) -> list[str]:
    """What the search index's names field holds for an article: its entities, its source and
    the outlets it cites (search.indexing reads the same from the database)."""
    return [n for e in entities for n in e.names] + [n for s in sources if s is not None for n in s.names]


def _first_repeat(batch: Sequence[ParsedArticle]) -> int | None:
    """Index of the first document with the URL or content of an earlier one, if any."""
    seen: set[str] = set()
    for index, parsed in enumerate(batch):
        keys = {k for k in (parsed.document.source_url, parsed.content_hash) if k}
        if keys & seen:
            return index
        seen |= keys
    return None


def _existing_articles(batch: Sequence[ParsedArticle]) -> tuple[dict[int, Article], set[str]]:
    """The stored article each document updates (same source URL, else same content), and
    which of the documents' slugs are taken; one query for the batch."""
    urls = [p.document.source_url for p in batch if p.document.source_url]
    hashes = [p.content_hash for p in batch]
    slugs = [_slug(p.document.title) for p in batch]
    rows = list(
        Article.objects.filter(Q(source_url__in=urls) | Q(content_hash__in=hashes) | Q(slug__in=slugs)).order_by()
    )
    by_url = {a.source_url: a for a in rows if a.source_url}
    by_hash = {a.content_hash: a for a in rows}
    found = {}
    for index, parsed in enumerate(batch):
        article = by_url.get(parsed.document.source_url) or by_hash.get(parsed.content_hash)
        if article is not None:
            found[index] = article
    return found, {a.slug for a in rows}


def _from_elsewhere(article: Article, parsed: ParsedArticle) -> bool:
    """Found by its content, the article has another URL: the document is a copy, which must
    not take the article over (and back again on every re-import), --force or not."""
    return bool(article.source_url) and article.source_url != parsed.document.source_url


def _unchanged(article: Article, parsed: ParsedArticle, published_at: datetime | None) -> bool:
    document = parsed.document
    return (
        article.content_hash == parsed.content_hash
        and article.source_url == document.source_url
        and article.subheadings == list(document.subheadings)
        and article.figures == [f.as_dict() for f in document.figures]
        and article.published_at == published_at
    )


def _published_at(value: str) -> datetime | None:
    zone = timezone.get_default_timezone()  # where the site counts years, as the restore checks
    parsed = parse_published_at(value, zone=zone)
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed


def _slug(title: str) -> str:
    """A readable slug, Japanese kept: Meta CEO マーク・ザッカーバーグ氏 -> meta-ceo-マークザッカーバーグ氏."""
    return slugify(title, allow_unicode=True)[:80].strip("-") or "article"


def _free_slug(parsed: ParsedArticle, taken: set[str]) -> str:
    slug = _slug(parsed.document.title)
    if slug in taken:
        slug = f"{slug}-{parsed.content_hash[:8]}"
    taken.add(slug)
    return slug


def _fill(article: Article, parsed: ParsedArticle, published_at: datetime | None, sources: SourceCache) -> None:
    document = parsed.document
    article.title = document.title[:500]
    article.body = document.body
    article.language = document.language
    article.source_url = document.source_url
    article.published_at = published_at
    article.subheadings = list(document.subheadings)
    article.figures = [f.as_dict() for f in document.figures]
    article.content_hash = parsed.content_hash
    article.source = sources.for_url(document.source_url) if document.source_url else None
    # field checks only: the uniqueness that matters is enforced by the database
    article.clean_fields(exclude=["slug", "source", "content_hash"])


def _save_articles(work: list[tuple[ParsedArticle, Article, bool]]) -> None:
    new = [article for _, article, created in work if created]
    # no history rows for what the importer creates: history starts at an editor's first
    # change (services.curation records the state before it); updates are recorded
    Article.objects.bulk_create(new)
    for _, article, created in work:
        if not created:
            article.save()


def _set_citations(work: list[tuple[ParsedArticle, Article, bool]], outlets: dict[str, Source]) -> None:
    through = Article.attributed_to.through
    updated = [article.pk for _, article, created in work if not created]
    if updated:
        through.objects.filter(article_id__in=updated).delete()
    insert_rows(
        through,
        ["article", "source"],
        {
            (article.pk, outlets[name].pk)
            for parsed, article, _ in work
            for name in parsed.document.attributed_to
            if name in outlets
        },
    )


# -------------------------------------------------------------------------------------------
# Entities and mentions


def _resolve_entities(batch: list[ParsedArticle]) -> tuple[dict[int, list[Entity]], list[int]]:
    """For each article (by id of its ParsedArticle), one Entity per parsed entity: found by
    any of its names or created; merges followed to the survivor. Entities created for one
    article of the batch are found by the next, as if they had been imported one by one.
    Also the ids of the stored entities that learned a name or a kind."""
    alias_keys = {id(p): [[name_key(a) for a in e.aliases] for e in p.entities] for p in batch}
    all_keys = {e.key for p in batch for e in p.entities} | {
        k for keys in alias_keys.values() for entity_keys in keys for k in entity_keys
    }
    by_key: dict[str, list[Entity]] = defaultdict(list)
    one_object: dict[int, Entity] = {}  # each stored entity as one object, however many rows name it
    for row in EntityName.objects.filter(key__in=all_keys).select_related("entity__merged_into"):
        survivor = one_object.setdefault(root(row.entity).pk, root(row.entity))
        if survivor not in by_key[row.key]:
            by_key[row.key].append(survivor)

    new: list[Entity] = []
    grown: dict[int, Entity] = {}
    result: dict[int, list[Entity]] = {}
    for parsed in batch:
        resolved = []
        for parsed_entity, keys in zip(parsed.entities, alias_keys[id(parsed)], strict=True):
            entity = _pick(by_key.get(parsed_entity.key, []), parsed_entity.kind) or _pick_unique(
                [e for k in keys for e in by_key.get(k, [])]
            )
            created = entity is None
            if created:
                entity = Entity(name=parsed_entity.name[:300], kind=parsed_entity.kind, aliases=[])
                new.append(entity)
            changed = not entity.curated and _learn(entity, parsed_entity)
            if changed and not created:
                grown[entity.pk] = entity
            if created or changed:  # later articles of the batch find it by these names
                for key in keys_of(entity.names):
                    if entity not in by_key[key]:
                        by_key[key].append(entity)
            resolved.append(entity)
        result[id(parsed)] = resolved
    Entity.objects.bulk_create(new)
    if grown:
        Entity.objects.bulk_update(grown.values(), ["aliases", "kind", "updated_at"])
        get_history_manager_for_model(Entity).bulk_history_create(list(grown.values()), update=True)
    entity_names_add([*new, *grown.values()])
    return result, list(grown)


def _learn(entity: Entity, parsed_entity) -> bool:
    """New names become aliases; a kind of `other` gives way to evidence. True if changed."""
    known = {fold(n) for n in entity.names}
    extra = []
    for name in [parsed_entity.name, *parsed_entity.aliases]:
        if fold(name) not in known:
            known.add(fold(name))
            extra.append(name[:300])
    retype = entity.kind == Entity.Kind.OTHER and parsed_entity.kind != Entity.Kind.OTHER
    if not extra and not retype:
        return False
    entity.aliases = [*entity.aliases, *extra]
    if retype:
        entity.kind = parsed_entity.kind
    entity.updated_at = timezone.now()
    return True


def _pick(candidates: list[Entity], kind: str) -> Entity | None:
    if not candidates:
        return None
    same_kind = [e for e in candidates if e.kind == kind]
    # the oldest; entities this batch has yet to save come after the saved ones, in order
    return min(same_kind or candidates, key=lambda e: (e.pk is None, e.pk or 0))


def _pick_unique(candidates: list[Entity]) -> Entity | None:
    """An alias links only when it is not ambiguous (many people share a surname)."""
    unique = {id(e): e for e in candidates}
    return next(iter(unique.values())) if len(unique) == 1 else None


def _replace_mentions(work: list[tuple[ParsedArticle, Article, bool]], entities: dict[int, list[Entity]]) -> None:
    updated = [article.pk for _, article, created in work if not created]
    if updated:
        Mention.objects.filter(article_id__in=updated).delete()
    insert_rows(
        Mention,
        ["article", "entity", "surface", "start", "end"],
        (
            (article.pk, entities[id(parsed)][m.entity].pk, m.surface[:300], m.start, m.end)
            for parsed, article, _ in work
            for m in parsed.mentions
        ),
    )


# -------------------------------------------------------------------------------------------
# Claims


def fingerprints(claims: list[ParsedClaim]) -> list[str]:
    """A claim's identity within its article: its sentence, folded, and which occurrence."""
    seen: Counter = Counter()
    result = []
    for claim in claims:
        folded = fold(claim.text)
        seen[folded] += 1
        result.append(hashlib.sha256(f"{folded}\x00{seen[folded]}".encode()).hexdigest())
    return result


# what a new claim's row holds; the other columns take their defaults (nobody reviewed it yet)
_NEW_CLAIM_FIELDS = ["created_at", "updated_at", "article", "fingerprint", "text", "start", "end", "kind", "status",
                     "speaker", "attributed_to", "quantities", "dates", "note", "edited", "curated"]


def _sync_claims(
    work: list[tuple[ParsedArticle, Article, bool]],
    entities: dict[int, list[Entity]],
    outlets: dict[str, Source],
) -> None:
    """New claims go in as plain rows (a batch brings hundreds); claims already stored are
    updated, kept as editors left them, or dropped when extraction no longer finds them."""
    updated = [article.pk for _, article, created in work if not created]
    existing: dict[tuple[int, str], Claim] = {
        (c.article_id, c.fingerprint): c for c in Claim.objects.filter(article_id__in=updated)
    } if updated else {}
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    as_json = connection.ops.adapt_json_value
    new_rows: list[tuple] = []
    changed: list[Claim] = []
    moved: list[Claim] = []
    links: dict[tuple[int, str], list[int]] = {}  # (article id, fingerprint) -> entity ids
    for parsed, article, _ in work:
        resolved = entities[id(parsed)]
        for parsed_claim, fingerprint in zip(parsed.claims, fingerprints(parsed.claims), strict=True):
            speaker = resolved[parsed_claim.speaker] if parsed_claim.speaker is not None else None
            outlet = outlets.get(parsed_claim.attributed_to) if parsed_claim.attributed_to else None
            quantities = [q.as_dict() for q in parsed_claim.quantities]
            dates = [d.as_dict() for d in parsed_claim.dates]
            claim = existing.pop((article.pk, fingerprint), None)
            if claim is None:
                new_rows.append((
                    stamp, stamp, article.pk, fingerprint, parsed_claim.text, parsed_claim.start, parsed_claim.end,
                    parsed_claim.kind, Claim.Status.UNREVIEWED, speaker.pk if speaker else None,
                    outlet.pk if outlet else None, as_json(quantities, None), as_json(dates, None), "", False, False,
                ))
            elif claim.is_curated:  # the editor's version stands; only the position follows the body
                if (claim.start, claim.end) != (parsed_claim.start, parsed_claim.end):
                    claim.start, claim.end, claim.updated_at = parsed_claim.start, parsed_claim.end, now
                    moved.append(claim)
                continue
            else:
                claim.text, claim.kind, claim.updated_at = parsed_claim.text, parsed_claim.kind, now
                claim.start, claim.end = parsed_claim.start, parsed_claim.end
                claim.speaker, claim.attributed_to, claim.quantities, claim.dates = speaker, outlet, quantities, dates
                changed.append(claim)
            links[article.pk, fingerprint] = list(dict.fromkeys(resolved[i].pk for i in parsed_claim.entities))

    stale = [c.pk for c in existing.values() if not c.is_curated]
    if stale:
        Claim.objects.filter(pk__in=stale).delete()
    if moved:
        Claim.objects.bulk_update(moved, ["start", "end", "updated_at"])
    if changed:
        Claim.objects.bulk_update(
            changed, ["text", "start", "end", "kind", "speaker", "attributed_to", "quantities", "dates", "updated_at"]
        )
        Claim.entities.through.objects.filter(claim__in=changed).delete()
    insert_rows(Claim, _NEW_CLAIM_FIELDS, new_rows)
    ids = {(c.article_id, c.fingerprint): c.pk for c in changed}
    if new_rows:
        articles_with_new = {row[2] for row in new_rows}
        ids.update(
            ((article_id, fingerprint), pk)
            for pk, article_id, fingerprint in Claim.objects.filter(article_id__in=articles_with_new)
            .values_list("pk", "article_id", "fingerprint")
        )
    insert_rows(
        Claim.entities.through,
        ["claim", "entity"],
        ((ids[key], entity) for key, entity_ids in links.items() if key in ids for entity in entity_ids),
        ignore_conflicts=True,
    )
