"""Importing articles: ParsedArticle -> rows, one transaction per article.

    from articles.services.imports import import_paths
    report = import_paths([Path("seeds")])
    print(report.summary())

Idempotent: the same article (same source URL, or same normalised content) is updated in
place. Editors' work survives: a reviewed, noted or edited claim keeps its status and text;
an entity or source an editor renamed, retyped or merged stays so, and names that were
merged away resolve to the survivor.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import get_history_manager_for_model

from articles import search
from articles.ingest import (
    Document,
    IngestError,
    ParsedArticle,
    ParsedClaim,
    name_key,
    parse_document,
    read_bytes,
)
from articles.ingest.analysis import fold
from articles.ingest.layouts import parse_datetime
from articles.ingest.parallel import parse_files
from articles.models import Article, Claim, Entity, EntityName, Mention, Source, SourceName

from .names import entity_names_add, root, source_names_sync

IMPORTED, UPDATED, UNCHANGED, FAILED = "imported", "updated", "unchanged", "failed"


@dataclass
class ImportReport:
    counts: Counter = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    entities: int = 0
    claims: int = 0
    started: float = field(default_factory=time.perf_counter)

    def add_failure(self, name: str, reason: str) -> None:
        self.counts[FAILED] += 1
        self.failures.append((name, reason))

    def summary(self) -> str:
        seconds = time.perf_counter() - self.started
        c = self.counts
        return (
            f"{c[IMPORTED]} imported, {c[UPDATED]} updated, {c[UNCHANGED]} unchanged, "
            f"{c[FAILED]} failed; {self.entities} entities, {self.claims} claims; {seconds:.1f} s"
        )


class KnownNames:
    """What editors have taught the importer: curated entities' name keys and kinds."""

    def __init__(self) -> None:
        self.kinds: dict[str, str] = dict(
            EntityName.objects.filter(entity__curated=True, entity__merged_into=None).values_list(
                "key", "entity__kind"
            )
        )

    def kind(self, key: str) -> str | None:
        return self.kinds.get(key)


def bulk_history_create(objects: list, model) -> None:
    """History rows for objects changed with bulk_update (which sends no save signals)."""
    get_history_manager_for_model(model).bulk_history_create(objects, update=True)


# -------------------------------------------------------------------------------------------
# Files


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files under `paths` (recursively), skipping licence and readme files and hidden ones."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not _skipped(child.relative_to(path)):
                    yield child
        else:
            yield path


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
    """Import every article file under `paths`; failures are reported, never raised.

    Files are analysed in worker processes (`workers`, default one per core) while this
    process writes, one transaction per article."""
    report = ImportReport()
    known = KnownNames()
    files = list(iter_files(paths))
    for path, items in parse_files(
        files, known_kinds=known.kinds, max_bytes=settings.ARCHIVE_MAX_IMPORT_BYTES, workers=workers
    ):
        for item in items:
            _store(item, str(path), report, status=status, force=force)
        if on_file:
            on_file(path)
    return report


def import_upload(name: str, data: bytes, *, status: str = Article.Status.PUBLISHED) -> ImportReport:
    """The admin's upload: same importer, same errors, for bytes that never touched the disk."""
    report = ImportReport()
    limit = settings.ARCHIVE_MAX_IMPORT_BYTES
    if len(data) > limit:
        report.add_failure(name, f"the file is {len(data):,} bytes, over the {limit:,}-byte limit")
        return report
    known = KnownNames()
    for item in read_bytes(data, name=name):
        if not isinstance(item, IngestError):
            item = parse_document(item, known_keys=known.kinds, known_kind=known.kind)
        _store(item, name, report, status=status, force=False)
    return report


def _store(item: ParsedArticle | IngestError, name: str, report: ImportReport, *, status: str, force: bool) -> None:
    if isinstance(item, IngestError):
        report.add_failure(name, str(item))
        return
    try:
        outcome = article_import(item, status=status, force=force)
    except IngestError as exc:
        report.add_failure(name, str(exc))
        return
    except IntegrityError as exc:  # a race with another importer; the transaction rolled back
        report.add_failure(name, f"conflicts with an article being imported at the same time ({exc})")
        return
    report.counts[outcome.status] += 1
    if outcome.status != UNCHANGED:
        report.entities += len(item.entities)
        report.claims += len(item.claims)


# -------------------------------------------------------------------------------------------
# One article


@dataclass(frozen=True)
class ImportOutcome:
    article: Article
    status: str


def article_import(
    parsed: ParsedArticle, *, status: str = Article.Status.PUBLISHED, force: bool = False
) -> ImportOutcome:
    """Create or update one article and everything extracted from it, atomically."""
    document = parsed.document
    with transaction.atomic():
        article = _existing_article(document, parsed.content_hash)
        if article is not None and not force and _unchanged(article, document, parsed.content_hash):
            return ImportOutcome(article, UNCHANGED)
        created = article is None
        if created:
            article = Article(status=status)
        article.title = document.title[:500]
        article.body = document.body
        article.language = document.language
        article.source_url = document.source_url
        article.published_at = _published_at(document.published_at)
        article.subheadings = list(document.subheadings)
        article.figures = [f.as_dict() for f in document.figures]
        article.content_hash = parsed.content_hash
        article.source = source_for_url(document.source_url) if document.source_url else None
        if created:
            article.slug = _unique_slug(document.title, parsed.content_hash)
        # field checks only: the uniqueness that matters is enforced by the database
        article.clean_fields(exclude=["slug", "source", "content_hash"])
        # history starts at the first change (services.curation records the baseline then)
        article.skip_history_when_saving = created
        article.save()
        del article.skip_history_when_saving

        outlets = {name: source_for_outlet(name) for name in parsed.outlets}
        cited = [outlets[name] for name in document.attributed_to if name in outlets]
        if cited or not created:
            article.attributed_to.set(cited)
        entities = _resolve_entities(parsed)
        _replace_mentions(article, parsed, entities, created=created)
        _sync_claims(article, parsed, entities, outlets, created=created)
        names = [n for e in entities for n in e.names]
        names += [n for s in [article.source, *outlets.values()] if s is not None for n in s.names]
        search.index_article(article, fields=parsed.fields, names=names)
    return ImportOutcome(article, IMPORTED if created else UPDATED)


def _existing_article(document: Document, content_hash: str) -> Article | None:
    if document.source_url:
        article = Article.objects.filter(source_url=document.source_url).first()
        if article is not None:
            return article
    return Article.objects.filter(content_hash=content_hash).first()


def _unchanged(article: Article, document: Document, content_hash: str) -> bool:
    return (
        article.content_hash == content_hash
        and article.source_url == document.source_url
        and article.subheadings == list(document.subheadings)
        and article.figures == [f.as_dict() for f in document.figures]
        and article.published_at == _published_at(document.published_at)
    )


def _published_at(value: str) -> datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise IngestError(f"the publication date {value[:40]!r} is not ISO 8601")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    return parsed


def _unique_slug(title: str, content_hash: str) -> str:
    base = slugify(title, allow_unicode=True)[:80].strip("-") or "article"
    if not Article.objects.filter(slug=base).exists():
        return base
    return f"{base}-{content_hash[:8]}"


# -------------------------------------------------------------------------------------------
# Sources


def source_for_url(url: str) -> Source | None:
    """The website an article comes from, one Source per domain."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        return None
    domain = host.removeprefix("www.")
    source = Source.objects.select_related("merged_into").filter(domain=domain).order_by("id").first()
    if source is not None:
        return root(source)
    source = Source(name=domain, kind=Source.Kind.WEBSITE, url=f"{parts.scheme}://{host}/", domain=domain)
    source.clean_fields()
    source.save()
    source_names_sync([source])
    return source


def source_for_outlet(name: str) -> Source:
    """An outlet an article cites by name (WSJ, ウォール・ストリート・ジャーナル)."""
    key = name_key(name)
    row = SourceName.objects.select_related("source__merged_into").filter(key=key).order_by("source_id").first()
    if row is not None:
        return root(row.source)
    source = Source(name=name[:300], kind=Source.Kind.OTHER)
    source.clean_fields()
    source.save()
    source_names_sync([source])
    return source


# -------------------------------------------------------------------------------------------
# Entities and mentions


def _resolve_entities(parsed: ParsedArticle) -> list[Entity]:
    """One Entity per parsed entity, found by any of its names or created; merges followed."""
    alias_keys = [[name_key(a) for a in e.aliases] for e in parsed.entities]
    all_keys = {e.key for e in parsed.entities} | {k for keys in alias_keys for k in keys}
    by_key: dict[str, list[Entity]] = defaultdict(list)
    for row in EntityName.objects.filter(key__in=all_keys).select_related("entity__merged_into"):
        survivor = root(row.entity)
        if survivor not in by_key[row.key]:
            by_key[row.key].append(survivor)

    found = [
        _pick(by_key.get(p.key, []), p.kind) or _pick_unique([e for k in keys for e in by_key.get(k, [])])
        for p, keys in zip(parsed.entities, alias_keys, strict=True)
    ]
    new = [
        Entity(name=p.name[:300], kind=p.kind, aliases=[a[:300] for a in p.aliases])
        for p, entity in zip(parsed.entities, found, strict=True) if entity is None
    ]
    if new:
        Entity.objects.bulk_create(new)
    created = iter(new)
    result = [entity or next(created) for entity in found]

    grown: dict[int, Entity] = {}
    for parsed_entity, entity in zip(parsed.entities, found, strict=True):
        if entity is not None and not entity.curated and _learn(entity, parsed_entity):
            grown[entity.pk] = entity
    if grown:
        Entity.objects.bulk_update(grown.values(), ["aliases", "kind", "updated_at"])
        bulk_history_create(list(grown.values()), Entity)
    entity_names_add([*new, *grown.values()])
    return result


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
    return min(same_kind or candidates, key=lambda e: e.pk)


def _pick_unique(candidates: list[Entity]) -> Entity | None:
    """An alias links only when it is not ambiguous (many people share a surname)."""
    unique = {e.pk: e for e in candidates}
    return next(iter(unique.values())) if len(unique) == 1 else None


def _replace_mentions(article: Article, parsed: ParsedArticle, entities: list[Entity], *, created: bool) -> None:
    if not created:
        Mention.objects.filter(article=article).delete()
    Mention.objects.bulk_create(
        [
            Mention(article=article, entity=entities[m.entity], surface=m.surface[:300], start=m.start, end=m.end)
            for m in parsed.mentions
        ]
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


def _sync_claims(
    article: Article,
    parsed: ParsedArticle,
    entities: list[Entity],
    outlets: dict[str, Source],
    *,
    created: bool,
) -> None:
    existing = {} if created else {c.fingerprint: c for c in Claim.objects.filter(article=article)}
    now = timezone.now()
    new: list[Claim] = []
    changed: list[Claim] = []
    links: dict[str, list[int]] = {}
    for parsed_claim, fingerprint in zip(parsed.claims, fingerprints(parsed.claims), strict=True):
        claim = existing.pop(fingerprint, None)
        if claim is None:
            claim = Claim(article=article, fingerprint=fingerprint)
            new.append(claim)
        elif claim.is_curated:  # editors' review and text stand; only the position follows the body
            if (claim.start, claim.end) != (parsed_claim.start, parsed_claim.end):
                claim.start, claim.end = parsed_claim.start, parsed_claim.end
                claim.save(update_fields=["start", "end", "updated_at"])
            continue
        else:
            changed.append(claim)
            claim.updated_at = now
        claim.text = parsed_claim.text
        claim.start, claim.end = parsed_claim.start, parsed_claim.end
        claim.kind = parsed_claim.kind
        claim.speaker = entities[parsed_claim.speaker] if parsed_claim.speaker is not None else None
        claim.attributed_to = outlets.get(parsed_claim.attributed_to) if parsed_claim.attributed_to else None
        claim.quantities = [q.as_dict() for q in parsed_claim.quantities]
        claim.dates = [d.as_dict() for d in parsed_claim.dates]
        links[fingerprint] = list(dict.fromkeys(entities[i].pk for i in parsed_claim.entities))

    stale = [c.pk for c in existing.values() if not c.is_curated]
    if stale:
        Claim.objects.filter(pk__in=stale).delete()
    if changed:
        Claim.objects.bulk_update(
            changed, ["text", "start", "end", "kind", "speaker", "attributed_to", "quantities", "dates", "updated_at"]
        )
    if new:
        Claim.objects.bulk_create(new)
    relinked = new + changed
    through = Claim.entities.through
    if changed:
        through.objects.filter(claim__in=changed).delete()
    through.objects.bulk_create(
        [through(claim_id=c.pk, entity_id=e) for c in relinked for e in links[c.fingerprint]],
        ignore_conflicts=True,
    )
