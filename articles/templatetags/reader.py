"""Markup for the reader pages: the article body with its mentions and claims marked, a
claim in its paragraph, absolute URLs, and schema.org JSON-LD.

    {% load reader %}
    {% article_body detail %}              {% claim_context detail %}
    {% absolute_url article.get_absolute_url %}    {{ article.body|excerpt:160 }}
    {% news_article_json_ld detail %}      {% claim_review_json_ld claim %}
    {% page_query "claims_page" 3 %}        {% page_numbers page as numbers %}

Imported text only ever reaches the page escaped (articles.rendering) or inside JSON-LD
with <, > and & written as \\u escapes, so a title holding "</script>" stays data.
"""

from __future__ import annotations

import json

from django import template
from django.core.exceptions import DisallowedHost
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from articles.models import Claim, Entity
from articles.rendering import body_html, claim_span, mention_span

register = template.Library()

# schema.org types of the entity kinds
SCHEMA_TYPES = {
    Entity.Kind.PERSON: "Person",
    Entity.Kind.ORGANIZATION: "Organization",
    Entity.Kind.PLACE: "Place",
    Entity.Kind.PRODUCT: "Product",
    Entity.Kind.EVENT: "Event",
}
# ClaimReview ratings on a 1 (false) to 5 (true) scale
RATINGS = {Claim.Status.VERIFIED: 5, Claim.Status.DISPUTED: 1}
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _mention_spans(mentions, shift: int = 0) -> list:
    urls: dict[int, str] = {}  # reverse() once per entity, not once per mention
    spans = []
    for mention in mentions:
        if mention.entity_id not in urls:
            urls[mention.entity_id] = mention.entity.get_absolute_url()
        spans.append(mention_span(mention.start - shift, mention.end - shift, urls[mention.entity_id],
                                  mention.entity.name))
    return spans


def _claim_spans(claims, shift: int = 0) -> list:
    return [claim_span(c.start - shift, c.end - shift, f"claim-{c.status}", f"claim-{c.pk}") for c in claims]


@register.simple_tag
def article_body(detail) -> SafeString:
    """The body's paragraphs, entity mentions linked, public claims marked (anchors claim-<id>)."""
    return body_html(detail.article.body, [*_mention_spans(detail.mentions), *_claim_spans(detail.claims)])


@register.simple_tag
def claim_context(detail) -> SafeString:
    """The claim's paragraph, the claim marked and the mentions in it linked."""
    claim, start = detail.claim, detail.context_start
    spans = _mention_spans(detail.context_mentions, shift=start)
    if start <= claim.start <= claim.end <= detail.context_end:
        spans += _claim_spans([claim], shift=start)
    return body_html(detail.context, spans)


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    try:
        return context["request"].build_absolute_uri(path)
    except DisallowedHost:  # the 400 page for that very Host header: the path is all we trust
        return path


@register.filter
def excerpt(text: str, length: int = 160) -> str:
    """`text` on one line, cut to `length` characters: for descriptions and previews."""
    return Truncator(" ".join(str(text).split())).chars(length)


@register.filter
def json_ld(data: dict) -> SafeString:
    """A JSON-LD block; the escapes keep "</script>" and "<!--" in the data from ending it."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag(takes_context=True)
def news_article_json_ld(context, detail) -> SafeString:
    request, article = context["request"], detail.article
    url = request.build_absolute_uri(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": excerpt(article.body),
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": article.language,
        "dateModified": article.updated_at,
    }
    if article.published_at:
        data["datePublished"] = article.published_at
    if article.source:
        data["publisher"] = {
            "@type": "Organization",
            "name": article.source.name,
            "url": article.source.url or request.build_absolute_uri(article.source.get_absolute_url()),
        }
    if article.source_url:
        data["isBasedOn"] = article.source_url
    if detail.entities:
        data["mentions"] = [
            {"@type": SCHEMA_TYPES.get(e.kind, "Thing"), "name": e.name,
             "url": request.build_absolute_uri(e.get_absolute_url())}
            for e in detail.entities
        ]
    if detail.cited_sources:
        data["citation"] = [{"@type": "Organization", "name": s.name} for s in detail.cited_sources]
    return json_ld(data)


@register.simple_tag(takes_context=True)
def claim_review_json_ld(context, claim) -> SafeString:
    """A ClaimReview for a verified or disputed claim; nothing for the others."""
    if claim.status not in RATINGS:
        return mark_safe("")
    request, article = context["request"], claim.article
    appearance = {
        "@type": "NewsArticle",
        "headline": article.title,
        "url": request.build_absolute_uri(article.get_absolute_url()),
    }
    if article.published_at:
        appearance["datePublished"] = article.published_at
    reviewed = {"@type": "Claim", "appearance": appearance}
    if claim.speaker:
        reviewed["author"] = {"@type": SCHEMA_TYPES.get(claim.speaker.kind, "Thing"), "name": claim.speaker.name}
    elif claim.attributed_to:
        reviewed["author"] = {"@type": "Organization", "name": claim.attributed_to.name}
    return json_ld({
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": request.build_absolute_uri(claim.get_absolute_url()),
        "claimReviewed": claim.text,
        "datePublished": claim.reviewed_at or claim.updated_at,
        "author": {
            "@type": "Organization",
            "name": _("News archive"),
            "url": request.build_absolute_uri(reverse("articles:home")),
        },
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATINGS[claim.status],
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": claim.get_status_display(),
        },
        "itemReviewed": reviewed,
    })


@register.simple_tag(takes_context=True)
def page_query(context, param: str, number: int) -> str:
    """This page's address with `param` set to `number` (left out for the first page)."""
    request = context["request"]
    params = request.GET.copy()
    params.pop(param, None)
    if number != 1:
        params[param] = number
    return f"?{params.urlencode()}" if params else request.path


@register.simple_tag
def page_numbers(page) -> list:
    """Page numbers around the current one, with Paginator.ELLIPSIS for the gaps."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
