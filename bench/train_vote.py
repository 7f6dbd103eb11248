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
                               [--voters fast,full] [--sure-share 0.5] [--cache DIR] [--write]

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


def cross_validate(
    records: list[dict],
    folds: int,
    threshold: float,
    added: float = 0.7,
    save: Path | None = None,
    sure: float = 2.0,
) -> dict[str, dict]:
    """Page-level figures per page type, each page predicted by a model that never saw its site."""
    domains = sorted({r["domain"] for r in records})
    fold_of = {d: i % folds for i, d in enumerate(sorted(domains, key=lambda d: hash_of(d)))}
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
            predicted[rec["id"]] = model.probabilities(rec["rows"])
    out = {}
    groups = sorted({(r["dataset"], r["page_type"]) for r in records}) + [("all", "all")]
    ours_page = vote.FEATURES.index("ours_page")
    for dataset, page_type in groups:
        chosen = [
            r
            for r in records
            if dataset == "all" or (r["dataset"], r["page_type"]) == (dataset, page_type)
        ]
        name = f"{dataset} {page_type}" if dataset != "all" else "all"
        out[name] = {
            f"classifier ≥ {t}": page_scores(
                chosen, lambda r, t=t: [p >= t for p in predicted[r["id"]]]
            )
            for t in sorted({threshold, 0.4, 0.5, 0.6, 0.7})
        }
        out[name] |= {
            f"shipped rule (ours ≥ {threshold}, added ≥ {added})": page_scores(
                chosen,
                lambda r: [
                    p >= (threshold if row[0] > 0 else added)
                    for p, row in zip(predicted[r["id"]], r["rows"], strict=True)
                ],
            )
        }
        out[name] |= {
            f"shipped rule, ours alone when it holds ≥ {sure} of the page": page_scores(
                chosen,
                lambda r: (
                    [row[0] > 0 for row in r["rows"]]
                    if r["rows"] and r["rows"][0][ours_page] >= sure
                    else vote.with_headings(
                        r["rows"],
                        [
                            p >= (threshold if row[0] > 0 else added)
                            for p, row in zip(predicted[r["id"]], r["rows"], strict=True)
                        ],
                    )
                ),
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


def hash_of(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


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
        result = (
            cross_validate(
                records,
                args.folds,
                args.threshold,
                args.threshold_added,
                args.save_folds,
                args.sure_share,
            )
            if args.folds
            else {}
        )
        print("| set, page type | method | F1 | precision | recall | empty |")
        print("|---|---|---|---|---|---|")
        for page_type, methods in result.items():
            for name, s in methods.items():
                print(
                    f"| {page_type} | {name} | {s['f1']:.3f} | {s['precision']:.3f} | "
                    f"{s['recall']:.3f} | {s['empty']} |",
                    flush=True,
                )
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
