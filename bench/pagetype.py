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
A text model (logistic regression over the hashed words of the page's title, headings, links,
buttons and address, ``pagetype.word_features``) gives both models its probability of each
kind; in cross-validation it is trained on the training sites only, and the trees learn from
its probabilities for sites it did not see (inner folds by site). ``--no-words`` leaves it out.
The report ends with the refusals by the page's language (``<html lang>``).

    python bench/pagetype.py [--wcxb DIR] [--extraction DIR] [--features FILE] [--seeds 0,1,2]
                             [--fold-seeds 1,2,3] [--no-words] [--dump FILE] [--write]

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
import sys
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

        def read_words(root, url="", _captured=captured):
            _captured["words"] = words(root, url)
            _captured["lang"] = (root.get("lang") or root.get("xml:lang") or "").lower()[:2]
            return _captured["words"]

        refused = ""
        start = time.perf_counter()
        with (
            mock.patch.object(pagetype, "kept_features", capture),
            mock.patch.object(pagetype, "page_words", read_words),
            mock.patch.object(pagetype, "word_scores", lambda w, *_: {}),
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
                "words": captured.get("words"),  # what the text model reads
                "lang": captured.get("lang") or "",
                "seconds": elapsed,
            }
        )
    return found


kept = pagetype.kept_features
words = pagetype.page_words


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


WORD_BUCKETS = 2**16  # hashed word and n-gram features of the text model
WORD_FOLDS = 3  # inner folds: the trees learn from text probabilities of unseen sites
WORDS = True  # the text model's probabilities are inputs of the trees (``--no-words``: not)


def word_matrix(samples: list[dict]):
    """The text model's inputs: each page's words hashed (``pagetype.word_features``)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    data, cols, ptr = [], [], [0]
    for s in samples:
        row = pagetype.word_features(page_words(s), WORD_BUCKETS)
        for h in sorted(row):
            cols.append(h)
            data.append(row[h])
        ptr.append(len(cols))
    return csr_matrix(
        (np.array(data), np.array(cols, dtype=np.int64), np.array(ptr)),
        shape=(len(samples), WORD_BUCKETS),
    )


def page_words(sample: dict) -> list[tuple[str, str]]:
    """The page's (field, text) pairs, as ``pagetype.page_words`` gave them (JSON keeps lists)."""
    return [(field, text) for field, text in sample.get("words") or []]


def word_model():
    """Multinomial logistic regression over the hashed words: deterministic (lbfgs)."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=WORD_C, tol=1e-3, max_iter=500, class_weight="balanced")


# Its regularisation: C of 0.25, 1 and 4 refused 362, 372 and 360 of the 536 non-articles on
# average over four assignments of sites to folds, each within the others' spread (15 to 61).
WORD_C = 4.0


def word_probabilities(w, y, groups, train, test):
    """Text-model probabilities for ``test`` from a model fitted on ``train``, and for
    ``train`` from models that never saw the page's site (inner folds by site)."""
    import numpy as np
    from sklearn.model_selection import GroupKFold

    inner = np.zeros((len(train), len(CLASSES)))
    for a, b in GroupKFold(n_splits=WORD_FOLDS).split(train, y[train], groups[train]):
        m = word_model().fit(w[train[a]], y[train[a]])
        inner[b] = _full(m, m.predict_proba(w[train[b]]))
    m = word_model().fit(w[train], y[train])
    outer = _full(m, m.predict_proba(w[test])) if len(test) else np.zeros((0, len(CLASSES)))
    return inner, outer, m


def _full(m, p):
    """Probabilities with a column for every class, in ``CLASSES``' order."""
    import numpy as np

    out = np.zeros((p.shape[0], len(CLASSES)))
    out[:, m.classes_] = p
    return out


def out_of_fold(x, y, groups, seed: int = SEED, w=None) -> tuple[list[float], list[str]]:
    """P(not an article) and the likeliest kind for every page, from models that never saw
    its site. With ``w`` (the hashed words), the text model's probabilities, out of fold too,
    are added to the trees' inputs."""
    import numpy as np
    from sklearn.model_selection import GroupKFold

    p_not = np.zeros(len(y))
    kinds = [""] * len(y)
    for train, test in GroupKFold(n_splits=FOLDS).split(x, y, groups):
        xtr, xte = x[train], x[test]
        if w is not None:
            inner, outer, _ = word_probabilities(w, y, groups, train, test)
            xtr, xte = np.hstack([xtr, inner]), np.hstack([xte, outer])
        decision, kind = fit(xtr, y[train], seed)
        p_not[test] = decision.predict_proba(xte)[:, 1]
        for i, k in zip(test, kind.predict(xte), strict=True):
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
    languages(samples, decided)


def languages(samples: list[dict], decided: list[str]) -> None:
    """Refused by the page's language (``<html lang>``, "?" when it names none): the
    development set's articles and documentation, its non-articles, the ScrapingHub articles;
    English against the other named languages."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for s, d in zip(samples, decided, strict=True):
        lang = s.get("lang") or "?"
        if s["dataset"] != "wcxb-dev":
            side = "ScrapingHub articles"
        else:
            side = "articles" if label(s["page_type"]) == "article" else "non-articles"
        keys = [(side, lang)] if lang in ("en", "?") else [(side, lang), (side, "not en")]
        for key in keys:
            counts[key][0] += d != "kept"
            counts[key][1] += 1
    print("\nrefused by the page's language (<html lang>):")
    for side in ("articles", "non-articles", "ScrapingHub articles"):
        cells = sorted(
            ((k[1], v) for k, v in counts.items() if k[0] == side), key=lambda kv: -kv[1][1]
        )
        print(f"  {side}: " + ", ".join(f"{lang} {r}/{n}" for lang, (r, n) in cells))


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


def export_words(text) -> dict:
    """The text model as plain data: per class, its weights over the hashed buckets as signed
    bytes (base64), one scale for all, and the biases."""
    import base64

    import numpy as np

    coef = _full_rows(text, text.coef_)
    scale = float(np.abs(coef).max()) / 127
    packed = np.clip(np.round(coef / scale), -127, 127).astype(np.int8)
    return {
        "kind": "multinomial logistic regression over hashed words, word pairs, n-grams",
        "classes": list(CLASSES),
        "size": WORD_BUCKETS,
        "scale": scale,
        "bias": [float(b) for b in _full_rows(text, text.intercept_[:, None])[:, 0]],
        "weights": [base64.b64encode(row.tobytes()).decode("ascii") for row in packed],
    }


def _full_rows(m, rows):
    import numpy as np

    out = np.zeros((len(CLASSES), rows.shape[1]))
    out[m.classes_] = rows
    return out


def check_words(exported: dict, text, samples: list[dict], w) -> float:
    """The largest gap between the packaged text model's probabilities and scikit-learn's."""
    p = _full(text, text.predict_proba(w))
    ours = [pagetype.word_scores(page_words(s), exported) for s in samples]
    return max(
        abs(o[f"words_{c}"] - p[i, k]) for i, o in enumerate(ours) for k, c in enumerate(CLASSES)
    )


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


def train(
    samples: list[dict],
    max_false: float = 0.005,
    seed: int = SEED,
    words: bool = True,
    threshold: float | None = None,
) -> dict:
    """The packaged models' data trained on ``samples`` (with their features, see
    ``with_features``): the threshold chosen on out-of-fold probabilities by site, as the
    report chooses it (unless given), then the text model (``words``) and both tree models
    fitted on every sample, the trees reading the text model's probabilities for sites it did
    not see (what ``--write`` writes)."""
    import numpy as np

    usable = [s for s in samples if s["features"] is not None]
    names, x, y, groups = matrix(usable)
    w = word_matrix(usable) if words else None
    if threshold is None:
        p_not, _kinds = out_of_fold(x, y, groups, seed, w)
        threshold = choose_threshold(p_not, usable, max_false)
    text = None
    if w is not None:
        everything = np.arange(len(y))
        inner, _, text = word_probabilities(w, y, groups, everything, everything[:0])
        x = np.hstack([x, inner])
        names = names + [f"words_{c}" for c in CLASSES]
    decision, kind = fit(x, y, seed)
    exported = export(decision, kind, names, threshold, smallest(usable))
    if text is not None:
        exported["words"] = export_words(text)
        gap = check_words(exported, text, usable, w)
        print(f"text model within {gap:.4f} of scikit-learn's", file=sys.stderr)
    gap = check_export(exported, decision, x)
    print(f"inference within {gap:.4f} of scikit-learn's", file=sys.stderr)
    return exported


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
    parser.add_argument(
        "--no-words", action="store_true", help="without the text model (the trees alone)"
    )
    parser.add_argument("--dump", type=Path, help="write each page's out-of-fold scores here")
    args = parser.parse_args(argv)
    dumped: dict[str, dict] = {}

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
    if not args.no_words and any("words" not in s for s in usable):
        parser.error("the --features file was written before the text model: write it anew")
    w = None if args.no_words else word_matrix(usable)
    index = {id(s): i for i, s in enumerate(usable)}
    print(f"cross-validated by site ({FOLDS} folds, {len(set(groups))} sites)")
    for n, seed in enumerate(args.seeds):
        p_not, kinds = out_of_fold(x, y, groups, seed, w)
        threshold = choose_threshold(p_not, usable, args.max_false)
        p_all = [p_not[index[id(s)]] if id(s) in index else None for s in samples]
        k_all = [kinds[index[id(s)]] if id(s) in index else None for s in samples]
        dumped[f"seed {seed}"] = {"p": p_not, "kinds": kinds, "threshold": threshold}
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
        p_not, kinds = out_of_fold(x, y, shuffled(groups, fold_seed), args.seeds[0], w)
        threshold = choose_threshold(p_not, usable, args.max_false)
        p_all = [p_not[index[id(s)]] if id(s) in index else None for s in samples]
        k_all = [kinds[index[id(s)]] if id(s) in index else None for s in samples]
        dumped[f"folds {fold_seed}"] = {"p": p_not, "kinds": kinds, "threshold": threshold}
        print(
            f"  folds {fold_seed}, threshold {threshold:.3f}: "
            + summary(samples, decisions(p_all, k_all, threshold))
        )
    if args.dump:
        dumped["pages"] = [
            {k: s[k] for k in ("dataset", "id", "page_type", "domain")} for s in usable
        ]
        dumped["features"] = [s["features"] for s in usable]
        args.dump.write_text(json.dumps(dumped), encoding="utf-8")
    if args.write:
        exported = train(samples, args.max_false, args.seeds[0], not args.no_words, first)
        MODEL.write_text(json.dumps(exported, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"\nwrote {MODEL} ({MODEL.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
