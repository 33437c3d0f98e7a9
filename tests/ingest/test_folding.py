"""fold() normalises long texts in pieces; the result must be NFKC + casefold of the whole."""

import unicodedata

from articles.ingest.analysis import fold


def _reference(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def test_fold_of_a_long_text_equals_nfkc_of_the_whole():
    # combining marks after stable characters (か + ゙), half-width kana, full-width Latin
    text = "ｻﾞｯｶｰﾊﾞｰｸﾞ氏（ＣＥＯ）は「か\u3099」と㍻①Ⅻ\u3000ｶﾞ e\u0301 ß " * 10 + "\u3099"
    assert len(text) > 64
    assert fold(text) == _reference(text)


def test_fold_of_every_character_next_to_a_combining_mark():
    for code in range(0x3000, 0x3100):
        text = "東京" * 40 + "か" + chr(code) + "\u3099" + chr(code) + "ｶ\uff9e"
        assert fold(text) == _reference(text), hex(code)
