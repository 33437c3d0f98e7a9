"""The public reader website: home, search, article, entity, source and claim pages.

Views are thin: reads come from `selectors` (a fixed number of queries per page, pinned in
tests/test_site.py), markup from the templates and `templatetags/reader.py`. Every page is
usable without JavaScript and sends a Content-Security-Policy that allows no script at all.
"""

from __future__ import annotations

from functools import wraps

from django import forms
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from articles.filtersets import SurvivorIdField
from articles.ingest import PUBLISHED_YEARS
from articles.models import Entity, Source
from articles.search.query import query_text

from . import selectors

# No script runs on these pages (JSON-LD blocks are data, not scripts); styles come from our
# own stylesheet; forms post to this site only (the language switch).
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


def reader_page(view):
    """A page readers read, sent with the policy (urls.py makes every page read-only)."""
    @wraps(view)
    def with_policy(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response

    return with_policy


class QueryField(forms.CharField):
    """A reader's query: any text is a query. What the engine would not read (control
    characters, text past its length limit) is dropped here, so the page shows the query that
    was run, and never refuses one."""

    def to_python(self, value):
        return query_text(super().to_python(value)).strip()

    def bound_data(self, data, initial):
        return query_text(data)


class SearchForm(forms.Form):
    q = QueryField(label=_("Search the archive"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", ""), *Entity.Kind.choices])
    entity = SurvivorIdField(model=Entity, label=_("Entity"), required=False)
    source = SurvivorIdField(model=Source, label=_("Source"), required=False)
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=PUBLISHED_YEARS[0], max_value=PUBLISHED_YEARS[-1]
    )

    def filters(self) -> selectors.SiteFilters:
        data = self.cleaned_data
        return selectors.SiteFilters(
            entity_kind=data["kind"] or None, entity=data["entity"], source=data["source"], year=data["year"]
        )


@reader_page
def home(request):
    return render(request, "articles/home.html", {
        "latest": selectors.latest_articles(),
        "entities": selectors.most_mentioned_entities(),
        "claims": selectors.recently_verified_claims(),
    })


@reader_page
def search_page(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "articles/search.html", {"form": form}, status=400)
    query = form.cleaned_data["q"]
    results = None
    if query:
        results = selectors.site_search(query=query, filters=form.filters(), page_number=request.GET.get("page"))
    return render(request, "articles/search.html", {
        "form": form, "query": query, "search": results, "kinds": Entity.Kind.choices,
    })


@reader_page
def article(request, slug):
    detail = selectors.article_detail(slug)
    if detail is None:
        raise Http404
    return render(request, "articles/article_detail.html", {"detail": detail, "article": detail.article})


def _not_here(request, found, url_name: str):
    """For an entity or source page: 404 if nothing public has the id, a permanent redirect to
    the survivor's page if it was merged (with the query string: ?page=2 stays on page 2),
    None if the page can be shown."""
    if found is None:
        raise Http404
    if found.merged_into_id:
        url = reverse(url_name, args=[found.merged_into_id])
        query = request.GET.urlencode()
        return redirect(f"{url}?{query}" if query else url, permanent=True)
    return None


@reader_page
def entity(request, pk):
    entity = selectors.entity_for_reader(pk)
    if moved := _not_here(request, entity, "articles:entity"):
        return moved
    count = selectors.entity_article_count(entity)
    return render(request, "articles/entity_detail.html", {
        "entity": entity,
        "articles": selectors.paginate(
            selectors.entity_articles(entity, count=count), request.GET.get("page"), count=count
        ),
        "claims": selectors.paginate(selectors.entity_claims(entity), request.GET.get("claims_page")),
        "co_mentioned": selectors.co_mentioned_entities(entity),
    })


@reader_page
def source(request, pk):
    source = selectors.source_for_reader(pk)
    if moved := _not_here(request, source, "articles:source"):
        return moved
    count = selectors.source_article_count(source)
    return render(request, "articles/source_detail.html", {
        "source": source,
        "articles": selectors.paginate(
            selectors.source_articles(source, count=count), request.GET.get("page"), count=count
        ),
        "citing": selectors.paginate(selectors.articles_citing(source), request.GET.get("cited_page")),
        "claims": selectors.paginate(selectors.source_claims(source), request.GET.get("claims_page")),
    })


@reader_page
def claim(request, pk):
    detail = selectors.claim_detail(pk)
    if detail is None:
        raise Http404
    return render(request, "articles/claim_detail.html", {"detail": detail, "claim": detail.claim})


def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("articles:sitemap"))
    return render(request, "robots.txt", {"sitemap": sitemap}, content_type="text/plain; charset=utf-8")
