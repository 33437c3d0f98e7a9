"""Reading a reader's query: words, "quoted phrases" and -exclusions, analysed like the index.

Nothing else is syntax: AND, OR, NEAR, *, ^, parentheses and colons are ordinary text, and
what reaches a database is always a bound parameter or a quoted term (see the backends).

Each part of a query is met by any one of a few phrases. SudachiPy may cut the same letters
into different words in a query and in an article: 東京都 alone is one word, but in 東京都中央区
only its parts 東京 and 都 stand in the index, next to each other. So a compound word is also
met by its mode-A parts in order, and a quoted phrase by the mode-A words it is made of.

>>> parse_query('京都 "都知事 選挙" -大阪').required
[(('京都',),), (('都知事選挙', '都', '知事', '選挙'), ('都', '知事', '選挙'))]
>>> parse_query('東京都').required
[(('東京都',), ('東京', '都'))]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from articles.ingest.analysis import analyse

MAX_QUERY_CHARS = 256
MAX_TERMS = 32
_QUOTES = "\"“”＂"
_PIECE = re.compile(r'(-?)(?:["“”＂]([^"“”＂]*)["“”＂]?|(\S+))')
# control characters, and lone surrogates (a str can hold them; no encoder takes them)
_UNREADABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")


Phrase = tuple[str, ...]  # terms that must stand next to each other, in this order
Either = tuple[Phrase, ...]  # phrases any one of which will do


@dataclass
class ParsedQuery:
    required: list[Either] = field(default_factory=list)  # all of these must match
    excluded: list[Either] = field(default_factory=list)  # none of these may

    @property
    def is_empty(self) -> bool:
        return not self.required

    @property
    def highlight_phrases(self) -> frozenset[Phrase]:
        return frozenset(phrase for either in self.required for phrase in either)


def query_text(text: str | None) -> str:
    """The part of `text` a query reads: unreadable characters as spaces, cut to MAX_QUERY_CHARS."""
    return _UNREADABLE.sub(" ", text or "")[:MAX_QUERY_CHARS]


def parse_query(text: str) -> ParsedQuery:
    text = query_text(text).replace("\u3000", " ")
    query = ParsedQuery()
    budget = MAX_TERMS
    for match in _PIECE.finditer(text):
        negative, phrase, word = match.group(1), match.group(2), match.group(3)
        target = query.excluded if negative else query.required
        for fullest, *others in [_phrase(phrase)] if phrase is not None else _words(word.strip(_QUOTES)):
            # past the budget: the fullest phrase cut short, without the others
            fullest = fullest[:budget]
            budget -= len(fullest)
            others = [p for p in others if len(p) <= budget]
            budget -= sum(map(len, others))
            if fullest:
                target.append((fullest, *others))
            if budget <= 0:
                return query
    return query


def _words(text: str) -> list[Either]:
    """A word typed without quotes: each of its mode-C words must match (in any order), as
    itself or as its mode-A parts in order."""
    eithers: dict[str, Either] = {}
    for token in analyse(text):
        if token.terms:
            word, *parts = (term for term, _, _ in token.terms)
            eithers.setdefault(word, ((word,), tuple(parts)) if parts else ((word,),))
    return list(eithers.values())


def _phrase(text: str) -> Either:
    """A quoted phrase: the full term stream (words and their parts), as the index holds it,
    or the mode-A words alone. Spaces between Japanese characters go first: "東京都 知事"
    means the text 東京都知事."""
    tokens = analyse(_CJK_SPACE.sub("", text))
    stream = tuple(term for token in tokens for term, _, _ in token.terms)
    finest = tuple(term for token in tokens for term, _, _ in token.terms[1:] or token.terms)
    return (stream, finest) if finest != stream else (stream,)
