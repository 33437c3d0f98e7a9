"""Reading a reader's query: words, "quoted phrases" and -exclusions, analysed like the index.

Nothing else is syntax: AND, OR, NEAR, *, ^, parentheses and colons are ordinary text, and
what reaches a database is always a bound parameter or a quoted term (see the backends).

SudachiPy may cut the same letters into different words in a query and in an article: 東京都
alone is one word, but in 東京都中央区 only its parts 東京 and 都 stand in the index, next to each
other. So a word is also met by its mode-A parts in order, and a quoted phrase by the mode-A
words it is made of. A quoted phrase's last word may also begin a longer word of the article:
"日本代表" finds サッカー日本代表戦, where 代表戦 is one word and its parts follow it in the index.
A word typed without spaces that holds several words (日本代表: 日本 代表) needs each of them
anywhere, but the articles where they stand as typed rank higher.

>>> parse_query('"都知事 選挙"').required[0].phrases
(('都知事選挙', '都', '知事', '選挙'),)
>>> parse_query('東京都 -京都').required[0].words, parse_query('東京都 -京都').excluded[0].words
(((('東京都',), ('東京', '都')),), ((('京都',),),))
>>> parse_query('日本代表').required
[Part(words=((('日本',),), (('代表',),)), phrases=(('日本', '代表'),), open_ended=())]
>>> parse_query('"日本代表"').required
[Part(words=(), phrases=(), open_ended=(('日本', '代表'),))]
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
    by any of its phrases), or one of `phrases` or `open_ended`. Beside words, the phrases find
    nothing more (each holds all the words), but rank where they occur; alone, they are what
    must match."""

    words: tuple[Either, ...] = ()
    phrases: Either = ()
    # phrases whose last term may also be the start of a term of the article (日本 代表 matches
    # 日本 代表戦): a quoted phrase's mode-A words
    open_ended: Either = ()

    @property
    def size(self) -> int:
        return sum(len(phrase) for either in (*self.words, self.phrases, self.open_ended) for phrase in either)

    def within(self, budget: int) -> Part:
        """This part with at most `budget` terms: the phrases that only rank go first, then
        words from the end, then the parts of words; a phrase that must match keeps its forms
        while they fit, fullest first, else it is cut short."""
        if self.size <= budget:
            return self
        if not self.words:
            forms = [(phrase, False) for phrase in self.phrases] + [(phrase, True) for phrase in self.open_ended]
            fullest = forms[0][0]
            if len(fullest) > budget:  # cut short: its other forms are not its own
                return Part(phrases=(fullest[:budget],))
            kept: list[tuple[Phrase, bool]] = []
            for phrase, is_open in forms:
                if len(phrase) > budget:
                    break
                kept.append((phrase, is_open))
                budget -= len(phrase)
            return Part(phrases=tuple(p for p, is_open in kept if not is_open),
                        open_ended=tuple(p for p, is_open in kept if is_open))
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

    @property
    def highlight_open_ended(self) -> frozenset[Phrase]:
        return frozenset(phrase for part in self.required for phrase in part.open_ended)


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
        if not part.size:
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
    if len(words) < 2:
        return Part(words=tuple(words.values()))
    side_by_side = _phrase(text)  # its forms, each closed: they only rank
    return Part(words=tuple(words.values()), phrases=(*side_by_side.phrases, *side_by_side.open_ended))


def _phrase(text: str) -> Part:
    """A quoted phrase: the full term stream (words and their parts), as the index holds it,
    or the mode-A words alone, whose last may also begin a longer word (see _opens_words).
    Spaces between Japanese characters go first: "東京都 知事" means the text 東京都知事."""
    tokens = analyse(_CJK_SPACE.sub("", text))
    stream = tuple(term for token in tokens for term, _, _ in token.terms)
    finest = tuple(term for token in tokens for term, _, _ in token.terms[1:] or token.terms)
    if not stream:
        return Part()
    open_ended = (finest,) if _opens_words(finest) else ()
    # the open-ended form finds what the same phrase closed finds: it stands for both
    return Part(phrases=tuple(p for p in dict.fromkeys((stream, finest)) if p not in open_ended),
                open_ended=open_ended)


def _opens_words(phrase: Phrase) -> bool:
    """Whether a phrase's last term may stand for the start of a longer word: only after
    another term, and only a Japanese word of two characters or more (not a sentence end).
    One character begins too many unrelated words (大阪 市 would find 大阪市場), and a number
    or a Latin word too many others (iPhone 4 would find iPhone 400)."""
    last = phrase[-1]
    return (len(phrase) > 1 and len(last) > 1 and last.isalpha() and not last.isascii()
            and last != SENTENCE_BREAK)
