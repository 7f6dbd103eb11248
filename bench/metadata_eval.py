"""Metadata benchmark: titles and bylines of our HTML cleaner against trafilatura's.

A title is right when it equals the gold title once normalised (case, quotes, punctuation and
spaces ignored); a byline is right when it names the same set of people as the gold byline
(names normalised the same way, honorifics such as "Dr" dropped, order ignored; an empty gold
byline is right only when the byline is empty too). Gold titles come from the dataset's
``truth.jsonl`` (``title``; the ScrapingHub set has none), gold bylines from a file of
``{"id", "byline", "split"}`` lines read by hand (``bench/data/bylines-*.jsonl``, see
``bench/data/README.md``). Trafilatura is ``trafilatura.extract_metadata``: its ``title`` and
``author``.

    python bench/metadata_eval.py [--data DIR] [--bylines FILE] [--split dev|check]
                                  [--types article,documentation] [--show N]

On a dataset without gold the figures are how often each side states a title or a byline and
how often the two agree.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from anthology.clean.html import clean_html
from anthology.clean.rules import default_rules
from anthology.core.errors import SourceError
from anthology.sources import Page, decode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from extraction import page_bytes, read_rows  # noqa: E402

BENCHMARKS = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
GOLD_BYLINES = [
    Path(__file__).resolve().parent / "data" / name
    for name in ("bylines-wcxb-dev.jsonl", "bylines-scrapinghub.jsonl")
]
ARTICLE_TYPES = ("article", "documentation")

_QUOTES = re.compile(r"[\u2018\u2019\u201c\u201d'\"`\u00ab\u00bb]")
_HONORIFICS = frozenset(["dr", "sir", "prof", "mr", "mrs", "ms", "miss", "dame"])
# Between names in a byline: ours writes "A, B and C", trafilatura "A; B; C".
_NAME_SEPARATOR = re.compile(r"\s*(?:[,;&|/]|\band\b)\s*", re.I)


def norm_title(text: str | None) -> str:
    """A title for comparison: NFKC, case-folded, without quotes, punctuation or extra spaces."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = _QUOTES.sub("", text)
    return re.sub(r"[\W_]+", " ", text).strip()


def norm_names(byline: str | None) -> frozenset[str]:
    """The people a byline names, each normalised as a title is, honorifics dropped."""
    names = set()
    for part in _NAME_SEPARATOR.split(byline or ""):
        words = norm_title(part).split()
        while words and words[0] in _HONORIFICS:
            words = words[1:]
        if words:
            names.add(" ".join(words))
    return frozenset(names)


def read_gold_bylines(paths: Iterable[Path], split: str | None = None) -> dict[str, str]:
    """Gold bylines by page id from these files, of one split (``dev`` or ``check``) or all."""
    rows = []
    for path in paths:
        with path.open(encoding="utf-8") as f:
            rows += [json.loads(line) for line in f if line.strip()]
    return {r["id"]: r["byline"] for r in rows if split in (None, r.get("split"))}


@dataclass
class Tally:
    """Right answers of one extractor (``right``) out of the pages with gold (``pages``)."""

    titles_right: int = 0
    titles: int = 0
    bylines_right: int = 0
    bylines: int = 0
    stated_titles: int = 0
    stated_bylines: int = 0
    agree_titles: int = 0  # on the anthology tally: pages where both sides agree
    agree_bylines: int = 0
    misses: list[dict] = field(default_factory=list)


def ours(page: Page, rules) -> tuple[str, str]:
    try:
        article = clean_html(page, rules)
    except SourceError:
        return "", ""
    return article.title or "", article.byline or ""


def theirs(text: str) -> tuple[str, str]:
    import trafilatura

    meta = trafilatura.extract_metadata(text)
    return (meta.title or "", meta.author or "") if meta else ("", "")


def score_metadata(
    data: Path,
    gold_bylines: dict[str, str] | None = None,
    page_types: Iterable[str] | None = ARTICLE_TYPES,
    ids: Iterable[str] | None = None,
    with_trafilatura: bool = True,
) -> dict[str, Tally]:
    """Titles and bylines right, ours and trafilatura's, on one dataset.

    Args:
        data: a dataset directory (``pages/`` and ``truth.jsonl``).
        gold_bylines: gold bylines by page id; only those pages are scored for bylines.
        page_types: score only pages of these ``page_type`` values (pages without one count).
        ids: score only these pages.
        with_trafilatura: also run trafilatura (when installed).

    Returns:
        ``{"anthology": Tally, "trafilatura": Tally}`` (the second only with trafilatura).
        Titles are scored on pages whose truth has a title.
    """
    rows = read_rows(data)
    wanted = set(ids) if ids is not None else None
    types = set(page_types) if page_types is not None else None
    rules = default_rules()
    tallies = {"anthology": Tally()}
    if with_trafilatura:
        try:
            import trafilatura  # noqa: F401

            tallies["trafilatura"] = Tally()
        except ImportError:
            pass
    for row in rows:
        if wanted is not None and row["id"] not in wanted:
            continue
        if types is not None and row.get("page_type", "article") not in types:
            continue
        text = decode(page_bytes(data, row["id"]), "html") or ""
        name = f"{row['id']}.html"
        page = Page(path=Path("sources") / name, name=name, shown=name, kind="html", text=text)
        results = {"anthology": ours(page, rules)}
        if "trafilatura" in tallies:
            results["trafilatura"] = theirs(text)
        for label, (title, byline) in results.items():
            tally = tallies[label]
            tally.stated_titles += bool(title.strip())
            tally.stated_bylines += bool(byline.strip())
            miss = {}
            if row.get("title"):
                tally.titles += 1
                if norm_title(title) == norm_title(row["title"]):
                    tally.titles_right += 1
                else:
                    miss["title"] = (title, row["title"])
            if gold_bylines is not None and row["id"] in gold_bylines:
                tally.bylines += 1
                if norm_names(byline) == norm_names(gold_bylines[row["id"]]):
                    tally.bylines_right += 1
                else:
                    miss["byline"] = (byline, gold_bylines[row["id"]])
            if miss:
                tally.misses.append({"id": row["id"], **miss})
        if len(results) == 2:
            (t1, b1), (t2, b2) = results.values()
            tallies["anthology"].agree_titles += norm_title(t1) == norm_title(t2)
            tallies["anthology"].agree_bylines += norm_names(b1) == norm_names(b2)
    return tallies


def _report(name: str, tallies: dict[str, Tally], show: int) -> None:
    print(f"\n{name}\n")
    print("| extractor | titles right | bylines right | titles stated | bylines stated |")
    print("|---|---|---|---|---|")
    for label, t in tallies.items():
        titles = f"{t.titles_right}/{t.titles}" if t.titles else "no gold"
        bylines = f"{t.bylines_right}/{t.bylines}" if t.bylines else "no gold"
        print(f"| {label} | {titles} | {bylines} | {t.stated_titles} | {t.stated_bylines} |")
    if len(tallies) == 2:
        t = tallies["anthology"]
        print(f"\nthe two agree on {t.agree_titles} titles and {t.agree_bylines} bylines")
    for miss in tallies["anthology"].misses[:show]:
        print(
            f"  {miss['id']}: "
            + "; ".join(f"{k} {v[0]!r} (gold {v[1]!r})" for k, v in miss.items() if k != "id")
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, action="append", help="dataset directory (repeatable)")
    parser.add_argument(
        "--bylines",
        type=Path,
        action="append",
        help="gold bylines (repeatable; default: bench/data)",
    )
    parser.add_argument("--split", choices=["dev", "check"], help="score one half of the sites")
    parser.add_argument(
        "--types", default=",".join(ARTICLE_TYPES), help="page types to score ('' for all)"
    )
    parser.add_argument("--bylines-only", action="store_true", help="only pages with gold bylines")
    parser.add_argument("--show", type=int, default=0, help="list this many of our misses")
    parser.add_argument("--no-trafilatura", action="store_true", help="only run our cleaner")
    args = parser.parse_args(argv)
    datasets = args.data or [BENCHMARKS / "wcxb-dev", BENCHMARKS / "extraction"]
    types = [t for t in args.types.split(",") if t] or None
    for data in datasets:
        files = [p for p in args.bylines or GOLD_BYLINES if p.exists()]
        gold = read_gold_bylines(files, args.split) if files else None
        if gold is not None:
            rows = {r["id"] for r in read_rows(data)}
            gold = {k: v for k, v in gold.items() if k in rows} or None
        ids = list(gold) if args.bylines_only and gold else None
        tallies = score_metadata(data, gold, types, ids, not args.no_trafilatura)
        split = f", {args.split} half" if args.split and gold else ""
        _report(f"{data.name}{split}", tallies, args.show)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
