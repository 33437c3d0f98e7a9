"""Name keys: the form that decides whether two names are the same entity or source.

SudachiPy's normalized forms, NFKC-folded and joined without spaces or middle dots, so that
マーク・ザッカーバーグ, ﾏｰｸ ｻﾞｯｶｰﾊﾞｰｸﾞ and マーク ザッカーバーグ share one key, and
Zuckerberg (which SudachiPy normalises to ザッカーバーグ) shares the surname's.

>>> name_key("ＣＥＯ") == name_key("ceo")
True
"""

from __future__ import annotations

from functools import lru_cache

from .analysis import analyse, fold

MAX_KEY_CHARS = 300  # NameKey.key's length: normalising can lengthen a name (㍿ -> 株式会社)


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    name = name.strip()
    if not name:
        return ""
    key = "".join([t.key for t in analyse(name[:200])])  # the analysis folded each word once
    # a name made only of symbols still needs a key of its own
    return (key or fold(name).replace(" ", ""))[:MAX_KEY_CHARS]
