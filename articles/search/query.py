"""Reading a reader's query: words, "quoted phrases" and -exclusions, analysed like the index.

Nothing else is syntax: AND, OR, NEAR, *, ^, parentheses and colons are ordinary text, and
what reaches a database is always a bound parameter or a quoted term (see the backends).

>>> parse_query('東京 "東京都 知事" -大阪').required
[('東京',), ('東京都', '東京', '都', '知事')]
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


@dataclass
class ParsedQuery:
    # each entry is a sequence of terms that must occur in order (one term: a plain word)
    required: list[tuple[str, ...]] = field(default_factory=list)
    excluded: list[tuple[str, ...]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.required

    @property
    def highlight_terms(self) -> frozenset[str]:
        return frozenset(term for phrase in self.required for term in phrase)


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
        if phrase is not None:
            terms = tuple(_phrase_terms(phrase))[:budget]
            if terms:
                target.append(terms)
                budget -= len(terms)
        else:
            for term in _word_terms(word.strip(_QUOTES))[:budget]:
                target.append((term,))
                budget -= 1
        if budget <= 0:
            break
    return query


def _word_terms(text: str) -> list[str]:
    """A word typed without quotes: each of its mode-C words must match (in any order)."""
    return list(dict.fromkeys(token.terms[0][0] for token in analyse(text) if token.terms))


def _phrase_terms(text: str) -> list[str]:
    """A quoted phrase: the full term stream (words and their parts), as the index holds it.
    Spaces between Japanese characters go first: "東京都 知事" means the text 東京都知事."""
    text = _CJK_SPACE.sub("", text)
    return [term for token in analyse(text) for term, _, _ in token.terms]
