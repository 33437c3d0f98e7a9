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


def match_spans(
    terms: str, offsets: bytes, wanted: Iterable[tuple[str, ...]], *,
    open_ended: Iterable[tuple[str, ...]] = (), per_phrase: int = 12,
) -> list[tuple[int, int]]:
    """Character spans in the original text of the terms where the `wanted` phrases occur (at
    most `per_phrase` occurrences each), without overlaps (a word beats its parts). An
    `open_ended` phrase's last term may be the start of a longer term, which is marked whole.

    `terms` is the indexed field (space-separated terms) and `offsets` its encoded spans;
    occurrences are found with str.find and numbered by counting the spaces before them,
    so that no Python loop walks the whole field."""
    padded = f" {terms} "
    positions: set[int] = set()
    searched = [(phrase, " ") for phrase in wanted] + [(phrase, "") for phrase in open_ended]
    for phrase, end in searched:
        needle = f" {' '.join(phrase)}{end}"
        found = padded.find(needle)
        for _ in range(per_phrase):
            if found < 0:
                break
            first = padded.count(" ", 0, found)
            positions.update(range(first, first + len(phrase)))
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
        start = starts[index]
        if spans and start < spans[-1][1]:
            continue
        spans.append((start, start + lengths[index]))
    return spans


def highlight(text: str, spans: Sequence[tuple[int, int]], *, window: int = WINDOW, whole: bool = False) -> SafeString:
    """The part of `text` with the most matches within `window` characters, escaped, marked
    (matches that touch in one mark); all of it when `whole` (titles)."""
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
    runs: list[tuple[int, int]] = []  # the shown spans, those that touch joined: one <mark> for 日本代表
    for span_start, span_end in chosen:
        if span_end > end:
            break
        if runs and span_start == runs[-1][1]:
            runs[-1] = (runs[-1][0], span_end)
        else:
            runs.append((span_start, span_end))
    parts = ["…" if start > 0 else ""]
    cursor = start
    for run_start, run_end in runs:
        parts.append(escape(text[cursor:run_start]))
        parts.append(f"<mark>{escape(text[run_start:run_end])}</mark>")
        cursor = run_end
    parts.append(escape(text[cursor:end]))
    parts.append("…" if end < len(text) else "")
    return mark_safe("".join(parts).replace("\n", " "))
