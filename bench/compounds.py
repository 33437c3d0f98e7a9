"""How well compound words are found: search() against a scan for the same letters.

    python bench/compounds.py [--files N] [--queries Q] [--database-url URL]

SudachiPy can cut the same letters into different words in a query and in an article: 東京都
alone is one word, but inside 東京都中央区銀座 only its parts 東京 and 都 stand in the index.
The query words are the compounds (words with mode-A parts) of the named-entity sentences in
../shared/corpora/ner (another corpus than the articles, so nothing here is tuned to them) that
occur in at least three of the first N livedoor articles. For each, in the same run: the
articles whose title or body holds its letters (a scan: an upper bound, since 京都 is inside
東京都 too), what search() finds, and what it finds when a word may only match as itself (each
word without its mode-A parts and each quoted phrase without its mode-A words). Prints the
share of letter-holding articles found (recall against the scan) and how many articles found
do not hold the letters (entity aliases find some of these by design). Then ranking: for noun
pairs of the same sentences typed as one word (日本代表, which needs 日本 and 代表 anywhere), the
share of the first 10 hits that hold the pair as typed, ranked with and without the phrase
that puts the words side by side first. Last, the same compounds and noun pairs quoted
("日本代表"): recall against the scan when a phrase's last word may begin a longer word of the
article (サッカー日本代表戦) and when it may not.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from itertools import pairwise

from _setup import CORPORA, django_on_scratch_database, every_match, livedoor_files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    args = parser.parse_args()
    sentences = CORPORA / "ner" / "ud_gsd_ner.jsonl"
    files = livedoor_files(args.files)
    if not files or not sentences.exists():
        print("skipped: ../shared/corpora/livedoor or ../shared/corpora/ner is absent")
        return 0
    url = django_on_scratch_database(args.database_url)

    from articles.ingest.analysis import analyse
    from articles.models import Article
    from articles.search import engine, search
    from articles.search.query import Part
    from articles.services.imports import import_paths

    import_paths(files)
    texts = {pk: f"{title}\n{body}" for pk, title, body in Article.objects.values_list("id", "title", "body")}

    compounds: dict[str, None] = {}
    pairs: dict[str, None] = {}  # two nouns side by side, typed as one word: 日本代表
    for line in sentences.read_text(encoding="utf-8").splitlines():
        tokens = analyse(json.loads(line)["text"])
        for token in tokens:
            if len(token.terms) > 2:  # the word and at least two parts
                compounds.setdefault(token.surface)
        for first, second in pairwise(tokens):
            if first.pos[0] == second.pos[0] == "名詞" and first.terms and second.terms:
                pairs.setdefault(first.surface + second.surface)
    def holders(letters: str) -> set[int]:
        """The articles whose title or body holds these letters: the scan search is measured against."""
        return {pk for pk, text in texts.items() if letters in text}

    def scored(found: dict[str, set[int]], held: dict[str, set[int]]) -> tuple[int, int]:
        """Article-query pairs found that hold the letters, and found that do not."""
        return sum(len(found[q] & held[q]) for q in held), sum(len(found[q] - held[q]) for q in held)

    queries = []
    holding: dict[str, set[int]] = {}
    for word in compounds:
        found = holders(word)
        if len(found) >= 3:
            queries.append(word)
            holding[word] = found
        if len(queries) == args.queries:
            break

    parse = engine.parse_query

    def words_only(text: str):
        parsed = parse(text)
        for parts in (parsed.required, parsed.excluded):
            parts[:] = [
                Part(words=tuple(either[:1] for either in part.words), phrases=(part.phrases or part.open_ended)[:1])
                for part in parts
            ]
        return parsed

    results = {}
    for name, parser_of in (("as themselves or by their parts", parse), ("as themselves only", words_only)):
        engine.parse_query = parser_of
        started = time.perf_counter()
        results[name] = {query: {article.pk for article in every_match(query)} for query in queries}
        results[name, "time"] = time.perf_counter() - started
    engine.parse_query = parse

    held = sum(len(found) for found in holding.values())
    print(f"database: {url.split(':', 1)[0]}   articles: {len(texts):,}"
          f"   compound query words: {len(queries)} (from the ner sentences),"
          f" held by {held:,} article-word pairs")
    for name in ("as themselves only", "as themselves or by their parts"):
        found = results[name]
        hit, stray = scored(found, holding)
        missed_all = sum(1 for q in queries if not found[q] & holding[q])
        print(f"words found {name}: recall {hit / held:.3f} ({hit:,} of {held:,}),"
              f" {stray:,} found without the letters, {missed_all} words finding none of theirs,"
              f" {results[name, 'time'] / len(queries) * 1e3:.1f} ms a word")
    # ranking: typed pairs that find more than ten articles, some holding the pair as typed
    ranked: dict[str, set[int]] = {}  # pair -> the articles holding it
    for pair in pairs:
        held_by = holders(pair)
        if len(analyse(pair)) == 2 and len(held_by) >= 3 and search(pair, limit=1).total > 10:
            ranked[pair] = held_by
        if len(ranked) == args.queries:
            break

    def without_ranking_phrases(text: str):
        parsed = parse(text)
        parsed.required = [Part(words=p.words) if p.words else p for p in parsed.required]
        return parsed

    for name, parser_of in (("side by side first", parse), ("without that phrase", without_ranking_phrases)):
        engine.parse_query = parser_of
        top = [sum(pair in texts[hit.article.pk] for hit in search(pair, limit=10).hits) for pair in ranked]
        print(f"top 10 of {len(ranked)} typed noun pairs (日本代表), ranked {name}: {sum(top) / (10 * len(ranked)):.3f}"
              " of them hold the pair as typed")
    engine.parse_query = parse
    ceiling = sum(min(10, len(held_by)) for held_by in ranked.values()) / (10 * len(ranked))
    print(f"    (at most {ceiling:.3f}: some pairs are held by fewer than 10 articles)")

    gained = sorted(queries, key=lambda q: -len(results["as themselves or by their parts"][q] - results[
        "as themselves only"][q]))[:8]
    print("most gained: " + ", ".join(
        f"{q} {len(results['as themselves only'][q] & holding[q])}->"
        f"{len(results['as themselves or by their parts'][q] & holding[q])}/{len(holding[q])}" for q in gained))

    def closed(text: str):
        parsed = parse(text)
        parsed.required = [
            replace(part, phrases=(*part.phrases, *part.open_ended), open_ended=()) for part in parsed.required
        ]
        return parsed

    quoted = {f'"{word}"': holding[word] for word in queries}
    quoted.update((f'"{pair}"', held_by) for pair, held_by in ranked.items())
    held = sum(len(found) for found in quoted.values())
    for name, parser_of in (("may begin a longer word", parse), ("may not", closed)):
        engine.parse_query = parser_of
        hit, stray = scored({query: {article.pk for article in every_match(query)} for query in quoted}, quoted)
        print(f"quoted, {len(quoted)} compounds and pairs (\"日本代表\"), the last word {name}:"
              f" recall {hit / held:.3f} ({hit:,} of {held:,}), {stray:,} found without the letters")
    engine.parse_query = parse
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
