"""Joining tagged PDF parts: ``join_parts`` against a plain page copy, in time and memory.

    .venv/bin/python bench/pdfjoin.py                     # 10 parts of 30 pages, 3 runs each
    .venv/bin/python bench/pdfjoin.py --parts 20 --pages 150 --repeat 1

The parts are rendered once by WeasyPrint as PDF/UA-1 (headings, paragraphs, a list, a table
and links across parts on every page) into a temporary folder. Each join then runs as a fresh
process that reports the join's own time, its resident memory before the join (interpreter and
imports) and its peak (``VmHWM``: the kernel's ``ru_maxrss`` of a child carries over the
parent's peak through ``exec``, and this parent holds WeasyPrint). Compared:

- ``join_parts``: anthology's join (pikepdf), structure tree, names, outline kept;
- ``pikepdf extend``: ``pages.extend`` and ``save``, pages only;
- ``pypdf append``: ``PdfWriter.append`` and ``write``, pages, outline and names only.

Progress goes to stderr, the table to stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import measure

METHODS = ("join_parts", "pikepdf extend", "pypdf append")


def part_html(number: int, parts: int, pages: int, first_folio: int) -> str:
    """One part: a page per section, each with a heading, text, a list, a table and links."""
    from anthology.render.pdf.join import part_href

    sections = []
    for page in range(pages):
        target = f"s{(number + 1) % parts}-{page}"
        words = " ".join(f"word{(page * 31 + i) % 97}" for i in range(90))
        sections.append(
            f'<section id="s{number}-{page}" style="break-before: page">'
            f"<h2>Part {number + 1}, section {page + 1}</h2><p>{words}</p>"
            f"<ul><li>one</li><li>two</li></ul>"
            f"<table><tr><th>Year</th><th>Event</th></tr><tr><td>1917</td><td>x</td></tr></table>"
            f'<p>See <a href="{part_href(target)}">the next part</a> and '
            f'<a href="#s{number}-0">this part\'s start</a>.</p></section>'
        )
    return (
        f'<!doctype html><html lang="en"><head><title>Bench</title></head><body>'
        f"<style>@page {{ size: A5; @bottom-center {{ content: counter(page) }} }}"
        f"@page :first {{ counter-reset: page {first_folio} }}</style>"
        f"<h1>Part {number + 1}</h1>{''.join(sections)}</body></html>"
    )


def render_parts(folder: Path, parts: int, pages: int) -> list[Path]:
    import weasyprint

    paths, folio = [], 1
    for number in range(parts):
        print(f"rendering part {number + 1}/{parts}", file=sys.stderr)
        html = part_html(number, parts, pages, folio)
        document = weasyprint.HTML(string=html, url_fetcher=_no_fetch).render()
        paths.append(folder / f"part-{number + 1:02}.pdf")
        document.write_pdf(paths[-1], pdf_variant="pdf/ua-1", pdf_identifier=b"0" * 32)
        folio += len(document.pages)
    return paths


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"the benchmark fetches nothing: {url}")


def join(method: str, out: Path, parts: list[Path]) -> None:
    """Run in a fresh process: one join, then its figures as JSON on stdout."""
    if method == "join_parts":
        from anthology.render.pdf.join import join_parts
    elif method == "pikepdf extend":
        import pikepdf
    else:
        from pypdf import PdfWriter
    before = _status_kib("VmRSS:")
    start = time.perf_counter()
    if method == "join_parts":
        join_parts(parts, out)
    elif method == "pikepdf extend":
        with pikepdf.new() as pdf:
            opened = [pikepdf.open(part) for part in parts]
            for source in opened:
                pdf.pages.extend(source.pages)
            pdf.save(out)
    else:
        writer = PdfWriter()
        for part in parts:
            writer.append(part)
        writer.write(out)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "before_kib": before, "peak_kib": _status_kib("VmHWM:")}))


def _status_kib(field: str) -> int:
    """A memory figure of this process from /proc/self/status, in KiB."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parts", type=int, default=10)
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        parts = render_parts(folder, args.parts, args.pages)
        size = sum(p.stat().st_size for p in parts)
        rows = []
        for method in METHODS:
            runs = []
            for _ in range(args.repeat):
                out = folder / "joined.pdf"
                command = [sys.executable, __file__, "join", method, str(out), *map(str, parts)]
                sample = measure.run(command)
                runs.append((json.loads(sample.stdout), out.stat().st_size))
                print(f"{method}: {runs[-1][0]['seconds']:.2f} s", file=sys.stderr)
            seconds = measure.median([r[0]["seconds"] for r in runs])
            before = measure.median([r[0]["before_kib"] for r in runs])
            peak = measure.median([r[0]["peak_kib"] for r in runs])
            rows.append((method, seconds, peak / 1024, (peak - before) / 1024, runs[-1][1]))
    pages = args.parts * (args.pages + 1)
    print(f"{args.parts} parts × {args.pages} pages (+1 title each), {size / 1e6:.1f} MB in all\n")
    print("| method | join time | peak memory | added by the join | output size |")
    print("|---|---:|---:|---:|---:|")
    for method, seconds, peak, added, out_size in rows:
        print(
            f"| {method} | {seconds:.2f} s ({pages / seconds:.0f} pages/s) | {peak:.0f} MiB "
            f"| {added:.0f} MiB | {out_size / 1e6:.1f} MB |"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["join"]:
        join(sys.argv[2], Path(sys.argv[3]), [Path(p) for p in sys.argv[4:]])
    else:
        main()
