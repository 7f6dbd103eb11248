"""Article-extraction benchmark: our HTML cleaner against trafilatura on the same pages.

Runs ``clean_html`` over every page of a dataset (``pages/`` + ``truth.jsonl``, see
``../shared/benchmarks/extraction/README.md``), writes the body text (title left out: body
blocks joined by blank lines), scores it with the dataset's own ``evaluate.py``, does the same
for ``trafilatura.extract(html, include_comments=False)`` when trafilatura is installed, and
prints a table you can paste into a note, then the worst pages with reasons.

    python bench/extraction.py [--data DIR] [--worst 10] [--keep DIR] [--no-trafilatura]
                               [--repeat 3]
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from anthology.clean.formats import body_text
from anthology.clean.html import clean_html
from anthology.clean.rules import default_rules
from anthology.core.errors import SourceError
from anthology.sources import Page, decode

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "extraction"
# The one scorer, for every dataset: the broad sets share the ScrapingHub set's evaluate.py.
EVALUATE = DEFAULT_DATA / "evaluate.py"


def read_rows(data: Path) -> list[dict]:
    with (data / "truth.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def page_bytes(data: Path, page_id: str) -> bytes:
    plain = data / "pages" / f"{page_id}.html"
    if plain.exists():
        return plain.read_bytes()
    return gzip.decompress((data / "pages" / f"{page_id}.html.gz").read_bytes())


def run_both(
    data: Path, rows: list[dict], out: Path, sources: Path, repeat: int, trafilatura
) -> tuple[list[float], list[float] | None, dict]:
    """Clean every page with ours and (when given) trafilatura, writing both predictions.

    The two run page by page, alternating which goes first, and each page is timed ``repeat``
    times per extractor keeping the fastest: both see the same machine at the same moment, so
    their ratio holds even when the machine is noisy.
    """
    rules = default_rules()
    ours, theirs, errors = [], [] if trafilatura else None, {}
    for n, row in enumerate(rows):
        text = decode(page_bytes(data, row["id"]), "html") or ""
        name = f"{row['id']}.html"
        page = Page(path=sources / name, name=name, shown=f"sources/{name}", kind="html", text=text)

        def run_ours(page: Page = page, page_id: str = row["id"]) -> str:
            try:
                return body_text(clean_html(page, rules))
            except SourceError as exc:
                errors[page_id] = str(exc)
                return ""

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
    return ours, theirs, errors


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="dataset directory")
    parser.add_argument("--worst", type=int, default=10, help="list this many worst pages")
    parser.add_argument("--keep", type=Path, help="keep predictions and reports in this folder")
    parser.add_argument("--no-trafilatura", action="store_true", help="only run our cleaner")
    parser.add_argument(
        "--repeat", type=int, default=3, help="time each page this many times, keep the fastest"
    )
    args = parser.parse_args(argv)

    rows = read_rows(args.data)
    work = args.keep or Path(tempfile.mkdtemp(prefix="anthology-bench-"))
    (work / "sources").mkdir(parents=True, exist_ok=True)
    results = {}
    for name in ("anthology", "trafilatura"):
        (work / name).mkdir(exist_ok=True)
    trafilatura = None
    if not args.no_trafilatura:
        try:
            import trafilatura
        except ImportError:
            print("trafilatura is not installed: only our cleaner runs", file=sys.stderr)
    times, t_times, errors = run_both(
        args.data, rows, work, work / "sources", max(1, args.repeat), trafilatura
    )
    group_by = "page_type" if any("page_type" in row for row in rows) else None
    results["anthology"] = (
        score(args.data, work / "anthology", work / "anthology.json", group_by),
        times,
    )
    if t_times is not None:
        results["trafilatura"] = (
            score(args.data, work / "trafilatura", work / "trafilatura.json", group_by),
            t_times,
        )

    print(f"{len(rows)} pages from {args.data}\n")
    print(
        "| extractor | F1 (± std) | precision | recall | empty | ms/page (median) | ms/page (mean) "
        "|"
    )
    print("|---|---|---|---|---|---|---|")
    for name, (result, page_times) in results.items():
        s = result["summary"]
        print(
            f"| {name} | {s['f1']:.3f} ± {s.get('f1_std', 0):.3f} | {s['precision']:.3f} | "
            f"{s['recall']:.3f} | {s['empty']} | {1000 * statistics.median(page_times):.1f} | "
            f"{1000 * statistics.fmean(page_times):.1f} |"
        )
    if group_by:
        print(f"\nPer {group_by}:\n")
        print("| extractor | group | pages | F1 | precision | recall | empty |")
        print("|---|---|---|---|---|---|---|")
        for name, (result, _times) in results.items():
            for group, g in result.get("groups", {}).items():
                print(
                    f"| {name} | {group} | {g.get('pages', '')} | {g['f1']:.3f} | "
                    f"{g['precision']:.3f} | {g['recall']:.3f} | {g.get('empty', '')} |"
                )

    if t_times is not None:
        ratios = [a / b for a, b in zip(times, t_times, strict=True) if b > 0]
        print(
            f"\nTime per page, anthology / trafilatura: "
            f"{statistics.median(times) / statistics.median(t_times):.2f}x (medians), "
            f"{statistics.fmean(times) / statistics.fmean(t_times):.2f}x (means), "
            f"median of per-page ratios {statistics.median(ratios):.2f}x "
            f"(each page timed {max(1, args.repeat)}× per extractor, fastest kept, interleaved)"
        )

    urls = {row["id"]: row.get("url", "") for row in rows}
    pages = sorted(results["anthology"][0]["pages"], key=lambda p: p["page_f1"])
    print(f"\nWorst {args.worst} pages (anthology):")
    for p in pages[: args.worst]:
        prec = "-" if p["precision"] is None else f"{p['precision']:.2f}"
        rec = "-" if p["recall"] is None else f"{p['recall']:.2f}"
        why = errors.get(p["id"], "")
        print(
            f"  {p['id'][:12]} F1={p['page_f1']:.2f} P={prec} R={rec} "
            f"pred={p['pred_chars']} true={p['true_chars']} {urls[p['id']][:80]} {why}"
        )
    slow = sorted(zip(times, (r["id"] for r in rows), strict=True), reverse=True)[:3]
    print(
        "\nSlowest pages (anthology): " + ", ".join(f"{i[:12]} {1000 * t:.0f} ms" for t, i in slow)
    )
    print(f"\nPredictions and reports in {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
