"""Reading a reader's query: words, "quoted phrases" and -exclusions, analysed like the index.

Nothing else is syntax: AND, OR, NEAR, *, ^, parentheses and colons are ordinary text, and
what reaches a database is always a bound parameter or a quoted term (see the backends).

SudachiPy may cut the same letters into different words in a query and in an article: 東京都
alone is one word, but in 東京都中央区 only its parts 東京 and 都 stand in the index, next to each
other. So a word is also met by its mode-A parts in order, and a quoted phrase by the mode-A
words it is made of. A word typed without spaces that holds several words (日本代表: 日本 代表)
needs each of them anywhere, but the articles where they stand as typed rank higher.

>>> parse_query('"都知事 選挙"').required[0].phrases
(('都知事選挙', '都', '知事', '選挙'), ('都', '知事', '選挙'))
>>> parse_query('東京都 -京都').required[0].words, parse_query('東京都 -京都').excluded[0].words
(((('東京都',), ('東京', '都')),), ((('京都',),),))
>>> parse_query('日本代表').required
[Part(words=((('日本',),), (('代表',),)), phrases=(('日本', '代表'),))]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from articles.ingest.analysis import SENTENCE_BREAK, analyse

MAX_QUERY_CHARS = 256
MAX_TERMS = 32
_QUOTES = "\"“”＂"
_PIECE = re.compile(r'(-?)(?:["“”＂]([^"“”＂]*)["“”＂]?|(\S+))')
# control characters, and lone surrogates (a str can hold them; no encoder takes them)
_UNREADABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")


Phrase = tuple[str, ...]  # terms that must stand next to each other, in this order
Either = tuple[Phrase, ...]  # phrases any one of which will do


@dataclass(frozen=True)
class Part:
    """What one word or quoted phrase of a query asks for: each of `words` anywhere (each met
    by any of its phrases), or one of `phrases`. Beside words, the phrases find nothing more
    (each holds all the words), but rank where they occur; alone, they are what must match."""

    words: tuple[Either, ...] = ()
    phrases: Either = ()

    @property
    def size(self) -> int:
        return sum(len(phrase) for either in (*self.words, self.phrases) for phrase in either)

    def within(self, budget: int) -> Part:
        """This part with at most `budget` terms: the phrases that only rank go first, then
        words from the end, then the parts of words; a phrase that must match is cut short."""
        if self.size <= budget:
            return self
        if not self.words:
            fullest = self.phrases[0][:budget]
            others = tuple(p for p in self.phrases[1:] if len(p) <= budget - len(fullest))
            return Part(phrases=(fullest, *others) if fullest else ())
        words = [either[:1] for either in self.words[:budget]]  # each word itself, then its parts if they fit
        left = budget - len(words)
        for index, either in enumerate(self.words[: len(words)]):
            if len(either) > 1 and len(either[1]) <= left:
                words[index] = either
                left -= len(either[1])
        return Part(words=tuple(words))

    @property
    def highlighted(self) -> Iterator[Phrase]:
        for either in (*self.words, self.phrases):
            yield from either


@dataclass
class ParsedQuery:
    required: list[Part] = field(default_factory=list)  # all of these must match
    excluded: list[Part] = field(default_factory=list)  # none of these may

    @property
    def is_empty(self) -> bool:
        return not self.required

    @property
    def highlight_phrases(self) -> frozenset[Phrase]:
        return frozenset(phrase for part in self.required for phrase in part.highlighted)


def query_text(text: str | None) -> str:
    """The part of `text` a query reads: unreadable characters as spaces, cut to MAX_QUERY_CHARS."""
    return _UNREADABLE.sub(" ", text or "")[:MAX_QUERY_CHARS]


def parse_query(text: str) -> ParsedQuery:
    """What `text` asks for, in at most MAX_TERMS terms of required parts and as many excluded.
    Past its budget, a required part is cut short; an excluded part is left out whole, since
    cut it would exclude other articles than the ones its word finds."""
    text = query_text(text).replace("\u3000", " ")
    query = ParsedQuery()
    required = excluded = MAX_TERMS  # the terms left for each
    for match in _PIECE.finditer(text):
        negative, quoted, word = match.group(1), match.group(2), match.group(3)
        part = _phrase(quoted) if quoted is not None else _word(word.strip(_QUOTES))
        if not (part.words or part.phrases):
            continue
        if negative:
            if part.size <= excluded:
                query.excluded.append(part)
                excluded -= part.size
        elif required > 0:
            part = part.within(required)
            query.required.append(part)
            required -= part.size
    return query


def _word(text: str) -> Part:
    """A word typed without quotes: each of its mode-C words, as itself or as its mode-A parts
    in order; where several, they rank higher side by side, as a quoted phrase would match."""
    words: dict[str, Either] = {}
    for token in analyse(text):
        if token.terms and token.terms[0][0] != SENTENCE_BREAK:
            word, *parts = (term for term, _, _ in token.terms)
            words.setdefault(word, ((word,), tuple(parts)) if parts else ((word,),))
    return Part(words=tuple(words.values()), phrases=_phrase(text).phrases if len(words) > 1 else ())


def _phrase(text: str) -> Part:
    """A quoted phrase: the full term stream (words and their parts), as the index holds it,
    or the mode-A words alone. Spaces between Japanese characters go first: "東京都 知事"
    means the text 東京都知事."""
    tokens = analyse(_CJK_SPACE.sub("", text))
    stream = tuple(term for token in tokens for term, _, _ in token.terms)
    finest = tuple(term for token in tokens for term, _, _ in token.terms[1:] or token.terms)
    if not stream:
        return Part()
    return Part(phrases=(stream, finest) if finest != stream else (stream,))
