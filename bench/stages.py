"""One measured build, run as a fresh process by ``run.py``. Two kinds:

    python bench/stages.py prepare EDITION RESULT.json [EXPORT_FOLDER]
    python bench/stages.py cli epub|pdf EDITION OUTPUT_DIR [COMPILE_OPTION...] RESULT.json

``prepare`` runs the stages before rendering one after another in this process, serially and
without the article cache (load: find and read the pages; clean: clean each page, then drop
what repeats across pages; assemble: parts, chapters, glossary links), timing each and noting
the process's peak resident memory at its end. Given a folder, it then writes what the peers
read (see ``peers.py``), after the measurements.

``cli`` runs the real ``compile epub|pdf`` (``anthology.cli.main``) in this process. Its
progress lines are caught as they are printed, each stamped with the time and the peak memory
so far: the render stage lasts from the last line before the renderer's to the renderer's
last line (so it includes importing ebooklib or WeasyPrint), and ``prepared`` is when the book
was ready to render. Peak memory is a high-water mark: a stage's figure is the most the
process had held by the stage's end, which is what a machine needs to get that far.
"""

from __future__ import annotations

import io
import json
import re
import resource
import sys
import time
from pathlib import Path

RENDERERS = ("epub", "pdf")


def peak_kib() -> int:
    """This process's peak resident memory so far, in KiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # macOS counts bytes


class _Clock:
    """Stage marks: wall time since the previous mark and the peak memory at this one."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.marks: dict[str, dict] = {}

    def mark(self, stage: str) -> None:
        now = time.perf_counter()
        self.marks[stage] = {"wall": now - self.last, "peak_kib": peak_kib()}
        self.last = now


def prepare(edition_root: Path, result: Path, export: Path | None) -> None:
    """Load, clean and assemble the edition, one stage at a time, and record each."""
    clock = _Clock()
    from anthology.assemble import assemble
    from anthology.clean import clean
    from anthology.clean.repeated import drop_repeated_across
    from anthology.clean.rules import edition_rules
    from anthology.config.book import load_edition
    from anthology.glossary import link_glossary
    from anthology.sources import discover, read_page

    clock.mark("start-up")
    edition = load_edition(edition_root)
    pages = [read_page(path, edition) for path in discover(edition)]
    clock.mark("load")
    rules = edition_rules(edition.sources)
    articles = drop_repeated_across({page.name: clean(page, rules) for page in pages})
    clock.mark("clean")
    book = link_glossary(assemble(edition, articles), edition.glossary, edition.index_extra)
    clock.mark("assemble")
    record = {
        "stages": clock.marks,
        "articles": len(book.chapters),
        "words": sum(chapter.article.word_count for chapter in book.chapters),
    }
    result.write_text(json.dumps(record, indent=1), encoding="utf-8")
    if export is not None:
        import peers

        peers.export(edition, book, export)


class StampedLines(io.TextIOBase):
    """A stdout that notes the time and peak memory at which each line is printed."""

    def __init__(self) -> None:
        self.partial = ""
        self.lines: list[tuple[str, float, int]] = []

    @property
    def encoding(self) -> str:
        return "utf-8"

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.partial += text
        *complete, self.partial = self.partial.split("\n")
        now, peak = time.perf_counter(), peak_kib()
        self.lines += [(line, now, peak) for line in complete]
        return len(text)


def render_marks(lines: list[tuple[str, float, int]], target: str, start: float) -> dict:
    """The render stage (and when the book was ready) from the stamped progress lines."""
    ours = [i for i, (line, _, _) in enumerate(lines) if line.startswith(f"{target}:")]
    if not ours:
        return {}
    before = [i for i in range(ours[0]) if not lines[i][0].startswith(f"{target}:")]
    ready = lines[before[-1]][1] if before else start
    _, done, peak = lines[ours[-1]]
    return {"prepared": ready - start, target: {"wall": done - ready, "peak_kib": peak}}


def steps(lines: list[tuple[str, float, int]], start: float) -> dict[str, float]:
    """Seconds from one progress line to the next, by the stage the line names ("load: …");
    the first stage's time includes starting the process and importing the package."""
    seconds: dict[str, float] = {}
    last = start
    for line, at, _ in lines:
        if match := re.match(r"([a-z][a-z0-9 -]*):\s", line):
            name = match.group(1)
            seconds[name] = seconds.get(name, 0.0) + at - last
            last = at
    return seconds


def page_count(lines: list[tuple[str, float, int]]) -> int:
    """The PDF's pages, as the progress lines give them (0 when they do not)."""
    for line, _, _ in lines:
        if match := re.search(r"\(([\d,]+) pages\b", line):
            return int(match.group(1).replace(",", ""))
    return 0


def cli(target: str, edition: Path, output: Path, result: Path, options: list[str]) -> None:
    """Run ``compile TARGET [OPTIONS]`` on ``edition`` and record its render stage."""
    started = time.perf_counter()
    from anthology.cli import main as compile_main

    stdout = StampedLines()
    sys.stdout = stdout
    try:
        compile_main(
            [target, "--project", str(edition), "--output", str(output), *options],
            standalone_mode=False,
        )
    finally:
        sys.stdout = sys.__stdout__
    record = {
        "stages": {},
        **render_marks(stdout.lines, target, started),
        "pages": page_count(stdout.lines),
        "steps": steps(stdout.lines, started),
        "lines": [line for line, _, _ in stdout.lines],
    }
    if target in record:
        record["stages"][target] = record.pop(target)
    result.write_text(json.dumps(record, indent=1), encoding="utf-8")


def main(argv: list[str]) -> int:
    """``prepare EDITION RESULT [EXPORT]`` or ``cli TARGET EDITION OUTPUT [OPTION…] RESULT``."""
    kind, *args = argv
    if kind == "prepare":
        prepare(Path(args[0]), Path(args[1]), Path(args[2]) if len(args) > 2 else None)
    elif kind == "cli" and args[0] in RENDERERS:
        cli(args[0], Path(args[1]), Path(args[2]), Path(args[-1]), args[3:-1])
    else:
        raise SystemExit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
