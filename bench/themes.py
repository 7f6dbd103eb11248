"""Theming benchmark: the plan's parts and names against the labelled topics of themes-dev.

Cleans each themes-dev page with ``clean_html`` (as ``bench/extraction.py`` does), runs
``plan`` over the articles, writes ``grouping.json`` and scores it with the set's own
``score.py`` (adjusted Rand index, parts named for their topic). A second row does the same
with the pages' gold bodies (from ``wcxb-dev/truth.jsonl``), which measures theming apart from
cleaning. Then the same over random folders of 48 pages on 6 topics (8 pages each, as the
held-out folders are made), to see how the method holds on folders it was not tuned on, and
the names the parts got there, by topic.

    python bench/themes.py [--data DIR] [--pages DIR] [--subsets 20] [--seed 0] [--keep DIR]
                           [--duplicate]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from html import escape
from pathlib import Path

from anthology.clean.html import clean_html
from anthology.clean.rules import default_rules
from anthology.core.errors import SourceError
from anthology.core.model import Article, Paragraph
from anthology.plan import Plan, plan
from anthology.sources import Page, decode

SHARED = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
DEFAULT_DATA = SHARED / "themes-dev"
DEFAULT_PAGES = SHARED / "wcxb-dev"
COPY = "3035"  # a shorter copy of page 0463 (see themes-dev/README.md)


def cleaned(pages: Path, ids: list[str]) -> tuple[dict[str, Article], dict[str, str]]:
    """Each page cleaned by our cleaner, and the refusals."""
    rules = default_rules()
    articles, refused = {}, {}
    for page_id in ids:
        name = f"{page_id}.html"
        raw = gzip.decompress((pages / "pages" / f"{name}.gz").read_bytes())
        text = decode(raw, "html") or ""
        page = Page(path=Path(name), name=name, shown=f"sources/{name}", kind="html", text=text)
        try:
            articles[page_id] = clean_html(page, rules)
        except SourceError as exc:
            refused[page_id] = str(exc)
    return articles, refused


def gold(pages: Path, ids: list[str]) -> dict[str, Article]:
    """Each page's gold title and body as an article (paragraphs at blank lines)."""
    wanted = set(ids)
    articles = {}
    with (pages / "truth.jsonl").open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["id"] not in wanted:
                continue
            body = tuple(
                Paragraph(escape(p.strip())) for p in re.split(r"\n\s*\n", row["body"]) if p.strip()
            )
            articles[row["id"]] = Article(
                source=f"{row['id']}.html", title=row.get("title") or "", body=body
            )
    return articles


def score(labels: dict, result: Plan, work: Path, name: str) -> tuple[float, str, str]:
    """ARI, the scorer's last line and its part lines, for ``labels`` and ``result``."""
    (work / f"{name}-labels.json").write_text(json.dumps(labels), encoding="utf-8")
    grouping = {"parts": [{"title": p.title, "sources": list(p.sources)} for p in result.parts]}
    (work / f"{name}-grouping.json").write_text(json.dumps(grouping, indent=1), encoding="utf-8")
    out = subprocess.run(
        [
            sys.executable,
            str(DEFAULT_DATA / "score.py"),
            str(work / f"{name}-labels.json"),
            str(work / f"{name}-grouping.json"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    last = out.strip().splitlines()[-1]
    ari = float(re.search(r"ari=(-?[\d.]+)", last).group(1))
    return ari, last, out


_PART_LINE = re.compile(r"^\s*\d+\s+\d+\s+(yes|no)\s+(.+?)\s+\d+/\d+\s+(.*)$")


def part_names(out: str) -> list[tuple[str, str, bool]]:
    """(main topic, part title, named) for each part line of the scorer's report."""
    found = []
    for line in out.splitlines():
        match = _PART_LINE.match(line)
        if match:
            found.append((match.group(2), match.group(3).strip(), match.group(1) == "yes"))
    return found


def subset_labels(labels: dict, rng: random.Random, topics: int, per_topic: int) -> dict:
    """Labels for a random folder of ``per_topic`` pages on each of ``topics`` topics."""
    chosen = rng.sample(sorted(labels["topics"]), topics)
    members = {t: sorted(rng.sample(sorted(labels["topics"][t]), per_topic)) for t in chosen}
    ids = {i for m in members.values() for i in m}
    return {
        "topics": members,
        "keywords": {t: labels["keywords"][t] for t in chosen},
        "articles": {i: a for i, a in labels["articles"].items() if i in ids},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="themes-dev folder")
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="wcxb-dev folder")
    parser.add_argument("--subsets", type=int, default=20, help="random 48-page folders")
    parser.add_argument("--seed", type=int, default=0, help="seed for the random folders")
    parser.add_argument("--keep", type=Path, help="keep groupings in this folder")
    parser.add_argument(
        "--duplicate", action="store_true", help=f"add page {COPY} and report near-duplicates"
    )
    args = parser.parse_args(argv)
    labels = json.loads((args.data / "labels.json").read_text(encoding="utf-8"))
    ids = sorted(labels["articles"]) + ([COPY] if args.duplicate else [])
    work = args.keep or Path(tempfile.mkdtemp(prefix="themes-"))
    work.mkdir(parents=True, exist_ok=True)

    start = time.perf_counter()
    ours, refused = cleaned(args.pages, ids)
    rows = {"cleaned": ours, "gold": gold(args.pages, ids)}
    print(f"cleaned {len(ours)} of {len(ids)} pages in {time.perf_counter() - start:.1f} s")
    for page_id, reason in sorted(refused.items()):
        print(f"  refused {page_id}: {reason}")

    table = []
    for row, articles in rows.items():
        start = time.perf_counter()
        result = plan(list(articles.values()))
        took = time.perf_counter() - start
        _, last, out = score(labels, result, work, row)
        print(f"\n## {row}: {len(articles)} articles, planned in {took:.1f} s")
        print(out.rstrip())
        for duplicate in result.duplicates:
            print(f"  duplicate {duplicate.source}: {duplicate.reason}")
        subsets = []
        names: dict[str, Counter] = {}
        rng = random.Random(args.seed)
        for n in range(args.subsets):
            sub = subset_labels(labels, rng, 6, 8)
            chosen = [articles[i] for i in sorted(sub["articles"]) if i in articles]
            ari, sub_last, sub_out = score(sub, plan(chosen), work, f"{row}-subset-{n}")
            for topic, title, ok in part_names(sub_out):
                names.setdefault(topic, Counter())[f"{title}{'' if ok else ' (not named)'}"] += 1
            named = re.search(r"named=(\d+)/(\d+)", sub_last)
            parts = re.search(r"parts=(\d+)", sub_last)
            subsets.append((ari, int(parts.group(1)), int(named.group(1))))
        table.append((row, last, subsets))
        if names:
            print(f"\npart names in the {len(subsets)} folders of 48, by main topic:")
            for topic, titles in sorted(names.items()):
                ranked = sorted(titles.items(), key=lambda x: -x[1])
                shown = ", ".join(f"{t} ×{c}" for t, c in ranked)
                print(f"  {topic}: {shown}")

    print("\n| pages | all 80 | 48-page folders: ARI mean | min | parts | named |")
    print("|---|---|---|---|---|---|")
    for row, last, subsets in table:
        if subsets:
            aris = [s[0] for s in subsets]
            parts = statistics.mean(s[1] for s in subsets)
            named = statistics.mean(s[2] for s in subsets)
            print(
                f"| {row} | {last.removeprefix('themes: ')} | {statistics.mean(aris):.2f} "
                f"| {min(aris):.2f} | {parts:.1f} | {named:.1f} |"
            )
        else:
            print(f"| {row} | {last.removeprefix('themes: ')} | | | | |")
    print(f"\ngroupings in {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
