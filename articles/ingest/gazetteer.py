"""Names the archive already knows, found in new text even where the rules miss them.

Editors' curation teaches the importer: an entity an editor named, typed or gave aliases
to is recognised in later articles by any of its names.
"""

from __future__ import annotations

from collections.abc import Container, Sequence

from .analysis import Token
from .entities import EntitySpan

MAX_WORDS = 6


def find_known_spans(tokens: Sequence[Token], text: str, known_keys: Container[str]) -> list[EntitySpan]:
    """Longest runs of up to MAX_WORDS tokens whose name key is in `known_keys`."""
    found: list[EntitySpan] = []
    n = len(tokens)
    i = 0
    while i < n:
        first = tokens[i]
        if first.pos[0] not in ("名詞", "接頭辞"):
            i += 1
            continue
        best = None
        key = ""
        for j in range(i, min(n, i + MAX_WORDS)):
            token = tokens[j]
            if token.pos[0] not in ("補助記号", "空白"):
                key += token.key
            elif token.surface not in ("・", "･", " "):
                break
            if key in known_keys:
                best = j
        if best is None:
            i += 1
            continue
        start, end = first.start, tokens[best].end
        found.append(EntitySpan(start=start, end=end, surface=text[start:end]))
        i = best + 1
    return found


def prefer_known(spans: Sequence[EntitySpan], known: Sequence[EntitySpan]) -> list[EntitySpan]:
    """The rules' spans and the known names: where they overlap, the editor's name wins,
    except over a rule span that holds it and more (香川照之 is not the known 香川)."""
    held = [k for k in known if any(_holds_more(s, k) for s in spans)]
    winners = [k for k in known if k not in held]
    kept = [s for s in spans if not any(k.start < s.end and s.start < k.end for k in winners)]
    # a known name whose holder lost to another known name is found after all
    winners += [k for k in held if not any(_holds_more(s, k) for s in kept)]
    return sorted([*kept, *winners], key=lambda s: s.start)


def _holds_more(outer: EntitySpan, inner: EntitySpan) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end and outer.end - outer.start > inner.end - inner.start
