"""The archive's JSON Lines backup format (a contract, see DESIGN.md): export and restore.

    with open("archive.jsonl", "w") as out:
        archive_export(out)
    with open("archive.jsonl") as lines:
        archive_restore(lines)  # into an empty database; a second export is identical

Sources, then entities, then articles, then claims, each ordered by id, one compact object a
line. The contract's fields come first in its order; fields added since follow them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone

from articles import search
from articles.ingest import PUBLISHED_YEARS, Document, within_published_years
from articles.ingest.pipeline import content_hash
from articles.models import Article, Claim, Entity, Mention, Source

from .names import entity_names_sync, source_names_sync
from .rows import insert_objects, update_statistics

BATCH = 1000


class ArchiveError(Exception):
    """A backup file that cannot be restored; the message names the line and the reason."""


# -------------------------------------------------------------------------------------------
# Export


def _datetime(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def _times(record) -> dict[str, str | None]:
    return {"created_at": _datetime(record.created_at), "updated_at": _datetime(record.updated_at)}


def _batched(queryset) -> Iterator:
    """Rows in id order, fetched in batches so memory stays bounded on any archive."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        yield from batch
        last = batch[-1].pk


def export_records() -> Iterator[dict[str, Any]]:
    for s in _batched(Source.objects.all()):
        yield {
            "type": "source", "id": s.pk, "name": s.name, "kind": s.kind, "url": s.url,
            "domain": s.domain, "aliases": list(s.aliases),
            "merged_into": s.merged_into_id, "curated": s.curated, **_times(s),
        }
    for e in _batched(Entity.objects.all()):
        yield {
            "type": "entity", "id": e.pk, "name": e.name, "kind": e.kind, "aliases": list(e.aliases),
            "merged_into": e.merged_into_id, "curated": e.curated, **_times(e),
        }
    for a in _batched(Article.objects.prefetch_related("attributed_to", "mentions")):
        yield {
            "type": "article", "id": a.pk, "slug": a.slug, "title": a.title, "language": a.language,
            "status": a.status, "source": a.source_id, "source_url": a.source_url,
            "published_at": _datetime(a.published_at), "subheadings": list(a.subheadings),
            "figures": list(a.figures),
            "attributed_to": sorted(s.pk for s in a.attributed_to.all()),
            "body": a.body,
            "mentions": [
                {"entity": m.entity_id, "surface": m.surface, "start": m.start, "end": m.end}
                for m in sorted(a.mentions.all(), key=lambda m: (m.start, m.pk))
            ],
            **_times(a),
        }
    for c in _batched(Claim.objects.select_related("reviewed_by").prefetch_related("entities")):
        yield {
            "type": "claim", "id": c.pk, "article": c.article_id, "text": c.text, "start": c.start,
            "end": c.end, "kind": c.kind, "status": c.status, "speaker": c.speaker_id,
            "attributed_to": c.attributed_to_id, "entities": sorted(e.pk for e in c.entities.all()),
            "quantities": list(c.quantities), "dates": list(c.dates),
            "note": c.note, "reviewed_at": _datetime(c.reviewed_at), "edited": c.edited,
            "fingerprint": c.fingerprint, "reviewed_by": c.reviewed_by.get_username() if c.reviewed_by else None,
            "curated": c.curated, **_times(c),
        }


def archive_export(out: IO[str]) -> int:
    """Write the whole archive to `out`; returns the number of lines."""
    count = 0
    for record in export_records():
        out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        count += 1
    return count


# -------------------------------------------------------------------------------------------
# Restore

_ORDER = ("source", "entity", "article", "claim")


class _Reader:
    """Checks each line as it is read: its type, order, fields, references, and the values
    the database holds once (so that a clash is told by line, not by a constraint's name)."""

    def __init__(self) -> None:
        self.seen: dict[str, set[int]] = {kind: set() for kind in _ORDER}
        self.stage = 0
        self.line = 0
        self.current: tuple[str, int] | None = None  # the record being read: (type, id)
        self.part = ""  # the part of it being read ("mention 3")
        self.holders: dict[str, dict] = {}  # unique field -> value -> id of the record holding it
        self.body_lengths: dict[int, int] = {}  # article id -> length of its body, for claim offsets
        self.merges: list[tuple[str, int, int, int]] = []  # (type, id, merged_into, line)
        self.reviewers: dict[str, int] = {}  # username -> user id
        self.started = timezone.now()  # the times of records from files without them

    def fail(self, message: str) -> ArchiveError:
        where = [f"line {self.line}", f"{self.current[0]} {self.current[1]}" if self.current else "", self.part]
        return ArchiveError(f"{', '.join(filter(None, where))}: {message}")

    def record(self, raw: str) -> dict:
        self.current, self.part = None, ""
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise self.fail(f"not valid JSON ({exc.msg}); is the file truncated?") from None
        if not isinstance(record, dict) or record.get("type") not in _ORDER:
            raise self.fail("expected an object whose type is source, entity, article or claim")
        stage = _ORDER.index(record["type"])
        if stage < self.stage:
            raise self.fail(f"a {record['type']} after the {_ORDER[self.stage]}s (wrong order)")
        self.stage = stage
        record_id = self.field(record, "id", int)
        self.current = (record["type"], record_id)
        if record_id in self.seen[record["type"]] or record_id < 1:
            raise self.fail(f"{record['type']} id {record_id} is repeated or not positive")
        self.seen[record["type"]].add(record_id)
        return record

    def field(self, record: dict, name: str, kind, *, null: bool = False):
        if name not in record:
            raise self.fail(f"missing field {name!r}")
        value = record[name]
        if value is None:
            if null:
                return None
            raise self.fail(f"field {name!r} is null")
        if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
            raise self.fail(f"field {name!r} has the wrong type")
        return value

    def ref(self, record: dict, name: str, target: str, *, null: bool = True) -> int | None:
        return self.check_ref(self.field(record, name, int, null=null), target, name)

    def check_ref(self, value, target: str, name: str) -> int | None:
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value not in self.seen[target]:
            raise self.fail(f"{name} refers to {target} {value!r}, which is not in the file before it")
        return value

    def take(self, field: str, value, shown: str) -> None:
        """Refuse a value that another record of this type already holds (`shown` names it)."""
        kind, record_id = self.current
        holder = self.holders.setdefault(field, {}).setdefault(value, record_id)
        if holder != record_id:
            raise self.fail(f"has the same {shown} as {kind} {holder}")

    def merge(self, record: dict) -> None:
        """Note a merge pointer, to be checked and written once every record of its type is in."""
        merged = record.get("merged_into")
        if merged is None:
            return
        if not isinstance(merged, int) or isinstance(merged, bool):
            raise self.fail("merged_into must be an id or null")
        if merged == record["id"]:
            raise self.fail("merged into itself")
        self.merges.append((record["type"], record["id"], merged, self.line))

    def checked_merges(self) -> list[tuple[str, int, int, int]]:
        """The merge pointers, each to a survivor in the file: merges keep chains one hop long."""
        pointers = {(kind, pk): target for kind, pk, target, _ in self.merges}
        for kind, pk, target, line in self.merges:
            problem = None
            if target not in self.seen[kind]:
                problem = f"merged into {kind} {target}, which the file lacks"
            elif (kind, target) in pointers:
                problem = (f"merged into {kind} {target}, which is itself merged into {kind} "
                           f"{pointers[kind, target]}; a merge points to its survivor")
            if problem:
                raise ArchiveError(f"line {line}, {kind} {pk}: {problem}")
        return self.merges

    def valid(self, obj, *, exclude: list[str]):
        try:
            obj.clean_fields(exclude=exclude)
        except ValidationError as exc:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise self.fail(problems) from None
        return obj


def _iso(reader: _Reader, value) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise reader.fail(f"{value!r} is not an ISO 8601 date and time") from None
    if not within_published_years(moment, timezone.get_default_timezone()):  # what the importer takes
        raise reader.fail(f"{value!r} is out of range (years {PUBLISHED_YEARS[0]} to {PUBLISHED_YEARS[-1]})")
    return moment


def _times_of(reader: _Reader, r: dict) -> dict[str, datetime]:
    """created_at and updated_at as exported (files from before they were: the restore's time)."""
    return {name: _iso(reader, r.get(name)) or reader.started for name in ("created_at", "updated_at")}


def _reviewer(reader: _Reader, r: dict) -> int | None:
    """The user named as the claim's reviewer. Where the database has no user of that name,
    one is made that cannot log in (no password, no staff rights, no group): the review keeps
    its reviewer, in the admin and in the next export, and `create_editor NAME` later gives
    the account a password and the Editors group."""
    if r.get("reviewed_by") is None:
        return None
    name = reader.field(r, "reviewed_by", str)
    if name not in reader.reviewers:
        User = get_user_model()
        user = User._default_manager.filter(**{User.USERNAME_FIELD: name}).first()
        if user is None:
            try:
                User._meta.get_field(User.USERNAME_FIELD).clean(name, None)
            except ValidationError as exc:
                raise reader.fail(f"reviewed_by: {' '.join(exc.messages)}") from None
            user = User(**{User.USERNAME_FIELD: name})
            user.set_unusable_password()
            user.save()
        reader.reviewers[name] = user.pk
    return reader.reviewers[name]


def archive_restore(lines: Iterable[str]) -> dict[str, int]:
    """Restore an export into an empty database, all or nothing. Returns counts by type."""
    if any(m.objects.exists() for m in (Source, Entity, Article, Claim)):
        raise ArchiveError("the database is not empty: restore into an empty database")
    reader = _Reader()
    pending: dict[str, list] = {kind: [] for kind in _ORDER}
    mentions: list[Mention] = []
    links: list = []  # rows of the many-to-many tables
    unwritten = 1  # the first line not yet written
    try:
        with transaction.atomic():
            for raw in lines:
                reader.line += 1
                if not raw.strip():
                    continue
                record = reader.record(raw)
                kind = record["type"]
                pending[kind].append(_build(reader, record, mentions, links))
                if len(pending[kind]) + len(mentions) >= BATCH:
                    _flush(pending, mentions, links)
                    unwritten = reader.line + 1
            if not any(reader.seen.values()):
                raise ArchiveError("the file holds no records (it is empty or has blank lines only)")
            _flush(pending, mentions, links)
            unwritten = 1  # what fails from here on may be any record
            for kind, pk, target, _ in reader.checked_merges():
                _MODELS[kind].objects.filter(pk=pk).update(merged_into_id=target)
            _reset_sequences()
            source_names_sync(Source.objects.all())
            entity_names_sync(Entity.objects.all())
            search.rebuild_index()
    except (IntegrityError, DataError) as exc:  # a rule the checks above do not know of
        raise ArchiveError(
            f"the database refused a record between line {unwritten} and line {reader.line}: "
            + " ".join(str(exc).split())
        ) from None
    update_statistics()
    return {kind: len(ids) for kind, ids in reader.seen.items()}


def _build(reader: _Reader, r: dict, mentions: list, links: list):
    kind = r["type"]
    f = reader.field
    if kind in ("source", "entity"):
        aliases = f(r, "aliases", list)
        if not all(isinstance(a, str) for a in aliases):
            raise reader.fail("aliases must be strings")
        reader.merge(r)
    if kind == "source":
        url = f(r, "url", str)
        if url:
            reader.take("url", url, f"url {url!r}")
        source = Source(
            pk=r["id"], name=f(r, "name", str), kind=f(r, "kind", str), url=url,
            domain=f(r, "domain", str), aliases=aliases, curated=bool(r.get("curated", False)),
            **_times_of(reader, r),
        )
        return reader.valid(source, exclude=["merged_into"])
    if kind == "entity":
        entity = Entity(
            pk=r["id"], name=f(r, "name", str), kind=f(r, "kind", str), aliases=aliases,
            curated=bool(r.get("curated", False)), **_times_of(reader, r),
        )
        return reader.valid(entity, exclude=["merged_into"])
    if kind == "article":
        slug, source_url = f(r, "slug", str), f(r, "source_url", str)
        title, body = f(r, "title", str), f(r, "body", str)
        digest = content_hash(Document(title=title, body=body))
        reader.take("slug", slug, f"slug {slug!r}")
        reader.take("content_hash", digest, "title and body")
        if source_url:
            reader.take("source_url", source_url, f"source_url {source_url!r}")
        reader.body_lengths[r["id"]] = len(body)
        figures = f(r, "figures", list)
        for position, figure in enumerate(figures):
            if not isinstance(figure, dict) or not isinstance(figure.get("image"), str):
                raise reader.fail(f"figure {position} needs an image file name")
        for position, mention in enumerate(f(r, "mentions", list)):
            if not isinstance(mention, dict):
                raise reader.fail(f"mention {position} is not an object")
            reader.part = f"mention {position}"
            start, end = f(mention, "start", int), f(mention, "end", int)
            if not 0 <= start <= end <= len(body):
                raise reader.fail(f"offsets {start}-{end} fall outside the body")
            entity, surface = reader.ref(mention, "entity", "entity", null=False), f(mention, "surface", str)
            reader.part = ""
            mentions.append(Mention(article_id=r["id"], entity_id=entity, surface=surface, start=start, end=end))
        for source_id in f(r, "attributed_to", list):
            reader.check_ref(source_id, "source", "attributed_to")
            links.append(Article.attributed_to.through(article_id=r["id"], source_id=source_id))
        article = Article(
            pk=r["id"], slug=slug, title=title, language=f(r, "language", str),
            status=f(r, "status", str), source_id=reader.ref(r, "source", "source"),
            source_url=source_url, published_at=_iso(reader, r.get("published_at")),
            subheadings=f(r, "subheadings", list), figures=figures, body=body, content_hash=digest,
            **_times_of(reader, r),
        )
        return reader.valid(article, exclude=["source"])
    article_id = reader.ref(r, "article", "article", null=False)
    start, end = f(r, "start", int), f(r, "end", int)
    if not 0 <= start <= end <= reader.body_lengths[article_id]:
        raise reader.fail(f"offsets {start}-{end} fall outside the body of article {article_id}")
    fingerprint = str(r.get("fingerprint") or f"restored-{r['id']}")
    reader.take("fingerprint", (article_id, fingerprint), f"fingerprint {fingerprint!r} in article {article_id}")
    for entity_id in f(r, "entities", list):
        reader.check_ref(entity_id, "entity", "entities")
        links.append(Claim.entities.through(claim_id=r["id"], entity_id=entity_id))
    claim = Claim(
        pk=r["id"], article_id=article_id, text=f(r, "text", str),
        start=start, end=end, kind=f(r, "kind", str), status=f(r, "status", str),
        speaker_id=reader.ref(r, "speaker", "entity"), attributed_to_id=reader.ref(r, "attributed_to", "source"),
        quantities=f(r, "quantities", list), dates=f(r, "dates", list), note=str(r.get("note") or ""),
        reviewed_by_id=_reviewer(reader, r), reviewed_at=_iso(reader, r.get("reviewed_at")),
        edited=bool(r.get("edited", False)), curated=bool(r.get("curated", False)), fingerprint=fingerprint,
        **_times_of(reader, r),
    )
    return reader.valid(claim, exclude=["article", "speaker", "attributed_to", "reviewed_by"])


_MODELS = {"source": Source, "entity": Entity, "article": Article, "claim": Claim}


def _flush(pending: dict[str, list], mentions: list, links: list) -> None:
    """Write what has been read; foreign keys are checked at commit, so order is free."""
    for kind in _ORDER:
        insert_objects(_MODELS[kind], pending[kind])  # as read: with their times
        pending[kind].clear()
    Mention.objects.bulk_create(mentions)
    mentions.clear()
    for model in {type(link) for link in links}:
        model.objects.bulk_create([link for link in links if type(link) is model])
    links.clear()


def _reset_sequences() -> None:
    """PostgreSQL: make new ids continue after the restored ones."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Source, Entity, Article, Claim, Mention])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
