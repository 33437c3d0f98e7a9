"""Money, counts, percentages and dates, with their values in base units."""

import pytest

from articles.ingest.quantities import find_dates, find_quantities


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("約10億ドルの報酬", ("money", "1000000000", "USD", True)),
        ("10 億ドルのオファー", ("money", "1000000000", "USD", False)),
        ("時価総額1700億ドル", ("money", "170000000000", "USD", False)),
        ("1兆2000億円の赤字", ("money", "1200000000000", "JPY", False)),
        ("5,000万円", ("money", "50000000", "JPY", False)),
        ("３億ユーロ", ("money", "300000000", "EUR", False)),
        ("二百万ポンド", ("money", "2000000", "GBP", False)),
        ("およそ50億元", ("money", "5000000000", "CNY", True)),
        ("10人以上に連絡", ("count", "10", "people", True)),
        ("二十名が参加", ("count", "20", "people", False)),
        ("約５０％", ("percent", "50", "%", True)),
        ("3.5パーセント", ("percent", "3.5", "%", False)),
    ],
)
def test_quantities(text, expected):
    [quantity] = find_quantities(text)
    assert (quantity.kind, quantity.value, quantity.unit, quantity.approximate) == expected
    assert text[quantity.start : quantity.end] == quantity.text


@pytest.mark.parametrize("text", ["第1名", "一人ひとり", "数億ドル相当", "三人称"])
def test_not_quantities(text):
    assert find_quantities(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2024年9月", "2024-09"),
        ("2024年9月5日", "2024-09-05"),
        ("令和6年", "2024"),
        ("平成元年", "1989"),
        ("２０１２年", "2012"),
        ("2月に設立", "XXXX-02"),
    ],
)
def test_dates(text, value):
    [date] = find_dates(text)
    assert date.value == value


def test_impossible_dates_are_ignored():
    assert find_dates("13月") == []
