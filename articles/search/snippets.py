"""Snippets: a window of the original text around the best match, escaped, with <mark>.

The index stores, for title and body, each term's offsets in the original text, so the
snippet is cut from what the reader will see (FTS5's snippet() would show the indexed
terms, and PostgreSQL's ts_headline cannot segment Japanese).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from itertools import accumulate

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WINDOW = 120  # characters of context in a snippet


def match_spans(terms: str, offsets: bytes, wanted: Iterable[str], *, per_term: int = 12) -> list[tuple[int, int]]:
    """Character spans of the `wanted` terms (at most `per_term` occurrences each) in the
    original text, without overlaps (a word beats its parts), spans that touch joined (the
    phrase "日本代表" is marked as one run, not as 日本 and 代表).

    `terms` is the indexed field (space-separated terms) and `offsets` its encoded spans;
    occurrences are found with str.find and numbered by counting the spaces before them,
    so that no Python loop walks the whole field."""
    padded = f" {terms} "
    positions: set[int] = set()
    for term in wanted:
        needle = f" {term} "
        found = padded.find(needle)
        for _ in range(per_term):
            if found < 0:
                break
            positions.add(padded.count(" ", 0, found))
            found = padded.find(needle, found + 1)
    if not positions:
        return []
    values = array("H")
    values.frombytes(bytes(offsets))
    starts = list(accumulate(values[0::2]))
    lengths = values[1::2]
    spans: list[tuple[int, int]] = []
    for index in sorted(positions):
        if index >= len(starts):
            break
        start, end = starts[index], starts[index] + lengths[index]
        if spans and start < spans[-1][1]:
            continue
        if spans and start == spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def highlight(text: str, spans: Sequence[tuple[int, int]], *, window: int = WINDOW, whole: bool = False) -> SafeString:
    """The part of `text` with the most matches within `window` characters, escaped, marked;
    all of it when `whole` (titles)."""
    if whole:
        start, end, chosen = 0, len(text), spans
    elif not spans:
        start, end, chosen = 0, min(len(text), window), []
    else:
        best, best_count, right = 0, 0, 0
        for left, (span_start, _) in enumerate(spans):
            while right < len(spans) and spans[right][1] - span_start <= window:
                right += 1
            if right - left > best_count:
                best, best_count = left, right - left
        start = max(0, spans[best][0] - window // 4)
        end = min(len(text), start + window)
        chosen = spans[best : best + best_count]
    parts = ["…" if start > 0 else ""]
    cursor = start
    for span_start, span_end in chosen:
        if span_end > end:
            break
        parts.append(escape(text[cursor:span_start]))
        parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    parts.append(escape(text[cursor:end]))
    parts.append("…" if end < len(text) else "")
    return mark_safe("".join(parts).replace("\n", " "))
