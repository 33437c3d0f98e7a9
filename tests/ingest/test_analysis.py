"""SudachiPy analysis: long texts in chunks, one tokenizer per thread, the pure package."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from articles.ingest.analysis import PIECE_CHARS, analyse, chunks
from articles.ingest.terms import decode_offsets, index_field

ROOT = Path(__file__).resolve().parents[2]


def test_text_over_sudachipy_limit_is_analysed_in_chunks_with_exact_offsets():
    text = "東京都の知事は会見で新しい方針を説明した。" * 4000  # about 250,000 bytes
    assert len(text.encode()) > 49_149
    tokens = analyse(text)
    assert all(text[t.start : t.end] == t.surface for t in tokens)
    assert sum(1 for t in tokens if t.surface == "東京都") == 4000


def test_chunks_cut_at_sentence_ends_and_stay_small():
    text = ("あ" * 100 + "。") * 1000
    pieces = list(chunks(text))
    assert len(pieces) > 1
    assert "".join(p for _, p in pieces) == text
    assert all(len(p) <= PIECE_CHARS and p.endswith("。") for _, p in pieces[:-1])
    assert all(text[offset:].startswith(p) for offset, p in pieces)


def test_chunks_cut_at_line_ends_first_and_keep_the_spaces_after_them_whole():
    """A line end and the spaces after it are one word to SudachiPy: a cut between them would
    change the words, so the cut comes after both."""
    paragraph = "東京都の知事は、会見で新しい方針を説明した。" * 4 + "\n\u3000"
    text = paragraph * 40
    pieces = list(chunks(text))
    assert len(pieces) > 1
    assert "".join(p for _, p in pieces) == text
    assert all(p.endswith("。\n\u3000") for _, p in pieces[:-1])


def test_a_run_without_any_break_is_still_cut():
    text = "ア" * 30_000
    assert sum(len(p) for _, p in chunks(text)) == 30_000
    assert analyse(text)


def test_long_runs_of_spaces_are_cut_too():
    text = "東京都\n" + " " * 60_000 + "大阪府" + "\u3000" * 30_000 + "。" + "\n" * 20_000
    tokens = analyse(text)
    assert "".join(t.surface for t in tokens) == text
    assert all(len(p) <= 2 * PIECE_CHARS for _, p in chunks(text))


def test_threads_each_get_their_own_tokenizer():
    texts = [f"{i}人の記者が東京都庁で取材した。" * 50 for i in range(40)]
    expected = [[t.surface for t in analyse(x)] for x in texts]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda x: [t.surface for t in analyse(x)], texts))
    assert results == expected


def test_terms_fold_width_and_case_and_keep_offsets():
    text = "ｻﾞｯｶｰﾊﾞｰｸﾞ氏とＣＥＯの東京都"
    field = index_field(text)
    terms = field.terms.split()
    assert terms[:3] == ["ザッカーバーグ", "氏", "と"]
    assert "ceo" in terms and terms[-3:] == ["東京都", "東京", "都"]
    spans = decode_offsets(field.offsets)
    assert text[slice(*spans[0])] == "ｻﾞｯｶｰﾊﾞｰｸﾞ"
    assert text[slice(*spans[-2])] == "東京"


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("イー・モバイルが", "イー-モバイル イー - モバイル が"),  # ・ separates words, as ASCII punctuation does
        ("セブン‐イレブン", "セブン-イレブン"),  # a hyphen from outside ASCII
        ("ゔあ゙あ゙っ", "ゔあ゙あ゙っ"),  # combining marks belong to the word
        ("ＣＥＯ・ｻﾞｯｶｰﾊﾞｰｸﾞ", "ceo ザッカーバーグ"),  # a ・ of its own is a symbol: no term
    ],
)
def test_characters_that_only_separate_words_become_ascii_punctuation(text, terms):
    field = index_field(text)
    assert field.terms == terms
    assert len(decode_offsets(field.offsets)) == len(terms.split())


def test_ingest_imports_without_django():
    code = (
        "import sys; import articles.ingest as i; "
        "assert 'django' not in sys.modules, 'django imported'; print(i.name_key('ＣＥＯ'))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env={})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ceo"


def test_reindexing_stores_what_the_importer_stores(livedoor_files):
    """index_field(text) (re-indexing: cached word layouts, no tokens) and
    index_field(text, analyse(text)) (the importer) give the same terms and offsets, on real
    news and on the awkward cases: symbols first, width variants (re-indexing finds a word's
    layout by its id and its surface's length), a text cut into chunks."""
    texts = [path.read_text(encoding="utf-8") for path in livedoor_files]
    texts += [
        "「　」ｻﾞｯｶｰﾊﾞｰｸﾞ氏、ＣＥＯに。東京都庁",
        "！？" * 10 + "東京都",
        "ガス料金とｶﾞｽ料金、ｶﾞｽ料金とガス料金",  # one word, two surface lengths, either first
        ("東京都の知事は会見で新しい方針を説明した。" * 2500),  # over the chunk size
    ]
    for text in texts * 2:  # the second time from the cache of word layouts
        reindexed, imported = index_field(text), index_field(text, analyse(text))
        assert reindexed == imported
        spans = decode_offsets(reindexed.offsets)
        assert len(spans) == len(reindexed.terms.split())
        assert all(0 <= start < end <= len(text) for start, end in spans)
