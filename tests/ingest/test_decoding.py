"""Encodings are detected; what is not text is refused with a reason."""

import pytest

from articles.ingest.decoding import decode
from articles.ingest.types import IngestError

TEXT = "メタのCEOは東京で「買収は検討していない」と述べた。\n二行目です。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp932", "euc_jp", "iso2022_jp"])
def test_japanese_encodings_are_detected(encoding):
    assert decode(TEXT.encode(encoding)) == TEXT


def test_windows_line_ends_become_newlines():
    assert decode("一行目\r\n二行目\r\n".encode("cp932")) == "一行目\n二行目\n"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t\n  ", "whitespace"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (bytes(range(0x80, 0x100)) * 4, "not UTF-8"),
        (b"\xff\xfe" + b"\x00\xd8", "utf-16"),
    ],
)
def test_what_is_not_text_is_refused_with_a_reason(data, reason):
    with pytest.raises(IngestError, match=reason):
        decode(data)
