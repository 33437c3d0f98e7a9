"""highlight(): the window shown and its marks, from spans of the original text."""

from articles.search.snippets import highlight


def test_touching_matches_share_one_mark_but_count_as_many_when_choosing_the_window():
    text = "記者会見を開いた。" + "あ" * 150 + "記者が来た。会見は中止。"
    spans = [(0, 2), (2, 4), (160, 162), (166, 168)]  # 記者 会見 at the start, then apart
    assert highlight(text, spans).startswith("<mark>記者会見</mark>を開いた。")


def test_a_run_cut_by_the_window_keeps_the_marks_that_fit():
    text = "う" * 100 + "記者会見" * 6
    spans = [(100 + 2 * i, 102 + 2 * i) for i in range(12)]
    html = highlight(text, spans, window=30)
    assert html.startswith("…") and "<mark>記者会見記者会見" in html
    assert html.count("<mark>") == 1


def test_marks_are_escaped_and_untouched_ones_stay_apart():
    text = "<b>記者会見</b>&記者"
    assert highlight(text, [(3, 5), (5, 7), (12, 14)], whole=True) == (
        "&lt;b&gt;<mark>記者会見</mark>&lt;/b&gt;&amp;<mark>記者</mark>"
    )
