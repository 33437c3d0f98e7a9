"""The API's views: public reads, editors' writes through the curation services, the export.

Reads use ReadOnlyModelViewSet over what the user may see (visibility.py), filtered by the
model's FilterSet, cursor-paged on id. Writes call articles.services.curation with the
request's user, as the admin does, so history records who changed what.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.db.models import Prefetch, prefetch_related_objects
from django.http import StreamingHttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import routers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from articles import filtersets, search
from articles.filtersets import MAX_ID
from articles.models import Article, Claim, Entity, Source
from articles.services import curation
from articles.services.archive import export_records

from . import serializers, visibility
from .errors import PreconditionFailed
from .pagination import CURSOR, PAGE_SIZE, ArticlePagination, SearchPagination
from .parsers import ArchiveJSONParser

FORMAT = "format"  # DRF's format override (?format=json), accepted everywhere


def check_query_parameters(request, allowed: set[str]) -> None:
    """A misspelt filter must not pass silently as 'everything'."""
    unknown = sorted(set(request.query_params) - allowed - {FORMAT})
    if unknown:
        raise ValidationError(
            {name: f"Unknown parameter; this endpoint takes: {', '.join(sorted(allowed)) or 'none'}."
             for name in unknown}
        )


def expand_parameter(*choices: str, extra: str = "") -> OpenApiParameter:
    return OpenApiParameter(
        "expand", {"type": "array", "items": {"type": "string", "enum": list(choices)}}, style="form", explode=False,
        description=f"Comma-separated. A relation's id becomes a compact object (id, name or title, api_url).{extra}",
    )


def _etag(data) -> str:
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()
    return f'"{digest[:32]}"'


def _etag_listed(header: str, etag: str, *, weak: bool) -> bool:
    """Whether an If-Match (strong comparison: a W/ tag never matches) or If-None-Match (weak
    comparison) header names `etag` (our ETags are strong)."""
    listed = parse_etags(header)
    if weak:
        listed = [tag.removeprefix("W/") for tag in listed]
    return "*" in listed or etag in listed


def check_if_match(request, representation: Callable[[], dict]) -> None:
    """412 unless If-Match, when sent, names the ETag of the object as it is now (its
    `representation`, worked out only then). If-Unmodified-Since is ignored, as RFC 9110 asks
    of a resource without a modification date: an ETag covers more than any one date."""
    header = request.META.get("HTTP_IF_MATCH")
    if header is not None and not _etag_listed(header, _etag(representation()), weak=False):
        raise PreconditionFailed()


class ArchiveViewSet(viewsets.ReadOnlyModelViewSet):
    # Reads of one model: the visible objects, its FilterSet, `expand`, conditional GET
    # (subclasses' docstrings describe them in the OpenAPI schema).

    list_serializer_class: type | None = None
    visible: Callable  # user -> the queryset of what the user may read
    expandable: tuple[str, ...] = ()
    lookup_value_regex = "[0-9]{1,30}"  # get_object() answers 404 past the largest id stored
    expand: frozenset[str] | None = None

    parser_classes = [ArchiveJSONParser]  # writes take JSON, nothing else

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action in (None, "metadata"):  # a method the view lacks (405), or OPTIONS
            return
        allowed = {"expand"} if self.expandable else set()
        if self.action == "list":
            allowed |= {CURSOR, PAGE_SIZE, *self.filterset_class.base_filters}
        check_query_parameters(request, allowed)
        self.expand = self._parse_expand(request)

    def _parse_expand(self, request) -> frozenset[str]:
        names = {n.strip() for raw in request.query_params.getlist("expand") for n in raw.split(",") if n.strip()}
        unknown = sorted(names - set(self.expandable))
        if unknown:
            raise ValidationError({"expand": f"Cannot expand {', '.join(unknown)}; choose from "
                                             f"{', '.join(self.expandable)}."})
        return frozenset(names)

    def edit(self, request, change_serializer: type, update: Callable, target: str) -> Response:
        """An editor's PATCH: validated by `change_serializer`, applied by the curation service
        `update` (which takes the object as `target`), answered with the object as it is now."""
        obj = self.get_object()
        change = change_serializer(data=request.data)
        change.is_valid(raise_exception=True)  # a bad body is a 400 whatever the precondition
        check_if_match(request, lambda: self.get_serializer(obj).data)  # no edit over an unseen change
        if change.validated_data:  # an empty patch changes nothing, and records nothing
            update(**{target: obj}, user=request.user, **change.validated_data)
        return Response(self.get_serializer(self.get_object()).data)

    def get_serializer_class(self):
        if self.action == "list" and self.list_serializer_class:
            return self.list_serializer_class
        return self.serializer_class

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.expand is not None:  # not during schema generation
            context.update(links=serializers.Links(self.request), expand=self.expand,
                           sees_reviewers=visibility.sees_reviewers(self.request.user))
        return context

    def get_queryset(self):
        return self.visible(self.request.user)

    def get_object(self):
        # past the largest id stored: no such row, and no query it could overflow
        if int(self.kwargs[self.lookup_url_kwarg or self.lookup_field]) > MAX_ID:
            raise NotFound()
        return super().get_object()

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        check_if_match(request, lambda: response.data)
        etag = response["ETag"] = _etag(response.data)
        none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if none_match is not None and _etag_listed(none_match, etag, weak=True):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ["Accept", "Authorization"])  # drafts differ per user
        return response


ARTICLE_EXPAND = ("body", "mentions", "source", "attributed_to")
ARTICLE_EXPAND_PARAMETER = expand_parameter(
    *ARTICLE_EXPAND, extra=" `body` and `mentions` add what a list leaves out (details always have them)."
)


@extend_schema(tags=["articles"])
@extend_schema_view(
    list=extend_schema(
        summary="Articles, in id order (or ranked by search)",
        description=(
            "Without `body` and `mentions` unless `expand` asks for them. With `search`, articles are ranked "
            "by relevance (in blocks of the newest matches, so that following `next` meets every match once) and "
            "carry `score` and `snippet`, pages hold at most 100, the cursor holds an offset and the response "
            "adds `total`; `updated_since` cannot be combined with `search`."
        ),
        parameters=[ARTICLE_EXPAND_PARAMETER],
    ),
    retrieve=extend_schema(summary="One article", parameters=[ARTICLE_EXPAND_PARAMETER]),
)
class ArticleViewSet(ArchiveViewSet):
    """Articles: published ones for everyone, drafts too for editors. Details have an ETag."""

    serializer_class = serializers.ArticleSerializer
    list_serializer_class = serializers.ArticleListSerializer
    pagination_class = ArticlePagination
    filterset_class = filtersets.ArticleFilterSet
    visible = staticmethod(visibility.visible_articles)
    expandable = ARTICLE_EXPAND

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list" and "body" not in (self.expand or ()):
            queryset = queryset.defer("body")
        if "source" in (self.expand or ()):
            queryset = queryset.select_related("source")
        return queryset.prefetch_related(*self._related())

    def _related(self) -> list:
        related = [Prefetch("attributed_to", queryset=Source.objects.only("id", "name", "kind"),
                            to_attr=serializers.CITED_SOURCES)]
        if self.action != "list" or "mentions" in (self.expand or ()):
            related.append(Prefetch("mentions", to_attr=serializers.MENTIONS))
        return related

    def list(self, request, *args, **kwargs):
        filterset = DjangoFilterBackend().get_filterset(request, self.get_queryset(), self)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        if not filterset.search_query:
            return super().list(request, *args, **kwargs)
        return self._search(request, filterset)

    def _search(self, request, filterset):
        paginator = SearchPagination()
        limit, offset = paginator.window(request)
        filters = filterset.search_filters()
        if not visibility.sees_everything(request.user, Article):
            if filters["status"] not in (None, Article.Status.PUBLISHED):
                return paginator.response([], total=0)
            filters["status"] = Article.Status.PUBLISHED
        page = search.search(filterset.search_query, limit=limit, offset=offset, **filters)
        articles = [hit.article for hit in page.hits]
        prefetch_related_objects(articles, *self._related())
        data = self.get_serializer(articles, many=True).data
        for item, hit in zip(data, page.hits, strict=True):
            item.update(score=hit.score, snippet=str(hit.snippet))
        return paginator.response(data, total=page.total)


@extend_schema(tags=["entities"])
@extend_schema_view(
    list=extend_schema(summary="Entities, in id order"),
    retrieve=extend_schema(summary="One entity"),
)
class EntityViewSet(ArchiveViewSet):
    """People, organisations, places, products and events that articles or claims name (editors
    see all). Merged entities stay, with `merged_into` pointing to the survivor."""

    serializer_class = serializers.EntitySerializer
    filterset_class = filtersets.EntityFilterSet
    visible = staticmethod(visibility.visible_entities)

    @extend_schema(summary="Rename, retype or re-alias an entity (editors)", request=serializers.EntityChangeSerializer,
                   responses=serializers.EntitySerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.edit(request, serializers.EntityChangeSerializer, curation.entity_update, "entity")

    @extend_schema(
        summary="Merge other entities into this one (editors)",
        description="Their mentions, claims and names move to this entity; they point to it by `merged_into`. "
                    "The same service as the admin's merge, so it can be undone there.",
        request=serializers.EntityMergeSerializer, responses=serializers.EntitySerializer,
    )
    @action(detail=True, methods=["post"])
    def merge(self, request, *args, **kwargs):
        survivor = self.get_object()
        body = serializers.EntityMergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        check_if_match(request, lambda: self.get_serializer(survivor).data)
        curation.entity_merge(survivor=survivor, others=body.validated_data["others"], user=request.user)
        return Response(self.get_serializer(self.get_object()).data)


CLAIM_EXPAND = ("article", "speaker", "attributed_to", "entities")


@extend_schema(tags=["claims"])
@extend_schema_view(
    list=extend_schema(summary="Claims, in id order", parameters=[expand_parameter(*CLAIM_EXPAND)]),
    retrieve=extend_schema(summary="One claim", parameters=[expand_parameter(*CLAIM_EXPAND)]),
)
class ClaimViewSet(ArchiveViewSet):
    """Claims of published articles, rejected ones left out (editors see all)."""

    serializer_class = serializers.ClaimSerializer
    filterset_class = filtersets.ClaimFilterSet
    visible = staticmethod(visibility.visible_claims)
    expandable = CLAIM_EXPAND

    def get_queryset(self):
        queryset = super().get_queryset().prefetch_related(
            Prefetch("entities", queryset=Entity.objects.only("id", "name", "kind"), to_attr=serializers.NAMED_ENTITIES)
        )
        expand = self.expand or ()
        joined = [name for name in ("speaker", "attributed_to") if name in expand]
        if visibility.sees_reviewers(self.request.user):
            joined.append("reviewed_by")
        if "article" in expand:
            joined.append("article")
            queryset = queryset.defer("article__body", "article__subheadings", "article__figures")
        return queryset.select_related(*joined) if joined else queryset

    @extend_schema(
        summary="Review or edit a claim (editors)",
        description="A new `status` records the editor and the time as its review.",
        request=serializers.ClaimChangeSerializer, responses=serializers.ClaimSerializer,
    )
    def partial_update(self, request, *args, **kwargs):
        return self.edit(request, serializers.ClaimChangeSerializer, curation.claim_update, "claim")


@extend_schema(tags=["sources"])
@extend_schema_view(
    list=extend_schema(summary="Sources, in id order"),
    retrieve=extend_schema(summary="One source"),
)
class SourceViewSet(ArchiveViewSet):
    """Sources of public articles and the outlets they cite (editors see all)."""

    serializer_class = serializers.SourceSerializer
    filterset_class = filtersets.SourceFilterSet
    visible = staticmethod(visibility.visible_sources)


# -------------------------------------------------------------------------------------------
# Export


class FirstRenderer(BaseContentNegotiation):
    """The export is JSON Lines whatever the client accepts; its errors are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def public_records(records, user):
    """The export's records a user may read (see visibility.py). The sets of visible ids are
    taken as the stream reaches each type; what is added later is left out, not leaked."""
    sees = {model: visibility.sees_everything(user, model) for model in (Source, Entity, Article, Claim)}
    sees_reviewers = visibility.sees_reviewers(user)
    allowed: dict[str, set[int]] = {}
    published: set[int] = set()
    for record in records:
        kind = record["type"]
        if kind == "source" and not sees[Source]:
            if kind not in allowed:
                allowed[kind] = set(visibility.visible_sources(user).values_list("id", flat=True))
            if record["id"] not in allowed[kind]:
                continue
        elif kind == "entity" and not sees[Entity]:
            if kind not in allowed:
                allowed[kind] = set(visibility.visible_entities(user).values_list("id", flat=True))
            if record["id"] not in allowed[kind]:
                continue
        elif kind == "article":
            if record["status"] == Article.Status.PUBLISHED:
                published.add(record["id"])
            elif not sees[Article]:
                continue
        elif kind == "claim":
            if not sees[Claim] and (record["status"] == Claim.Status.REJECTED or record["article"] not in published):
                continue
            if not sees_reviewers:
                record = {**record, "reviewed_by": None}
        yield record


class ExportView(APIView):
    """The whole archive as JSON Lines: the export format of DESIGN.md (`manage.py export_archive`),
    streamed. Editors get everything; others the public part (see articles.api.visibility)."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = FirstRenderer

    @extend_schema(
        tags=["export"],
        summary="The whole archive as JSON Lines",
        description="Sources, then entities, then articles, then claims, each in id order, one object a line "
                    "(the `export_archive` format). Streamed: no page size, no cap.",
        responses={(200, "application/x-ndjson"): OpenApiResponse(OpenApiTypes.STR, description="JSON Lines")},
    )
    def get(self, request):
        check_query_parameters(request, set())
        records = public_records(export_records(), request.user)
        lines = (json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode() + b"\n" for r in records)
        response = StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="archive.jsonl"'
        patch_vary_headers(response, ["Authorization"])
        return response


class RootView(routers.APIRootView):
    """The API root's links: like every other endpoint, it refuses parameters it does not take."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        check_query_parameters(request, set())


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """A JSON 404 for any other address under /api/."""

    permission_classes = []  # whatever the method, the answer is that there is nothing here

    def _missing(self, request, *args, **kwargs):
        hint = "" if request.path.endswith("/") else " (API addresses end with a slash)"
        raise NotFound(f"No API endpoint at {request.path}{hint}; see /api/docs/.")

    get = post = put = patch = delete = head = options = _missing

