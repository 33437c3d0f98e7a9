"""Bytes to text: detect the encoding of a Japanese news file, refuse what is not text.

>>> decode("東京".encode("cp932"))
'東京'
"""

from __future__ import annotations

import codecs

from .types import IngestError

# Tried in this order after the byte-order marks; the Japanese legacy encodings overlap,
# so when both decode cleanly the one that reads as more Japanese wins.
_LEGACY = ("cp932", "euc_jp")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")


def decode(data: bytes) -> str:
    """Return the text of `data`, or raise IngestError saying why it is not an article."""
    if not data:
        raise IngestError("the file is empty")
    text = _decode(data)
    if "\x00" in text:  # UTF-16 or UTF-32 with a mark (NUL bytes in any other file are refused before decoding)
        raise IngestError("the file looks binary, not text (it holds NUL bytes)")
    if not text.strip():
        raise IngestError("the file holds only whitespace")
    controls = sum(1 for ch in text if ch < " " and ch not in _ALLOWED_CONTROLS)
    if controls > max(2, len(text) // 200):
        raise IngestError("the file looks binary, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise IngestError(f"the file starts with a {encoding} mark but is not {encoding}") from exc
    if b"\x00" in data:
        raise IngestError("the file looks binary, not text (it holds NUL bytes)")
    if b"\x1b$B" in data or b"\x1b$@" in data:
        try:
            return data.decode("iso2022_jp")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = []
    for encoding in _LEGACY:
        try:
            candidates.append(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    if not candidates:
        raise IngestError("the text is not UTF-8, UTF-16, Shift_JIS (CP932) or EUC-JP")
    return max(candidates, key=_japanese_score)


def _japanese_score(text: str) -> float:
    """Share of hiragana among the non-ASCII characters: high for real Japanese, low for
    a wrong decoding (which turns kana into half-width katakana or rare kanji)."""
    non_ascii = [ch for ch in text if ord(ch) > 0x7F]
    if not non_ascii:
        return 0.0
    hiragana = sum(1 for ch in non_ascii if "\u3041" <= ch <= "\u309f")
    return hiragana / len(non_ascii)
