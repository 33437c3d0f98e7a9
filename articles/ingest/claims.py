"""Claims: the sentences of an article that carry a checkable fact.

A sentence becomes a claim when it has a factual payload: a quantity, a date, a reporting
or denial verb, a quote, or two entities in relation. A quote with a reporting verb gets its
speaker; `Xによると`, `X報道によると` and `Xが報じた` attribute the sentence to outlet X, and an
attribution that opens a paragraph carries to the rest of that paragraph.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from .analysis import Token
from .quantities import find_dates, find_quantities
from .types import ParsedClaim, ParsedEntity, ParsedMention

_OPEN = "「『（(【"
_CLOSE = "」』）)】"
_ENDS = "。！？!?"

# lemmas (SudachiPy normalized forms) of verbs and verbal nouns that report speech or deny it
REPORTING = frozenset(
    (
        "述べる 語る 話す 言う 説明 強調 明らか 発表 指摘 主張 否定 否認 認める 批判 "
        "一蹴 表明 報じる 伝える 答える 明言 言及 証言 警告 約束 発言 示唆 公表 反論 "
        "断言 回答 報告 声明 コメント 談話 拒否 反発 非難 疑問視 懸念 予想 予測 "
        "見通し 見込む 明かす 打ち明ける 告白 訴える 呼び掛ける"
    ).split()
)
_QUOTATION = re.compile(r"「[^」]+」\s*(?:と|って)")
_QUOTATIVE = re.compile(r"(?:」|だ|である|ない|た|る|い)?と(?:し|も)?(?:て)?$")
_OUTLET_CUE = re.compile(r"(?:の)?(?:報道|記事|調査|分析)?(?:によると|によれば|が報じ|は報じ|が伝え|は伝え)")
_SUBJECT_MARK = re.compile(r"^(?:氏|さん|様|容疑者|被告|社長|会長|CEO|代表|首相|大統領|知事|広報担当)?(?:は|が|も)")


_BREAKS = re.compile(f"[{re.escape(_OPEN + _CLOSE + _ENDS)}\n]")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: ends at 。！？ outside brackets, and at line ends."""
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    resume = 0  # closing marks right after a sentence end belong to that sentence
    for match in _BREAKS.finditer(text):
        i = match.start()
        if i < resume:
            continue
        ch = text[i]
        if ch == "\n":
            _add(spans, text, start, i)
            start, depth = i + 1, 0
        elif ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:  # a sentence end outside brackets
            end = i + 1
            while end < len(text) and text[end] in _CLOSE + _ENDS:
                end += 1
            _add(spans, text, start, end)
            start = resume = end
    _add(spans, text, start, len(text))
    return spans


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def find_claims(
    text: str,
    tokens: Sequence[Token],
    entities: Sequence[ParsedEntity],
    mentions: Sequence[ParsedMention],
) -> tuple[list[ParsedClaim], list[str]]:
    """Claims in `text` and the outlets they cite, in order of first citation."""
    # each kind of evidence is found once per text, then sliced per sentence
    # reporting verbs, inline rather than a call per token; という (hearsay, or "called") is not
    # somebody speaking, と言った is
    reporting = [
        t for t in tokens
        if t.normalized in REPORTING and t.pos[0] in ("動詞", "名詞", "形状詞") and t.surface != "いう"
    ]
    reporting_starts = [t.start for t in reporting]
    verb_starts = [t.start for t in tokens if t.pos[0] == "動詞"]
    mention_starts = [m.start for m in mentions]
    all_quantities = find_quantities(text)
    quantity_starts = [q.start for q in all_quantities]
    all_dates = find_dates(text)
    date_starts = [d.start for d in all_dates]
    claims: list[ParsedClaim] = []
    outlets: list[str] = []
    paragraph_outlet = ""
    paragraph_end = -1
    for start, end in split_sentences(text):
        if start > paragraph_end:  # a new paragraph: its own attribution, if it opens with one
            paragraph_end = _paragraph_end(text, start)
            paragraph_outlet = ""
            opening = True
        else:
            opening = False
        sentence = text[start:end]
        sentence_mentions = mentions[bisect_left(mention_starts, start) : bisect_left(mention_starts, end)]

        outlet = _outlet(text, sentence_mentions, entities, start, end)
        if outlet and opening:
            paragraph_outlet = outlet
        if outlet and outlet not in outlets:
            outlets.append(outlet)
        attributed = outlet or paragraph_outlet

        quantities = all_quantities[bisect_left(quantity_starts, start) : bisect_left(quantity_starts, end)]
        dates = all_dates[bisect_left(date_starts, start) : bisect_left(date_starts, end)]
        verbs = reporting[bisect_left(reporting_starts, start) : bisect_left(reporting_starts, end)]
        # 「」 also marks titles and emphasis: only a quotation followed by と is somebody's words
        has_quote = _QUOTATION.search(sentence) is not None
        entity_ids = list(dict.fromkeys(m.entity for m in sentence_mentions))
        related = len(entity_ids) >= 2 and bisect_left(verb_starts, start) < bisect_left(verb_starts, end)
        if not (quantities or dates or verbs or has_quote or related or outlet):
            continue

        speaker = _speaker(text, verbs, sentence_mentions, entities) if verbs else None
        if speaker is not None:
            kind = "quote"
        elif quantities:
            kind = "quantity"
        else:
            kind = "statement"
        claims.append(
            ParsedClaim(
                text=sentence,
                start=start,
                end=end,
                kind=kind,
                speaker=speaker,
                attributed_to=attributed,
                entities=[e for e in entity_ids if e != speaker],
                quantities=quantities,
                dates=dates,
            )
        )
    return claims, outlets


def _paragraph_end(text: str, start: int) -> int:
    end = text.find("\n\n", start)
    return len(text) if end < 0 else end


def _outlet(
    text: str,
    mentions: Sequence[ParsedMention],
    entities: Sequence[ParsedEntity],
    start: int,
    end: int,
) -> str:
    """The named outlet this sentence cites (Xによると, X報道によると, Xが報じた), or ""."""
    for mention in mentions:
        if _OUTLET_CUE.match(text, mention.end, end):
            entity = entities[mention.entity]
            if entity.kind in ("organization", "other", "product"):
                return entity.name
    return ""


def _speaker(
    text: str,
    verbs: Sequence[Token],
    mentions: Sequence[ParsedMention],
    entities: Sequence[ParsedEntity],
) -> int | None:
    """The person or organisation that a quotation or reported statement belongs to: the
    subject (marked は or が) before the quotative と, else the only person in the sentence."""
    quotative = [t for t in verbs if _QUOTATIVE.search(text[max(0, t.start - 6) : t.start])]
    if not quotative:
        return None
    verb_at = quotative[0].start
    subjects = [
        m for m in mentions
        if m.end <= verb_at
        and entities[m.entity].kind in ("person", "organization")
        and _SUBJECT_MARK.match(text[m.end : m.end + 6])
    ]
    if subjects:
        people = [m for m in subjects if entities[m.entity].kind == "person"]
        return (people or subjects)[0].entity
    people = {m.entity for m in mentions if entities[m.entity].kind == "person" and m.end <= verb_at}
    return people.pop() if len(people) == 1 else None
