"""Near-duplicates: the same article syndicated on two sites or saved twice.

Two articles are near-duplicates when most of the shorter one's five-word shingles (runs of
five words, case and punctuation aside) occur in the longer one: a shortened or lightly edited
copy still shares most of them, while two articles on one subject share almost none (the
80 labelled benchmark pages share at most 4% with any other page).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from anthology.core.model import Article
from anthology.plan.text import article_text

SHINGLE = 5  # words in a shingle
SHARED = 0.5  # share of the shorter article's shingles found in the other
FEWEST = 20  # shingles an article needs before it is compared at all

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Duplicate:
    """An article left out of the plan because another one holds the same text."""

    source: str  # the copy left out
    kept: str  # the article kept in its place
    reason: str


def shingles(text: str, size: int = SHINGLE) -> frozenset[str]:
    """The text's runs of ``size`` words, lower case, punctuation left out."""
    tokens = _WORD.findall(text.casefold())
    return frozenset(" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def find_duplicates(articles: Sequence[Article], shared: float = SHARED) -> tuple[Duplicate, ...]:
    """Near-duplicate articles, each named with the one kept in its place.

    Of a set of copies the plan keeps the longest; on equal length a dated one, then the
    first by source name.

    Args:
        articles: the edition's articles.
        shared: the share of the shorter article's shingles that makes a near-duplicate.

    Returns:
        One ``Duplicate`` per copy left out, by source name.
    """
    by_source = {a.source: a for a in articles}
    sets = {a.source: shingles(article_text(a)) for a in articles}
    sets = {s: grams for s, grams in sets.items() if len(grams) >= FEWEST}
    postings: dict[str, list[str]] = {}
    for source in sorted(sets):
        for gram in sets[source]:
            postings.setdefault(gram, []).append(source)
    common: Counter = Counter()
    for holders in postings.values():
        if 1 < len(holders) <= 50:  # a shingle in very many articles is boilerplate
            for i, one in enumerate(holders):
                for other in holders[i + 1 :]:
                    common[one, other] += 1
    parent = {s: s for s in sets}

    def root(s: str) -> str:
        while parent[s] != s:
            s = parent[s]
        return s

    overlap: dict[tuple[str, str], float] = {}
    for (one, other), count in sorted(common.items()):
        share = count / min(len(sets[one]), len(sets[other]))
        if share >= shared:
            overlap[one, other] = overlap[other, one] = share
            parent[root(other)] = root(one)
    groups: dict[str, list[str]] = {}
    for source in sorted(sets):
        groups.setdefault(root(source), []).append(source)
    found = []
    for members in groups.values():
        if len(members) < 2:
            continue
        ranked = sorted(
            members,
            key=lambda s: (-by_source[s].word_count, by_source[s].date is None, s),
        )
        kept = ranked[0]
        for copy in ranked[1:]:
            share = overlap.get((copy, kept)) or max(
                (overlap.get((copy, m), 0.0) for m in members), default=0.0
            )
            found.append(
                Duplicate(
                    source=copy,
                    kept=kept,
                    reason=(
                        f"a near-duplicate of {kept} ({share:.0%} of its text is there too); "
                        f"{kept} is kept as the {_why(by_source[kept], by_source[copy])}"
                    ),
                )
            )
    return tuple(sorted(found, key=lambda d: d.source))


def _why(kept: Article, copy: Article) -> str:
    if kept.word_count > copy.word_count:
        return "longer one"
    if kept.date is not None and copy.date is None:
        return "dated one"
    return "first by name"
