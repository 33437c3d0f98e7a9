"""The archive's records: Source, Article, Entity, Claim, and what ties them together.

Editors' work lives in these rows (merges, reviews, renames). Writes go through
`articles.services`; a re-import never undoes them (see services.imports).
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, OrderBy, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from articles.ingest.layouts import LANGUAGE_TAG
from articles.ingest.names import MAX_KEY_CHARS


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


def has_visible_character(text: str) -> bool:
    """A letter, digit, punctuation mark or symbol: more than spaces, format characters (zero-width
    space and joiners, byte-order mark, soft hyphen) and combining marks with nothing to combine with."""
    return any(unicodedata.category(char)[0] in "LNPS" for char in text)


class Curatable(TimeStamped):
    """What entities and sources share: names, a merge pointer, and the editors' mark."""

    name = models.CharField(_("name"), max_length=300)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    # set when an editor changes the record: the importer then leaves name, kind and aliases alone
    curated = models.BooleanField(_("curated by an editor"), default=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # full_clean() runs this for the admin's forms and the curation services (and so the API) alike
        errors = {}
        if self.name and not has_visible_character(self.name):
            errors["name"] = _("Needs at least one visible character.")
        if not all(has_visible_character(str(alias)) for alias in self.aliases or ()):
            errors["aliases"] = _("Every alias needs at least one visible character.")
        if errors:
            raise ValidationError(errors)

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]


class Source(Curatable):
    """Where an article comes from (its website) or an outlet it cites (WSJ, ロイター)."""

    class Kind(models.TextChoices):
        WEBSITE = "website", _("website")
        NEWSPAPER = "newspaper", _("newspaper")
        BROADCASTER = "broadcaster", _("broadcaster")
        AGENCY = "agency", _("news agency")
        MAGAZINE = "magazine", _("magazine")
        OTHER = "other", _("other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    domain = models.CharField(_("domain"), max_length=253, blank=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="source_url_unique"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("articles:source", args=[self.pk])


class Entity(Curatable):
    """A person, organisation, place, product or event the articles mention."""

    class Kind(models.TextChoices):
        PERSON = "person", _("person")
        ORGANIZATION = "organization", _("organization")
        PLACE = "place", _("place")
        PRODUCT = "product", _("product")
        EVENT = "event", _("event")
        OTHER = "other", _("other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("entity")
        verbose_name_plural = _("entities")

    def get_absolute_url(self) -> str:
        return reverse("articles:entity", args=[self.pk])


class NameKey(models.Model):
    """Lookup table of normalised names (name and aliases), kept in step by the services."""

    key = models.CharField(max_length=MAX_KEY_CHARS, db_index=True)

    class Meta:
        abstract = True


class EntityName(NameKey):
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="name_keys")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "key"], name="entity_name_unique")]

    def __str__(self) -> str:
        return self.key


class SourceName(NameKey):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="name_keys")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="source_name_unique")]

    def __str__(self) -> str:
        return self.key


def newest_first(date: str = "published_at", tiebreak: str = "id") -> list[OrderBy]:
    """The newest first, the undated last, the same on every database (PostgreSQL puts NULL
    first in a descending order, SQLite last); equal dates: the newest id first.

        Article.objects.order_by(*newest_first())
        Claim.objects.order_by(*newest_first("article__published_at", "article_id"), "start")
    """
    return [F(date).desc(nulls_last=True), F(tiebreak).desc()]


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Article.Status.PUBLISHED)


class Article(TimeStamped):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("published")
        DRAFT = "draft", _("draft")

    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    title = models.CharField(_("title"), max_length=500)
    language = models.CharField(
        _("language"), max_length=16, default="ja", db_index=True,
        validators=[RegexValidator(LANGUAGE_TAG, _("Enter a language tag such as ja, en or zh-Hant."))],
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PUBLISHED)
    source = models.ForeignKey(
        Source, verbose_name=_("source"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="articles",
    )
    source_url = models.URLField(_("source URL"), max_length=1000, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    subheadings = models.JSONField(_("subheadings"), default=list, blank=True)
    figures = models.JSONField(_("figures"), default=list, blank=True)
    attributed_to = models.ManyToManyField(
        Source, verbose_name=_("attributed to"), blank=True, related_name="attributed_articles"
    )
    body = models.TextField(_("body"))
    content_hash = models.CharField(_("content hash"), max_length=64, unique=True)
    history = HistoricalRecords(excluded_fields=["content_hash"], m2m_fields=[attributed_to])

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = newest_first()
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(fields=["source_url"], condition=~Q(source_url=""), name="article_url_unique"),
        ]
        indexes = [
            # newest_first() within a status; on PostgreSQL published_at is DESC NULLS LAST (migration
            # 0008: SQLite cannot declare it, and puts NULL last in a descending index anyway). A
            # migration that rebuilds this index must keep NULLS LAST, or lists sort every article
            models.Index(fields=["status", "-published_at", "-id"], name="article_listing"),
            # the partial unique index above cannot serve `source_url = %s` lookups on SQLite
            models.Index(fields=["source_url"], name="article_source_url"),
            # "the published articles of this source" (source pages, the API's visibility rules)
            models.Index(fields=["source", "status"], name="article_source_status"),
            # the API's lists: the published articles in id order, as its cursor walks them,
            # without sorting them all first (article_listing is in another order)
            models.Index(fields=["status", "id"], name="article_status_id"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:article", args=[self.slug])


class Mention(models.Model):
    """Where an article names an entity: character offsets into Article.body."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="mentions")
    surface = models.CharField(max_length=300)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()

    class Meta:
        ordering = ["article_id", "start", "id"]
        indexes = [models.Index(fields=["entity", "article"], name="mention_entity_article")]

    def __str__(self) -> str:
        return self.surface


class Claim(TimeStamped):
    """A sentence of an article that states a checkable fact, and its review."""

    class Kind(models.TextChoices):
        STATEMENT = "statement", _("statement")
        QUOTE = "quote", _("quote")
        QUANTITY = "quantity", _("quantity")

    class Status(models.TextChoices):
        UNREVIEWED = "unreviewed", _("unreviewed")
        VERIFIED = "verified", _("verified")
        DISPUTED = "disputed", _("disputed")
        REJECTED = "rejected", _("rejected")

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="claims")
    text = models.TextField(_("text"))
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.STATEMENT)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UNREVIEWED, db_index=True
    )
    speaker = models.ForeignKey(
        Entity, verbose_name=_("speaker"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="claims_spoken",
    )
    attributed_to = models.ForeignKey(
        Source, verbose_name=_("attributed to"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="claims",
    )
    entities = models.ManyToManyField(Entity, verbose_name=_("entities"), blank=True, related_name="claims")
    quantities = models.JSONField(_("quantities"), default=list, blank=True)
    dates = models.JSONField(_("dates"), default=list, blank=True)
    note = models.TextField(_("editor's note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    # the extracted sentence's identity within its article, kept when an editor edits the text
    fingerprint = models.CharField(max_length=64)
    edited = models.BooleanField(_("text edited by an editor"), default=False)
    # set when an editor gives the claim another kind, speaker or cited outlet than extracted
    curated = models.BooleanField(_("curated by an editor"), default=False)
    history = HistoricalRecords(m2m_fields=[entities])

    class Meta:
        ordering = ["article_id", "start", "id"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            models.UniqueConstraint(fields=["article", "fingerprint"], name="claim_fingerprint_unique"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return reverse("articles:claim", args=[self.pk])

    @property
    def is_curated(self) -> bool:
        return self.curated or self.edited or self.status != self.Status.UNREVIEWED or bool(self.note)


class MergeRecord(models.Model):
    """What one merge moved, so that it can be undone exactly."""

    added_aliases = models.JSONField(default=list)
    repointed_ids = models.JSONField(default=list)  # records merged earlier into the merged one
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


class EntityMerge(MergeRecord):
    survivor = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="merges_received")
    merged = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="merges_given")
    mention_ids = models.JSONField(default=list)
    speaker_claim_ids = models.JSONField(default=list)
    subject_claim_ids = models.JSONField(default=list)  # links moved from merged to survivor
    shared_claim_ids = models.JSONField(default=list)  # claims that named both: link dropped

    class Meta(MergeRecord.Meta):
        verbose_name = _("entity merge")
        verbose_name_plural = _("entity merges")

    def __str__(self) -> str:
        return f"{self.merged} → {self.survivor}"


class SourceMerge(MergeRecord):
    survivor = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="merges_received")
    merged = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="merges_given")
    article_ids = models.JSONField(default=list)  # articles that came from the merged source
    cited_article_ids = models.JSONField(default=list)  # citations moved to the survivor
    shared_article_ids = models.JSONField(default=list)  # articles that cited both
    claim_ids = models.JSONField(default=list)

    class Meta(MergeRecord.Meta):
        verbose_name = _("source merge")
        verbose_name_plural = _("source merges")

    def __str__(self) -> str:
        return f"{self.merged} → {self.survivor}"


class SearchDocument(models.Model):
    """An article's search terms, one field per column (SudachiPy words, normalised).

    The vendor index lives beside it, created by migration 0002: an FTS5 table kept in step
    by triggers on SQLite, a table of tsvectors with a GIN index, kept in step by triggers, on
    PostgreSQL (stored with lz4 where the server has it: migration 0006).
    `*_offsets` map each term of title and body back to characters of the original text,
    for snippets (see articles.search.snippets).
    """

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="search_document")
    title = models.TextField(blank=True)
    headings = models.TextField(blank=True)
    body = models.TextField(blank=True)
    names = models.TextField(blank=True)
    title_offsets = models.BinaryField(default=b"")
    body_offsets = models.BinaryField(default=b"")

    def __str__(self) -> str:
        return f"search terms of article {self.article_id}"
