"""Named entities from SudachiPy's analysis: people, organisations, places and products.

Two steps:
- `find_entity_spans(tokens, text)` marks name spans in one text (a sentence or a whole
  article): runs of proper nouns, unknown katakana and Latin words, joined across ・ and
  spaces, extended over the common nouns of the same compound when it ends in a head word
  (英国+政府, 日本+出版+美術家+連盟, 神田+川), and typed by that head, by their part of speech
  and by the words around them (氏, 社長, によると ...);
- `link_entities(spans, ...)` turns the spans of one article into entities: a shortened
  mention (a surname, a name without its legal suffix) joins the full name it shortens,
  a parenthesised acronym after a name becomes its alias, and each entity's kind is voted
  over all its mentions.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .analysis import Token, fold
from .names import name_key
from .types import ParsedEntity, ParsedMention

_KATAKANA = re.compile(r"^[\u30a0-\u30ffー]+$")
_KANJI = re.compile(r"^[\u3400-\u9fff々〆ヶ]+$")
_LATIN = re.compile(r"^[A-Za-z][A-Za-z0-9&'’.\-]*$")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.\-]{1,9}$")
_DIGITS = re.compile(r"^[\d０-９,.]+$")
_ADDRESS = re.compile(
    r"https?://\S+|www\.\S+|[\w.\-]+\.(?:png|jpe?g|gif|webp|pdf|html?)\b", re.ASCII
)
_AGE = re.compile(r"\s*[(（][\d０-９]{1,3}(歳)?[)）]")  # 山田太郎(45): a person's age
_JOINERS = ("・", "･", "＝", "=")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words right after a name that say it names a person.
HONORIFICS = _words(
    "氏 さん 様 さま 君 くん ちゃん 殿 容疑者 被告 被告人 選手 監督 投手 捕手 教授 博士 准教授 "
    "弁護士 議員 氏ら 夫人 夫妻 容疑 元被告 受刑者 被害者 アナ アナウンサー 騎手 棋士 名人 九段 "
    "八段 七段 六段 五段 四段 三段 二段 初段 女史 師匠 先生 上人 法師 天皇 皇后 親王 王子 王女 "
    "殿下 陛下"
)
TITLES = _words(
    "社長 会長 副社長 専務 常務 CEO COO CFO CTO 最高経営責任者 首相 大統領 副大統領 知事 市長 "
    "町長 村長 区長 大臣 長官 官房長官 外相 財務相 防衛相 総裁 幹事長 代表 委員長 理事長 頭取 "
    "主席 国務長官 議長 党首 顧問 部長 課長 局長 所長 院長 学長 校長 総理 総理大臣 報道官 広報 "
    "広報担当 記者 編集長 共同創業者 創業者 共同創設者 創設者 氏名 駅長 店長 団長 館長 園長 組長 "
    "艦長 船長 機長 隊長 署長 社員 代表取締役 取締役 執行役員 会計士 作家 画家 俳優 女優 歌手"
)
# Words that open an organisation's name.
ORG_PREFIXES = _words("株式会社 有限会社 合同会社 一般社団法人 公益財団法人 財団法人 社団法人")
# words that open an organisation's name and belong to it (テレビ愛知, FC岐阜, 県立半田工業高校)
ORG_OPENERS = (
    _words(
        "テレビ ラジオ FC AC SC 私立 県立 市立 都立 道立 府立 国立 町立 村立 旧制 "
        "学校法人 医療法人 社会福祉法人 宗教法人"
    )
    | ORG_PREFIXES
)
OUTLET_CUES = ("によると", "によれば", "が報じ", "は報じ", "報道によると", "の報道", "が伝え")
# what follows a company's name but not a person's: Xの(元)CEO, Xに入社, Xを買収
COMPANY_ROLES = _words(
    "社長 会長 副社長 CEO COO CFO CTO 最高経営責任者 取締役 代表取締役 執行役員 社員 従業員 "
    "元社員 創業者 共同創業者 創設者 共同創設者 広報 広報担当 広報担当者 株 株価 株主 傘下 "
    "子会社 本社 幹部 経営陣 担当者 関係者 研究者 エンジニア 製品 サービス 買収 首脳 幹部ら 監督 "
    "選手"
)
COMPANY_CUES = tuple(
    _words(
        "に入社 を退社 を設立 を創業 を買収 に買収 が買収 に出資 と提携 が発売 から発売 "
        "に移籍 へ移籍 から移籍 に入団 へ入団 を退団 に所属 所属"
    )
)

# The last word of a compound says what the whole names: 英国政府 is an organisation, 神田川 a
# place, 東京駅 a facility, 関東大震災 an event, 台湾人 and 江戸時代 no name at all. Facilities,
# parties and religions (OntoNotes files the last two as groups, NORP) are kept as "other".
_HEAD_WORDS = {
    "organization": (
        "政府 議会 国会 内閣 政権 海軍 陸軍 空軍 軍 艦隊 部隊 師団 連隊 旅団 航空隊 隊 軍団 大学 "
        "大学院 短大 高校 高等学校 中学 中学校 小学校 学校 学園 学院 協会 学会 連盟 連合 組合 "
        "委員会 評議会 審議会 理事会 銀行 会社 株式会社 ホールディングス グループ 新聞 新聞社 "
        "通信 通信社 放送 テレビ ラジオ 省 庁 局 署 裁判所 高裁 地裁 最高裁 地検 研究所 研究室 "
        "研究機構 機構 財団 会 社 団 部 課 室 家 組 電力 鉄道 電鉄 航空 電機 電気 製作所 商事 "
        "物産 製薬 化学 重工 重工業 工業 自動車 建設 不動産 商会 商店 百貨店 出版 書房 書店 "
        "プロダクション 事務所 警察 県警 府警 警視庁 特捜部 騎士団 楽団 合唱団 劇団 球団 クラブ "
        "財閥 証券 生命 保険 損保 興業 産業 食品 製菓 製鉄 電子 通商 交通 バス フィルム レコード "
        "レコーズ エンタテインメント エンターテインメント コーポレーション カンパニー "
        "インターナショナル ジャパン FC SC Inc Inc. Corp Corp. Corporation Ltd Ltd. LLC Co. "
        "Company Lab Labs Group Holdings Bank University 紙 誌 取引所 センター 市場 帝室 王室 "
        "王族 興産 製糖 院 廠 学堂 聯盟 幕府 王権 総督府 会議 集団 組織 団体 チーム 支局 "
        "エンタテイメント"
    ),
    "place": (
        "県 府 都 市 区 町 村 郡 州 国 王国 共和国 帝国 公国 連邦 首長国 自治区 自治州 川 河 江 "
        "山 岳 峰 峠 湖 沼 湾 海 灘 峡 海峡 島 諸島 列島 半島 岬 平野 盆地 高原 台地 砂漠 大陸 "
        "山脈 山地 連山 火山 渓谷 渓流 地方 地区 地域 圏 丁目 大字 朝 沖 温泉 本島 河畔 湖畔 岸 "
        "南岸 北岸 原野 郷 浦 滝 地帯 工業地帯 高地 環礁 砂州"
    ),
    "facility": (
        "駅 空港 港 線 本線 新幹線 道路 自動車道 国道 県道 街道 橋 大橋 トンネル 隧道 ダム 城 "
        "神社 寺 寺院 大社 宮 教会 聖堂 大聖堂 病院 ホテル 公園 球場 スタジアム ドーム アリーナ "
        "競馬場 競輪場 劇場 美術館 博物館 図書館 記念館 庭園 ビル タワー 刑務所 基地 原発 発電所 "
        "停留所 墓地 霊園 御所 宮殿 広場 通り 会館 ホール 店 造船所 製油所 営業所 工場 競技場 "
        "体育館 飛行場 藩邸 邸 陣屋 兵営 遺跡 役場 出入口 インター IC 駅舎 宿 校 診療所 収容所 "
        "刑場 砦 本店 支店 支社 本部 総本部 教区 庵 堂"
    ),
    "event": (
        "戦 戦争 大戦 海戦 会戦 合戦 作戦 攻撃 大会 事件 事変 震災 大震災 地震 オリンピック 五輪 "
        "選挙 選 杯 カップ 記念 大賞典 グランプリ GP 革命 博覧会 万博 祭 映画祭 サミット"
    ),
    # a political party is an organisation to a newsroom, whatever NER corpora file it under
    "party": "党 新党",
    "group": "教 教会 宗 派 藩 族 民族",
    # not names of their own: a nationality, a language, a period, a style
    "modifier": (
        "人 系 語 時代 代 紀 料理 風 式 製 産 流 語圏 文化 文明 神話 国民 市民 県民 都民 年間 "
        "初年 元年 年代 期 初期 中期 末期 後期 前期 以降 維新"
    ),
}
HEAD_KINDS = {word: kind for kind, words in _HEAD_WORDS.items() for word in words.split()}
_LONGEST_HEAD = max(len(w) for w in HEAD_KINDS)
# the kind each head gives its compound ("modifier" compounds make no span at all)
_KIND_OF_HEAD = {
    "organization": "organization",
    "place": "place",
    "facility": "other",
    "event": "event",
    "party": "organization",
    "group": "other",
    "person": "person",
}
# クロヴィス2世: a regnal number belongs to the name before it
_REGNAL = frozenset(("世",))
_ERA_YEARS = frozenset(("年", "年度", "年間", "年代"))

# Common words that SudachiPy tags as proper nouns or that look like names but rarely are.
_NOT_NAMES = _words(
    "日本語 英語 中国語 韓国語 ネット ウェブ サイト アプリ ニュース テレビ スマホ ゲーム AI IT "
    "PC TV SNS CEO CTO CFO COO OK NG"
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
        return _vote(self.votes)


def _vote(votes: Counter) -> str:
    if not votes:
        return "other"
    best = max(votes.values())
    return next(k for k in KIND_ORDER if votes.get(k) == best)


# Per-token facts, worked out once per dictionary word by the analysis (Token.flags, from
# word_flags) rather than once per predicate call: span finding asks them of every token.
_NAMEISH = 1 << 0  # a proper noun, or an unknown katakana or Latin word of 2+ chars
_LATIN_TEXT = 1 << 1  # the surface is a Latin word, whatever its part of speech
_LATIN_NOUN = 1 << 2  # a Latin noun
_LATIN_START = 1 << 3  # a capitalised Latin noun: may open a Latin run
_LATIN_NEXT = 1 << 4  # may continue a Latin run after a space (_latin_run_end)
_KATAKANA_NOUN = 1 << 5  # a katakana noun of two or more characters
_KANJI_TEXT = 1 << 6  # the surface is all kanji
_SYMBOL = 1 << 7  # 補助記号 or 空白
_JOINER = 1 << 8  # ・ ＝ between the words of one name
_COMPOUND_PART = 1 << 9  # a noun or a noun suffix: can continue a noun compound
_MINISTRY = 1 << 10  # a common noun compound naming a ministry or agency (経済産業省, 気象庁)
# a name word, a katakana word, a capitalised Latin word or a ministry can open a span
_CAN_START = _NAMEISH | _KATAKANA_NOUN | _LATIN_START | _MINISTRY
_MINISTRY_OPENERS = _words("同 各 本 当 両 全 他 旧 新 前 元 省 庁")


def word_flags(surface: str, pos: tuple[str, ...], oov: bool, terms: tuple[tuple[str, int, int], ...]) -> int:
    """The facts above about one word (Token.flags), from the Token fields it has already."""
    noun = pos[0] == "名詞"
    latin_text = bool(_LATIN.match(surface))
    flags = 0
    if noun:
        flags |= _COMPOUND_PART
        unknown_word = oov and (_KATAKANA.match(surface) or latin_text) and len(surface) > 1
        proper = pos[1] == "固有名詞"
        if pos[1] != "数詞" and surface not in _NOT_NAMES and (proper or unknown_word):
            flags |= _NAMEISH
        if latin_text:
            flags |= _LATIN_NOUN
            if surface[:1].isupper():
                flags |= _LATIN_START
            # Meta CEO: a title ends the run
            organization = HEAD_KINDS.get(surface) == "organization"
            if surface not in TITLES and (surface[:1].isupper() or organization):
                flags |= _LATIN_NEXT
        if len(surface) > 1 and _KATAKANA.match(surface):
            flags |= _KATAKANA_NOUN
    elif pos[0] == "接尾辞" and pos[1] == "名詞的":
        flags |= _COMPOUND_PART
    if latin_text:
        flags |= _LATIN_TEXT
    if _KANJI.match(surface):
        flags |= _KANJI_TEXT
    if pos[0] in ("補助記号", "空白"):
        flags |= _SYMBOL
    if surface in _JOINERS:
        flags |= _JOINER
    if (
        pos[1] == "普通名詞"
        and len(terms) > 2
        and terms[-1][0] in ("省", "庁")
        and terms[1][0] not in _MINISTRY_OPENERS
    ):
        flags |= _MINISTRY
    return flags


def _head_kind(token: Token) -> str | None:
    """The head category of the word ending in `token`, if its last word is a head word."""
    surface = token.surface
    kind = HEAD_KINDS.get(surface)
    if kind is not None:
        return kind
    return _tail_head_kind(surface, token.terms[-1][0] if len(token.terms) > 1 else None)


@lru_cache(maxsize=65536)
def _tail_head_kind(surface: str, last_part: str | None) -> str | None:
    """The head category of the longest head word ending `surface`. A head of one character
    counts only as a word of its own (神田+川, 千葉+県: `last_part`), not inside one (北海道)."""
    for size in range(min(len(surface) - 1, _LONGEST_HEAD), 0, -1):
        tail = surface[-size:]
        if (size > 1 or tail == last_part) and tail in HEAD_KINDS:
            return HEAD_KINDS[tail]
    return None


def find_entity_spans(tokens: Sequence[Token], text: str) -> list[EntitySpan]:
    """Name spans in `text`, in order, with kind votes from their own words and context."""
    spans: list[EntitySpan] = []
    skipped = _addresses(text)
    skipped_starts = [a for a, _ in skipped]
    flags = [t.flags for t in tokens]
    resume = 0  # tokens before this index belong to a span already tried
    for i in [k for k, f in enumerate(flags) if f & _CAN_START]:
        if i < resume:
            continue
        f = flags[i]
        if skipped:
            # addresses are sorted and disjoint: only the last one starting here can hold it
            a = bisect_right(skipped_starts, tokens[i].start) - 1
            if a >= 0 and tokens[i].start < skipped[a][1]:
                continue
        if not (
            f & _NAMEISH
            or f & _MINISTRY
            or (f & _KATAKANA_NOUN and _starts_katakana_chain(tokens, flags, i))
            or (f & _LATIN_START and _starts_latin_run(tokens, flags, i))
        ):
            continue
        j = _span_end(tokens, flags, i)
        j, head = _compound_end(tokens, flags, i, j)
        if head != "modifier" and not _used_as_adjective(tokens, j):
            first = i - 1 if i > 0 and tokens[i - 1].surface in ORG_OPENERS else i
            span = _make_span(tokens, flags, first, j, text, head)
            if span is not None:
                spans.append(span)
        resume = max(j, i + 1)
    _mark_acronyms(spans, tokens, text)
    return spans


def _addresses(text: str) -> list[tuple[int, int]]:
    """Where `text` holds web addresses and file names, whose words are no names."""
    return [m.span() for m in _ADDRESS.finditer(text)]


def _used_as_adjective(tokens: Sequence[Token], j: int) -> bool:
    """アットホームな雰囲気: a word the dictionary calls a name, used as an adjective."""
    return j < len(tokens) and tokens[j].surface == "な" and tokens[j].pos[0] == "助動詞"


def _starts_katakana_chain(tokens: Sequence[Token], flags: list[int], i: int) -> bool:
    """Katakana words joined by ・ (ウォール・ストリート・ジャーナル) are foreign names."""
    return bool(
        flags[i] & _KATAKANA_NOUN
        and i + 2 < len(tokens)
        and tokens[i + 1].surface in ("・", "･")
        and flags[i + 2] & (_KATAKANA_NOUN | _NAMEISH)
    )


def _starts_latin_run(tokens: Sequence[Token], flags: list[int], i: int) -> bool:
    """Capitalised Latin words in a row (Thinking Machines Lab) where one is a name."""
    if not flags[i] & _LATIN_START:
        return False
    run = [f for f in flags[i : _latin_run_end(tokens, flags, i)] if not f & _SYMBOL]
    return len(run) > 1 and any(f & _NAMEISH for f in run)


def _latin_run_end(tokens: Sequence[Token], flags: list[int], i: int) -> int:
    j = i + 1
    while j + 1 < len(tokens) and tokens[j].surface == " " and flags[j + 1] & _LATIN_NEXT:
        j += 2
    return j


def _joins(tokens: Sequence[Token], flags: list[int], left: int, right: int) -> bool:
    """Whether ・ between two words joins one foreign name (ミラ・ムラティ) rather than listing
    two names (梅沢・杉本, カナダ・モントリオール)."""
    if not flags[right] & (_NAMEISH | _KATAKANA_NOUN | _LATIN_NOUN):
        return False
    if (flags[left] | flags[right]) & _KANJI_TEXT:
        return False
    return not (tokens[left].pos[2] == "地名" and tokens[right].pos[2] == "地名")


def _span_end(tokens: Sequence[Token], flags: list[int], i: int) -> int:
    """Extend a name from token i over further name words, ・ joins and Latin spaces."""
    n = len(tokens)
    if flags[i] & _MINISTRY:
        return i + 1
    j = _latin_run_end(tokens, flags, i) if flags[i] & _LATIN_NOUN else i + 1
    while j < n:
        f = flags[j]
        if f & _NAMEISH and not f & _LATIN_NOUN:
            j += 1
        elif f & _JOINER and j + 1 < n and _joins(tokens, flags, j - 1, j + 1):
            j += 2
        elif f & _LATIN_NOUN and flags[j - 1] & _LATIN_NOUN:
            j = _latin_run_end(tokens, flags, j)
        else:
            break
    return j


def _compound_end(
    tokens: Sequence[Token], flags: list[int], i: int, j: int
) -> tuple[int, str | None]:
    """Carry the name tokens[i:j] on over the nouns of its compound up to the last head word
    (英国|政府, 日本|出版|美術家|連盟): returns the new end and the head's category."""
    last = tokens[j - 1]
    head = _head_kind(last)
    if head is not None and j - i == 1 and last.pos[1] == "固有名詞" and len(last.terms) < 2:
        head = None  # a name that merely ends like a head word (北海道, 富山)
    end = j
    k = j
    while k < len(tokens) and k < j + 4 and flags[k] & _COMPOUND_PART:
        word = tokens[k].surface
        if word in HONORIFICS or word in TITLES:
            break
        if tokens[k].pos[1] == "数詞":
            following = tokens[k + 1].surface if k + 1 < len(tokens) else ""
            if following in _REGNAL:
                return k + 2, "person"
            if k == j and following in _ERA_YEARS:
                return k, "modifier"  # 昭和13年: an era name, part of a date
            k += 1
            continue
        kind = _head_kind(tokens[k])
        if kind is not None:
            end, head = k + 1, kind
        k += 1
    return end, head


def _fused_title_start(token: Token) -> int | None:
    """Where a title or honorific fused into a person token (トランプ|大統領) begins, if any.

    Offsets come from the lengths of the token's parts, so that they are right whether
    Token.terms holds offsets into the text or relative to the token.
    """
    if len(token.terms) <= 2 or token.pos[2] != "人名":
        return None
    offset = token.start
    for term, part_start, part_end in token.terms[1:]:
        if term in TITLES or term in HONORIFICS:
            return offset
        offset += part_end - part_start
    return None


def _make_span(
    tokens: Sequence[Token], flags: list[int], i: int, j: int, text: str, head: str | None
) -> EntitySpan | None:
    # a title fused into a person token by the dictionary (トランプ大統領) is not part of the name
    votes: Counter = Counter()
    end = _fused_title_start(tokens[j - 1])
    if end is None:
        end = tokens[j - 1].end
    else:
        votes["person"] += 3
    start = tokens[i].start
    surface = text[start:end].strip(" ・")
    if not surface or _DIGITS.match(surface) or surface in _NOT_NAMES:
        return None
    if len(surface) == 1 and tokens[i].pos[2] != "地名":
        return None
    if head is not None:
        votes[_KIND_OF_HEAD[head]] += 5
    words = [k for k in range(i, j) if not flags[k] & _SYMBOL]
    for k in words:
        t = tokens[k]
        if t.pos[1] != "固有名詞":
            continue
        if flags[k] & _LATIN_TEXT:
            # the dictionary's Latin names are as often products, and its person and place
            # tags on English words (Phone, Gordon) are unreliable; acronyms are mostly bodies
            if _ACRONYM.match(t.surface):
                votes["organization"] += 0.5
        elif t.pos[2] == "人名":
            votes["person"] += 2
        elif t.pos[2] == "地名":
            votes["place"] += 3 if t.pos[3] == "国" else 2
        else:
            votes["organization"] += 0.5
    if len(words) > 1 and head is None:
        if all(flags[k] & _LATIN_TEXT for k in words):
            votes["organization"] += 1  # Safe Superintelligence: English names are mostly firms
        elif tokens[words[0]].pos[2] == "地名" and tokens[words[-1]].pos[2] not in ("地名", "人名"):
            votes["organization"] += 3  # a place then a name: a team or a paper (横浜ベイスターズ)
        elif not votes and not any(
            tokens[k].pos[1] == "普通名詞" and not tokens[k].oov for k in words
        ):
            votes["person"] += 0.5  # unknown words joined by ・: most often a foreign person
    if tokens[i].surface in ORG_OPENERS:
        votes["organization"] += 3
    while j < len(tokens) and tokens[j].pos[0] == "空白":
        j += 1
    after = tokens[j].surface if j < len(tokens) else ""
    if after in HONORIFICS or _AGE.match(text, end):
        votes["person"] += 4
    elif after in TITLES or fold(after) in TITLES:
        # Meta CEO マーク・ザッカーバーグ: a title followed by a name is the title of someone at X
        title_of = "organization" if _name_follows(tokens, j + 1) else "person"
        votes[title_of] += 2
    if (
        text.startswith(OUTLET_CUES, end)
        or text.startswith(COMPANY_CUES, end)
        or (after == "の" and _role_after(tokens, j + 1) in COMPANY_ROLES)
    ):
        votes["organization"] += 2
    return EntitySpan(start=start, end=end, surface=surface, votes=votes)


def _name_follows(tokens: Sequence[Token], k: int) -> bool:
    while k < len(tokens) and tokens[k].pos[0] == "空白":
        k += 1
    return k < len(tokens) and tokens[k].pos[2] == "人名"


def _role_after(tokens: Sequence[Token], k: int) -> str:
    """The word at k, skipping a 元/前/現 before a title (OpenAIの元CTO)."""
    if k < len(tokens) and tokens[k].surface in ("元", "前", "現", "新", "旧"):
        k += 1
    return tokens[k].surface if k < len(tokens) else ""


_BRACKETED_ACRONYM = re.compile(r"\s*[(（]\s*([A-Za-z][A-Za-z0-9&.\-]{1,9})\s*[)）]")


def _mark_acronyms(spans: list[EntitySpan], tokens: Sequence[Token], text: str) -> None:
    """`Safe Superintelligence(SSI)`: the acronym in brackets right after a name is its alias."""
    token_starts: set[int] | None = None  # built only for a text that has a bracketed acronym
    extra: list[EntitySpan] = []
    for span in spans:
        match = _BRACKETED_ACRONYM.match(text[span.end : span.end + 16])
        if not match or not _ACRONYM.match(match.group(1)):
            continue
        start = span.end + match.start(1)
        if token_starts is None:
            token_starts = {t.start for t in tokens}
        if start not in token_starts:
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
    unique_groups = {id(g): g for g in groups.values()}.values()  # absorbed keys share a group
    for group in unique_groups:
        if not group.mentions:
            continue
        name = max(group.names, key=lambda s: (len(name_key(s)), group.names[s], -len(s)))
        kind = (known_kind(group.key) if known_kind else None) or _vote(group.votes)
        aliases = sorted({s for s in group.names if s != name} | group.aliases - {name})
        index_of[id(group)] = len(entities)
        entities.append(ParsedEntity(name=name, kind=kind, key=name_key(name), aliases=aliases))
        for span in group.mentions:
            mentions.append(
                ParsedMention(
                    entity=index_of[id(group)], surface=span.surface, start=span.start, end=span.end
                )
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


_LEGAL_FORM = re.compile("^(" + "|".join(sorted(ORG_PREFIXES, key=len, reverse=True)) + ")")


_NAME_SEPARATORS = re.compile(r"[\s・･=＝]+")


@lru_cache(maxsize=65536)
def _parts(name: str) -> tuple[str, ...]:
    """The words of a name; a legal form (株式会社) counts as a word of its own."""
    name = _LEGAL_FORM.sub(r"\1 ", name)
    return tuple(fold(p) for p in _NAME_SEPARATORS.split(name) if p)


def _link_short_forms(groups: dict[str, _Group]) -> None:
    """ザッカーバーグ joins マーク・ザッカーバーグ; 小池 joins 小池百合子; Thinking Machines joins
    Thinking Machines Lab: a name that is the first or last words of exactly one longer name."""
    live = {id(g): g for g in groups.values() if g.mentions}
    ordered = sorted(live.values(), key=lambda g: len(g.key))
    key_sizes = [len(g.key) for g in ordered]
    # the words of each group's longest name, dropped when the group absorbs another
    long_parts: dict[int, tuple[str, ...]] = {}
    for short in ordered:
        if not short.mentions:
            continue
        short_name = max(short.names, key=short.names.get)
        short_parts = _parts(short_name)
        size = len(short_parts)
        candidates: list[_Group] = []
        # only a group with a longer key can be the longer name, and those come later in order
        for long in ordered[bisect_right(key_sizes, len(short.key)) :]:
            if not long.mentions:
                continue
            parts = long_parts.get(id(long))
            if parts is None:
                parts = long_parts[id(long)] = _parts(max(long.names, key=len))
            if (
                len(parts) > size and (parts[:size] == short_parts or parts[-size:] == short_parts)
            ) or (
                # 小池 -> 小池百合子 (a Japanese surname)
                size == 1
                and len(parts) == 1
                and len(short.key) >= 2
                and long.key.startswith(short.key)
                and _vote(long.votes) == "person"
            ):
                candidates.append(long)
                if len(candidates) > 1:
                    break  # ambiguous: no link
        if len(candidates) == 1:
            long = candidates[0]
            if _vote(short.votes) in (_vote(long.votes), "other") or _vote(long.votes) == "person":
                long.aliases.update(short.names)
                _absorb(long, short, groups)
                long_parts.pop(id(long), None)


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
