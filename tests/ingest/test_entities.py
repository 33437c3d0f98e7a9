"""Entity spans, kinds and linking on small hand-written texts (pure Python, no Django)."""

from __future__ import annotations

import pytest

from articles.ingest.entities import extract_entities


def entities_of(text: str) -> dict[str, tuple[str, list[str]]]:
    """Each entity's name -> (kind, aliases)."""
    entities, _ = extract_entities(text)
    return {e.name: (e.kind, e.aliases) for e in entities}


def kind_of(text: str, name: str) -> str | None:
    found = entities_of(text).get(name)
    return found[0] if found else None


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        # the compound's head word decides the kind of the whole compound
        ("英国政府は声明を出した。", "英国政府", "organization"),
        ("日本出版美術家連盟が結成された。", "日本出版美術家連盟", "organization"),
        ("神田川に沿って歩いた。", "神田川", "place"),
        ("経済産業省が調査を始めた。", "経済産業省", "organization"),
        ("テレビ愛知に入社した。", "テレビ愛知", "organization"),
        # the words around a name
        ("山田さんは笑った。", "山田", "person"),
        ("ソニーの社長が来日した。", "ソニー", "organization"),
        ("ロイターによると、交渉は続く。", "ロイター", "organization"),
        ("クロヴィス2世の子供。", "クロヴィス2世", "person"),
    ],
)
def test_kinds(text: str, name: str, kind: str) -> None:
    assert kind_of(text, name) == kind


def test_facilities_events_and_nationalities_are_not_places() -> None:
    found = entities_of("東京駅で台湾人の観光客と沖縄県知事選について話した。")
    assert found["東京駅"][0] == "other"
    assert found["沖縄県知事選"][0] == "event"
    assert not any(name.startswith("台湾") for name in found)


def test_era_name_before_a_year_is_no_name() -> None:
    assert "昭和" not in entities_of("昭和13年に完成した。")


def test_middle_dot_lists_japanese_names_but_joins_foreign_ones() -> None:
    found = entities_of("決勝に進んだのは梅沢・杉本の2人で、ミラ・ムラティ氏も見守った。")
    assert found["梅沢"][0] == "person"
    assert found["杉本"][0] == "person"
    assert found["ミラ・ムラティ"][0] == "person"


def test_surname_and_short_name_link_to_the_full_name() -> None:
    found = entities_of(
        "マーク・ザッカーバーグ氏は会見した。ザッカーバーグ氏によると、計画は順調だ。"
    )
    assert found["マーク・ザッカーバーグ"] == ("person", ["ザッカーバーグ"])
    assert "ザッカーバーグ" not in found


def test_legal_form_and_acronym_become_aliases() -> None:
    found = entities_of(
        "株式会社リッスンジャパンは新製品を出した。リッスンジャパンの社長は語った。"
        "Safe Superintelligence(SSI)も参入した。"
    )
    assert found["株式会社リッスンジャパン"] == ("organization", ["リッスンジャパン"])
    assert found["Safe Superintelligence"] == ("organization", ["SSI"])


def test_title_before_a_name_belongs_to_the_company_not_the_run() -> None:
    found = entities_of(
        "OpenAIの元CTOであるミラ・ムラティに接触した。Thinking Machines Labを設立。"
    )
    assert found["OpenAI"][0] == "organization"
    assert found["Thinking Machines Lab"][0] == "organization"
    assert all("CEO" not in name for name in entities_of("Meta CEO マーク・ザッカーバーグ氏の提案"))


def test_web_addresses_and_file_names_hold_no_names() -> None:
    text = "出典: https://example.com/mark-zuckerberg-offer.html 写真 3lbl71ki.png"
    assert entities_of(text) == {}


def test_mentions_point_into_the_text() -> None:
    text = "英国政府と神田川"
    entities, mentions = extract_entities(text)
    assert [text[m.start : m.end] for m in mentions] == [m.surface for m in mentions]
    assert {entities[m.entity].name for m in mentions} == {"英国政府", "神田川"}


def _with_term_offsets(tokens, *, relative: bool):
    """The tokens with Token.terms offsets relative to each token or absolute in the text (the
    whole-word term, first, starts where its token starts in either form)."""
    rewritten = []
    for t in tokens:
        base = t.terms[0][1] if t.terms else 0
        shift = -base if relative else t.start - base
        rewritten.append(t._replace(terms=tuple((w, s + shift, e + shift) for w, s, e in t.terms)))
    return rewritten


@pytest.mark.parametrize("relative", [True, False])
def test_title_fused_into_a_name_is_cut_off_whatever_the_term_offsets(relative: bool) -> None:
    from articles.ingest.analysis import analyse

    text = "米国のトランプ大統領(70)が来日した。"
    tokens = _with_term_offsets(analyse(text), relative=relative)
    entities, mentions = extract_entities(text, tokens)
    found = {e.name: e.kind for e in entities}
    assert found.get("トランプ") == "person"
    assert all(text[m.start : m.end] == m.surface for m in mentions)


def test_known_names_give_way_only_to_rule_spans_that_hold_them_and_stay():
    from articles.ingest.entities import EntitySpan
    from articles.ingest.gazetteer import prefer_known

    text = "香川照之と香川"
    rule = EntitySpan(0, 4, text[0:4])  # 香川照之, found by the rules
    known = EntitySpan(0, 2, text[0:2])  # 香川, an editor's name
    assert prefer_known([rule], [known]) == [rule]
    assert prefer_known([EntitySpan(0, 2, "香川")], [EntitySpan(0, 4, "香川照之")])[0].end == 4
    # the holder itself loses to another known name that it overlaps: the name it held is found
    other = EntitySpan(3, 6, text[3:6])
    assert [(s.start, s.end) for s in prefer_known([rule], [known, other])] == [(0, 2), (3, 6)]
