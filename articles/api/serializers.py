"""Representations: the export format's records (the data contract in DESIGN.md), plus links.

A detail object is exactly its record from articles.services.archive.export_records(), with
`api_url` (this object in the API) and `page_url` (its public page) added; as in the export,
a claim's `reviewed_by` is null for all but editors (see visibility.py).
Lists of articles leave out `body` and `mentions` unless `expand` asks for them. `expand`
also turns a related id into a compact object ({"id", "name", "kind", "api_url"} for
entities and sources, {"id", "slug", "title", "api_url"} for articles). Writes have their own
small serializers, which refuse unknown fields.
"""

from __future__ import annotations

from datetime import UTC

from django.urls import reverse
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.filtersets import MAX_ID
from articles.models import Article, Claim, Entity, Mention, Source


class Links:
    """Absolute URLs for one request; the API path is reversed once per kind, not per object."""

    def __init__(self, request) -> None:
        self.origin = request.build_absolute_uri("/").removesuffix("/")
        self._prefixes: dict[str, str] = {}

    def api(self, basename: str, pk: int) -> str:
        if basename not in self._prefixes:
            self._prefixes[basename] = reverse(f"api:{basename}-detail", args=[0]).removesuffix("0/")
        return f"{self.origin}{self._prefixes[basename]}{pk}/"

    def page(self, obj) -> str:
        return self.origin + obj.get_absolute_url()


# -------------------------------------------------------------------------------------------
# Fields


class UtcDateTimeField(serializers.DateTimeField):
    """UTC with a Z, as the export writes it (DRF would use the server's time zone)."""

    def to_representation(self, value):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


@extend_schema_field(OpenApiTypes.STR)
class TypeField(serializers.Field):
    """The record's type, as in the export: source, entity, article or claim."""

    def __init__(self, value: str) -> None:
        self.value = value
        super().__init__(source="*", read_only=True)

    def to_representation(self, obj) -> str:
        return self.value


@extend_schema_field({"type": "string", "format": "uri"})
class LinkField(serializers.Field):
    def __init__(self, kind: str) -> None:
        self.kind = kind  # "api" or "page"
        super().__init__(source="*", read_only=True)

    def to_representation(self, obj) -> str:
        links: Links = self.context["links"]
        return links.page(obj) if self.kind == "page" else links.api(obj._meta.model_name, obj.pk)


@extend_schema_field({"type": "string", "nullable": True})
class ReviewerField(serializers.Field):
    """The username of the editor who reviewed the claim; null for readers who are not editors."""

    def __init__(self) -> None:
        super().__init__(source="*", read_only=True)

    def to_representation(self, claim) -> str | None:
        if claim.reviewed_by_id is None or not self.context["sees_reviewers"]:
            return None
        return claim.reviewed_by.get_username()


def _compact(obj, links: Links) -> dict:
    if isinstance(obj, Article):
        return {"id": obj.pk, "slug": obj.slug, "title": obj.title, "api_url": links.api("article", obj.pk)}
    return {"id": obj.pk, "name": obj.name, "kind": obj.kind, "api_url": links.api(obj._meta.model_name, obj.pk)}


def _compact_schema(*names: str) -> dict:
    properties = {name: {"type": "string"} for name in names}
    return {
        "type": "object",
        "properties": {"id": {"type": "integer"}, **properties, "api_url": {"type": "string", "format": "uri"}},
        "required": ["id", *names, "api_url"],
    }


def _ref_schema(compact: dict, *, many: bool = False, nullable: bool = False) -> dict:
    one = {"oneOf": [{"type": "integer", "nullable": nullable}, compact]}
    if many:
        return {"type": "array", "items": one}
    return one


class RefField(serializers.Field):
    """A related object's id; with `expand=<this field>`, its compact form. A to-many field
    reads the list the view prefetched into `prefetched` (a manager per object costs more
    than the rest of the object)."""

    def __init__(self, *, prefetched: str = "") -> None:
        self.prefetched = prefetched
        super().__init__(source="*", read_only=True)

    def to_representation(self, obj):
        expanded = self.field_name in self.context.get("expand", ())
        if self.prefetched:
            related = sorted(getattr(obj, self.prefetched), key=lambda r: r.pk)
            return [_compact(r, self.context["links"]) for r in related] if expanded else [r.pk for r in related]
        if not expanded:
            return getattr(obj, f"{self.field_name}_id")
        related = getattr(obj, self.field_name)
        return None if related is None else _compact(related, self.context["links"])


NAMED = _compact_schema("name", "kind")  # an entity or a source
ARTICLE = _compact_schema("slug", "title")
# the to_attr of the views' Prefetch of to-many relations
CITED_SOURCES = "cited_sources"
NAMED_ENTITIES = "named_entities"
MENTIONS = "mention_list"


@extend_schema_field(_ref_schema(NAMED, nullable=True))
class SourceRef(RefField):
    pass


@extend_schema_field(_ref_schema(NAMED, many=True))
class SourceRefs(RefField):
    def __init__(self) -> None:
        super().__init__(prefetched=CITED_SOURCES)


@extend_schema_field(_ref_schema(NAMED, nullable=True))
class EntityRef(RefField):
    pass


@extend_schema_field(_ref_schema(NAMED, many=True))
class EntityRefs(RefField):
    def __init__(self) -> None:
        super().__init__(prefetched=NAMED_ENTITIES)


@extend_schema_field(_ref_schema(ARTICLE))
class ArticleRef(RefField):
    pass


def _json_list(items: dict) -> type[serializers.JSONField]:
    """A stored JSON list, passed through unchanged (as the export does), typed for the schema."""
    return extend_schema_field({"type": "array", "items": items})(type("JSONList", (serializers.JSONField,), {}))


STRINGS = {"type": "string"}
FIGURES = {"type": "object", "properties": {"image": STRINGS, "caption": STRINGS, "credit": STRINGS}}
QUANTITIES = {
    "type": "object",
    "properties": {"kind": STRINGS, "value": {"type": "string", "description": "decimal, in base units"},
                   "unit": STRINGS, "text": STRINGS, "approximate": {"type": "boolean"}},
}
DATES = {"type": "object", "properties": {"text": STRINGS, "value": {"type": "string", "description": "ISO 8601"}}}


# -------------------------------------------------------------------------------------------
# Records


class RecordSerializer(serializers.ModelSerializer):
    # Fields named in `optional` (declared required=False so that the schema says so) are
    # left out unless the request's `expand` names them.
    optional: tuple[str, ...] = ()
    created_at = UtcDateTimeField(read_only=True)
    updated_at = UtcDateTimeField(read_only=True)
    api_url = LinkField("api")
    page_url = LinkField("page")

    def get_fields(self):
        fields = super().get_fields()
        expand = self.context.get("expand")
        if expand is not None:  # None: the schema generator, which documents every field
            for name in self.optional:
                if name not in expand:
                    del fields[name]
        return fields


class SourceSerializer(RecordSerializer):
    """Where articles come from (a website) or an outlet they cite; `url` is the outlet's address."""

    type = TypeField("source")
    url = serializers.CharField(read_only=True)
    aliases = _json_list(STRINGS)(read_only=True)

    class Meta:
        model = Source
        fields = ["type", "id", "name", "kind", "url", "domain", "aliases", "merged_into", "curated",
                  "created_at", "updated_at", "api_url", "page_url"]
        read_only_fields = fields


class EntitySerializer(RecordSerializer):
    """A person, organisation, place, product or event; `merged_into` names the survivor of a merge."""

    type = TypeField("entity")
    aliases = _json_list(STRINGS)(read_only=True)

    class Meta:
        model = Entity
        fields = ["type", "id", "name", "kind", "aliases", "merged_into", "curated", "created_at", "updated_at",
                  "api_url", "page_url"]
        read_only_fields = fields


class MentionSerializer(serializers.ModelSerializer):
    """Where the body names an entity: character offsets into `body`."""

    entity = serializers.IntegerField(source="entity_id", read_only=True)

    class Meta:
        model = Mention
        fields = ["entity", "surface", "start", "end"]
        read_only_fields = fields


class ArticleSerializer(RecordSerializer):
    """An article with its body and the entities it mentions."""

    type = TypeField("article")
    slug = serializers.CharField(read_only=True)  # Unicode: the model's ASCII \w pattern would mislead
    source = SourceRef()
    source_url = serializers.CharField(read_only=True)  # may be empty
    published_at = UtcDateTimeField(read_only=True, allow_null=True)
    subheadings = _json_list(STRINGS)(read_only=True)
    figures = _json_list(FIGURES)(read_only=True)
    attributed_to = SourceRefs()
    mentions = MentionSerializer(many=True, read_only=True, source=MENTIONS)

    class Meta:
        model = Article
        fields = ["type", "id", "slug", "title", "language", "status", "source", "source_url", "published_at",
                  "subheadings", "figures", "attributed_to", "body", "mentions", "created_at", "updated_at",
                  "api_url", "page_url"]
        read_only_fields = fields


class ArticleListSerializer(ArticleSerializer):
    """An article in a list: without `body` and `mentions` unless `expand` asks for them. A
    search adds `score` and `snippet`."""

    optional = ("body", "mentions", "score", "snippet")
    body = serializers.CharField(required=False)
    mentions = MentionSerializer(many=True, required=False, source=MENTIONS)
    # filled in from the search hits by the view, never from the article
    score = serializers.FloatField(required=False, help_text="With search: relevance, higher is better.")
    snippet = serializers.CharField(
        required=False, help_text="With search: safe HTML, the text escaped and the matched words in <mark>."
    )

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "score", "snippet"]


class ClaimSerializer(RecordSerializer):
    """A sentence of an article that states a checkable fact, and its review."""

    type = TypeField("claim")
    article = ArticleRef()
    speaker = EntityRef()
    attributed_to = SourceRef()
    entities = EntityRefs()
    quantities = _json_list(QUANTITIES)(read_only=True)
    dates = _json_list(DATES)(read_only=True)
    reviewed_at = UtcDateTimeField(read_only=True, allow_null=True)
    reviewed_by = ReviewerField()

    class Meta:
        model = Claim
        fields = ["type", "id", "article", "text", "start", "end", "kind", "status", "speaker", "attributed_to",
                  "entities", "quantities", "dates", "note", "reviewed_at", "edited", "fingerprint", "reviewed_by",
                  "curated", "created_at", "updated_at", "api_url", "page_url"]
        read_only_fields = fields


# -------------------------------------------------------------------------------------------
# Writes


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know: a typo must not pass as a successful no-op."""

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields)) if isinstance(self.initial_data, dict) else []
        if unknown:
            raise serializers.ValidationError(
                {name: f"Unknown or read-only field; writable: {', '.join(self.fields)}." for name in unknown}
            )
        return attrs


class StrictSerializerSchema(OpenApiSerializerExtension):
    """The schema says what StrictSerializer does: no properties but its fields."""

    target_class = StrictSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        return {**auto_schema._map_basic_serializer(self.target, direction), "additionalProperties": False}


class TextField(serializers.CharField):
    """A JSON string, nothing else: DRF's CharField turns 1e999 into the name "inf"."""

    default_error_messages = {"invalid": "Must be a string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class ClaimChangeSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=Claim.Status.choices, required=False)
    text = TextField(required=False, max_length=10_000)
    note = TextField(required=False, allow_blank=True, max_length=10_000)


class EntityChangeSerializer(StrictSerializer):
    name = TextField(required=False, max_length=300)
    kind = serializers.ChoiceField(choices=Entity.Kind.choices, required=False)
    aliases = serializers.ListField(
        child=TextField(max_length=300), required=False, max_length=500,
        help_text="Replaces the aliases: every other name the entity is known by.",
    )


class EntityMergeSerializer(StrictSerializer):
    others = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=100,
        help_text="Ids of the entities to merge into this one.",
    )

    def validate_others(self, ids: list[int]) -> list[Entity]:
        found = Entity.objects.in_bulk(ids)
        missing = sorted(set(ids) - set(found))
        if missing:
            raise serializers.ValidationError(f"No entity with id {', '.join(map(str, missing))}.")
        return list(found.values())
