"""Entity extraction measured on UD Japanese GSD with named entities.

    python bench/extraction.py [--split test|dev|train] [--errors N]

The measure is the corpus README's: for each sentence, the set of (kind, surface) pairs for
PERSON->person, ORG->organization, LOC->place, surfaces compared after NFKC, lower-casing and
removing spaces and middle dots; micro precision, recall and F1 over all sentences. Prints typed
and untyped scores and sentences per second. Tune on train and dev; report test.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from articles.ingest.analysis import analyse  # noqa: E402
from articles.ingest.entities import extract_entities  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "ner" / "ud_gsd_ner.jsonl"
LABELS = {"PERSON": "person", "ORG": "organization", "LOC": "place"}


def norm(surface: str) -> str:
    text = unicodedata.normalize("NFKC", surface).lower()
    for ch in (" ", "\u3000", "・", "･", "·"):
        text = text.replace(ch, "")
    return text


def score(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=["train", "dev", "test"])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--errors", type=int, default=0, help="print this many error examples")
    args = parser.parse_args()
    if not args.corpus.exists():
        print(f"skipped: {args.corpus} is absent")
        return 0
    rows = [json.loads(line) for line in args.corpus.open(encoding="utf-8")]
    rows = [r for r in rows if r["split"] == args.split]
    analyse("準備")  # load the dictionary outside the timed loop

    predicted: list[set] = []
    started = time.perf_counter()
    for row in rows:
        entities, mentions = extract_entities(row["text"])
        predicted.append({(entities[m.entity].kind, norm(m.surface)) for m in mentions})
    elapsed = time.perf_counter() - started

    typed, untyped = Counter(), Counter()
    per_kind: dict[str, Counter] = {k: Counter() for k in LABELS.values()}
    errors = []
    for row, pred in zip(rows, predicted, strict=True):
        gold = {
            (LABELS[e["label"]], norm(e["text"])) for e in row["entities"] if e["label"] in LABELS
        }
        pred = {p for p in pred if p[0] in LABELS.values()}
        typed.update(tp=len(gold & pred), fp=len(pred - gold), fn=len(gold - pred))
        gold_u, pred_u = {s for _, s in gold}, {s for _, s in pred}
        untyped.update(tp=len(gold_u & pred_u), fp=len(pred_u - gold_u), fn=len(gold_u - pred_u))
        for kind, counter in per_kind.items():
            g = {p for p in gold if p[0] == kind}
            q = {p for p in pred if p[0] == kind}
            counter.update(tp=len(g & q), fp=len(q - g), fn=len(g - q))
        if gold != pred:
            errors.append((row["text"], sorted(gold - pred), sorted(pred - gold)))

    print(f"split {args.split}: {len(rows)} sentences")
    for name, c in (("typed", typed), ("untyped", untyped), *per_kind.items()):
        p, r, f = score(c["tp"], c["fp"], c["fn"])
        counts = f"tp {c['tp']} fp {c['fp']} fn {c['fn']}"
        print(f"{name:>12}: P {p:.3f}  R {r:.3f}  F1 {f:.3f}  ({counts})")
    speed = len(rows) / elapsed
    print(f"{'speed':>12}: {speed:,.0f} sentences/s ({elapsed:.2f} s, analysis included)")
    for text, missed, extra in errors[: args.errors]:
        print(f"\n{text}\n  missed {missed}\n  extra  {extra}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
