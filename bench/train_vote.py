"""Train the block classifier that settles the vote between our scorer and trafilatura.

Reads the development sets (``pages/`` + ``truth.jsonl``, see
``../shared/benchmarks/wcxb-dev/README.md``; by default wcxb-dev and the ScrapingHub set
together), cuts every page into text blocks
(``anthology.clean.html.vote.blocks_of``), labels each block content when most of its text is in the
annotated main content, and trains gradient-boosted trees on ``vote.FEATURES``. Reports the
block accuracy and the page-level F1 of the kept blocks, cross-validated by site (no domain in
both the training and the test folds), then trains on every page and writes
``src/anthology/clean/rules/vote-model.json``.

    python bench/train_vote.py [--data DIR]... [--types article,documentation] [--folds 5]
                               [--voters fast,full] [--sure-share 0.5] [--cache DIR]
                               [--fold-seeds 1,2] [--in-sample] [--curve] [--write]

Each block weighs by its length within its page, and each page alike (the score averages over
pages). ``--sure-share`` is the share of the page's text our scorer's choice must hold for the
vote not to be asked (that choice then stands); it is cross-validated beside the vote and
written into the model.

``--voters`` names how trafilatura votes: ``full`` (its fallback extractors too) or ``fast``
(without them, a third less time); each is cross-validated, and ``--write`` trains the model
for the first.
"""

from __future__ import annotations

import argparse
import copy
import json
import pickle
import re
import sys
from pathlib import Path

from anthology.clean.html import vote
from anthology.clean.html.content import main_content
from anthology.clean.html.furniture import strip_furniture
from anthology.clean.html.parse import parse_page
from anthology.clean.html.prune import strip_never
from anthology.clean.html.tree import body_of, measure
from anthology.core.limits import Limits
from anthology.sources import Page, decode

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "benchmarks"
sys.path.insert(0, str(SHARED / "extraction"))
import evaluate  # noqa: E402  the shared scorer
from extraction import page_bytes, read_rows  # noqa: E402  the benchmark's own page reading

_N = "data-anthology-v"
_WORDS = re.compile(r"\w+")  # as the vote's blocks are cut into words
# who kept a block: (our scorer, trafilatura)
_WHO = {
    (True, True): "both",
    (True, False): "our scorer only",
    (False, True): "trafilatura only",
    (False, False): "neither",
}


def page_text(data: Path, page_id: str) -> str:
    return decode(page_bytes(data, page_id), "html") or ""


def theirs_text(text: str, cache: Path | None, page_id: str, fast: bool) -> str:
    """trafilatura's text for the page as the vote asks for it (kept in ``cache``)."""
    if cache is not None:
        path = cache / ("fast" if fast else "full") / f"{page_id}.txt"
        if path.exists():
            return path.read_text(encoding="utf-8")
    out = vote.theirs(text, fast=fast)
    if cache is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(out, encoding="utf-8")
    return out


def page_blocks(text: str) -> tuple[list[vote.TextBlock], list[bool]]:
    """The page's text blocks and, for each, whether our scorer's chosen containers hold it."""
    page = Page(path=Path("page.html"), name="page.html", shown="page.html", kind="html", text=text)
    root = parse_page(page, Limits())
    body = body_of(root)
    for n, element in enumerate(body.iter(etree_element())):
        element.set(_N, str(n))
    full = copy.deepcopy(body)
    strip_never(body)
    stats = measure(body)
    strip_furniture(body, stats, [])
    stats = measure(body)
    chosen = main_content(body, stats)
    ours = {e.get(_N) for c in chosen for e in c.iter(etree_element())}
    blocks = vote.blocks_of(full)
    return blocks, [b.element.get(_N) in ours for b in blocks]


def etree_element():
    from lxml import etree

    return etree.Element


def build(
    data: Path, types: set[str] | None, cache: Path | None, voters: list[str]
) -> dict[str, list[dict]]:
    """For each way of voting, one record per page: domain, gold, block texts, feature rows
    and labels."""
    records: dict[str, list[dict]] = {v: [] for v in voters}
    for row in read_rows(data):
        if types and row.get("page_type", "article") not in types:
            continue
        text = page_text(data, row["id"])
        try:
            blocks, ours = page_blocks(text)
        except Exception as exc:  # noqa: BLE001  a page our parser refuses has no blocks
            print(f"  {row['id']}: {exc.__class__.__name__}: {exc}"[:120], file=sys.stderr)
            blocks, ours = [], []
        gold = vote.Pool(row["body"])
        labels = [1 if gold.share(b) >= 0.5 else 0 for b in blocks]
        for voter in voters:
            pool = vote.Pool(theirs_text(text, cache, row["id"], voter == "fast"))
            theirs = [pool.share(b) for b in blocks]
            records[voter].append(
                {
                    "id": row["id"],
                    "dataset": data.name,
                    "domain": row.get("domain") or _host(row.get("url", "")),
                    "page_type": row.get("page_type", "article"),
                    "gold": row["body"],
                    "texts": [b.text for b in blocks],
                    "rows": vote.features(blocks, ours, theirs),
                    "labels": labels,
                }
            )
    return records


def _host(url: str) -> str:
    """The site of a page: its host without ``www.``."""
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def fit(records: list[dict], seed: int = 0):
    from sklearn.ensemble import GradientBoostingClassifier

    X = [r for rec in records for r in rec["rows"]]
    y = [label for rec in records for label in rec["labels"]]
    w = [x for rec in records for x in weights(rec["texts"])]
    model = GradientBoostingClassifier(
        n_estimators=120,
        max_depth=4,
        learning_rate=0.1,
        subsample=0.8,
        random_state=seed,
    )
    model.fit(X, y, sample_weight=w)
    return model


# a page's blocks weigh this much together (about a mean page's characters / 100)
PAGE_WEIGHT = 300.0


def weights(texts: list[str]) -> list[float]:
    """The blocks' weights in training: a block counts by its length (a long paragraph matters
    more than a menu item), and every page counts alike, as in the score, which averages
    precision and recall over pages (a long page's blocks do not outweigh a short page's)."""
    total = sum(len(t) for t in texts) or 1
    return [max(0.01, PAGE_WEIGHT * len(t) / total) for t in texts]


def export(model) -> dict:
    """The trees as plain lists, read by ``vote.Model``."""
    import math

    prior = model.init_.class_prior_[1]
    trees = []
    for estimator in model.estimators_[:, 0]:
        t = estimator.tree_
        trees.append(
            {
                "feature": [int(f) for f in t.feature],
                "threshold": [round(float(x), 6) for x in t.threshold],
                "left": [int(c) for c in t.children_left],
                "right": [int(c) for c in t.children_right],
                "value": [round(float(v[0][0]), 6) for v in t.value],
            }
        )
    return {
        "features": list(vote.FEATURES),
        "bias": math.log(prior / (1 - prior)),
        "rate": model.learning_rate,
        "trees": trees,
    }


def train(records: list[dict], **settings) -> dict:
    """The model's data trained on ``records``, with the settings the cleaner reads from it
    (``threshold``, ``threshold_added``, ``voter_fast``, ``sure_share``)."""
    return export(fit(records)) | settings


def page_scores(records: list[dict], keep) -> dict:
    """evaluate.py's figures for the text of the blocks ``keep(rec)`` says to keep."""
    scores = []
    for rec in records:
        kept = keep(rec)
        text = "\n\n".join(t for t, k in zip(rec["texts"], kept, strict=True) if k)
        scores.append(evaluate.page_scores(rec["gold"], text))
    summary = evaluate.aggregate(scores)
    summary["empty"] = sum(1 for s in scores if s["precision"] is None)
    return summary


def out_of_fold(
    records: list[dict], folds: int, save: Path | None = None, fold_seed: int = 0
) -> dict[str, list[float]]:
    """Each page's block probabilities from a model that never saw its site (``folds`` folds
    by domain; ``fold_seed`` deals the sites into other folds, 0 as always)."""
    domains = sorted({r["domain"] for r in records})
    salt = f"{fold_seed}:" if fold_seed else ""
    order = sorted(domains, key=lambda d: hash_of(salt + d))
    fold_of = {d: i % folds for i, d in enumerate(order)}
    predicted: dict[str, list[float]] = {}
    for k in range(folds):
        train = [r for r in records if fold_of[r["domain"]] != k]
        test = [r for r in records if fold_of[r["domain"]] == k]
        data = export(fit(train))
        model = vote.Model(data)
        if save is not None:
            save.mkdir(parents=True, exist_ok=True)
            (save / f"fold-{k}.json").write_text(json.dumps(data), encoding="utf-8")
            (save / "folds.json").write_text(json.dumps(fold_of), encoding="utf-8")
        for rec in test:
            predicted[key(rec)] = model.probabilities(rec["rows"])
    return predicted


def in_sample(records: list[dict]) -> dict[str, list[float]]:
    """Each page's block probabilities from the model trained on every page (as shipped)."""
    model = vote.Model(export(fit(records)))
    return {key(rec): model.probabilities(rec["rows"]) for rec in records}


def key(rec: dict) -> str:
    return f"{rec['dataset']}/{rec['id']}"


def shipped(
    rec: dict, chances: list[float], threshold: float, added: float, sure: float
) -> list[bool]:
    """The blocks the cleaner keeps: our scorer's choice when it holds ``sure`` of the page,
    else the classifier's (``threshold`` to keep a block our scorer chose, ``added`` to add
    one it left out), headings going with their sections."""
    rows = rec["rows"]
    if rows and rows[0][vote.FEATURES.index("ours_page")] >= sure:
        return [row[0] > 0 for row in rows]
    kept = [p >= (threshold if row[0] > 0 else added) for p, row in zip(chances, rows, strict=True)]
    return vote.with_headings(rows, kept)


def groups_of(records: list[dict]) -> list[tuple[str, list[dict]]]:
    """The records by (set, page type), then all together."""
    named = sorted({(r["dataset"], r["page_type"]) for r in records})
    out = [
        (f"{d} {t}", [r for r in records if (r["dataset"], r["page_type"]) == (d, t)])
        for d, t in named
    ]
    return out + [("all", records)]


def cross_validate(
    records: list[dict],
    predicted: dict[str, list[float]],
    threshold: float,
    added: float = 0.7,
    sure: float = 2.0,
) -> dict[str, dict]:
    """Page-level figures per page type of each way of keeping blocks, with the block
    probabilities ``predicted`` (out of fold, or in sample)."""
    out = {}
    for name, chosen in groups_of(records):
        out[name] = {
            f"classifier ≥ {t}": page_scores(
                chosen, lambda r, t=t: [p >= t for p in predicted[key(r)]]
            )
            for t in sorted({threshold, 0.4, 0.5, 0.6, 0.7})
        }
        out[name] |= {
            f"shipped rule (ours ≥ {threshold}, added ≥ {added})": page_scores(
                chosen, lambda r: shipped(r, predicted[key(r)], threshold, added, 2.0)
            )
        }
        out[name] |= {
            f"shipped rule, ours alone when it holds ≥ {sure} of the page": page_scores(
                chosen, lambda r: shipped(r, predicted[key(r)], threshold, added, sure)
            )
        }
        out[name] |= {
            "ours (chosen)": page_scores(chosen, lambda r: [row[0] > 0 for row in r["rows"]]),
            "trafilatura (blocks)": page_scores(
                chosen, lambda r: [row[1] >= 0.5 for row in r["rows"]]
            ),
            "gold blocks": page_scores(chosen, lambda r: [bool(x) for x in r["labels"]]),
        }
    return out


def curve(
    records: list[dict], predicted: dict[str, list[float]], sure: float, added: float
) -> None:
    """The shipped rule's figures as the threshold to keep our scorer's blocks moves (and
    the one to add the other voter's, never under it): what precision costs in F1."""
    print(f"\nthreshold curve (ours alone when it holds ≥ {sure} of the page)")
    print("| set, page type | threshold | added | F1 | precision | recall |")
    print("|---|---|---|---|---|---|")
    for name, chosen in groups_of(records):
        if name == "all":
            continue
        for t in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
            for a in sorted({max(t, added), max(t, 0.9)}):
                s = page_scores(
                    chosen, lambda r, t=t, a=a: shipped(r, predicted[key(r)], t, a, sure)
                )
                print(
                    f"| {name} | {t} | {a} | {s['f1']:.4f} | {s['precision']:.4f} | "
                    f"{s['recall']:.4f} |",
                    flush=True,
                )


def hash_of(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


def print_table(result: dict[str, dict]) -> None:
    print("| set, page type | method | F1 | precision | recall | empty |")
    print("|---|---|---|---|---|---|")
    for page_type, methods in result.items():
        for name, s in methods.items():
            print(
                f"| {page_type} | {name} | {s['f1']:.3f} | {s['precision']:.3f} | "
                f"{s['recall']:.3f} | {s['empty']} |",
                flush=True,
            )


def spread(
    records: list[dict],
    predicted: dict[str, list[float]],
    folds: int,
    fold_seeds: list[int],
    rule: tuple[float, float, float],
) -> None:
    """The shipped rule cross-validated with the sites dealt into other folds: mean and spread
    (a difference smaller than the spread is fold noise)."""
    import statistics

    runs = [predicted] + [out_of_fold(records, folds, fold_seed=s) for s in fold_seeds]
    print(f"\nthe shipped rule over {len(runs)} deals of the sites into folds (mean ± sd)")
    print("| set, page type | F1 | precision | recall | F1 of each deal |")
    print("|---|---|---|---|---|")
    for name, chosen in groups_of(records):
        scores = [page_scores(chosen, lambda r, p=p: shipped(r, p[key(r)], *rule)) for p in runs]
        cells = [
            f"{statistics.fmean(x):.4f} ± {statistics.stdev(x):.4f}"
            for x in ([s[m] for s in scores] for m in ("f1", "precision", "recall"))
        ]
        each = " ".join(f"{s['f1']:.4f}" for s in scores)
        print(f"| {name} | {' | '.join(cells)} | {each} |", flush=True)


def gap(
    records: list[dict],
    inside: dict[str, list[float]],
    outside: dict[str, list[float]],
    rule: tuple[float, float, float],
) -> None:
    """The shipped rule in sample beside cross-validated: how much the classifier overfits."""
    print("| set, page type | in-sample F1 (P / R) | cross-validated F1 (P / R) |")
    print("|---|---|---|")
    for name, chosen in groups_of(records):
        cells = []
        for predicted in (inside, outside):
            s = page_scores(chosen, lambda r, p=predicted: shipped(r, p[key(r)], *rule))
            cells.append(f"{s['f1']:.4f} ({s['precision']:.4f} / {s['recall']:.4f})")
        print(f"| {name} | {cells[0]} | {cells[1]} |", flush=True)


def study(records: list[dict], predicted: dict[str, list[float]], rule) -> None:
    """Where the wrongly kept text is, with the shipped rule and out-of-fold probabilities: each
    kept block's text outside the annotation, as a share of its page's kept text, summed over
    pages (the precision deficit), by who kept it, where it stands, its shape, and by page."""
    from collections import Counter

    names = vote.FEATURES
    links, heading = names.index("link_density"), names.index("tag_h")
    ours_page = names.index("ours_page")
    for name, chosen in groups_of(records):
        if name == "all":
            continue
        parts: dict[str, Counter] = {k: Counter() for k in ("who", "where", "shape", "page")}
        for rec in chosen:
            kept = shipped(rec, predicted[key(rec)], *rule)
            gold = vote.Pool(rec["gold"])
            total = sum(len(t) for t, k in zip(rec["texts"], kept, strict=True) if k)
            prose = [
                i
                for i, (t, row) in enumerate(zip(rec["texts"], rec["rows"], strict=True))
                if kept[i] and len(t) >= vote.PROSE_CHARS and row[links] < 0.25
            ]
            first, last = (prose[0], prose[-1]) if prose else (-1, len(kept))
            wrong_page = 0.0
            for i, (text, row) in enumerate(zip(rec["texts"], rec["rows"], strict=True)):
                if not kept[i]:
                    continue
                block = vote.TextBlock(None, text, _WORDS.findall(text), 0)
                wrong = (1 - gold.share(block)) * len(text) / total
                if wrong <= 0:
                    continue
                wrong_page += wrong
                parts["who"][_WHO[(row[0] > 0, row[1] >= 0.5)]] += wrong
                where = "before the first prose" if i < first else "after the last prose"
                parts["where"][where if i < first or i > last else "among the prose"] += wrong
                shape = (
                    "heading"
                    if row[heading]
                    else "mostly links"
                    if row[links] >= 0.6
                    else "short line (< 80 characters)"
                    if len(text) < vote.PROSE_CHARS
                    else "prose-like"
                )
                parts["shape"][shape] += wrong
            sure = bool(rec["rows"]) and rec["rows"][0][ours_page] >= rule[2]
            band = (
                "precision < 0.5"
                if wrong_page > 0.5
                else "0.5 to 0.8"
                if wrong_page > 0.2
                else "0.8 and up"
            )
            parts["page"][f"{'our choice alone' if sure else 'voted'}, {band}"] += wrong_page
        deficit = sum(parts["who"].values()) or 1.0
        print(f"\nwrongly kept text, {name} (share of the precision deficit)")
        for part, counts in parts.items():
            cells = ", ".join(f"{k} {v / deficit:.2f}" for k, v in counts.most_common())
            print(f"  by {part}: {cells}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data",
        type=Path,
        action="append",
        help="a development set (repeat for several; default: wcxb-dev and extraction)",
    )
    parser.add_argument("--voters", default="fast,full", help="ways trafilatura votes: fast, full")
    parser.add_argument("--without", help="also cross-validate without these features (a,b,…)")
    parser.add_argument("--types", default="article,documentation")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--threshold", type=float, default=0.4, help="to keep a block our scorer chose"
    )
    parser.add_argument(
        "--threshold-added", type=float, default=0.7, help="to add a block only trafilatura kept"
    )
    parser.add_argument(
        "--sure-share",
        type=float,
        default=0.5,
        help="our scorer alone (no vote) when its containers hold this share of the page's text",
    )
    parser.add_argument("--cache", type=Path, help="keep trafilatura's texts and the blocks here")
    # --folds 0 skips the cross-validation (only with --write: train on every page)
    parser.add_argument("--save-folds", type=Path, help="write each fold's model here")
    parser.add_argument(
        "--fold-seeds",
        type=lambda v: [int(n) for n in v.split(",")],
        default=[],
        help="also deal the sites into folds by each of these seeds (1 and up; comma-separated) "
        "and print the shipped rule's mean and spread",
    )
    parser.add_argument(
        "--in-sample", action="store_true", help="also the shipped rule in sample (the gap)"
    )
    parser.add_argument("--curve", action="store_true", help="print the threshold curve")
    parser.add_argument(
        "--study", action="store_true", help="where the wrongly kept text is (cross-validated)"
    )
    parser.add_argument("--write", action="store_true", help="train on all pages, write the model")
    args = parser.parse_args(argv)
    types = set(args.types.split(",")) if args.types else None
    voters = [v for v in args.voters.split(",") if v]
    datasets = args.data or [SHARED / "wcxb-dev", SHARED / "extraction"]
    every: dict[str, list[dict]] = {v: [] for v in voters}
    for data in datasets:
        store = args.cache / f"blocks-{data.name}.pickle" if args.cache else None
        if store and store.exists():
            built = pickle.loads(store.read_bytes())
        else:
            built = build(data, types, args.cache / data.name if args.cache else None, voters)
            if store:
                store.write_bytes(pickle.dumps(built))
        for voter in voters:
            every[voter] += built[voter]
    runs = [(voter, every[voter]) for voter in voters]
    if args.without:
        # the first way of voting again, with these features held at 0 (what they add)
        gone = [vote.FEATURES.index(name) for name in args.without.split(",")]
        blank = [
            rec
            | {
                "rows": [
                    [0.0 if i in gone else x for i, x in enumerate(row)] for row in rec["rows"]
                ]
            }
            for rec in every[voters[0]]
        ]
        runs.append((f"{voters[0]}, without {args.without}", blank))
    for voter, records in runs:
        print(
            f"\ntrafilatura votes {voter}: {len(records)} pages, "
            f"{sum(len(r['rows']) for r in records)} blocks, "
            f"{len({r['domain'] for r in records})} sites"
        )
        if not args.folds:
            continue
        predicted = out_of_fold(records, args.folds, args.save_folds)
        result = cross_validate(
            records, predicted, args.threshold, args.threshold_added, args.sure_share
        )
        print_table(result)
        if args.curve:
            curve(records, predicted, args.sure_share, args.threshold_added)
        rule = (args.threshold, args.threshold_added, args.sure_share)
        if args.study:
            study(records, predicted, rule)
        if args.fold_seeds:
            spread(records, predicted, args.folds, args.fold_seeds, rule)
        if args.in_sample:
            inside = in_sample(records)
            print("\nin sample (trained on every page, as shipped): the shipped rule")
            gap(records, inside, predicted, rule)
    if args.write:
        model = train(
            every[voters[0]],
            threshold=args.threshold,
            threshold_added=args.threshold_added,
            voter_fast=voters[0] == "fast",
            sure_share=args.sure_share,
        )
        vote.MODEL_PATH.write_text(json.dumps(model, separators=(",", ":")), encoding="utf-8")
        print(f"wrote {vote.MODEL_PATH} ({vote.MODEL_PATH.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
