"""Page-type benchmark and trainer: is it an article, or a listing, product, collection,
service or forum page?

Reads every page of the broad development set (``wcxb-dev``, seven page types) and of the
ScrapingHub set (181 news articles), runs the HTML cleaner on each with the page-type model
switched off to collect ``anthology.clean.pagetype`` features (and what the cleaner's other
checks already refuse), then cross-validates a model grouped by site (``domain``: never the
same site in training and test) and prints the confusion matrix of the seven page types
against kept/refused, per-type refusal rates and the articles refused.

Documentation and essays count as articles. Two models: article or not (articles, service and
listing pages weigh double), whose threshold is chosen on the out-of-fold probabilities so that
at most ``--max-false`` of the development set's articles and documentation pages are refused
and none of the ScrapingHub articles; and, among non-articles, the kind (the reason). The
report covers the whole pipeline: pages the cleaner's other checks refuse count as refused.

    python bench/pagetype.py [--wcxb DIR] [--extraction DIR] [--features FILE] [--seeds 0,1,2]
                             [--fold-seeds 1,2,3] [--write]

``--write`` fits the model on every page and writes ``src/anthology/clean/rules/
pagetype-model.json`` (needs scikit-learn: ``pip install -e .[train]``). ``--features FILE``
keeps what was read of the pages in FILE (the page's signs and the text the cleaner kept) and
reads it from there next time; a change to ``kept_features`` needs no new pass over the pages.
``--seeds`` cross-validates once per seed and prints the spread; ``--fold-seeds`` once per other
assignment of the sites to the folds (the threshold rests on a few articles' scores, so this
spread is the wider one).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter, defaultdict
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

from anthology.clean import pagetype
from anthology.clean.html import clean_html
from anthology.clean.rules import default_rules
from anthology.core.errors import SourceError
from anthology.sources import Page, decode

try:  # run as ``python bench/pagetype.py`` or imported as ``bench.pagetype``
    from extraction import page_bytes, read_rows
except ImportError:  # pragma: no cover
    from bench.extraction import page_bytes, read_rows

BENCHMARKS = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
MODEL = Path(__file__).resolve().parents[1] / "src/anthology/clean/rules/pagetype-model.json"
TYPES = ("article", "documentation", "listing", "product", "collection", "service", "forum")
CLASSES = ("article", "listing", "product", "collection", "service", "forum")
SEED = 0
FOLDS = 5


def label(page_type: str) -> str:
    """The model's class for a benchmark page type (documentation is kept as an article)."""
    return "article" if page_type == "documentation" else page_type


def collect(data: Path, dataset: str, default_type: str | None) -> list[dict]:
    """Features of every page of one dataset, with what the cleaner's other checks say."""
    rules = default_rules()
    rows = read_rows(data)
    found = []
    for row in rows:
        text = decode(page_bytes(data, row["id"]), "html") or ""
        name = f"{row['id']}.html"
        page = Page(path=Path("sources") / name, name=name, shown=name, kind="html", text=text)
        captured: dict = {}

        def capture(features, texts, _captured=captured):
            _captured["signs"] = dict(features)
            _captured["texts"] = list(texts)
            return kept(features, texts)

        refused = ""
        start = time.perf_counter()
        with (
            mock.patch.object(pagetype, "kept_features", capture),
            mock.patch.object(
                pagetype, "classify", lambda f, **_: pagetype.PageType("article", 0.0)
            ),
        ):
            try:
                clean_html(page, rules)
            except SourceError as exc:
                refused = str(exc).split(": ", 1)[-1]
        elapsed = time.perf_counter() - start
        page_type = row.get("page_type") or default_type
        domain = row.get("domain") or (urlsplit(row.get("url") or "").hostname or row["id"])
        found.append(
            {
                "dataset": dataset,
                "id": row["id"],
                "page_type": page_type,
                "domain": domain.lower().removeprefix("www."),
                "refused": refused,
                "signs": captured.get("signs"),  # read from the page
                "texts": captured.get("texts"),  # what the cleaner kept
                "seconds": elapsed,
            }
        )
    return found


kept = pagetype.kept_features


def with_features(samples: list[dict]) -> list[dict]:
    """Each sample with its features: the page's signs and what the cleaner kept of it,
    measured now (so a change to ``kept_features`` needs no new pass over the pages)."""
    for s in samples:
        signs = s.get("signs")
        s["features"] = None if signs is None else kept(signs, s["texts"])
    return samples


def matrix(samples: list[dict]):
    import numpy as np

    names = sorted({k for s in samples for k in s["features"]})
    x = np.array([[float(s["features"].get(n, 0.0)) for n in names] for s in samples])
    y = np.array([CLASSES.index(label(s["page_type"])) for s in samples])
    groups = np.array([s["domain"] for s in samples])
    return names, x, y, groups


# Service and listing pages are the kinds most like an article (prose under headings, lists of
# headlines): they count twice in the decision so that its trees learn their borders. Articles
# count twice too: the threshold sits where the few most article-unlike articles are, and the
# trees must learn to keep those low.
WEIGHTS = {"article": 2.0, "service": 2.0, "listing": 2.0}


def decision_model(seed: int = SEED):
    """Article or not: the model whose probability and threshold decide a refusal. Every tree
    sees every page (no subsampling), so the seed only breaks ties between equal splits."""
    from sklearn.ensemble import GradientBoostingClassifier

    return GradientBoostingClassifier(
        n_estimators=200,
        learning_rate=0.1,
        max_depth=3,
        subsample=1.0,
        # Leaves of ten pages at least: with five, one benchmark page's score could move the
        # threshold for every page (cross-validated by site, 66% of non-articles refused at ten
        # against 57% at five, articles refused 7 against 16 of 798).
        min_samples_leaf=10,
        random_state=seed,
    )


def kind_model(seed: int = SEED):
    """Which kind of non-article: only names the reason of a refusal, so it is kept small."""
    from sklearn.ensemble import GradientBoostingClassifier

    return GradientBoostingClassifier(
        n_estimators=60,
        learning_rate=0.15,
        max_depth=2,
        subsample=0.8,
        min_samples_leaf=5,
        random_state=seed,
    )


def weights(y):
    import numpy as np

    return np.array([WEIGHTS.get(CLASSES[k], 1.0) for k in y])


def fit(x, y, seed: int = SEED):
    """Both models, fitted: the decision on every page, the kind on the non-articles."""
    decision = decision_model(seed).fit(x, (y != 0).astype(int), sample_weight=weights(y))
    non = y != 0
    kind = kind_model(seed).fit(x[non], y[non])
    return decision, kind


def shuffled(groups, fold_seed: int):
    """``groups`` renamed by a permutation drawn from ``fold_seed`` (0: as they are), so that
    ``GroupKFold`` puts the sites into other folds: a threshold chosen on a few articles' scores
    moves with the folds, and the spread over fold assignments shows by how much."""
    import numpy as np

    if not fold_seed:
        return groups
    names = sorted(set(groups))
    order = np.random.RandomState(fold_seed).permutation(len(names))
    code = {name: f"{order[i]:06d}" for i, name in enumerate(names)}
    return np.array([code[g] for g in groups])


def out_of_fold(x, y, groups, seed: int = SEED) -> tuple[list[float], list[str]]:
    """P(not an article) and the likeliest kind for every page, from models that never saw
    its site."""
    import numpy as np
    from sklearn.model_selection import GroupKFold

    p_not = np.zeros(len(y))
    kinds = [""] * len(y)
    for train, test in GroupKFold(n_splits=FOLDS).split(x, y, groups):
        decision, kind = fit(x[train], y[train], seed)
        p_not[test] = decision.predict_proba(x[test])[:, 1]
        for i, k in zip(test, kind.predict(x[test]), strict=True):
            kinds[i] = CLASSES[int(k)]
    return [float(p) for p in p_not], kinds


def choose_threshold(p_not: list[float], samples: list[dict], max_false: float) -> float:
    """The lowest threshold that refuses at most ``max_false`` of the development set's
    articles and documentation pages, and none of the ScrapingHub articles."""
    articles = sorted(
        (
            p
            for p, s in zip(p_not, samples, strict=True)
            if s["dataset"] == "wcxb-dev" and label(s["page_type"]) == "article"
        ),
        reverse=True,
    )
    others = [p for p, s in zip(p_not, samples, strict=True) if s["dataset"] != "wcxb-dev"]
    allowed = int(max_false * len(articles))
    # refuse when p >= threshold: the (allowed+1)-th highest article must stay below it
    limit = articles[allowed] + 1e-6 if allowed < len(articles) else 0.0
    return min(1.0, max(limit, max(others, default=0.0) + 1e-6))


def decisions(p_not, kinds, threshold: float) -> list[str]:
    """What the whole pipeline does with each page: "kept", the kind the model refuses it as,
    or "checks" when the cleaner's other checks refuse it before the model is asked
    (``p_not`` and ``kinds`` hold None for those pages)."""
    out = []
    for p, kind in zip(p_not, kinds, strict=True):
        if p is None:
            out.append("checks")
        else:
            out.append(kind if p >= threshold else "kept")
    return out


def rates(samples: list[dict], decided: list[str]) -> dict[str, tuple[int, int]]:
    """Refused and pages per row of the report (the seven page types and the ScrapingHub
    set), and for the development set's non-articles together."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for s, d in zip(samples, decided, strict=True):
        keys = [s["page_type"] if s["dataset"] == "wcxb-dev" else "extraction (articles)"]
        if s["dataset"] == "wcxb-dev" and label(s["page_type"]) != "article":
            keys.append("non-articles")
        for key in keys:
            counts[key][0] += d != "kept"
            counts[key][1] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}


def summary(samples: list[dict], decided: list[str]) -> str:
    """One line: non-articles refused, then refused of each page type."""
    r = rates(samples, decided)
    refused, pages = r["non-articles"]
    each = " ".join(
        f"{k.split()[0]} {r[k][0]}/{r[k][1]}" for k in (*TYPES, "extraction (articles)") if k in r
    )
    return f"non-articles refused {refused}/{pages} ({100 * refused / pages:.1f}%); {each}"


def report(samples: list[dict], p_not, kinds, threshold: float) -> None:
    """Confusion matrix (page type -> kept, refused as each kind by the model, refused by the
    other checks), per-type refusal rates, the articles refused."""
    decided = decisions(p_not, kinds, threshold)
    columns = ["kept", *CLASSES[1:], "checks"]
    rows: dict[str, Counter] = defaultdict(Counter)
    for s, d in zip(samples, decided, strict=True):
        key = s["page_type"] if s["dataset"] == "wcxb-dev" else "extraction (articles)"
        rows[key][d] += 1
    print(f"threshold on P(not an article): {threshold:.3f}\n")
    print("whole pipeline: kept, refused by the model as each kind, refused by other checks\n")
    print(f"| page type | pages | {' | '.join(columns)} | refused % |")
    print("|---|" + "---:|" * (len(columns) + 2))
    for key in (*TYPES, "extraction (articles)"):
        r = rows.get(key)
        if not r:
            continue
        pages = sum(r.values())
        cells = " | ".join(str(r[c]) for c in columns)
        print(f"| {key} | {pages} | {cells} | {100 * (pages - r['kept']) / pages:.1f} |")
    r = rates(samples, decided)
    refused, pages = r["non-articles"]
    reached = [
        d
        for s, d in zip(samples, decided, strict=True)
        if d != "checks" and s["dataset"] == "wcxb-dev" and label(s["page_type"]) != "article"
    ]
    print(
        f"\nnon-articles refused: {refused}/{pages} ({100 * refused / pages:.1f}%); "
        f"by the model, of those that reach it: {sum(d != 'kept' for d in reached)}/{len(reached)}"
    )
    wrong = [
        (p, s, d)
        for s, p, d in zip(samples, p_not, decided, strict=True)
        if label(s["page_type"]) == "article" and d != "kept"
    ]
    print(f"articles and documentation refused: {len(wrong)}")
    for p, s, d in sorted(wrong, key=lambda t: -(t[0] or 2.0)):
        why = f"{d} ({p:.2f})" if p is not None else s["refused"]
        print(f"  {s['dataset']} {s['id'][:12]} {s['page_type']} {s['domain']}: {why}")


def _number(value: float) -> float:
    """A split or leaf value with six significant digits: a smaller file, the same trees."""
    return float(f"{value:.6g}")


def _trees(model) -> list[list[list]]:
    """A fitted model's trees per class, as plain lists: [feature, threshold, left, right];
    a leaf is [-1, value, 0, 0] with the learning rate already applied."""
    from sklearn.tree import _tree as sktree

    rate = model.learning_rate
    trees: list[list] = [[] for _ in range(model.estimators_.shape[1])]
    for stage in model.estimators_:
        for k, regressor in enumerate(stage):
            t = regressor.tree_
            nodes = []
            for i in range(t.node_count):
                if t.children_left[i] == sktree.TREE_LEAF:
                    nodes.append([-1, _number(float(t.value[i][0][0]) * rate), 0, 0])
                else:
                    nodes.append(
                        [
                            int(t.feature[i]),
                            _number(float(t.threshold[i])),
                            int(t.children_left[i]),
                            int(t.children_right[i]),
                        ]
                    )
            trees[k].append(nodes)
    return trees


def export(decision, kind, names: list[str], threshold: float, smallest: dict[str, int]) -> dict:
    """Both fitted models as plain data (see ``anthology.clean.pagetype.classify``)."""
    import math

    p = float(decision.init_.class_prior_[1])
    return {
        "version": 2,
        "kind": "gradient-boosted trees: article or not (logistic), then the kind (softmax)",
        "trained_on": "wcxb-dev (1,334 pages, 7 page types) and the ScrapingHub extraction set",
        "threshold": round(threshold, 4),
        # pages smaller than any it learned from (elements; links of a page kept by the
        # cleaner's other checks) are not judged
        "min_elements": smallest["elements"],
        "min_links": smallest["links"],
        "classes": list(CLASSES),
        "features": names,
        "decision": {"bias": math.log(p / (1 - p)), "trees": _trees(decision)[0]},
        "kinds": {
            "classes": [CLASSES[int(k)] for k in kind.classes_],
            "bias": [math.log(max(float(q), 1e-12)) for q in kind.init_.class_prior_],
            "trees": _trees(kind),
        },
    }


def check_export(exported: dict, decision, x) -> float:
    """The largest gap between the packaged inference and scikit-learn's on the pages."""
    p = decision.predict_proba(x)[:, 1]
    with mock.patch.object(pagetype, "model", lambda: exported):
        ours = [
            pagetype.not_article(dict(zip(exported["features"], row, strict=True)))
            for row in x.tolist()
        ]
    return max(abs(a - b) for a, b in zip(ours, p, strict=True))


def smallest(samples: list[dict]) -> dict[str, int]:
    """The least elements of any page, and links of any page the cleaner's checks keep."""
    elements = min(s["features"]["elements"] for s in samples)
    links = min(s["features"]["links"] for s in samples if not s["refused"])
    return {"elements": int(0.8 * elements), "links": int(links)}


def train(samples: list[dict], max_false: float = 0.005, seed: int = SEED) -> dict:
    """The packaged models' data trained on ``samples`` (with their features, see
    ``with_features``): the threshold chosen on out-of-fold probabilities by site, as the
    report chooses it, then both models fitted on every sample (what ``--write`` writes)."""
    usable = [s for s in samples if s["features"] is not None]
    names, x, y, groups = matrix(usable)
    p_not, _kinds = out_of_fold(x, y, groups, seed)
    threshold = choose_threshold(p_not, usable, max_false)
    decision, kind = fit(x, y, seed)
    return export(decision, kind, names, threshold, smallest(usable))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wcxb", type=Path, default=BENCHMARKS / "wcxb-dev")
    parser.add_argument("--extraction", type=Path, default=BENCHMARKS / "extraction")
    parser.add_argument("--features", type=Path, help="keep (and reuse) the features here")
    parser.add_argument("--max-false", type=float, default=0.005, help="articles refused (share)")
    parser.add_argument("--write", action="store_true", help="write the packaged model")
    parser.add_argument(
        "--seeds",
        type=lambda v: [int(n) for n in v.split(",")],
        default=[SEED],
        help="cross-validate with each of these seeds (comma-separated); the first is reported "
        "in full and is the one --write trains with",
    )
    parser.add_argument(
        "--fold-seeds",
        type=lambda v: [int(n) for n in v.split(",")],
        default=[],
        help="also cross-validate with the sites dealt into folds by each of these seeds "
        "(comma-separated, 1 and up) and print the spread",
    )
    args = parser.parse_args(argv)

    if args.features and args.features.exists():
        samples = json.loads(args.features.read_text(encoding="utf-8"))
    else:
        samples = collect(args.wcxb, "wcxb-dev", None)
        samples += collect(args.extraction, "extraction", "article")
        if args.features:
            args.features.write_text(json.dumps(samples), encoding="utf-8")
    samples = with_features(samples)
    seconds = [s["seconds"] for s in samples]
    print(f"pages: {len(samples)}, cleaning {1000 * sum(seconds) / len(seconds):.1f} ms/page\n")
    usable = [s for s in samples if s["features"] is not None]
    if len(usable) < len(samples):
        print(f"{len(samples) - len(usable)} pages refused before the page type is read:")
        for s in samples:
            if s["features"] is None:
                print(f"  {s['dataset']} {s['id']} {s['page_type']}: {s['refused']}")
    names, x, y, groups = matrix(usable)
    index = {id(s): i for i, s in enumerate(usable)}
    print(f"cross-validated by site ({FOLDS} folds, {len(set(groups))} sites)")
    for n, seed in enumerate(args.seeds):
        p_not, kinds = out_of_fold(x, y, groups, seed)
        threshold = choose_threshold(p_not, usable, args.max_false)
        p_all = [p_not[index[id(s)]] if id(s) in index else None for s in samples]
        k_all = [kinds[index[id(s)]] if id(s) in index else None for s in samples]
        if n == 0:
            first = threshold
            report(samples, p_all, k_all, threshold)
            if len(args.seeds) > 1:
                print("\nseeds (the same folds, models trained with each seed):")
        if len(args.seeds) > 1:
            print(
                f"  seed {seed}, threshold {threshold:.3f}: "
                + summary(samples, decisions(p_all, k_all, threshold))
            )
    if args.fold_seeds:
        print("\nother assignments of sites to folds (seed " + str(args.seeds[0]) + "):")
    for fold_seed in args.fold_seeds:
        p_not, kinds = out_of_fold(x, y, shuffled(groups, fold_seed), args.seeds[0])
        threshold = choose_threshold(p_not, usable, args.max_false)
        p_all = [p_not[index[id(s)]] if id(s) in index else None for s in samples]
        k_all = [kinds[index[id(s)]] if id(s) in index else None for s in samples]
        print(
            f"  folds {fold_seed}, threshold {threshold:.3f}: "
            + summary(samples, decisions(p_all, k_all, threshold))
        )
    threshold = first
    if args.write:
        decision, kind = fit(x, y, args.seeds[0])
        exported = export(decision, kind, names, threshold, smallest(usable))
        gap = check_export(exported, decision, x)
        MODEL.write_text(json.dumps(exported, separators=(",", ":")) + "\n", encoding="utf-8")
        print(
            f"\nwrote {MODEL} ({MODEL.stat().st_size // 1024} KB; inference within {gap:.4f} "
            "of scikit-learn's)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
