"""Speed and scale: time and peak memory of every stage, for editions of three sizes, with peers.

    .venv/bin/python bench/run.py                       # default, study and large editions
    .venv/bin/python bench/run.py --quick               # default and study only (minutes)
    .venv/bin/python bench/run.py --sizes large --skip-pdf-large --repeat 1

Editions are generated into a temporary folder (``editions.py``). Everything measured runs
as a fresh process (``measure.py`` reads its wall time and peak memory):

- the stages before rendering, one by one, serially and without the cache (``stages.py
  prepare``): start-up, load, clean, assemble;
- the real ``compile epub`` and ``compile pdf`` (``stages.py cli``), cold (no ``build/``) and
  again after one page changed (warm); their progress lines give the render stages, and the
  stage that took most of each build (start-up counts in the first line's stage, load);
- whether the builds are exact: with ``SOURCE_DATE_EPOCH`` set (the benchmark sets it for every
  build), the parallel build that reuses the cache after the changed page is put back gives
  the same bytes as a cold build with one worker (``--jobs 1``) and no cache;
- the peers on the same book (``peers.py``): pandoc makes an EPUB from the same cleaned
  chapters, WeasyPrint lays out the same print HTML once with the same stylesheets.

The targets table gives each edition's builds against the peers of the same run and against a
cold build, with the goals of ``GOALS``, and the stage that took most of each build.

Progress goes to stderr, the tables to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path

import editions
import measure
import peers

BENCH = Path(__file__).resolve().parent
PYTHON = sys.executable
TARGETS = ("epub", "pdf")
IMPORT_CLICK = 'python -c "import click"'
STAGE_ROWS = ("start-up", "load", "clean", "assemble", "epub", "pdf")
STAGE_NOTES = {
    "start-up": "importing the package",
    "load": "serial, one process",
    "clean": "serial, no cache; across-page repeats included",
    "assemble": "glossary links included",
    "epub": "from compile epub; importing ebooklib included",
    "pdf": "from compile pdf; importing WeasyPrint included",
}


@dataclass
class Build:
    """One measured process: the whole of it, and its stages."""

    wall: float
    peak_kib: int
    all_kib: int | None
    stages: dict[str, dict]
    prepared: float = float("nan")  # seconds until the book was ready to render
    pages: int = 0
    words: int = 0
    articles: int = 0
    steps: dict[str, float] = field(default_factory=dict)  # seconds by progress line (cli)


@dataclass
class SizeResult:
    """Everything measured for one edition."""

    made: editions.Made
    prepared: list[Build] = field(default_factory=list)
    cold: dict[str, list[Build]] = field(default_factory=dict)
    warm: dict[str, list[Build]] = field(default_factory=dict)
    identical: dict[str, bool] = field(default_factory=dict)  # per target, see exact_rebuilds
    pandoc: list[measure.Sample] = field(default_factory=list)
    one_shot: list[measure.Sample] = field(default_factory=list)
    one_shot_pages: int = 0
    # The same, writing the edition's PDF variant (tagged PDF/UA-1, as our reading PDF is).
    one_shot_variant: list[measure.Sample] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def progress(message: str) -> None:
    """A line on stderr, so a long run shows where it is."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _measured(command: list[str], result: Path) -> Build:
    sample = measure.run([PYTHON, str(BENCH / "stages.py"), *command, str(result)])
    record = json.loads(result.read_text(encoding="utf-8"))
    return Build(
        wall=sample.wall,
        peak_kib=sample.peak_kib,
        all_kib=sample.all_kib,
        stages=record["stages"],
        prepared=record.get("prepared", float("nan")),
        pages=record.get("pages", 0),
        words=record.get("words", 0),
        articles=record.get("articles", 0),
        steps=record.get("steps", {}),
    )


def stages_before_rendering(root: Path, work: Path, export: Path | None) -> Build:
    """Load, clean and assemble, one by one, in a fresh process (and export for the peers)."""
    command = ["prepare", str(root), str(work / "prepare.json"), *([str(export)] if export else [])]
    sample = measure.run([PYTHON, str(BENCH / "stages.py"), *command])
    record = json.loads((work / "prepare.json").read_text(encoding="utf-8"))
    return Build(
        wall=sample.wall,
        peak_kib=sample.peak_kib,
        all_kib=sample.all_kib,
        stages=record["stages"],
        words=record["words"],
        articles=record["articles"],
    )


def compile_(target: str, root: Path, work: Path, *options: str) -> Build:
    """``compile TARGET [OPTIONS]`` on the edition, as a fresh, measured process."""
    command = ["cli", target, str(root), str(work / "out"), *options]
    return _measured(command, work / f"cli-{target}.json")


def exact_rebuilds(target: str, root: Path, work: Path) -> bool:
    """Whether a cached, parallel rebuild (the changed page put back) and a cold build with
    one worker give the same bytes."""
    output = work / "out"
    compile_(target, root, work)
    cached = {path.name: path.read_bytes() for path in output.glob(f"*.{target}")}
    shutil.rmtree(root / "build", ignore_errors=True)
    compile_(target, root, work, "--jobs", "1")
    serial = {path.name: path.read_bytes() for path in output.glob(f"*.{target}")}
    same = bool(cached) and cached == serial
    progress(f"{root.name}: {target} cached and parallel vs cold and serial: identical {same}")
    return same


def cold_and_warm(target: str, root: Path, work: Path, runs: int) -> tuple[list, list]:
    """``runs`` pairs: a cold build (no build/ folder), then one after a page changed."""
    cold, warm = [], []
    for run in range(1, runs + 1):
        shutil.rmtree(root / "build", ignore_errors=True)
        cold.append(compile_(target, root, work))
        progress(f"{root.name}: compile {target} cold {run}/{runs}: {_said(cold[-1])}")
        page, original = editions.change_one_page(root)
        try:
            warm.append(compile_(target, root, work))
        finally:
            page.write_bytes(original)
        progress(f"{root.name}: compile {target} warm {run}/{runs}: {_said(warm[-1])}")
    return cold, warm


def _said(run: Build | measure.Sample) -> str:
    return f"{run.wall:.2f} s, {run.peak_kib / 1024:.0f} MiB"


def measure_peers(result: SizeResult, folder: Path, work: Path, runs: int, pdf_runs: int) -> None:
    """pandoc's EPUB and WeasyPrint's one-shot PDF of the same book."""
    name = result.made.size
    if shutil.which("pandoc") is None:
        result.notes.append("pandoc not found: its peer is skipped (apt-get install pandoc)")
    else:
        for run in range(1, runs + 1):
            result.pandoc.append(measure.run(peers.pandoc_command(folder, work / "pandoc.epub")))
            progress(f"{name}: pandoc {run}/{runs}: {_said(result.pandoc[-1])}")
    for run in range(1, pdf_runs + 1):
        pages = work / "one-shot.json"
        command = [PYTHON, str(BENCH / "peers.py"), "weasyprint", str(folder)]
        result.one_shot.append(measure.run([*command, str(work / "one-shot.pdf"), str(pages)]))
        result.one_shot_pages = json.loads(pages.read_text(encoding="utf-8"))["pages"]
        progress(f"{name}: one-shot WeasyPrint {run}/{pdf_runs}: {_said(result.one_shot[-1])}")
    for run in range(1, pdf_runs + 1):
        command = [PYTHON, str(BENCH / "peers.py"), "weasyprint-variant", str(folder)]
        outputs = [str(work / "one-shot-variant.pdf"), str(work / "one-shot-variant.json")]
        result.one_shot_variant.append(measure.run([*command, *outputs]))
        said = _said(result.one_shot_variant[-1])
        progress(f"{name}: one-shot WeasyPrint, same PDF variant {run}/{pdf_runs}: {said}")


def measure_size(size: str, folder: Path, args: argparse.Namespace) -> SizeResult:
    """Generate one edition and measure its stages, its builds and its peers."""
    made = editions.make_edition(size, folder, args.benchmarks)
    progress(f"{size}: {made.articles} articles in {made.root} ({made.text_from})")
    result = SizeResult(made)
    work = folder / f"{size}-work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    exported = work / "peers"
    for run in range(1, args.repeat + 1):
        export = exported if run == 1 else None
        result.prepared.append(stages_before_rendering(made.root, work, export))
        progress(f"{size}: load, clean, assemble {run}/{args.repeat}: {_said(result.prepared[-1])}")
    skip_pdf = size == "large" and args.skip_pdf_large
    pdf_runs = 0 if skip_pdf else (1 if size == "large" else args.repeat)
    for target in TARGETS:
        runs = pdf_runs if target == "pdf" else args.repeat
        if runs:
            result.cold[target], result.warm[target] = cold_and_warm(target, made.root, work, runs)
            if size == args.sizes[-1]:
                result.identical[target] = exact_rebuilds(target, made.root, work)
    if skip_pdf:
        result.notes.append("PDF not built (--skip-pdf-large)")
    elif size == "large":
        result.notes.append("its PDF builds and one-shot peer ran once (--repeat is for the rest)")
    measure_peers(result, exported, work, args.repeat, pdf_runs)
    return result


def startup(runs: int) -> dict[str, list[measure.Sample]]:
    """``compile --help`` against ``python -c "import click"``."""
    script = Path(PYTHON).with_name("compile")
    compile_ = [str(script)] if script.exists() else [PYTHON, "-m", "anthology"]
    commands = {
        "compile --help": [*compile_, "--help"],
        IMPORT_CLICK: [PYTHON, "-c", "import click"],
    }
    return {name: [measure.run(command) for _ in range(runs)] for name, command in commands.items()}


# ---------------------------------------------------------------------------------- the tables


def _mib(kib: float) -> str:
    return f"{kib / 1024:,.0f}" if kib == kib else "—"


def _s(seconds: float) -> str:
    if seconds != seconds:
        return "—"
    return f"{seconds:,.2f}" if seconds < 100 else f"{seconds:,.0f}"


def _median_stage(builds: list[Build], stage: str, key: str) -> float:
    return measure.median([b.stages[stage][key] for b in builds if stage in b.stages])


def _wall(runs: list) -> float:
    return measure.median([r.wall for r in runs])


def _peak(runs: list) -> float:
    return measure.median([r.peak_kib for r in runs])


def _peak_all(runs: list) -> float:
    """The most the process and its workers held at once (the largest process's peak where
    the sum could not be sampled)."""
    return measure.median([r.all_kib or r.peak_kib for r in runs])


Row = tuple[str, str, str, str]  # measurement, wall s, peak MiB, note
TargetRow = tuple[str, str, str, str, str]  # target, measured, goal, met, stage most time in


def edition_rows(result: SizeResult) -> list[Row]:
    """The rows for one edition: stages, whole builds cold and warm, peers."""
    return _stage_rows(result) + _build_rows(result) + _peer_rows(result)


def _stage_rows(result: SizeResult) -> list[Row]:
    rows = []
    pages = _pages(result)
    for stage in STAGE_ROWS:
        builds = result.cold.get(stage, []) if stage in TARGETS else result.prepared
        wall = _median_stage(builds, stage, "wall")
        if wall != wall:
            continue
        note = STAGE_NOTES.get(stage, "")
        if stage == "pdf" and pages:
            note += f"; {pages / wall:.1f} pages/s"
        peak = _mib(_median_stage(builds, stage, "peak_kib"))
        rows.append((f"  stage {stage}", _s(wall), peak, note))
    return rows


def _build_rows(result: SizeResult) -> list[Row]:
    rows = []
    pages = _pages(result)
    for target in TARGETS:
        cold, warm = result.cold.get(target, []), result.warm.get(target, [])
        if not cold:
            continue
        note = f"book ready after {_ready(cold)} s"
        if target == "pdf" and pages:
            note += f"; {pages / _wall(cold):.1f} pages/s"
        note += _dominant(cold)
        rows.append(
            (f"compile {target}, cold", _s(_wall(cold)), _mib(_peak(cold)), _all(cold, note))
        )
        note = f"{_wall(warm) / _wall(cold):.0%} of cold; book ready after {_ready(warm)} s"
        note += _dominant(warm)
        name = f"compile {target}, 1 page changed"
        rows.append((name, _s(_wall(warm)), _mib(_peak(warm)), _all(warm, note)))
    return rows


def _peer_rows(result: SizeResult) -> list[Row]:
    rows = []
    if result.pandoc:
        wall, epub = _wall(result.pandoc), result.cold.get("epub")
        note = f"compile epub takes {_wall(epub) / wall:.2f}× as long" if epub else ""
        rows.append(("peer: pandoc EPUB", _s(wall), _mib(_peak(result.pandoc)), note))
    if result.one_shot:
        wall, pages = _wall(result.one_shot), result.one_shot_pages
        note = f"{pages:,} pages, {pages / wall:.1f} pages/s"
        rows.append(("peer: WeasyPrint one-shot PDF", _s(wall), _mib(_peak(result.one_shot)), note))
    if result.one_shot_variant:
        wall, peak = _wall(result.one_shot_variant), _mib(_peak(result.one_shot_variant))
        note = "the same, written as our PDF's variant (tagged PDF/UA-1)"
        rows.append(("peer: one-shot, same variant", _s(wall), peak, note))
    return rows


def _dominant(runs: list[Build]) -> str:
    """The stage that took the most of a build (median seconds and share of the build's
    wall time), named as its progress line names it; "" without progress lines."""
    top = _top_stage(runs)
    if top is None:
        return ""
    name, seconds = top
    return f"; most time in {name}: {_s(seconds)} s ({seconds / _wall(runs):.0%})"


def _top_stage(runs: list[Build]) -> tuple[str, float] | None:
    """The stage with the largest median time over ``runs``, and that median; None without
    progress lines."""
    names = dict.fromkeys(name for run in runs for name in run.steps)
    medians = {n: measure.median([r.steps[n] for r in runs if n in r.steps]) for n in names}
    if not medians:
        return None
    name = max(medians, key=lambda n: medians[n])
    return name, medians[name]


def _ready(runs: list[Build]) -> str:
    return _s(measure.median([r.prepared for r in runs]))


def _all(runs: list[Build], note: str) -> str:
    """The note, plus the memory of all processes when workers added much to the largest."""
    together = measure.median([r.all_kib for r in runs if r.all_kib])
    if together == together and together > 1.1 * _peak(runs):
        note += f"; {_mib(together)} MiB with its workers"
    return note


def _pages(result: SizeResult) -> int:
    return max((b.pages for b in result.cold.get("pdf", [])), default=0)


def _words(result: SizeResult) -> int:
    return max((b.words for b in result.prepared), default=0)


def header(args: argparse.Namespace) -> str:
    """Machine, versions and settings."""
    pandoc = shutil.which("pandoc")
    pandoc_version = "absent"
    if pandoc:
        pandoc_version = measure.run([pandoc, "--version"]).stdout.split("\n")[0].split()[-1]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return "\n".join(
        [
            f"anthology speed and scale, {time.strftime('%Y-%m-%d %H:%M')}",
            f"machine: {os.cpu_count()} cores, {platform.machine()}, {platform.system()} "
            f"{platform.release()}; load average at start {load}",
            f"Python {platform.python_version()}, WeasyPrint {version('weasyprint')}, "
            f"ebooklib {version('ebooklib')}, pandoc {pandoc_version}",
            f"medians of {args.repeat} run(s), each a fresh process; peak MiB: the most resident "
            "memory (RSS) of the largest process by the end of the measurement",
        ]
    )


def edition_table(results: list[SizeResult]) -> str:
    """The per-edition table: stages (cold), whole builds cold and warm, peers."""
    lines = []
    width = 34
    lines.append(f"{'measurement':{width}} {'wall s':>9} {'peak MiB':>9}  note")
    for result in results:
        made = result.made
        pages = _pages(result)
        shown_pages = f"{pages:,} A5 pages" if pages else "PDF not built"
        lines.append("")
        lines.append(
            f"{made.size}: {made.articles:,} articles ({made.saved_pages} saved HTML pages), "
            f"{_words(result):,} words, {shown_pages}; text from {made.text_from}"
        )
        for name, wall, peak, note in edition_rows(result):
            lines.append(f"{name:{width}} {wall:>9} {peak:>9}  {note}".rstrip())
        lines += [f"  ({note})" for note in result.notes]
    return "\n".join(lines)


# The goals for each edition (issue #19): compile pdf / one-shot WeasyPrint, compile epub /
# pandoc, and a rebuild after one page changed / a cold build.
GOALS: dict[str, dict[str, float]] = {
    "default": {"pdf": 1.1, "epub": 1.0},
    "study": {"pdf": 0.6, "pdf warm": 0.25},
    "large": {"pdf": 0.6, "epub warm": 0.10, "pdf warm": 0.25},
}
MEMORY_GOAL_KIB = 2 * 1024 * 1024  # the large edition's PDF, all processes together


def targets_table(results: list[SizeResult], start: dict[str, list[measure.Sample]]) -> str:
    """The issue's targets: measured value, goal, whether it is met, and the stage that took
    most of our build (from its progress lines)."""
    rows: list[TargetRow] = []
    by_size = {r.made.size: r for r in results}
    default = by_size.get("default")
    if default and "epub" in default.cold:
        wall = _wall(default.cold["epub"])
        name = "compile epub, default edition, cold"
        rows.append((name, f"{wall:.2f} s", "≤ 1 s", _met(wall <= 1), _most(default.cold["epub"])))
    help_, click = _wall(start["compile --help"]), _wall(start[IMPORT_CLICK])
    ratio = help_ / click
    rows.append(
        (
            'compile --help vs python -c "import click"',
            f"{help_:.3f} s vs {click:.3f} s = {ratio:.1f}×",
            "≤ 2×",
            _met(ratio <= 2),
            "",
        )
    )
    for result in results:
        rows += _peer_ratio_rows(result)
        rows += _warm_rows(result)
    for result in results:
        for target, same in result.identical.items():
            name = f"{target}: parallel + cache = one worker, cold, {result.made.size}"
            rows.append((name, "same bytes" if same else "different", "same", _met(same), ""))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    header = ("target", "measured", "goal")
    lines = [
        "  ".join(f"{h:{w}}" for h, w in zip(header, widths, strict=True)) + " met  most time in"
    ]
    for row in rows:
        cells = "  ".join(f"{c:{w}}" for c, w in zip(row[:3], widths, strict=True))
        lines.append(f"{cells} {row[3]:4} {row[4]}".rstrip())
    return "\n".join(lines)


def _peer_ratio_rows(result: SizeResult) -> list[TargetRow]:
    """Our cold builds against the peers measured in the same run, with each edition's goal."""
    name, goals = result.made.size, GOALS.get(result.made.size, {})
    rows = []
    for target, peer, runs, scored in (
        ("epub", "pandoc", result.pandoc, True),
        ("pdf", "one-shot WeasyPrint", result.one_shot, True),
        ("pdf", "one-shot WeasyPrint, same PDF variant", result.one_shot_variant, False),
    ):
        ours = result.cold.get(target)
        if not runs or not ours:
            continue
        mine, theirs = _wall(ours), _wall(runs)
        goal = goals.get(target) if scored else None
        rows.append(
            (
                f"compile {target}, {name} edition, cold vs {peer}",
                f"{_s(mine)} s vs {_s(theirs)} s = {mine / theirs:.2f}×",
                f"≤ {goal:g}×" if goal else "—",
                _met(mine / theirs <= goal) if goal else "",
                _most(ours),
            )
        )
    if name == "large" and result.one_shot and result.cold.get("pdf"):
        ours_mem, theirs_mem = _peak_all(result.cold["pdf"]), _peak_all(result.one_shot)
        rows.append(
            (
                f"  peak memory, all processes, {name} edition, compile pdf vs one-shot",
                f"{_mib(ours_mem)} MiB vs {_mib(theirs_mem)} MiB = {ours_mem / theirs_mem:.2f}×",
                "≤ 2 GiB",
                _met(ours_mem <= MEMORY_GOAL_KIB),
                "",
            )
        )
    return rows


def _warm_rows(result: SizeResult) -> list[TargetRow]:
    """Rebuilds after one page changed against cold ones, with the edition's goals."""
    rows = []
    goals = GOALS.get(result.made.size, {})
    for target in TARGETS:
        if result.cold.get(target) and result.warm.get(target):
            share = _wall(result.warm[target]) / _wall(result.cold[target])
            name = f"compile {target} after 1 page changed / cold, {result.made.size}"
            goal = goals.get(f"{target} warm")
            rows.append(
                (
                    name,
                    f"{share:.0%}",
                    f"≤ {goal:.0%}" if goal else "—",
                    _met(share <= goal) if goal else "",
                    _most(result.warm[target]),
                )
            )
    return rows


def _most(runs: list[Build]) -> str:
    """The stage that took most of the builds: its name and share ("pdf 89%")."""
    top = _top_stage(runs)
    if top is None:
        return ""
    name, seconds = top
    return f"{name} {seconds / _wall(runs):.0%}"


def _met(ok: bool) -> str:
    return "yes" if ok else "no"


# ---------------------------------------------------------------------------------- the command


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The options; ``--quick`` means ``--sizes default,study``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default=",".join(editions.SIZES), help="editions to build (default,study,large)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement")
    parser.add_argument("--quick", action="store_true", help="the default and study editions")
    parser.add_argument(
        "--skip-pdf-large", action="store_true", help="no PDF of the large edition (the slow part)"
    )
    parser.add_argument("--keep", type=Path, help="generate the editions here and keep them")
    parser.add_argument(
        "--benchmarks",
        type=Path,
        default=editions.BENCHMARKS,
        help="the extraction benchmark's folder (text falls back to the seeds without it)",
    )
    parser.add_argument("--json", type=Path, help="also write every measurement here")
    args = parser.parse_args(argv)
    sizes = ["default", "study"] if args.quick else args.sizes.split(",")
    unknown = [s for s in sizes if s not in editions.SIZES]
    if unknown or args.repeat < 1:
        parser.error(f"sizes are {', '.join(editions.SIZES)}; --repeat at least 1")
    args.sizes = [s for s in editions.SIZES if s in sizes]
    return args


def main(argv: list[str] | None = None) -> int:
    """Generate the editions, measure them, print the tables."""
    args = parse_args(argv)
    began = time.perf_counter()
    # Builds are then exact, and comparable byte for byte (the child processes inherit it).
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    print(header(args), flush=True)
    with tempfile.TemporaryDirectory(prefix="anthology-bench-") as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        start = startup(max(5, args.repeat))
        results = [measure_size(size, folder, args) for size in args.sizes]
    print()
    print(edition_table(results))
    print()
    print(targets_table(results, start))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    minutes = (time.perf_counter() - began) / 60
    print(f"\nwhole benchmark: {minutes:.1f} minutes; load average at the end {load}")
    if args.json:
        data = {"startup": start, "editions": results}
        args.json.write_text(json.dumps(data, default=_plain, indent=1), encoding="utf-8")
    return 0


def _plain(value: object) -> object:
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)  # type: ignore[arg-type]
    raise TypeError(type(value))


if __name__ == "__main__":
    sys.exit(main())
