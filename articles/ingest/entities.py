"""Named entities from SudachiPy's analysis: people, organisations, places and products.

Two steps:
- `find_entity_spans(tokens, text)` marks name spans in one text (a sentence or a whole
  article): runs of proper nouns, unknown katakana and Latin words, joined across ・ and
  spaces, typed by their part of speech and by the words around them (氏, 社長, 党, 大学,
  によると ...);
- `link_entities(spans, ...)` turns the spans of one article into entities: a shortened
  mention (a surname, a name without its legal suffix) joins the full name it shortens,
  a parenthesised acronym after a name becomes its alias, and each entity's kind is voted
  over all its mentions.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .analysis import Token, fold
from .names import name_key
from .types import ParsedEntity, ParsedMention

_KATAKANA = re.compile(r"^[\u30a0-\u30ffー]+$")
_LATIN = re.compile(r"^[A-Za-z][A-Za-z0-9&'’.\-]*$")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.\-]{1,9}$")
_DIGITS = re.compile(r"^[\d０-９,.]+$")

# Words right after a name that say what it names.
HONORIFICS = frozenset(
    "氏 さん 様 さま 君 くん ちゃん 殿 容疑者 被告 被告人 選手 監督 投手 捕手 教授 博士 准教授 "
    "弁護士 議員 氏ら".split()
)
TITLES = frozenset(
    "社長 会長 副社長 専務 常務 CEO COO CFO CTO 最高経営責任者 首相 大統領 副大統領 知事 市長 "
    "町長 村長 区長 大臣 長官 官房長官 外相 財務相 防衛相 総裁 幹事長 代表 委員長 理事長 "
    "頭取 主席 国務長官 議長 党首 顧問 部長 課長 局長 所長 院長 学長 校長 総理 総理大臣 "
    "報道官 広報 広報担当 記者 編集長 共同創業者 創業者 共同創設者 創設者 氏名".split()
)
ORG_SUFFIXES = (
    "株式会社 有限会社 ホールディングス グループ 銀行 証券 生命 保険 損保 新聞社 新聞 通信社 通信 "
    "放送 テレビ 大学 高校 学園 研究所 研究機構 機構 財団 協会 学会 連盟 連合 組合 委員会 "
    "省 庁 党 社 会 団 軍 局 署 工業 自動車 電機 電気 製作所 商事 物産 航空 鉄道 電力 "
    "ガス 製薬 化学 重工 重工業 建設 不動産 商会 商店 Inc Inc. Corp Corp. Corporation "
    "Ltd Ltd. LLC Co. Company Lab Labs Group Holdings Bank University"
).split()
ORG_PREFIXES = frozenset(("株式会社", "有限会社", "合同会社", "一般社団法人", "公益財団法人"))
PLACE_SUFFIXES = frozenset("県 府 都 道 市 区 町 村 郡 州 省 島 半島 湾 川 山 湖 駅 空港 港".split())
OUTLET_CUES = ("によると", "によれば", "が報じ", "は報じ", "報道によると", "の報道", "が伝え")
# Common words that SudachiPy tags as proper nouns or that look like names but rarely are.
_NOT_NAMES = frozenset(
    "日本語 英語 中国語 韓国語 ネット ウェブ サイト アプリ ニュース テレビ スマホ ゲーム "
    "AI IT PC TV SNS CEO CTO CFO COO OK NG".split()
)

KIND_ORDER = ("person", "organization", "place", "product", "event", "other")


@dataclass(slots=True)
class EntitySpan:
    start: int
    end: int
    surface: str
    votes: Counter = field(default_factory=Counter)
    acronym_of: EntitySpan | None = None  # the name this parenthesised acronym abbreviates

    @property
    def kind(self) -> str:
        if not self.votes:
            return "other"
        best = max(self.votes.values())
        return next(k for k in KIND_ORDER if self.votes.get(k) == best)


def _is_symbol(token: Token) -> bool:
    return token.pos[0] in ("補助記号", "空白")


def _is_nameish(token: Token) -> bool:
    pos = token.pos
    if pos[0] != "名詞" or pos[1] == "数詞":
        return False
    surface = token.surface
    if surface in _NOT_NAMES:
        return False
    if pos[1] == "固有名詞":
        return True
    if token.oov and (_KATAKANA.match(surface) or _LATIN.match(surface)):
        return len(surface) > 1
    return False


def _is_latin(token: Token) -> bool:
    return bool(_LATIN.match(token.surface)) and token.pos[0] == "名詞"


def _is_katakana_noun(token: Token) -> bool:
    return token.pos[0] == "名詞" and bool(_KATAKANA.match(token.surface)) and len(token.surface) > 1


def find_entity_spans(tokens: Sequence[Token], text: str) -> list[EntitySpan]:
    """Name spans in `text`, in order, with kind votes from their own words and context."""
    spans: list[EntitySpan] = []
    n = len(tokens)
    i = 0
    while i < n:
        token = tokens[i]
        if not (_is_nameish(token) or _starts_katakana_chain(tokens, i) or _starts_latin_run(tokens, i)):
            i += 1
            continue
        j = _span_end(tokens, i)
        span = _make_span(tokens, i, j, text)
        if span is not None:
            spans.append(span)
        i = max(j, i + 1)
    _mark_acronyms(spans, tokens, text)
    return spans


def _starts_katakana_chain(tokens: Sequence[Token], i: int) -> bool:
    """Katakana words joined by ・ (ウォール・ストリート・ジャーナル) are foreign names."""
    return (
        _is_katakana_noun(tokens[i])
        and i + 2 < len(tokens)
        and tokens[i + 1].surface in ("・", "･")
        and (_is_katakana_noun(tokens[i + 2]) or _is_nameish(tokens[i + 2]))
    )


def _starts_latin_run(tokens: Sequence[Token], i: int) -> bool:
    """Capitalised Latin words in a row (Thinking Machines Lab) where one is a name."""
    if not (_is_latin(tokens[i]) and tokens[i].surface[:1].isupper()):
        return False
    j = _latin_run_end(tokens, i)
    run = [t for t in tokens[i:j] if not _is_symbol(t)]
    return len(run) > 1 and any(_is_nameish(t) for t in run)


def _latin_run_end(tokens: Sequence[Token], i: int) -> int:
    j = i + 1
    while j + 1 < len(tokens) and tokens[j].surface == " " and _is_latin(tokens[j + 1]) and (
        tokens[j + 1].surface[:1].isupper() or tokens[j + 1].surface in ORG_SUFFIXES
    ):
        j += 2
    return j


def _span_end(tokens: Sequence[Token], i: int) -> int:
    """Extend a name from token i over further name words, ・ joins and Latin spaces."""
    n = len(tokens)
    j = _latin_run_end(tokens, i) if _is_latin(tokens[i]) else i + 1
    while j < n:
        t = tokens[j]
        if _is_nameish(t) and not _is_latin(t):
            j += 1
        elif t.surface in ("・", "･", "＝", "=") and j + 1 < n and (
            _is_nameish(tokens[j + 1]) or _is_katakana_noun(tokens[j + 1])
        ):
            j += 2
        elif _is_latin(t) and _is_latin(tokens[j - 1]):
            j = _latin_run_end(tokens, j)
        elif t.surface in ORG_SUFFIXES and t.pos[0] in ("名詞", "接尾辞"):
            j += 1
            break
        else:
            break
    return j


def _make_span(tokens: Sequence[Token], i: int, j: int, text: str) -> EntitySpan | None:
    # a title fused into a person token by the dictionary (トランプ大統領) is not part of the name
    last = tokens[j - 1]
    end = last.end
    votes: Counter = Counter()
    if len(last.terms) > 2 and last.pos[2] == "人名":
        for term, start, part_end in last.terms[1:]:
            if term in TITLES or term in HONORIFICS:
                end = start
                votes["person"] += 3
                break
    start = tokens[i].start
    surface = text[start:end].strip(" ・")
    if not surface or _DIGITS.match(surface) or surface in _NOT_NAMES:
        return None
    if len(surface) == 1 and tokens[i].pos[2] != "地名":
        return None
    words = tokens[i:j]
    for t in words:
        if t.pos[1] == "固有名詞":
            if t.pos[2] == "人名":
                votes["person"] += 2
            elif t.pos[2] == "地名":
                votes["place"] += 3 if t.pos[3] == "国" else 2
            else:
                votes["organization"] += 0.5
        elif t.oov and _KATAKANA.match(t.surface):
            votes["person"] += 0.5
        elif t.oov and _LATIN.match(t.surface):
            votes["organization"] += 0.5
    if len([t for t in words if not _is_symbol(t)]) > 1 and any(
        t.surface in ("・", "･") for t in words
    ) and not votes:
        votes["person"] += 0.5
    if surface.endswith(tuple(s for s in ORG_SUFFIXES if len(s) > 1)) or words[-1].surface in ORG_SUFFIXES:
        votes["organization"] += 3
    elif words[-1].surface in PLACE_SUFFIXES and words[-1].pos[1] != "固有名詞":
        votes["place"] += 2
    before = tokens[i - 1].surface if i > 0 else ""
    if before in ORG_PREFIXES:
        votes["organization"] += 3
    after = tokens[j].surface if j < len(tokens) else ""
    if after in HONORIFICS:
        votes["person"] += 4
    elif after in TITLES or fold(after) in TITLES:
        votes["person"] += 2
    following = text[end : end + 8]
    if following.startswith(OUTLET_CUES):
        votes["organization"] += 2
    return EntitySpan(start=start, end=end, surface=surface, votes=votes)


def _mark_acronyms(spans: list[EntitySpan], tokens: Sequence[Token], text: str) -> None:
    """`Safe Superintelligence(SSI)`: the acronym in brackets right after a name is its alias."""
    by_start = {t.start: k for k, t in enumerate(tokens)}
    extra: list[EntitySpan] = []
    for span in spans:
        rest = text[span.end : span.end + 16]
        match = re.match(r"\s*[(（]\s*([A-Za-z][A-Za-z0-9&.\-]{1,9})\s*[)）]", rest)
        if not match or not _ACRONYM.match(match.group(1)):
            continue
        start = span.end + match.start(1)
        if start not in by_start:
            continue
        acronym = EntitySpan(
            start=start, end=start + len(match.group(1)), surface=match.group(1), acronym_of=span
        )
        extra.append(acronym)
    if extra:
        taken = {(s.start, s.end) for s in spans}
        spans.extend(s for s in extra if (s.start, s.end) not in taken)
        spans.sort(key=lambda s: s.start)


# ---------------------------------------------------------------------------------------------
# Linking the spans of one article into entities


@dataclass(slots=True)
class _Group:
    key: str
    names: Counter = field(default_factory=Counter)
    votes: Counter = field(default_factory=Counter)
    aliases: set[str] = field(default_factory=set)
    mentions: list[EntitySpan] = field(default_factory=list)
    known_kind: str | None = None


def link_entities(
    spans: Sequence[EntitySpan],
    *,
    known_kind: Callable[[str], str | None] | None = None,
) -> tuple[list[ParsedEntity], list[ParsedMention]]:
    """Group an article's spans into entities and mentions.

    `known_kind(key)` returns the kind the archive already holds for a name key (an editor's
    decision outranks the article's own evidence), or None.
    """
    groups: dict[str, _Group] = {}
    span_group: list[_Group] = []
    for span in spans:
        key = name_key(span.surface)
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(key=key)
        group.names[span.surface] += 1
        group.votes.update(span.votes)
        group.mentions.append(span)
        span_group.append(group)

    # acronyms in brackets become aliases of the name before them
    group_of = {id(span): group for span, group in zip(spans, span_group, strict=True)}
    for span, group in zip(spans, span_group, strict=True):
        target = group_of.get(id(span.acronym_of)) if span.acronym_of is not None else None
        if target is not None and target is not group and group.mentions:
            target.aliases.update(group.names)
            _absorb(target, group, groups)

    _link_short_forms(groups)

    entities: list[ParsedEntity] = []
    mentions: list[ParsedMention] = []
    index_of: dict[int, int] = {}
    for group in groups.values():
        if not group.mentions:
            continue
        name = max(group.names, key=lambda s: (len(name_key(s)), group.names[s], -len(s)))
        kind = (known_kind(group.key) if known_kind else None) or _vote(group.votes)
        aliases = sorted({s for s in group.names if s != name} | group.aliases - {name})
        index_of[id(group)] = len(entities)
        entities.append(ParsedEntity(name=name, kind=kind, key=name_key(name), aliases=aliases))
        for span in group.mentions:
            mentions.append(
                ParsedMention(entity=index_of[id(group)], surface=span.surface, start=span.start, end=span.end)
            )
    mentions.sort(key=lambda m: m.start)
    return entities, mentions


def _absorb(target: _Group, other: _Group, groups: dict[str, _Group]) -> None:
    target.names.update(other.names)
    target.votes.update(other.votes)
    target.aliases |= other.aliases
    target.mentions.extend(other.mentions)
    target.mentions.sort(key=lambda s: s.start)
    other.mentions = []
    groups[other.key] = target


def _vote(votes: Counter) -> str:
    if not votes:
        return "other"
    best = max(votes.values())
    return next(k for k in KIND_ORDER if votes.get(k) == best)


def _parts(name: str) -> list[str]:
    return [fold(p) for p in re.split(r"[\s・･=＝]+", name) if p]


def _link_short_forms(groups: dict[str, _Group]) -> None:
    """ザッカーバーグ joins マーク・ザッカーバーグ; 小池 joins 小池百合子; Thinking Machines joins
    Thinking Machines Lab: a name that is the first or last words of exactly one longer name."""
    live = {id(g): g for g in groups.values() if g.mentions}
    ordered = sorted(live.values(), key=lambda g: len(g.key))
    for short in ordered:
        if not short.mentions:
            continue
        short_name = max(short.names, key=short.names.get)
        short_parts = _parts(short_name)
        candidates = []
        for long in live.values():
            if long is short or not long.mentions or len(long.key) <= len(short.key):
                continue
            long_name = max(long.names, key=lambda s: len(s))
            long_parts = _parts(long_name)
            if len(long_parts) > len(short_parts) and (
                long_parts[: len(short_parts)] == short_parts or long_parts[-len(short_parts) :] == short_parts
            ):
                candidates.append(long)
            elif len(short_parts) == 1 and len(long_parts) == 1 and _vote(long.votes) == "person" and (
                long.key.startswith(short.key) and len(short.key) >= 2
            ):
                candidates.append(long)  # 小池 -> 小池百合子 (a Japanese surname)
        if len({id(c) for c in candidates}) == 1:
            long = candidates[0]
            if _vote(short.votes) in (_vote(long.votes), "other") or _vote(long.votes) == "person":
                long.aliases.update(short.names)
                _absorb(long, short, groups)


def extract_entities(
    text: str,
    tokens: Sequence[Token] | None = None,
    *,
    known_kind: Callable[[str], str | None] | None = None,
) -> tuple[list[ParsedEntity], list[ParsedMention]]:
    """Entities and mentions of one text, analysing it unless its tokens are given."""
    if tokens is None:
        from .analysis import analyse

        tokens = analyse(text)
    return link_entities(find_entity_spans(tokens, text), known_kind=known_kind)
