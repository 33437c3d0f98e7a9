"""One django-filter FilterSet per model, shared by the HTML lists and the API.

    filterset = ClaimFilterSet(request.GET, queryset=Claim.objects.all())
    if filterset.is_valid():
        claims = filterset.qs

    articles = ArticleFilterSet(request.GET, queryset=Article.objects.published())
    if articles.is_valid() and articles.search_query:
        page = search(articles.search_query, limit=20, **articles.search_filters())

Values are checked strictly (an unknown kind, a malformed date or id is a form error, never
an exception). `updated_since` on every model serves incremental sync. Ranked full-text
search is not a queryset filter: `ArticleFilterSet.qs` leaves `search` aside, and callers hand
`search_query` and `search_filters()` to `articles.search.search()`.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from articles.ingest import name_key
from articles.models import Article, Claim, Entity, EntityName, Mention, Source, SourceName
from articles.search import day_start

# Up to this many articles of its own or citing it, a source's articles are collected through
# its indexes (a first page in 13 ms for 20,000 of 100,000 articles, 22 ms for 60,000) rather
# than found by walking the list in id order, which tests every article up to the page when
# they are few or recent (120 to 180 ms for an outlet one article cites, or the newest 3,000)
COLLECT_UP_TO = 20_000
MAX_ID = 2**63 - 1  # the largest id the databases store; larger ones must not reach a query
# far enough from the calendar's ends that moving to UTC or to the next day stays in range
EARLIEST, LATEST = dt.date(2, 1, 1), dt.date(9998, 12, 31)


class IdField(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class IdFilter(django_filters.NumberFilter):
    """An object's id: a whole number (django-filter's NumberFilter takes decimals)."""

    field_class = IdField


class SurvivorIdField(IdField):
    """The id of an entity or a source of `model`. A merged one's stands for its survivor's:
    its mentions, claims and articles moved there, while links and clients keep the old id
    (merges keep the chain one hop long)."""

    def __init__(self, *, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def clean(self, value):
        pk = super().clean(value)
        if pk is None:
            return None
        return self.model.objects.filter(pk=pk).values_list("merged_into_id", flat=True).first() or pk


class SurvivorIdFilter(IdFilter):
    field_class = SurvivorIdField


def _check_range(value):
    day = value.date() if isinstance(value, dt.datetime) else value
    if day and not EARLIEST <= day <= LATEST:
        raise forms.ValidationError(_("Out of range: use a date between the years 2 and 9998."))
    return value


class DayField(forms.DateField):
    def clean(self, value):
        return _check_range(super().clean(value))


class DayFilter(django_filters.DateFilter):
    field_class = DayField


class SinceField(django_filters.fields.IsoDateTimeField):
    def clean(self, value):
        return _check_range(super().clean(value))


class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    """Objects changed at or after an ISO 8601 time (incremental sync)."""

    field_class = SinceField

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("updated since (ISO 8601, e.g. 2025-01-31T00:00:00Z)"))
        super().__init__(field_name="updated_at", lookup_expr="gte", **kwargs)


class YesNoFilter(django_filters.TypedChoiceFilter):
    """true or false; anything else is an error (a boolean field would read it as 'any')."""

    def __init__(self, **kwargs):
        super().__init__(choices=[("true", _("yes")), ("false", _("no"))], coerce=lambda v: v == "true", **kwargs)


class ArticleFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search", max_length=500,
        label=_('search words: every word must match, "quoted phrases" in order, -word excludes; ranked by relevance'),
    )
    entity = SurvivorIdFilter(model=Entity, method="filter_entity", label=_("mentions this entity (id)"))
    source = SurvivorIdFilter(model=Source, method="filter_source", label=_("published by or citing this source (id)"))
    language = django_filters.CharFilter(max_length=16, label=_("language code"))
    status = django_filters.ChoiceFilter(choices=Article.Status.choices, label=_("status"))
    published_from = DayFilter(method="filter_published_from", label=_("published on or after (date)"))
    published_to = DayFilter(method="filter_published_to", label=_("published on or before (date)"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Article
        fields = ["search", "entity", "source", "language", "status", "published_from", "published_to",
                  "updated_since"]

    def filter_search(self, queryset, name, value: str):
        return queryset  # ranked by the search engine: see search_filters()

    def filter_entity(self, queryset, name, value: int):
        return queryset.filter(id__in=Mention.objects.filter(entity_id=value).values("article_id"))

    def filter_source(self, queryset, name, value: int):
        own = Article.objects.filter(source_id=value).order_by().values("id")
        cited = Article.attributed_to.through.objects.filter(source_id=value).values("article_id")
        if own[COLLECT_UP_TO:].exists() or cited[COLLECT_UP_TO:].exists():
            # so many that walking the list soon meets a page of them
            return queryset.filter(Q(source_id=value) | Q(id__in=cited))
        return queryset.filter(id__in=own.union(cited))

    def filter_published_from(self, queryset, name, value: dt.date):
        return queryset.filter(published_at__gte=day_start(value))

    def filter_published_to(self, queryset, name, value: dt.date):
        return queryset.filter(published_at__lt=day_start(value + dt.timedelta(days=1)))

    @property
    def search_query(self) -> str:
        return (self.form.cleaned_data.get("search") or "").strip()

    def search_filters(self) -> dict:
        """The valid filters as keyword arguments of articles.search.search(). The engine knows
        no `updated_since`: combining it with a search is an error, not a silent no-op."""
        data = self.form.cleaned_data
        if data.get("updated_since"):
            raise forms.ValidationError({"updated_since": _("Cannot be combined with search.")})
        return {
            "entity": data.get("entity"),
            "source": data.get("source"),
            "language": data.get("language") or None,
            "published_from": data.get("published_from"),
            "published_to": data.get("published_to"),
            "status": data.get("status") or None,
        }


class EntityFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Entity.Kind.choices, label=_("kind"))
    name = django_filters.CharFilter(method="filter_name", max_length=300, label=_("name or alias"))
    merged = YesNoFilter(method="filter_merged", label=_("merged into another entity"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Entity
        fields = ["kind", "name", "merged", "updated_since"]

    def filter_name(self, queryset, name, value: str):
        """Any of its names, compared as the importer compares them (ｻﾞｯｶｰﾊﾞｰｸﾞ = ザッカーバーグ)."""
        key = name_key(value)
        return queryset.filter(id__in=EntityName.objects.filter(key=key).values("entity_id")) if key else queryset

    def filter_merged(self, queryset, name, value: bool):
        return queryset.filter(merged_into__isnull=not value)


class ClaimFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Claim.Status.choices, label=_("review status"))
    kind = django_filters.ChoiceFilter(choices=Claim.Kind.choices, label=_("kind"))
    article = IdFilter(method="filter_article", label=_("article (id)"))
    entity = SurvivorIdFilter(model=Entity, method="filter_entity", label=_("names this entity (id)"))
    speaker = SurvivorIdFilter(model=Entity, method="filter_speaker", label=_("speaker (entity id)"))
    source = SurvivorIdFilter(model=Source, method="filter_source", label=_("attributed to this source (id)"))
    has_quantity = YesNoFilter(method="filter_has_quantity", label=_("has a quantity"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Claim
        fields = ["status", "kind", "article", "entity", "speaker", "source", "has_quantity", "updated_since"]

    def filter_article(self, queryset, name, value: int):
        return queryset.filter(article_id=value)

    def filter_entity(self, queryset, name, value: int):
        return queryset.filter(id__in=Claim.entities.through.objects.filter(entity_id=value).values("claim_id"))

    def filter_speaker(self, queryset, name, value: int):
        return queryset.filter(speaker_id=value)

    def filter_source(self, queryset, name, value: int):
        return queryset.filter(attributed_to_id=value)

    def filter_has_quantity(self, queryset, name, value: bool):
        return queryset.exclude(quantities=[]) if value else queryset.filter(quantities=[])


class SourceFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Source.Kind.choices, label=_("kind"))
    domain = django_filters.CharFilter(method="filter_domain", max_length=253, label=_("domain"))
    name = django_filters.CharFilter(method="filter_name", max_length=300, label=_("name or alias"))
    updated_since = UpdatedSinceFilter()

    class Meta:
        model = Source
        fields = ["kind", "domain", "name", "updated_since"]

    def filter_domain(self, queryset, name, value: str):
        """Stored as the importer stores it: lower case, without www."""
        return queryset.filter(domain=value.strip().lower().removeprefix("www."))

    def filter_name(self, queryset, name, value: str):
        key = name_key(value)
        return queryset.filter(id__in=SourceName.objects.filter(key=key).values("source_id")) if key else queryset
