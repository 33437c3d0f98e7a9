"""Snippets: a window of the original text around the best match, escaped, with <mark>.

The index stores, for title and body, each term's offsets in the original text, so the
snippet is cut from what the reader will see (FTS5's snippet() would show the indexed
terms, and PostgreSQL's ts_headline cannot segment Japanese).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WINDOW = 120  # characters of context in a snippet


def match_spans(
    terms: Sequence[str], offsets: Sequence[tuple[int, int]], wanted: Iterable[str]
) -> list[tuple[int, int]]:
    """Character spans of the terms in `wanted`, without overlaps (a word beats its parts)."""
    wanted = set(wanted)
    spans: list[tuple[int, int]] = []
    for term, span in zip(terms, offsets, strict=False):
        if term in wanted:
            if spans and span[0] < spans[-1][1]:
                continue
            spans.append(span)
    return spans


def highlight(text: str, spans: Sequence[tuple[int, int]], *, window: int = WINDOW) -> SafeString:
    """The part of `text` with the most matches within `window` characters, escaped, marked."""
    if not spans:
        cut = text[:window]
        return mark_safe(escape(cut) + ("…" if len(text) > window else ""))
    best, best_count = 0, 0
    right = 0
    for left, (start, _) in enumerate(spans):
        while right < len(spans) and spans[right][1] - start <= window:
            right += 1
        if right - left > best_count:
            best, best_count = left, right - left
    first = spans[best][0]
    start = max(0, first - window // 4)
    end = min(len(text), start + window)
    parts = ["…" if start > 0 else ""]
    cursor = start
    for span_start, span_end in spans[best : best + best_count]:
        if span_end > end:
            break
        parts.append(escape(text[cursor:span_start]))
        parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    parts.append(escape(text[cursor:end]))
    parts.append("…" if end < len(text) else "")
    return mark_safe("".join(parts).replace("\n", " "))
