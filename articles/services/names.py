"""Keeping the name-key lookup tables in step with names and aliases, and resolving names
to the entities and sources they denote (following merges to the survivor)."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from articles.ingest import name_key
from articles.models import Entity, EntityName, Source, SourceName

from .rows import insert_rows


def keys_of(names: Iterable[str]) -> set[str]:
    return {key for key in (name_key(n) for n in names) if key}


def entity_names_sync(entities: Iterable[Entity]) -> None:
    """Make EntityName hold exactly the keys of each entity's name and aliases."""
    _sync(EntityName, "entity", list(entities))


def source_names_sync(sources: Iterable[Source]) -> None:
    _sync(SourceName, "source", list(sources))


def entity_names_add(entities: Iterable[Entity]) -> None:
    """Add the keys of the entities' current names (the importer only ever adds names)."""
    insert_rows(
        EntityName, ["entity", "key"], ((e.pk, key) for e in entities for key in keys_of(e.names)),
        ignore_conflicts=True,
    )


def _sync(model, field: str, objects: list) -> None:
    if not objects:
        return
    wanted = {(obj.pk, key) for obj in objects for key in keys_of(obj.names)}
    rows = model.objects.filter(**{f"{field}__in": objects}).values_list("id", f"{field}_id", "key")
    existing = {(pk, key): row_id for row_id, pk, key in rows}
    stale = [row_id for pair, row_id in existing.items() if pair not in wanted]
    if stale:
        model.objects.filter(id__in=stale).delete()
    model.objects.bulk_create(
        [model(**{f"{field}_id": pk, "key": key}) for pk, key in wanted - existing.keys()],
        ignore_conflicts=True,
    )


_NAME_TABLES = {Entity: (EntityName, "entity"), Source: (SourceName, "source")}


def keys_held_by_others(record, names: Iterable[str], *, besides: Iterable = ()) -> set[str]:
    """The keys of `names` that a live record of the same model, other than `record` and
    `besides`, answers to."""
    table, field = _NAME_TABLES[type(record)]
    return set(
        table.objects.filter(key__in=keys_of(names), **{f"{field}__merged_into": None})
        .exclude(**{f"{field}__in": [record, *besides]}).values_list("key", flat=True)
    )


def keys_forget(record, keys: set[str]) -> None:
    """Stop `record` answering to `keys` (a merged record's aliases another live record holds:
    imports follow a merged record to its survivor by them). A merge undo syncs them back."""
    table, field = _NAME_TABLES[type(record)]
    table.objects.filter(key__in=keys, **{field: record}).delete()


def domain_of(url: str) -> str:
    """The domain a website source is found by: the URL's host, lower case, without www."""
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def root(obj):
    """The survivor a merged entity or source points to (merges keep the chain one hop long)."""
    return obj.merged_into if obj.merged_into_id else obj
