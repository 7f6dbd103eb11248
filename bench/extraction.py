"""Article-extraction benchmark: our HTML cleaner against trafilatura on the same pages.

Runs ``clean_html`` over every page of each dataset (``pages/`` + ``truth.jsonl``, see
``../shared/benchmarks/extraction/README.md``; by default the ScrapingHub set and wcxb-dev),
writes the body text as ``compile clean --body-only -f text`` does (``formats.body_text``),
scores it with the shared ``evaluate.py``, does the same for
``trafilatura.extract(html, include_comments=False)`` when trafilatura is installed, and prints
one table for all datasets, per page type, for both extractors: F1, precision, recall, the
articles left empty (refused), the non-articles accepted, titles and bylines right (when
``bench/metadata_eval.py`` is there), and the median time per page with ours / trafilatura.
Then the worst pages with reasons.

    python bench/extraction.py [--data DIR]... [--worst 10] [--keep DIR] [--no-trafilatura]
                               [--repeat 3] [--folds K] [--cache DIR]

The shipped models (the block vote's and the page type's) were trained on these very pages, so
the figures above are in-sample. ``--folds K`` gives the held-out ones: the sites (``domain``
of ``truth.jsonl``, a ScrapingHub page's URL host) are dealt into K folds, both models are
trained on the other folds' pages (``bench/train_vote.py`` and ``bench/pagetype.py``, with the
shipped models' settings) and each fold's pages are cleaned with them. The training inputs
(trafilatura's texts, the block features, the page-type features) and the fold models are
kept in ``--cache`` (keyed by the cleaner's source, so a changed cleaner reads them anew): a
second run only cleans and scores. The page-type features of the training pages are read by
the cleaner with the shipped vote model (one pass over the pages, not one per fold).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from anthology.clean.formats import body_text
from anthology.clean.html import Models, clean_html, vote
from anthology.clean.rules import default_rules
from anthology.core.errors import SourceError
from anthology.sources import Page, decode

BENCHMARKS = Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
DEFAULT_DATA = BENCHMARKS / "extraction"
# The one scorer, for every dataset: the broad sets share the ScrapingHub set's evaluate.py.
EVALUATE = DEFAULT_DATA / "evaluate.py"
# Page types that are articles (a refusal is a loss); the others should be refused.
ARTICLE_TYPES = ("article", "documentation")


def read_rows(data: Path) -> list[dict]:
    with (data / "truth.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def page_bytes(data: Path, page_id: str) -> bytes:
    plain = data / "pages" / f"{page_id}.html"
    if plain.exists():
        return plain.read_bytes()
    return gzip.decompress((data / "pages" / f"{page_id}.html.gz").read_bytes())


def run_both(
    data: Path,
    rows: list[dict],
    out: Path,
    sources: Path,
    repeat: int,
    trafilatura,
    metadata: dict[str, dict] | None = None,
    models: dict[str, Models] | None = None,
) -> tuple[list[float], list[float] | None, dict]:
    """Clean every page with ours and (when given) trafilatura, writing both predictions.

    The two run page by page, alternating which goes first, and each page is timed ``repeat``
    times per extractor keeping the fastest: both see the same machine at the same moment, so
    their ratio holds even when the machine is noisy. When ``metadata`` is given, each page's
    (title, byline) of both extractors is put in it (trafilatura's read apart, untimed).
    ``models`` gives each page's models by id (the packaged ones for a page not in it).
    """
    rules = default_rules()
    ours, theirs, errors = [], [] if trafilatura else None, {}
    for n, row in enumerate(rows):
        text = decode(page_bytes(data, row["id"]), "html") or ""
        name = f"{row['id']}.html"
        page = Page(path=sources / name, name=name, shown=f"sources/{name}", kind="html", text=text)

        def run_ours(page: Page = page, page_id: str = row["id"]) -> str:
            try:
                article = clean_html(page, rules, models=models.get(page_id) if models else None)
            except SourceError as exc:
                errors[page_id] = str(exc)
                return ""
            if metadata is not None:
                metadata.setdefault(page_id, {})["anthology"] = (article.title, article.byline)
            return body_text(article)

        def run_theirs(text: str = text) -> str:
            return trafilatura.extract(text, include_comments=False) or ""

        runs = [("anthology", run_ours, ours)]
        if trafilatura:
            runs.append(("trafilatura", run_theirs, theirs))
        if n % 2:
            runs.reverse()
        best: dict[str, float] = {}
        predictions: dict[str, str] = {}
        for _ in range(repeat):
            for label, run, _times in runs:
                start = time.perf_counter()
                predictions[label] = run()
                elapsed = time.perf_counter() - start
                best[label] = min(best.get(label, elapsed), elapsed)
        for label, _run, times in runs:
            times.append(best[label])
            (out / label / f"{row['id']}.txt").write_text(predictions[label], encoding="utf-8")
        if metadata is not None and trafilatura:
            found = trafilatura.extract_metadata(text)
            metadata.setdefault(row["id"], {})["trafilatura"] = (
                (found.title or "", found.author or "") if found else ("", "")
            )
    return ours, theirs, errors


# ------------------------------------------------------------------ cross-validated by site

SOURCES = Path(__file__).resolve().parents[1] / "src" / "anthology" / "clean"
TRAINERS = [Path(__file__).resolve().parent / n for n in ("train_vote.py", "pagetype.py")]
VOTE_TYPES = {"article", "documentation"}  # the pages the block vote learns from


def site(row: dict) -> str:
    """A page's site: its ``domain``, or its URL's host, without ``www.``."""
    host = row.get("domain") or urlsplit(row.get("url") or "").hostname or row["id"]
    return host.lower().removeprefix("www.")


def deal_folds(sites: set[str], folds: int) -> dict[str, int]:
    """Each site's fold: the sites in the order of their hash, dealt in turn (deterministic,
    and a site's pages never in two folds)."""
    order = sorted(sites, key=lambda s: hashlib.sha256(s.encode()).hexdigest())
    return {s: i % folds for i, s in enumerate(order)}


def cache_key(datasets: list[Path]) -> str:
    """What the cached training inputs depend on: the cleaner's source, rules and models, the
    two trainers, and the datasets' truth files."""
    digest = hashlib.sha256()
    files = sorted(p for p in SOURCES.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in [*files, *TRAINERS, *(d / "truth.jsonl" for d in datasets)]:
        digest.update(str(path.relative_to(path.parents[1])).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cached(path: Path, make):
    """``make()``, kept in ``path`` (pickled) and read from there next time."""
    if path.exists():
        return pickle.loads(path.read_bytes())
    value = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(value))
    return value


def fold_models(datasets: list[Path], folds: int, cache: Path) -> tuple[dict, int]:
    """Both models trained K times, each on the pages of the sites outside one fold.

    Returns each page's models by (dataset, id), and the number of sites.
    """
    import pagetype as pagetype_trainer  # bench/pagetype.py
    import train_vote

    settings = json.loads(vote.MODEL_PATH.read_text(encoding="utf-8"))
    settings = {
        k: settings[k] for k in ("threshold", "threshold_added", "voter_fast", "sure_share")
    }
    voter = "fast" if settings["voter_fast"] else "full"
    rows = {data.name: read_rows(data) for data in datasets}
    sites = {(name, r["id"]): site(r) for name, rs in rows.items() for r in rs}
    fold_of_site = deal_folds(set(sites.values()), folds)
    fold = {key: fold_of_site[s] for key, s in sites.items()}

    records = []  # the block vote's training pages (articles and documentation)
    samples = []  # the page type's
    for data in datasets:
        print(f"reading {data.name} for training (cached in {cache})", file=sys.stderr)
        built = cached(
            cache / f"vote-blocks-{data.name}-{voter}.pickle",
            lambda data=data: train_vote.build(data, VOTE_TYPES, cache / data.name, [voter]),
        )
        records += built[voter]
        default_type = None if any("page_type" in r for r in rows[data.name]) else "article"
        samples += cached(
            cache / f"pagetype-{data.name}.pickle",
            lambda data=data, t=default_type: pagetype_trainer.collect(data, data.name, t),
        )
    samples = pagetype_trainer.with_features(samples)

    models: dict[tuple[str, str], Models] = {}
    for k in range(folds):
        print(f"training fold {k + 1}/{folds}", file=sys.stderr)
        vote_data = cached(
            cache / f"folds-{folds}" / f"vote-{k}.pickle",
            lambda k=k: train_vote.train(
                [r for r in records if fold[(r["dataset"], r["id"])] != k], **settings
            ),
        )
        pagetype_data = cached(
            cache / f"folds-{folds}" / f"pagetype-{k}.pickle",
            lambda k=k: pagetype_trainer.train(
                [s for s in samples if fold[(s["dataset"], s["id"])] != k]
            ),
        )
        chosen = Models(vote=vote.Model(vote_data), pagetype=pagetype_data)
        models |= {key: chosen for key, f in fold.items() if f == k}
    return models, len(fold_of_site)


def score(data: Path, pred: Path, report: Path, group_by: str | None = None) -> dict:
    """Score the predictions in ``pred`` with the shared ``evaluate.py``, per group when asked."""
    command = [
        sys.executable,
        str(EVALUATE),
        "--data",
        str(data),
        "--pred",
        str(pred),
        "--json",
        str(report),
        "--bootstrap",
        "200",
        "--quiet",
    ]
    if group_by:
        command += ["--group-by", group_by]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    result = json.loads(report.read_text(encoding="utf-8"))
    return next(iter(result["datasets"].values()))


def metadata_scorer():
    """``bench/metadata_eval.py``'s normalisers and gold bylines, or None when it is absent."""
    try:
        import metadata_eval as m
    except ImportError:
        return None
    try:
        bylines = m.read_gold_bylines([p for p in m.GOLD_BYLINES if p.exists()])
        return m.norm_title, m.norm_names, bylines
    except AttributeError:
        return None


def metadata_right(rows: list[dict], found: dict[str, dict], label: str, scorer) -> tuple[str, str]:
    """Titles and bylines right out of the pages with gold, as "right/pages" (or "–")."""
    if scorer is None:
        return "–", "–"
    norm_title, norm_names, bylines = scorer
    titles = [r for r in rows if r.get("title")]
    title_right = sum(
        norm_title(found.get(r["id"], {}).get(label, ("", ""))[0]) == norm_title(r["title"])
        for r in titles
    )
    gold = [r for r in rows if r["id"] in bylines]
    byline_right = sum(
        norm_names(found.get(r["id"], {}).get(label, ("", ""))[1]) == norm_names(bylines[r["id"]])
        for r in gold
    )
    return (
        f"{title_right}/{len(titles)}" if titles else "–",
        f"{byline_right}/{len(gold)}" if gold else "–",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data",
        type=Path,
        action="append",
        help="dataset directory (repeat for several; default: extraction and wcxb-dev)",
    )
    parser.add_argument("--worst", type=int, default=10, help="list this many worst pages")
    parser.add_argument("--keep", type=Path, help="keep predictions and reports in this folder")
    parser.add_argument("--no-trafilatura", action="store_true", help="only run our cleaner")
    parser.add_argument(
        "--repeat", type=int, default=3, help="time each page this many times, keep the fastest"
    )
    parser.add_argument(
        "--folds",
        type=int,
        default=0,
        help="cross-validate by site: train both models K times, each without one fold's sites",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "anthology-bench-cache",
        help="keep the training inputs and fold models here (with --folds)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    datasets = args.data or [DEFAULT_DATA, BENCHMARKS / "wcxb-dev"]
    work = args.keep or Path(tempfile.mkdtemp(prefix="anthology-bench-"))
    trafilatura = None
    if not args.no_trafilatura:
        try:
            import trafilatura
        except ImportError:
            print("trafilatura is not installed: only our cleaner runs", file=sys.stderr)
    scorer = metadata_scorer()
    names = ["anthology"] + (["trafilatura"] if trafilatura else [])
    models: dict[tuple[str, str], Models] = {}
    if args.folds:
        models, site_count = fold_models(datasets, args.folds, args.cache / cache_key(datasets))
    table = []
    worst = []
    for data in datasets:
        rows = read_rows(data)
        where = work / data.name
        for name in ("sources", *names):
            (where / name).mkdir(parents=True, exist_ok=True)
        found: dict[str, dict] = {}
        times, t_times, errors = run_both(
            data,
            rows,
            where,
            where / "sources",
            max(1, args.repeat),
            trafilatura,
            found if scorer else None,
            {i: m for (name, i), m in models.items() if name == data.name} if models else None,
        )
        page_times = {"anthology": dict(zip((r["id"] for r in rows), times, strict=True))}
        if t_times is not None:
            page_times["trafilatura"] = dict(zip((r["id"] for r in rows), t_times, strict=True))
        group_by = "page_type" if any("page_type" in row for row in rows) else None
        results = {
            name: score(data, where / name, where / f"{name}.json", group_by) for name in names
        }
        table += report_rows(data.name, rows, results, page_times, found, scorer)
        worst.append((data, rows, results["anthology"], errors, times))
    if args.folds:
        print(
            f"Cross-validated by site: {site_count} sites dealt into {args.folds} folds; each "
            "page cleaned with a block-vote model and a page-type model trained without its "
            "fold's sites.\n"
        )
    print_table(table, max(1, args.repeat))
    for data, rows, result, errors, times in worst:
        print_worst(data, rows, result, errors, times, args.worst)
    print(f"\nPredictions and reports in {work}")
    if args.folds:
        print(f"Wall time {time.perf_counter() - started:.0f} s")
    return 0


def report_rows(
    dataset: str,
    rows: list[dict],
    results: dict[str, dict],
    page_times: dict[str, dict[str, float]],
    found: dict[str, dict],
    scorer,
) -> list[dict]:
    """One line per page type (and one for all), per extractor."""
    types = sorted({r.get("page_type", "article") for r in rows})
    groups = [(t, [r for r in rows if r.get("page_type", "article") == t]) for t in types]
    if len(groups) > 1:
        groups.append(("all", rows))
    lines = []
    for group, members in groups:
        ids = {r["id"] for r in members}
        medians = {
            name: statistics.median(t for i, t in times.items() if i in ids)
            for name, times in page_times.items()
        }
        for name, result in results.items():
            s = result.get("groups", {}).get(group) if group != "all" else None
            s = s or result["summary"]
            pages = {p["id"]: p for p in result["pages"] if p["id"] in ids}
            empty = [i for i, p in pages.items() if not p.get("pred_chars")]
            kinds = {r["id"]: r.get("page_type", "article") for r in members}
            titles, bylines = metadata_right(
                [r for r in members if kinds[r["id"]] in ARTICLE_TYPES], found, name, scorer
            )
            lines.append(
                {
                    "set": dataset,
                    "group": group,
                    "pages": len(members),
                    "extractor": name,
                    "f1": s["f1"],
                    "precision": s["precision"],
                    "recall": s["recall"],
                    "empty_articles": sum(kinds[i] in ARTICLE_TYPES for i in empty),
                    "articles": sum(k in ARTICLE_TYPES for k in kinds.values()),
                    "accepted": sum(
                        kinds[i] not in ARTICLE_TYPES and i not in empty for i in pages
                    ),
                    "non_articles": sum(k not in ARTICLE_TYPES for k in kinds.values()),
                    "titles": titles,
                    "bylines": bylines,
                    "ms": 1000 * medians[name],
                    "ratio": medians[name] / medians.get("trafilatura", medians[name]),
                }
            )
    return lines


def print_table(lines: list[dict], repeat: int) -> None:
    print(
        "| set | page type | pages | extractor | F1 | precision | recall | articles empty "
        "| non-articles accepted | titles right | bylines right | ms/page (median) "
        "| × trafilatura |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for x in lines:
        empty = f"{x['empty_articles']}/{x['articles']}" if x["articles"] else "–"
        accepted = f"{x['accepted']}/{x['non_articles']}" if x["non_articles"] else "–"
        print(
            f"| {x['set']} | {x['group']} | {x['pages']} | {x['extractor']} | {x['f1']:.3f} | "
            f"{x['precision']:.3f} | {x['recall']:.3f} | {empty} | {accepted} | {x['titles']} | "
            f"{x['bylines']} | {x['ms']:.1f} | {x['ratio']:.2f} |"
        )
    print(
        f"\nms/page: each page timed {repeat}× per extractor, fastest kept, the two interleaved "
        "page by page; × trafilatura is the ratio of the medians. Titles and bylines: on "
        "article and documentation pages with gold."
    )


def print_worst(
    data: Path, rows: list[dict], result: dict, errors: dict, times: list[float], count: int
) -> None:
    urls = {row["id"]: row.get("url", "") for row in rows}
    pages = sorted(result["pages"], key=lambda p: p["page_f1"])
    print(f"\nWorst {count} pages (anthology) of {data.name}:")
    for p in pages[:count]:
        prec = "-" if p["precision"] is None else f"{p['precision']:.2f}"
        rec = "-" if p["recall"] is None else f"{p['recall']:.2f}"
        why = errors.get(p["id"], "")
        print(
            f"  {p['id'][:12]} F1={p['page_f1']:.2f} P={prec} R={rec} "
            f"pred={p['pred_chars']} true={p['true_chars']} {urls[p['id']][:80]} {why}"
        )
    slow = sorted(zip(times, (r["id"] for r in rows), strict=True), reverse=True)[:3]
    print("Slowest pages (anthology): " + ", ".join(f"{i[:12]} {1000 * t:.0f} ms" for t, i in slow))


if __name__ == "__main__":
    sys.exit(main())
