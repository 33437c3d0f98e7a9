"""Search terms of a text: what the index stores for one field.

Each mode-C word (normalised, folded) followed by its mode-A parts, in text order, and for
each term its place in the original text, packed as (start delta, length) pairs of 16-bit
integers in native byte order (about 4 bytes a term) so that snippets can be cut from the
original text.

>>> field = index_field("東京都に")
>>> field.terms, decode_offsets(field.offsets)
('東京都 東京 都 に', [(0, 3), (0, 2), (2, 3), (3, 4)])
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from operator import sub

from .analysis import Token, search_terms

_MAX = 0xFFFF


@dataclass(frozen=True, slots=True)
class IndexedField:
    terms: str  # space-separated terms
    offsets: bytes  # the terms' (start delta, length) pairs; decode_offsets() reads them


EMPTY = IndexedField("", b"")


def index_field(text: str, tokens: Sequence[Token] | None = None) -> IndexedField:
    if not text:
        return EMPTY
    if tokens is None:  # indexing alone: straight from the analyser, no tokens built
        terms, pairs = search_terms(text)
    else:
        terms = " ".join(term for token in tokens for term, _, _ in token.terms)
        starts = [token.start + start for token in tokens for _, start, _ in token.terms]
        pairs = [0] * (2 * len(starts))  # (start delta, length) pairs, flattened
        pairs[0::2] = map(sub, starts, [0, *starts])
        pairs[1::2] = [end - start for token in tokens for _, start, end in token.terms]
    try:  # struct packs a list twice as fast as array() converts one
        offsets = struct.pack(f"={len(pairs)}H", *pairs)
    except struct.error:  # absurd gaps: clamp, do not fail
        offsets = struct.pack(f"={len(pairs)}H", *(min(v, _MAX) for v in pairs))
    return IndexedField(terms, offsets)


def index_fields_of(texts: list[tuple[str, str, str]]) -> list[tuple[IndexedField, IndexedField, IndexedField]]:
    """(title, headings, body) fields for each (title, headings, body) text: the work of a
    re-index, in a form worker processes can take."""
    return [(index_field(title), index_field(headings), index_field(body)) for title, headings, body in texts]


def decode_offsets(blob: bytes) -> list[tuple[int, int]]:
    values = array("H")
    values.frombytes(bytes(blob))
    starts = list(accumulate(values[0::2]))
    return [(start, start + length) for start, length in zip(starts, values[1::2], strict=True)]
