"""Looking before and after a build: ``compile check`` a book, ``compile clean`` pages."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from anthology.cli.options import project_option


@click.command(name="check")
@click.argument(
    "epub_file",
    metavar="[EPUB]",
    required=False,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@project_option("The edition folder, whose build/*.epub is checked when no EPUB is given.")
@click.option("--strict", is_flag=True, help="Exit with status 1 on any error or warning.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar: the findings and counts only.")
def check_command(epub_file: Path | None, project: Path, strict: bool, quiet: bool) -> None:
    """Check an EPUB for what breaks on e-readers: epubcheck, then our own checks.

    Our checks: what Send to Kindle rejects (no UTF-8 declaration, "--" in a comment, an
    empty table of contents, no dc:language or dc:date), elements where HTML does not allow
    them, ids given twice, addresses that are not URLs, fonts lacking characters the text
    uses, images too large for e-ink, links that lead nowhere, glossary terms no chapter
    uses, chapters too short to be whole articles (every build runs them all but epubcheck).
    One line per finding, FILE[:LINE]: SEVERITY CODE: MESSAGE, then the counts.

    \b
    Exit status: 0; with --strict, 1 if there is any error or warning;
    2 if there is no EPUB to check.

    \b
    Examples:
      compile check                    the edition's build/*.epub
      compile check --strict book.epub fail a CI job on any error or warning
    """
    from anthology.check import check_epub, summary
    from anthology.cli.report import CliReporter

    books = [epub_file] if epub_file else sorted((project / "build").glob("*.epub"))
    if not books:
        build = project / "build"
        click.echo(f"Error: no EPUB in {build}/: build one first with `compile epub`", err=True)
        sys.exit(2)
    findings = []
    for book in books:
        if len(books) > 1:
            click.echo(f"==> {book} <==")
        progress = CliReporter(quiet, False).counter("check", "checks")
        found = check_epub(book, progress=progress)
        for finding in found:
            click.echo(str(finding))
        findings += found
    click.echo(summary(findings))
    if strict and any(f.severity in ("error", "warning") for f in findings):
        sys.exit(1)


@click.command(name="clean")
@click.argument("pages", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["text", "xhtml", "markdown", "json"]),
    default="text",
    show_default=True,
    help="How to print each cleaned article (json: one object a line, refused pages too).",
)
@click.option(
    "--body-only",
    is_flag=True,
    help="Just the body: paragraphs separated by blank lines, no title or metadata.",
)
@click.option(
    "--output-dir",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write one file per page (42.html.gz → DIR/42.txt) instead.",
)
@click.option(
    "--explain",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write an HTML report of what was kept and dropped, and why.",
)
def clean_command(
    pages: tuple[Path, ...],
    fmt: str,
    body_only: bool,
    output_dir: Path | None,
    explain: Path | None,
) -> None:
    """Clean pages and show the articles, for a quick look before building.

    \b
    Examples:
      compile clean sources/lenin.html
      compile clean --format markdown sources/*.txt
      compile clean --body-only -f text -o out/ pages/*.html.gz
      compile clean --explain report.html sources/*.html
      compile clean --format json pages/*.html > articles.jsonl
    """
    from anthology.articles import clean_page
    from anthology.clean.formats import SUFFIX, explain_html, json_record, render
    from anthology.clean.rules import edition_rules
    from anthology.core.errors import SourceError, printable
    from anthology.sources import load_loose_page, page_stem

    site_rules: dict = {}
    failures = 0
    reports = []
    if output_dir:
        output_dir.mkdir(parents=True, exist_ok=True)
    for path in pages:
        shown = printable(str(path))  # a name whose bytes are not UTF-8 is shown escaped
        try:
            # The load and clean stages of a build, with the site rules beside the page
            # (sources/sites/ of its edition).
            page = load_loose_page(path)
            folder = Path(path).resolve().parent
            if folder not in site_rules:
                site_rules[folder] = edition_rules(folder)
            article = clean_page(page, site_rules[folder])
        except SourceError as exc:
            failures += 1
            click.echo(f"Error: {exc.message}", err=True)
            reports.append((shown, None, exc.message))
            if fmt == "json" and not output_dir:
                reason = exc.message.removeprefix(f"{exc.file}: ") if exc.file else exc.message
                click.echo(json_record(None, shown, reason))
            continue
        reports.append((shown, article, ""))
        text = render(article, fmt, body_only, source=shown)
        if output_dir:
            (output_dir / (page_stem(path.name) + SUFFIX[fmt])).write_text(text, encoding="utf-8")
        else:
            if len(pages) > 1 and fmt != "json":
                click.echo(f"==> {shown} <==")
            click.echo(text)
    if explain:
        explain.write_text(explain_html(reports), encoding="utf-8")
        click.echo(f"report: {explain}", err=True)
    if failures:
        sys.exit(1)
