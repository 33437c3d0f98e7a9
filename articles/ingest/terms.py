"""Search terms of a text: what the index stores for one field.

Each mode-C word (normalised, folded) followed by its mode-A parts, in text order, and for
each term its place in the original text, packed as (start delta, length) pairs of 16-bit
integers (about 4 bytes a term) so that snippets can be cut from the original text.

>>> field = index_field("東京都に")
>>> field.terms, decode_offsets(field.offsets)
('東京都 東京 都 に', [(0, 3), (0, 2), (2, 3), (3, 4)])
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, chain

from .analysis import Token, analyse

_MAX = 0xFFFF


@dataclass(frozen=True, slots=True)
class IndexedField:
    terms: str  # space-separated terms
    offsets: bytes  # encode_offsets() of the terms' spans

    @property
    def spans(self) -> list[tuple[int, int]]:
        return decode_offsets(self.offsets)


EMPTY = IndexedField("", b"")


def index_field(text: str, tokens: Sequence[Token] | None = None) -> IndexedField:
    if not text:
        return EMPTY
    if tokens is None:
        tokens = analyse(text)
    flat = [(term, token.start + start, end - start) for token in tokens for term, start, end in token.terms]
    starts = [start for _, start, _ in flat]
    deltas = [start - previous for previous, start in zip([0, *starts], starts, strict=False)]
    lengths = [length for _, _, length in flat]
    if flat and (max(deltas) > _MAX or max(lengths) > _MAX):  # absurd gaps: clamp, do not fail
        deltas = [min(d, _MAX) for d in deltas]
        lengths = [min(n, _MAX) for n in lengths]
    values = array("H", chain.from_iterable(zip(deltas, lengths, strict=True)))
    return IndexedField(" ".join(term for term, _, _ in flat), values.tobytes())


def decode_offsets(blob: bytes) -> list[tuple[int, int]]:
    values = array("H")
    values.frombytes(bytes(blob))
    starts = list(accumulate(values[0::2]))
    return [(start, start + length) for start, length in zip(starts, values[1::2], strict=True)]
