"""Claims: sentences with a factual payload, their speakers and cited outlets."""

from articles.ingest import Document, parse_document
from articles.ingest.claims import split_sentences


def sentences(text):
    return [text[s:e] for s, e in split_sentences(text)]


def test_sentences_end_outside_brackets_only():
    text = "彼は「無理だ。絶対に」と語った。次の文！\n改行の後"
    assert sentences(text) == ["彼は「無理だ。絶対に」と語った。", "次の文！", "改行の後"]


def parse(body):
    return parse_document(Document(title="見出し", body=body))


def test_quote_gets_its_speaker_and_outlet_attribution_carries_through_the_paragraph():
    article = parse(
        "ロイター通信によると、トヨタ自動車は新工場に約500億円を投じる。"
        "同社の佐藤恒治社長は「電動化を急ぐ」と述べた。\n\n"
        "別の段落では天気の話をした。気温は25度で、観光客は1000人だった。"
    )
    by_text = {c.text: c for c in article.claims}
    first = by_text["ロイター通信によると、トヨタ自動車は新工場に約500億円を投じる。"]
    assert first.kind == "quantity"
    assert first.attributed_to == "ロイター通信"
    assert [q.value for q in first.quantities] == ["50000000000"]
    quote = by_text["同社の佐藤恒治社長は「電動化を急ぐ」と述べた。"]
    assert quote.kind == "quote"
    assert article.entities[quote.speaker].name == "佐藤恒治"
    assert quote.attributed_to == "ロイター通信"  # carried from the paragraph's opening
    later = by_text["気温は25度で、観光客は1000人だった。"]
    assert later.attributed_to == ""  # a new paragraph starts without it
    assert "ロイター通信" in article.outlets


def test_claim_offsets_point_into_the_body():
    body = "前置き。\n\n田中氏は2024年9月に辞任した。"
    article = parse(body)
    [claim] = [c for c in article.claims if c.dates]
    assert body[claim.start : claim.end] == claim.text
    assert [d.value for d in claim.dates] == ["2024-09"]


def test_hearsay_is_not_a_quote():
    article = parse("メタはアンスロピックの多くのスタッフにアプローチしたが、ほとんどが「断った」という。")
    assert all(c.speaker is None for c in article.claims)
