"""The three file layouts: the seed's, the livedoor corpus's and JSON Lines."""

import json

from articles.ingest.layouts import read_documents
from articles.ingest.types import IngestError

SEED_LIKE = """見出しのタイトル

最初の段落です。ここに本文があります。

photo_1.jpg
山田太郎氏（左）と会談する鈴木花子氏。写真：共同通信

二つ目の小見出し

二番目の段落です。

(ロイターによると)

出典: https://www.example.co.jp/news/123.html
"""


def test_seed_layout_special_lines_leave_the_body():
    [document] = read_documents(SEED_LIKE)
    assert document.title == "見出しのタイトル"
    assert document.body == "最初の段落です。ここに本文があります。\n\n二番目の段落です。"
    assert document.subheadings == ["二つ目の小見出し"]
    [figure] = document.figures
    assert (figure.image, figure.caption, figure.credit) == (
        "photo_1.jpg", "山田太郎氏（左）と会談する鈴木花子氏。", "共同通信"
    )
    assert document.attributed_to == ["ロイター"]
    assert document.source_url == "https://www.example.co.jp/news/123.html"
    assert document.language == "ja"


def test_english_credit_and_source_line():
    [document] = read_documents("Title\n\nBody text here.\n\nchart.png\nA chart. Photo: AP\n\nSource: https://example.com/a\n")
    assert document.figures[0].credit == "AP"
    assert document.source_url == "https://example.com/a"
    assert document.language == "en"


def test_livedoor_layout_reads_url_date_and_title():
    text = "http://news.livedoor.com/article/detail/1/\n2012-02-19T13:00:00+0900\nタイトル行\n本文の一行目。\n本文の二行目。\n"
    [document] = read_documents(text)
    assert document.source_url == "http://news.livedoor.com/article/detail/1/"
    assert document.published_at == "2012-02-19T13:00:00+0900"
    assert document.title == "タイトル行"
    assert document.body == "本文の一行目。\n本文の二行目。"


def test_json_lines_good_records_pass_and_bad_ones_say_which_line():
    lines = [
        json.dumps({"title": "一つ目", "body": "本文一。", "url": "https://example.com/1", "published_at": "2024-09-01", "language": "ja"}),
        "{not json",
        json.dumps({"title": "本文なし"}),
        json.dumps(["a list"]),
        json.dumps({"title": "日付が変", "body": "本文。", "published_at": "yesterday"}),
        json.dumps({"title": "二つ目", "body": "本文二。"}),
        json.dumps({"title": "言語が変", "body": "本文。", "language": 'ja"><b>'}),
        json.dumps({"title": "三つ目", "body": "本文三。", "language": "zh-Hant"}),
    ]
    items = list(read_documents("\n".join(lines), name="batch.jsonl"))
    documents = [i for i in items if not isinstance(i, IngestError)]
    errors = [str(i) for i in items if isinstance(i, IngestError)]
    assert [d.title for d in documents] == ["一つ目", "二つ目", "三つ目"]
    assert documents[2].language == "zh-Hant"
    assert documents[0].source_url == "https://example.com/1"
    assert errors[0].startswith("line 2: not valid JSON")
    assert errors[1] == "line 3: missing 'body'"
    assert errors[2] == "line 4: expected a JSON object"
    assert errors[3].startswith("line 5: 'published_at'")
    assert errors[4] == """line 7: 'language' is not a language tag such as ja or en: 'ja"><b>'"""
