"""Quantities and dates in Japanese news text.

>>> [q.value for q in find_quantities("約10億ドル、1700億ドル、二十人、50%")]
['1000000000', '170000000000', '20', '50']
>>> [d.value for d in find_dates("2024年9月と令和6年")]
['2024-09', '2024']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from decimal import Decimal, InvalidOperation

from .types import DateRef, Quantity

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                 "八": 8, "九": 9, "壱": 1, "弐": 2, "参": 3}
_KANJI_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_LARGE_UNITS = {"万": 10**4, "億": 10**8, "兆": 10**12}

_ARABIC = r"[0-9０-９]+(?:[,，][0-9０-９]{3})*(?:[.．][0-9０-９]+)?"
_KANJI_DIGIT = "〇零一二三四五六七八九十百千壱弐参"
_KANJI = rf"[{_KANJI_DIGIT}]+"
_PART = rf"(?:{_ARABIC}|{_KANJI})"
# 1兆2000億, 10 億, 3.5万, 二十: number parts each optionally followed by a large unit
_AMOUNT = rf"{_PART}(?:\s?[万億兆](?:\s?{_PART}\s?[万億兆]?)*)?"
# 約, およそ, 以上 ... make a figure approximate (以上 too: "at least" is not an exact figure)
_APPROXIMATE_BEFORE = ("約", "およそ", "推定", "ほぼ", "少なくとも")
_APPROXIMATE_AFTER = ("以上", "超", "余り", "あまり", "近く", "程度", "前後", "ほど", "強", "弱")
# not an ordinal (第1名) and not the tail of a longer number
_APPROX_BEFORE = rf"(?<![第0-9０-９.,．，])(?P<before>{'|'.join(_APPROXIMATE_BEFORE)})?\s?"
_APPROX_AFTER = rf"(?P<after>{'|'.join(_APPROXIMATE_AFTER)})?"

_CURRENCIES = {
    "米ドル": "USD", "ドル": "USD", "円": "JPY", "ユーロ": "EUR", "ポンド": "GBP",
    "人民元": "CNY", "元": "CNY", "ウォン": "KRW",
}
_COUNTERS = {"人": "people", "名": "people"}
_PERCENT_SIGNS = ("%", "％", "パーセント")

_MONEY = re.compile(
    _APPROX_BEFORE + rf"(?P<amount>{_AMOUNT})\s?(?P<unit>米ドル|ドル|円|ユーロ|ポンド|人民元|元|ウォン)"
    + _APPROX_AFTER
)
_COUNT = re.compile(
    _APPROX_BEFORE + rf"(?P<amount>{_AMOUNT})\s?(?P<unit>人|名)(?![目様前分])" + _APPROX_AFTER
)
_PERCENT = re.compile(
    _APPROX_BEFORE + rf"(?P<amount>{_ARABIC}|{_KANJI})\s?(?P<unit>%|％|パーセント)" + _APPROX_AFTER
)
# where a money, count or percent match can begin: an approximation word, a space or a digit
_QUANTITY_START = re.compile(rf"[{''.join(w[0] for w in _APPROXIMATE_BEFORE)}\s0-9０-９{_KANJI_DIGIT}]")
# each pattern with the units it ends in: a text without any of them has no match to look for
_QUANTITY_PATTERNS = (
    ("money", _MONEY, tuple(_CURRENCIES)),
    ("percent", _PERCENT, _PERCENT_SIGNS),
    ("count", _COUNT, tuple(_COUNTERS)),
)

# words that end in a counter character without being a count (一名, 人名, 三人称 ...)
_COUNT_FALSE_FRIENDS = re.compile(r"[一二三]人称|[0-9０-９]名義")

_ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925, "大正": 1911, "明治": 1867}
_DIGITS12 = r"[0-9０-９]{1,2}"
_YEAR = (
    r"(?<![0-9０-９])(?:(?P<era>令和|平成|昭和|大正|明治)(?P<era_year>元|" + _DIGITS12 + "|" + _KANJI + r")年"
    r"|(?P<year>[0-9０-９]{4})年)"
)
# a year (with or without month and day) or a month (with or without a day): never empty
_DATE = re.compile(
    _YEAR + rf"(?:(?P<month>{_DIGITS12})月(?:(?P<day>{_DIGITS12})日)?)?"
    rf"|(?<![0-9０-９])(?P<month_only>{_DIGITS12})月(?:(?P<day_only>{_DIGITS12})日)?"
)
_DATE_START = re.compile(f"[{''.join(era[0] for era in _ERAS)}0-9０-９]")


def _finditer(pattern: re.Pattern, text: str, starts: Sequence[int]) -> Iterator[re.Match]:
    """pattern.finditer(text), trying only the `starts` (which must hold every place where a
    match can begin): the regex engine tries these patterns slowly at every character."""
    end = 0
    for start in starts:
        if start >= end and (match := pattern.match(text, start)):
            yield match
            end = match.end()


def _to_int_kanji(text: str) -> int | None:
    """二十三 -> 23, 千五百 -> 1500, 三 -> 3 (units below 万 only)."""
    total, digit = 0, None
    for ch in text:
        if ch in _KANJI_DIGITS:
            # 二〇二四-style positional digits accumulate
            digit = _KANJI_DIGITS[ch] if digit is None else digit * 10 + _KANJI_DIGITS[ch]
        elif ch in _KANJI_SMALL_UNITS:
            total += (digit if digit is not None else 1) * _KANJI_SMALL_UNITS[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def _part_value(text: str) -> Decimal | None:
    text = unicodedata.normalize("NFKC", text).replace(",", "").strip()
    if not text:
        return None
    if text[0].isdigit():
        try:
            return Decimal(text)
        except InvalidOperation:
            return None
    value = _to_int_kanji(text)
    return Decimal(value) if value is not None else None


def parse_amount(text: str) -> Decimal | None:
    """1兆2000億 -> 1200000000000, 10 億 -> 1000000000, 3.5万 -> 35000."""
    total = Decimal(0)
    pending: Decimal | None = None
    for piece in re.findall(rf"{_PART}|[万億兆]", text.replace(" ", "")):
        if piece in _LARGE_UNITS:
            total += (pending if pending is not None else Decimal(1)) * _LARGE_UNITS[piece]
            pending = None
        else:
            value = _part_value(piece)
            if value is None:
                return None
            pending = value
    if pending is not None:
        total += pending
    return total


def _decimal_string(value: Decimal) -> str:
    return format(value.normalize(), "f")


def find_quantities(text: str) -> list[Quantity]:
    """Money, counts of people and percentages, with offsets into `text`."""
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    starts = [m.start() for m in _QUANTITY_START.finditer(text)]
    for kind, pattern, units in _QUANTITY_PATTERNS:
        if not any(unit in text for unit in units):
            continue
        for match in _finditer(pattern, text, starts):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                continue
            if kind == "count" and _COUNT_FALSE_FRIENDS.match(text, match.start("amount")):
                continue
            amount = match.group("amount")
            if kind == "count" and amount == "一":
                continue  # 一人, 一名: "one person" is rarely a reported figure
            value = parse_amount(amount)
            if value is None:
                continue
            unit = match.group("unit")
            unit_code = {"money": _CURRENCIES, "count": _COUNTERS}.get(kind, {}).get(unit, "%")
            found.append(
                Quantity(
                    kind=kind,
                    value=_decimal_string(value),
                    unit=unit_code,
                    text=match.group(0).strip(),
                    approximate=bool(match.group("before") or match.group("after")),
                    start=start + (len(match.group(0)) - len(match.group(0).lstrip())),
                    end=end,
                )
            )
            taken.append((start, end))
    found.sort(key=lambda q: q.start)
    return found


def find_dates(text: str) -> list[DateRef]:
    """Calendar dates: 2024年9月5日, 2024年9月, 令和6年, 9月 (year unstated: XXXX-09)."""
    found: list[DateRef] = []
    for match in _finditer(_DATE, text, [m.start() for m in _DATE_START.finditer(text)]):
        year = None
        if match.group("era"):
            era_year = match.group("era_year")
            number = 1 if era_year == "元" else _part_value(era_year)
            if number is None:
                continue
            year = _ERAS[match.group("era")] + int(number)
        elif match.group("year"):
            year = int(unicodedata.normalize("NFKC", match.group("year")))
        month = match.group("month") or match.group("month_only")
        day = match.group("day") or match.group("day_only")
        if month is not None:
            month_n = int(unicodedata.normalize("NFKC", month))
            if not 1 <= month_n <= 12:
                continue
        if year is None and month is None:
            continue
        value = f"{year:04d}" if year is not None else "XXXX"
        if month is not None:
            value += f"-{month_n:02d}"
            if day is not None:
                day_n = int(unicodedata.normalize("NFKC", day))
                if not 1 <= day_n <= 31:
                    continue
                value += f"-{day_n:02d}"
        found.append(DateRef(text=match.group(0), value=value, start=match.start(), end=match.end()))
    return found
