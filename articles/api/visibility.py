"""What a user may read: everything for editors, the public part of the archive for others.

    Article: published.  Claim: non-rejected, in a published article.
    Entity: named by a public article or claim (mentioned, speaker or subject), or merged
            into such an entity (so that clients holding an old id learn where it went).
    Source: the source of a public article, an outlet one cites or a public claim is
            attributed to, or merged into such a source.

An entity or source known only from drafts stays hidden: its name would leak the draft.
Who reviewed a claim (`reviewed_by`, an editor's login name) is shown to editors only.
Editors are users with the Editors group's view permission on the model.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from articles.models import Article, Claim, Entity, Mention, Source

PUBLISHED = Article.Status.PUBLISHED


def sees_everything(user, model) -> bool:
    return user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")


def sees_reviewers(user) -> bool:
    return sees_everything(user, Claim)


# The conditions below are correlated EXISTS probes, one row at a time, so that a page in id
# order stops after its last row: a join or an IN-list would make SQLite read every article
# first (a Bloom filter, or a list of 100,000 ids).


def _published(article_ref: str) -> Exists:
    return Exists(Article.objects.filter(pk=OuterRef(article_ref), status=PUBLISHED))


def public_claims() -> QuerySet:
    return Claim.objects.exclude(status=Claim.Status.REJECTED).filter(_published("article_id"))


def _public_entity(ref: str) -> Q:
    mentioned = Mention.objects.filter(entity=OuterRef(ref)).filter(_published("article_id"))
    subject = Claim.entities.through.objects.filter(entity=OuterRef(ref)).filter(
        Exists(public_claims().filter(pk=OuterRef("claim_id")))
    )
    return (
        Q(Exists(mentioned))
        | Q(Exists(public_claims().filter(speaker=OuterRef(ref))))
        | Q(Exists(subject))
    )


def _publishes(ref: str) -> Q:
    """The source has a published article. There is no index on (source, status) and most
    articles share a few sources, so neither index looks selective: SQLite scans every
    article for each source when one probe names both (it checks the status in a probe of
    its own instead), and so does PostgreSQL (it collects the sources in one pass instead)."""
    if connection.vendor == "sqlite":
        return Q(Exists(Article.objects.filter(source=OuterRef(ref)).filter(_published("pk"))))
    return Q(**{f"{ref}__in": Article.objects.published().values("source_id")})


def _public_source(ref: str) -> Q:
    cited = Article.attributed_to.through.objects.filter(source=OuterRef(ref)).filter(_published("article_id"))
    return _publishes(ref) | Q(Exists(cited)) | Q(Exists(public_claims().filter(attributed_to=OuterRef(ref))))


def visible_articles(user) -> QuerySet:
    return Article.objects.all() if sees_everything(user, Article) else Article.objects.published()


def visible_claims(user) -> QuerySet:
    return Claim.objects.all() if sees_everything(user, Claim) else public_claims()


def visible_entities(user) -> QuerySet:
    if sees_everything(user, Entity):
        return Entity.objects.all()
    return Entity.objects.filter(_public_entity("pk") | _public_entity("merged_into"))


def visible_sources(user) -> QuerySet:
    if sees_everything(user, Source):
        return Source.objects.all()
    return Source.objects.filter(_public_source("pk") | _public_source("merged_into"))
