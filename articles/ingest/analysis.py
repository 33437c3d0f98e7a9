"""SudachiPy analysis shared by extraction and search: one dictionary per process, one
tokenizer per thread (a SudachiPy tokenizer must not be shared between threads), texts
analysed a few lines at a time.

>>> [t.surface for t in analyse("東京都に住む")]
['東京都', 'に', '住む']
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

from sudachipy import Dictionary, SplitMode

_SKIPPED_POS = frozenset({"補助記号", "空白"})
# The term that stands for a sentence end (。！？) or a line break, where the other symbols and
# spaces stand for nothing: words on either side of one are not side by side, so that neither a
# phrase nor a compound's parts (大阪市: 大阪 市) match across 大阪。市は. Full-width letters:
# every other term is NFKC-folded, so no word of an article or a query is ever this one.
SENTENCE_BREAK = "ｂｒ"
_local = threading.local()
_dictionary_lock = threading.Lock()
_dictionary: Dictionary | None = None


class Token(NamedTuple):
    surface: str
    start: int  # character offsets into the analysed text
    end: int
    pos: tuple[str, ...]  # SudachiPy's six part-of-speech fields
    normalized: str  # SudachiPy's normalized_form()
    oov: bool
    # search terms: the folded mode-C word, then its folded mode-A parts, each with its
    # offsets RELATIVE to the token's start (shared between tokens of the same word)
    terms: tuple[tuple[str, int, int], ...]
    key: str  # the word's share of a name key: fold(normalized), "" for symbols and spaces
    flags: int  # entities.word_flags(): what entity extraction asks of the word


# Characters NFKC leaves as they are and that never combine with the character before them
# (ASCII, kana, CJK ideographs, 、。「」): a text can be normalised in pieces cut before any
# of them. Most of a Japanese text is made of them, and unicodedata normalises slowly.
_NFKC_STABLE = "\t\n\r -~\u3001\u3002\u3005\u3007\u300c-\u300f\u3041-\u3096\u30a1-\u30fc\u4e00-\u9fff"
_NFKC_UNSTABLE = re.compile(f"[^{_NFKC_STABLE}]+")


def fold(text: str) -> str:
    """The matching form of a word: NFKC then casefold (ＣＥＯ, CEO and ceo fold together)."""
    if len(text) < 64:  # a word: cutting it up would cost more than it saves
        return unicodedata.normalize("NFKC", text).casefold()
    pieces = []
    done = 0
    for run in _NFKC_UNSTABLE.finditer(text):
        # normalise each run with the stable character before it, which it may combine with
        start = max(run.start() - 1, 0)
        pieces.append(text[done:start])
        pieces.append(unicodedata.normalize("NFKC", text[start : run.end()]))
        done = run.end()
    pieces.append(text[done:])
    return "".join(pieces).casefold()


class _Separators(dict):
    """A str.translate() table that turns every character a term is not made of into "-".

    A term is made of letters, marks, numbers and private-use characters; any other character
    (・ in イー・モバイル, ×, ‐, emoji, a zero-width space) stands between two terms, as ASCII
    punctuation does. "-" is ASCII punctuation: SQLite's FTS5 `ascii` tokenizer splits there
    (migration 0011), and PostgreSQL's vectors read it as a space (migration 0009), so both
    databases split where the Unicode categories say, without FTS5's costlier `unicode61`
    tokenizer."""

    def __missing__(self, code: int) -> int | str:
        category = unicodedata.category(chr(code))
        kept = code < 0x80 or category[0] in "LMN" or category == "Co"
        self[code] = code if kept else "-"
        return self[code]


_SEPARATORS = _Separators()


def _as_term(folded: str) -> str:
    """A folded word as a search term: no whitespace (the index separates terms by it), and
    "-" for the characters that separate terms."""
    return "".join(folded.split()).translate(_SEPARATORS)


def _get_dictionary() -> Dictionary:
    global _dictionary
    with _dictionary_lock:
        if _dictionary is None:
            _dictionary = Dictionary(dict="core")
        return _dictionary


class _Analyser:
    """Per-thread state: the tokenizer, and what each dictionary word analyses to (its part of
    speech, normalized form and search terms), worked out once per word, not per occurrence."""

    MAX_CACHED_WORDS = 500_000

    def __init__(self) -> None:
        dictionary = _get_dictionary()
        self.tokenizer = dictionary.tokenizer(mode=SplitMode.C)
        self.pos_of = lru_cache(maxsize=None)(dictionary.pos_of)
        from .entities import word_flags  # here: entities imports this module

        self.word_flags = word_flags
        self.words: dict[tuple[int, str], tuple] = {}
        self.layouts: dict[tuple[int, str], tuple] = {}
        # the same for dictionary words by word id alone: the layout of the first surface seen,
        # used where the length it starts with fits. A word's layout depends on its surface
        # only through the length (ｶﾞｽ for ガス is longer), and the id and the end offset cost
        # two calls that return numbers, where asking SudachiPy for the surface builds a string.
        # Words out of the vocabulary share ids, so they go on to the (id, surface) pairs.
        self.layout_by_id: dict[int, tuple] = {}
        self.morphemes = None

    def word(self, morpheme, surface: str) -> tuple:
        """The Token fields after the offsets, which depend on the word alone."""
        pos = self.pos_of(morpheme.part_of_speech_id())
        normalized = morpheme.normalized_form()
        oov = morpheme.is_oov()
        terms: tuple = ()
        key = ""
        if surface and (pos[1] == "句点" or (pos[0] == "空白" and "\n" in surface)):
            terms = ((SENTENCE_BREAK, 0, len(surface)),)
        elif pos[0] not in _SKIPPED_POS:
            key = fold(normalized)
            folded = _as_term(key)
            terms = ((folded, 0, len(surface)),) if folded else ()
            parts = morpheme.split(SplitMode.A) if not oov else ()
            if len(parts) > 1:
                base = morpheme.begin()
                terms += tuple((_as_term(fold(p.normalized_form())), p.begin() - base, p.end() - base) for p in parts)
        word = (pos, normalized, oov, terms, key, self.word_flags(surface, pos, oov, terms))
        if len(self.words) < self.MAX_CACHED_WORDS:
            self.words[morpheme.word_id(), surface] = word
        return word

    def analyse(self, text: str) -> list[Token]:
        tokens: list[Token] = []
        words = self.words
        new = tuple.__new__
        for offset, chunk in chunks(text):
            self.morphemes = self.tokenizer.tokenize(chunk, out=self.morphemes)  # reuse the buffer
            # the morphemes cover the chunk end to end, so each starts where the one before
            # ended: a running offset spares a Morpheme.begin() call per token
            start = offset
            tokens += [
                # (surface, start, end, *word): `start` is read, then moved to the token's end
                new(Token, (surface, start, start := start + len(surface))
                    + (words.get((m.word_id(), surface)) or self.word(m, surface)))
                for m in self.morphemes
                for surface in (m.surface(),)
            ]
        return tokens

    def layout(self, morpheme, surface: str) -> tuple:
        """How a word lays out in the index, worked out once per word: the surface's length,
        its terms joined by spaces ("" for a word without terms: symbols, spaces), the first
        term's start in the word and length, the (start delta, length) pairs of the other
        terms flattened, and the last term's start in the word."""
        key = (morpheme.word_id(), surface)
        if key in self.layouts:
            return self.layouts[key]
        terms = (self.words.get(key) or self.word(morpheme, surface))[3]
        layout = (len(surface), "", 0, 0, (), 0)
        if terms:
            pairs: list[int] = []
            for (_, before, _), (_, start, end) in pairwise(terms):
                pairs += (start - before, end - start)
            _, first, first_end = terms[0]
            words = " ".join(t for t, _, _ in terms)
            layout = (len(surface), words, first, first_end - first, tuple(pairs), terms[-1][1])
        if len(self.layouts) < self.MAX_CACHED_WORDS:
            self.layouts[key] = layout
            if not morpheme.is_oov():
                self.layout_by_id.setdefault(key[0], layout)
        return layout

    def terms(self, text: str) -> tuple[str, list[int]]:
        """Only what the index stores of `text`, without building tokens (what re-indexing
        needs): its terms joined by spaces, and each term's (start delta, length) pair,
        flattened. One pass over the morphemes with each word's layout cached: building
        the lists term by term cost as much again as the loop itself."""
        by_id = self.layout_by_id
        pieces: list[str] = []
        append = pieces.append
        pairs: list[int] = []
        last = 0  # the start of the last term placed
        for offset, chunk in chunks(text):
            self.morphemes = self.tokenizer.tokenize(chunk, out=self.morphemes)
            start = 0  # morphemes cover the chunk end to end (see analyse())
            for m in self.morphemes:
                end = m.end()
                layout = by_id.get(m.word_id())
                if layout is None or layout[0] != end - start:
                    layout = self.layout(m, chunk[start:end])
                if layout[1]:
                    _, words, first, length, rest, last_start = layout
                    append(words)
                    here = offset + start
                    pairs += (here + first - last, length)
                    if rest:
                        pairs += rest
                    last = here + last_start
                start = end
        return " ".join(pieces), pairs


def _analyser() -> _Analyser:
    analyser = getattr(_local, "analyser", None)
    if analyser is None:
        analyser = _local.analyser = _Analyser()
    return analyser


def analyse(text: str) -> list[Token]:
    """Mode-C tokens of `text` with offsets into `text`, however long it is."""
    return _analyser().analyse(text)


def search_terms(text: str) -> tuple[str, list[int]]:
    """The search terms of `text`, space-separated, and their (start delta, length) pairs
    flattened: the same as the tokens' (terms.index_field() packs them)."""
    return _analyser().terms(text)


# Texts are analysed a few lines at a time: SudachiPy refuses an input over 49,149 bytes, and
# its cost grows faster than the text (each number or katakana word it joins moves the rest of
# the analysis in memory), so that a whole article costs about a tenth more than its pieces.
PIECE_CHARS = 250  # with the spaces after a cut, 1,300 bytes at most: far under the limit
_SENTENCE_END = re.compile(r"[。！？!?][」』）)]*\s{0,64}")
_SPACES = re.compile(r"\s{0,64}")


def chunks(text: str, size: int = PIECE_CHARS):
    """Yield (offset, piece) covering `text`, each piece `size` characters or so: cut after a
    line end where there is one (and the spaces after it, which SudachiPy reads as one word
    with it), else after a sentence end, else after a space or 、, else anywhere."""
    start = 0
    while len(text) - start > size:
        end = _cut_point(text, start, start + size)
        yield start, text[start:end]
        start = end
    if start < len(text) or not text:
        yield start, text[start:]


def _cut_point(text: str, start: int, limit: int) -> int:
    low = start + (limit - start) // 4  # no piece much shorter than `size`
    line_end = text.rfind("\n", low, limit)
    if line_end >= 0:
        return _SPACES.match(text, line_end + 1).end()
    sentence_ends = [m.end() for m in _SENTENCE_END.finditer(text, low, limit)]
    if sentence_ends:
        return sentence_ends[-1]
    space = max(text.rfind(" ", low, limit), text.rfind("\u3000", low, limit), text.rfind("、", low, limit))
    return space + 1 if space >= 0 else limit
