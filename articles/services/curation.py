"""Editors' mutations: one function per change, used alike by the admin, the API and tests.

    entity_update(entity=e, user=u, name="マーク・ザッカーバーグ", kind="person", aliases=[...])
    merges = entity_merge(survivor=e, others=[d1, d2], user=u)
    entity_merge_undo(merge=merges[0], user=u)
    claim_review(claims=[c1, c2], status="verified", user=u)
    claim_update(claim=c, user=u, text="...", note="...")
    source_update(...), source_merge(...), source_merge_undo(...)
    article_set_status(articles=[a], status="published", user=u)

Every change is recorded by django-simple-history with the editor as its author; a record
the importer created gets a baseline history row first, so the first change shows as a diff.
Anything an editor touches is marked curated: re-imports leave it as the editor left it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model

from articles import search
from articles.ingest import name_key
from articles.models import Article, Claim, Entity, EntityMerge, Mention, Source, SourceMerge

from .names import domain_of, entity_names_sync, keys_forget, keys_held_by_others, source_names_sync


def _baseline(objects: Sequence) -> None:
    """A first history row holding the state before an editor's first change."""
    if not objects:
        return
    model = type(objects[0])
    manager = get_history_manager_for_model(model)
    have = set(manager.filter(id__in=[o.pk for o in objects]).values_list("id", flat=True).distinct())
    missing = [o for o in model.objects.filter(pk__in=[o.pk for o in objects]) if o.pk not in have]
    if missing:
        manager.bulk_history_create(missing, default_change_reason="state before the first edit")


def _save(obj, user, fields: list[str] | None = None) -> None:
    obj._history_user = user
    obj.save(update_fields=fields)


def _clean_aliases(name: str, aliases: Iterable[str]) -> list[str]:
    seen = {name.strip().casefold()}
    result = []
    for alias in aliases:
        if not isinstance(alias, str):
            raise ValidationError({"aliases": "Aliases must be text."})
        alias = alias.strip()
        if alias and alias.casefold() not in seen:
            seen.add(alias.casefold())
            result.append(alias[:300])
    return result


def _renamed(record, name: str | None, aliases: Iterable[str]) -> list[str]:
    """Give `record` its new name, if any, and return its aliases, the old name among them."""
    old = record.name
    if name is not None:
        record.name = name.strip()
    if record.name != old:
        aliases = [*aliases, old]
    return _clean_aliases(record.name, aliases)


def _touch(article_ids: Iterable[int], claim_ids: Iterable[int]) -> None:
    """Mark articles and claims whose links a merge moved as updated, for incremental sync."""
    now = timezone.now()
    Article.objects.filter(id__in=list(article_ids)).update(updated_at=now)
    Claim.objects.filter(id__in=list(claim_ids)).update(updated_at=now)


def _articles_mentioning(entities: Iterable[Entity]) -> set[int]:
    return set(Mention.objects.filter(entity__in=list(entities)).values_list("article_id", flat=True))


# -------------------------------------------------------------------------------------------
# Entities


@transaction.atomic
def entity_update(
    *,
    entity: Entity,
    user=None,
    name: str | None = None,
    kind: str | None = None,
    aliases: Sequence[str] | None = None,
) -> Entity:
    """Rename, retype or re-alias an entity; the importer will not change it back. A renamed
    entity keeps its old name as an alias, so that articles using it still find it."""
    _baseline([entity])
    entity.aliases = _renamed(entity, name, entity.aliases if aliases is None else aliases)
    if kind is not None:
        entity.kind = kind
    entity.curated = True
    entity.full_clean()
    _save(entity, user)
    entity_names_sync([entity])
    search.reindex_names(_articles_mentioning([entity]))
    return entity


def _check_mergeable(survivor, others, kind: str) -> list:
    others = [o for o in dict.fromkeys(others) if o.pk != survivor.pk]
    if not others:
        raise ValidationError(f"Choose at least one other {kind} to merge into the survivor.")
    if survivor.merged_into_id:
        raise ValidationError(f"The survivor was itself merged into another {kind}; merge into that one.")
    already = [
        f"{o} is already merged into {survivor}." if o.merged_into_id == survivor.pk
        else f"{o} is already merged into another {kind}."
        for o in others if o.merged_into_id
    ]
    if already:  # refused like a merge into itself: what changes nothing must not pass as done
        raise ValidationError(already)
    return others


def _locked(model, survivor, others) -> tuple:
    return (
        model.objects.select_for_update().get(pk=survivor.pk),
        list(model.objects.select_for_update().filter(pk__in=[o.pk for o in others])),
    )


def _move_links(through, field: str, other, survivor, link: str) -> tuple[list[int], list[int]]:
    """Point `other`'s many-to-many rows at `survivor`; where the linked object already names
    the survivor, drop the row. Returns the linked ids (moved, dropped), for an undo."""
    linked = set(through.objects.filter(**{field: other}).values_list(link, flat=True))
    shared = set(through.objects.filter(**{field: survivor, f"{link}__in": linked}).values_list(link, flat=True))
    through.objects.filter(**{field: other, f"{link}__in": shared}).delete()
    through.objects.filter(**{field: other}).update(**{field: survivor})
    return sorted(linked - shared), sorted(shared)


def _restore_links(through, field: str, survivor, merged, link: str, moved: list[int], shared: list[int]) -> None:
    through.objects.filter(**{f"{link}__in": moved, field: survivor}).update(**{field: merged})
    through.objects.bulk_create([through(**{link: i, field: merged}) for i in shared], ignore_conflicts=True)


def _fold_into(survivor, other, user) -> tuple[list[str], list[int]]:
    """The last step of merging `other`: its names become the survivor's aliases, what was
    merged into it points to the survivor, and it points there too. Returns (the aliases
    added, the records re-pointed), for an undo."""
    known = {n.casefold() for n in survivor.names}
    # an alias that another live record answers to (AKB beside the group AKB) would draw
    # that record's mentions to the survivor in later imports
    taken = keys_held_by_others(other, other.aliases, besides=[survivor])
    added = [
        n for n in other.names
        if n.casefold() not in known and (n == other.name or name_key(n) not in taken)
    ]
    survivor.aliases = [*survivor.aliases, *added]
    keys_forget(other, taken - {name_key(other.name)})
    model = type(other)
    repointed = list(model.objects.filter(merged_into=other).values_list("id", flat=True))
    model.objects.filter(id__in=repointed).update(merged_into=survivor, updated_at=timezone.now())
    other.merged_into = survivor
    other.curated = True
    _save(other, user)
    return added, repointed


def _undo_checked(record_model, merge, kind: str):
    merge = record_model.objects.select_for_update().select_related("survivor", "merged").get(pk=merge.pk)
    if merge.undone_at:
        raise ValidationError("This merge has already been undone.")
    if merge.merged.merged_into_id != merge.survivor.pk or merge.survivor.merged_into_id:
        raise ValidationError(f"The {kind} changed since this merge; undo the later merges first.")
    _baseline([merge.survivor, merge.merged])
    return merge


def _unfold(merge, user) -> None:
    """The last step of an undo: names, re-pointed records and the merged one's pointer back."""
    survivor, merged = merge.survivor, merge.merged
    type(merged).objects.filter(id__in=merge.repointed_ids, merged_into=survivor).update(
        merged_into=merged, updated_at=timezone.now()
    )
    added = {a.casefold() for a in merge.added_aliases}
    survivor.aliases = [a for a in survivor.aliases if a.casefold() not in added]
    _save(survivor, user)
    merged.merged_into = None
    _save(merged, user)
    merge.undone_at = timezone.now()
    merge.save(update_fields=["undone_at"])


@transaction.atomic
def entity_merge(*, survivor: Entity, others: Sequence[Entity], user=None) -> list[EntityMerge]:
    """Merge `others` into `survivor`: their mentions, claims (as speaker or subject) and names
    move to it, and they point to it. Each merge is recorded so that it can be undone."""
    survivor, others = _locked(Entity, survivor, others)
    others = _check_mergeable(survivor, others, "entity")
    _baseline([survivor, *others])
    affected = _articles_mentioning([survivor, *others])
    merges = []
    for other in others:
        mention_ids = list(Mention.objects.filter(entity=other).values_list("id", flat=True))
        Mention.objects.filter(id__in=mention_ids).update(entity=survivor)
        speaker_ids = list(Claim.objects.filter(speaker=other).values_list("id", flat=True))
        Claim.objects.filter(id__in=speaker_ids).update(speaker=survivor, updated_at=timezone.now())
        moved, shared = _move_links(Claim.entities.through, "entity", other, survivor, "claim")
        added, repointed = _fold_into(survivor, other, user)
        merges.append(EntityMerge.objects.create(
            survivor=survivor, merged=other, mention_ids=mention_ids, speaker_claim_ids=speaker_ids,
            subject_claim_ids=moved, shared_claim_ids=shared, added_aliases=added, repointed_ids=repointed,
            user=user,
        ))
    survivor.curated = True
    _save(survivor, user)
    entity_names_sync([survivor])
    _touch(affected, [c for m in merges for c in m.subject_claim_ids + m.shared_claim_ids])
    search.reindex_names(affected)
    return merges


@transaction.atomic
def entity_merge_undo(*, merge: EntityMerge, user=None) -> Entity:
    """Split a merged entity back out, as it was before the merge."""
    merge = _undo_checked(EntityMerge, merge, "entities")
    survivor, merged = merge.survivor, merge.merged
    Mention.objects.filter(id__in=merge.mention_ids, entity=survivor).update(entity=merged)
    Claim.objects.filter(id__in=merge.speaker_claim_ids, speaker=survivor).update(
        speaker=merged, updated_at=timezone.now()
    )
    _restore_links(Claim.entities.through, "entity", survivor, merged, "claim",
                   merge.subject_claim_ids, merge.shared_claim_ids)
    _unfold(merge, user)
    entity_names_sync([survivor, merged])
    affected = _articles_mentioning([survivor, merged])
    _touch(affected, merge.subject_claim_ids + merge.shared_claim_ids)
    search.reindex_names(affected)
    return merged


# -------------------------------------------------------------------------------------------
# Sources


@transaction.atomic
def source_update(
    *,
    source: Source,
    user=None,
    name: str | None = None,
    kind: str | None = None,
    aliases: Sequence[str] | None = None,
    url: str | None = None,
) -> Source:
    _baseline([source])
    source.aliases = _renamed(source, name, source.aliases if aliases is None else aliases)
    if kind is not None:
        source.kind = kind
    if url is not None:
        source.url = url.strip()
        source.domain = domain_of(source.url)  # what imports find a website by
    source.curated = True
    source.full_clean()
    _save(source, user)
    source_names_sync([source])
    search.reindex_names(_articles_citing([source]))
    return source


def _articles_citing(sources: Iterable[Source]) -> set[int]:
    """Articles from these sources or citing them, article-wide or in a claim."""
    sources = list(sources)
    own = Article.objects.filter(source__in=sources).values_list("id", flat=True)
    cited = Article.attributed_to.through.objects.filter(source__in=sources).values_list("article_id", flat=True)
    in_claims = Claim.objects.filter(attributed_to__in=sources).values_list("article_id", flat=True)
    return set(own) | set(cited) | set(in_claims)


@transaction.atomic
def source_merge(*, survivor: Source, others: Sequence[Source], user=None) -> list[SourceMerge]:
    """Merge outlets that are one (WSJ, ウォール・ストリート・ジャーナル): articles, citations and
    claim attributions move to the survivor, and the others' names become its aliases."""
    survivor, others = _locked(Source, survivor, others)
    others = _check_mergeable(survivor, others, "source")
    _baseline([survivor, *others])
    affected = _articles_citing([survivor, *others])
    merges = []
    for other in others:
        article_ids = list(Article.objects.filter(source=other).values_list("id", flat=True))
        Article.objects.filter(id__in=article_ids).update(source=survivor)
        moved, shared = _move_links(Article.attributed_to.through, "source", other, survivor, "article")
        claim_ids = list(Claim.objects.filter(attributed_to=other).values_list("id", flat=True))
        Claim.objects.filter(id__in=claim_ids).update(attributed_to=survivor, updated_at=timezone.now())
        added, repointed = _fold_into(survivor, other, user)
        merges.append(SourceMerge.objects.create(
            survivor=survivor, merged=other, article_ids=article_ids, cited_article_ids=moved,
            shared_article_ids=shared, claim_ids=claim_ids, added_aliases=added, repointed_ids=repointed,
            user=user,
        ))
    survivor.curated = True
    _save(survivor, user)
    source_names_sync([survivor])
    _touch(affected, [])
    search.reindex_names(affected)
    return merges


@transaction.atomic
def source_merge_undo(*, merge: SourceMerge, user=None) -> Source:
    merge = _undo_checked(SourceMerge, merge, "sources")
    survivor, merged = merge.survivor, merge.merged
    Article.objects.filter(id__in=merge.article_ids, source=survivor).update(source=merged)
    _restore_links(Article.attributed_to.through, "source", survivor, merged, "article",
                   merge.cited_article_ids, merge.shared_article_ids)
    Claim.objects.filter(id__in=merge.claim_ids, attributed_to=survivor).update(
        attributed_to=merged, updated_at=timezone.now()
    )
    _unfold(merge, user)
    source_names_sync([survivor, merged])
    affected = _articles_citing([survivor, merged])
    _touch(affected, [])
    search.reindex_names(affected)
    return merged


# -------------------------------------------------------------------------------------------
# Claims


@transaction.atomic
def claim_review(*, claims: Sequence[Claim], status: str, user=None, note: str | None = None) -> int:
    """Verify, dispute or reject claims in bulk, recording who and when. Returns the count."""
    if status not in Claim.Status.values:
        raise ValidationError(f"Unknown status {status!r}.")
    claims = list(Claim.objects.filter(pk__in=[c.pk for c in claims]))
    if not claims:
        return 0
    _baseline(claims)
    now = timezone.now()
    flipped = [c.pk for c in claims if _rejection_flips(c.status, status)]
    for claim in claims:
        claim.status = status
        claim.reviewed_by = user
        claim.reviewed_at = now
        claim.updated_at = now
        if note is not None:
            claim.note = note
    fields = ["status", "reviewed_by", "reviewed_at", "updated_at"] + (["note"] if note is not None else [])
    Claim.objects.bulk_update(claims, fields)
    get_history_manager_for_model(Claim).bulk_history_create(claims, update=True, default_user=user)
    _touch_named_by(Claim.objects.filter(pk__in=flipped), now)
    return len(claims)


def _rejection_flips(old: str, new: str) -> bool:
    return (old == Claim.Status.REJECTED) != (new == Claim.Status.REJECTED)


def _touch_named_by(claims, now) -> None:
    """Rejecting claims, taking the rejection back or (un)publishing their articles hides or
    shows what they name: mark those entities and sources updated too, for incremental sync."""
    Entity.objects.filter(
        Q(pk__in=claims.values("speaker_id"))
        | Q(pk__in=Claim.entities.through.objects.filter(claim__in=claims).values("entity_id"))
    ).update(updated_at=now)
    Source.objects.filter(pk__in=claims.values("attributed_to_id")).update(updated_at=now)


@transaction.atomic
def claim_update(
    *,
    claim: Claim,
    user=None,
    text: str | None = None,
    status: str | None = None,
    note: str | None = None,
    kind: str | None = None,
    speaker: Entity | bool | None = False,
    attributed_to: Source | bool | None = False,
) -> Claim:
    """Edit one claim. `speaker`/`attributed_to`: False leaves them, None clears them."""
    _baseline([claim])
    if text is not None and text.strip() != claim.text:
        claim.text = text.strip()
        claim.edited = True
    if note is not None:
        claim.note = note
    extracted = (claim.kind, claim.speaker_id, claim.attributed_to_id)
    if kind is not None:
        claim.kind = kind
    if speaker is not False:
        claim.speaker = speaker
    if attributed_to is not False:
        claim.attributed_to = attributed_to
    if (claim.kind, claim.speaker_id, claim.attributed_to_id) != extracted:
        claim.curated = True  # what the extraction said no longer stands
    flipped = status is not None and _rejection_flips(claim.status, status)
    if status is not None and status != claim.status:
        claim.status = status
        claim.reviewed_by = user
        claim.reviewed_at = timezone.now()
    claim.full_clean(exclude=["fingerprint"])
    _save(claim, user)
    if flipped:
        _touch_named_by(Claim.objects.filter(pk=claim.pk), timezone.now())
    return claim


# -------------------------------------------------------------------------------------------
# Articles


@transaction.atomic
def article_set_status(*, articles: Sequence[Article], status: str, user=None) -> int:
    """Publish or unpublish articles."""
    if status not in Article.Status.values:
        raise ValidationError(f"Unknown status {status!r}.")
    articles = list(Article.objects.filter(pk__in=[a.pk for a in articles]).exclude(status=status))
    if not articles:
        return 0
    _baseline(articles)
    now = timezone.now()
    for article in articles:
        article.status = status
        article.updated_at = now
    Article.objects.bulk_update(articles, ["status", "updated_at"])
    get_history_manager_for_model(Article).bulk_history_create(articles, update=True, default_user=user)
    _touch_contents([a.pk for a in articles], now)
    return len(articles)


def _touch_contents(article_ids: list[int], now) -> None:
    """Publishing or unpublishing shows or hides the articles' claims, and the entities and
    sources only they name: mark those updated too, or incremental sync would miss them."""
    claims = Claim.objects.filter(article_id__in=article_ids)
    claims.update(updated_at=now)
    _touch_named_by(claims, now)
    Entity.objects.filter(pk__in=Mention.objects.filter(article_id__in=article_ids).values("entity_id")).update(
        updated_at=now
    )
    Source.objects.filter(
        Q(pk__in=Article.objects.filter(pk__in=article_ids).values("source_id"))
        | Q(pk__in=Article.attributed_to.through.objects.filter(article_id__in=article_ids).values("source_id"))
    ).update(updated_at=now)
