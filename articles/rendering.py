"""Article text as safe HTML: the body's paragraphs, with mentions and claims marked.

Imported text is never trusted: every piece of it is escaped, and only the markup made
here is marked safe. Used by the public article page and the admin.

    body_html(article.body, mentions=[(start, end, url, title)], claims=[(start, end, css, anchor)])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    open_html: str  # safe markup, built with format_html
    close_html: str


def mention_span(start: int, end: int, url: str, title: str) -> Span:
    return Span(start, end, format_html('<a class="mention" href="{}" title="{}">', url, title), "</a>")


def claim_span(start: int, end: int, css_class: str, anchor: str) -> Span:
    return Span(start, end, format_html('<mark class="claim {}" id="{}">', css_class, anchor), "</mark>")


def body_html(body: str, spans: Sequence[Span] = ()) -> SafeString:
    """Paragraphs (<p>, split at blank lines) of `body`, escaped, with `spans` marked.

    Claims hold mentions and never overlap each other; a span that would cross another or a
    paragraph break is cut back to what nests."""
    paragraphs = []
    start = 0
    for block in body.split("\n\n"):
        end = start + len(block)
        inside = [s for s in spans if start <= s.start and s.end <= end]
        paragraphs.append(_paragraph(body, start, end, inside))
        start = end + 2
    return mark_safe("\n".join(paragraphs))


def _paragraph(body: str, start: int, end: int, spans: Sequence[Span]) -> str:
    # outer spans first (longest), so that a mention opens inside its claim
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    html: list[str] = ["<p>"]
    cursor = start
    stack: list[Span] = []
    for span in ordered:
        while stack and stack[-1].end <= span.start:
            cursor = _close(body, html, cursor, stack.pop())
        if stack and span.end > stack[-1].end:
            continue  # crosses the span it starts in: leave it out
        html.append(escape(body[cursor : span.start]))
        html.append(span.open_html)
        cursor = span.start
        stack.append(span)
    while stack:
        cursor = _close(body, html, cursor, stack.pop())
    html.append(escape(body[cursor:end]))
    html.append("</p>")
    return "".join(html).replace("\n", "<br>")


def _close(body: str, html: list[str], cursor: int, span: Span) -> int:
    html.append(escape(body[cursor : span.end]))
    html.append(span.close_html)
    return span.end
