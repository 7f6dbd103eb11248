"""The ``compile`` command: parse options, run the build, print one line per stage or error.

Heavy modules (WeasyPrint, ebooklib) are imported only inside the commands that need them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from anthology import __version__
from anthology.config import PAGE_SIZES, PDF_VARIANTS, page_size_name
from anthology.errors import BuildError

EXIT_SKIPPED = 3  # --keep-going built the book without some pages

EXAMPLES = """
\b
Examples:
  compile all                      build build/<title>.epub and build/<title>.pdf here
  compile epub --project my-reader build the EPUB of the edition in my-reader/
  compile pdf --style modern       use the look in styles/modern/ over the default
"""


@click.group(epilog=EXAMPLES, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="compile")
def main() -> None:
    """Turn a folder of scraped web pages into a themed reader: an EPUB 3 and a print PDF.

    Run it in an edition folder (one with sources/ holding the pages and, optionally,
    sources/book.toml), or point at one with --project.
    """


def _fail(exc: BuildError) -> None:
    """Print a build error, one line per problem, and exit with status 1."""
    for line in exc.message.splitlines():
        click.echo(f"Error: {line}", err=True)
    sys.exit(1)


def _project_option(
    help_text: str = "The edition folder (holding sources/).", exists: bool = False
):
    """``--project/-p DIR``, the edition folder, as every command that works on one takes it."""
    return click.option(
        "--project",
        "-p",
        type=click.Path(exists=exists, file_okay=False, path_type=Path),
        default=".",
        show_default=True,
        help=help_text,
    )


def _build_options(command):
    options = [
        _project_option(),
        click.option(
            "--output",
            "-o",
            type=click.Path(path_type=Path),
            default=None,
            help="Folder for the books (default: build/), or a file name for one book.",
        ),
        click.option(
            "--style",
            "-s",
            default="",
            help="A look from styles/ (a folder name) or a folder path, over the default.",
        ),
        click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors."),
        click.option(
            "--verbose", "-v", is_flag=True, help="Also show what the cleaning rules dropped."
        ),
        click.option(
            "--jobs",
            "-j",
            type=click.IntRange(min=0),
            default=0,
            help="Processes for cleaning pages and laying out a long PDF in parts "
            "(default 0: one per core when there is enough work).",
        ),
        click.option(
            "--keep-going",
            "-k",
            is_flag=True,
            help=f"Build without the pages that cannot be read or cleaned, list them, and exit "
            f"with status {EXIT_SKIPPED} (without it, a bad page stops the build: status 1).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _print_options(command):
    options = [
        click.option(
            "--page-size",
            type=click.Choice(list(PAGE_SIZES), case_sensitive=False),
            default=None,
            help="Trim size (default: [print] page in book.toml, or A5).",
        ),
        click.option(
            "--print-shop",
            is_flag=True,
            default=None,
            help="Bleed, crop marks, PDF/X-4 and an even page count, for a printer.",
        ),
        click.option(
            "--cover",
            is_flag=True,
            default=None,
            help="Also write the print cover (back, spine, front) as <title>-cover.pdf.",
        ),
        click.option(
            "--pdf-variant",
            type=click.Choice(PDF_VARIANTS, case_sensitive=False),
            default=None,
            help="PDF variant (default pdf/ua-1; pdf/x-4 for --print-shop).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _overrides(
    page_size: str | None,
    print_shop: bool | None,
    pdf_variant: str | None,
    cover: bool | None = None,
) -> dict:
    overrides: dict = {}
    if cover:
        overrides["cover"] = True
    if page_size:
        overrides["page"] = page_size_name(page_size)
    if print_shop:
        overrides["shop"] = True
    if pdf_variant:
        overrides["variant"] = pdf_variant.lower()
    return overrides


def _run(
    targets: tuple[str, ...],
    project: Path,
    output: Path | None,
    style: str,
    quiet: bool,
    verbose: bool,
    keep_going: bool,
    jobs: int,
    print_options: dict | None = None,
) -> None:
    from anthology.build import run

    try:
        result = run(
            project,
            targets=targets,
            output=output,
            style=style,
            report=_CliReporter(quiet, verbose),
            print_options=print_options,
            keep_going=keep_going,
            jobs=jobs,
        )
    except BuildError as exc:
        _fail(exc)
    if not quiet:
        _show_diagnostics(result.diagnostics)
        click.echo(_summary(result))
    for skipped in result.skipped:
        click.echo(f"Skipped: {skipped.message}", err=True)
    if result.skipped:
        sys.exit(EXIT_SKIPPED)


class _CliReporter:
    """Stage lines on stdout, progress bars on a terminal, decisions with --verbose."""

    def __init__(self, quiet: bool, verbose: bool):
        self.quiet = quiet
        self.verbose = verbose and not quiet
        self.bars = not quiet and sys.stderr.isatty()

    def stage(self, message: str) -> None:
        if not self.quiet:
            click.echo(message)

    def each(self, label: str, items, total: int):
        if not self.bars or total < 20:
            yield from items
            return
        with click.progressbar(items, length=total, label=f"{label:<6}", file=sys.stderr) as bar:
            yield from bar

    def decision(self, message: str) -> None:
        if self.verbose:
            click.echo(f"  {message}")


def _show_diagnostics(diagnostics: list) -> None:
    """Warnings grouped by the file they are about."""
    by_file: dict[str, list] = {}
    for diagnostic in diagnostics:
        by_file.setdefault(diagnostic.file, []).append(diagnostic)
    for file in sorted(by_file):
        click.echo(f"{file}:", err=True)
        for diagnostic in by_file[file]:
            where = f"line {diagnostic.line}: " if diagnostic.line else ""
            click.echo(
                f"  {diagnostic.severity}: {where}{diagnostic.message} [{diagnostic.code}]",
                err=True,
            )


def _summary(result) -> str:
    """One line: what was built, how big, how long it took."""
    from anthology.build import counted

    book = result.book
    words = sum(chapter.article.word_count for chapter in book.chapters)
    outputs = []
    for kind, path in result.outputs.items():
        size = path.stat().st_size
        extra = f"{counted(result.pages, 'page')}, " if kind == "pdf" and result.pages else ""
        outputs.append(f"{path.name} ({extra}{_size(size)})")
    warnings = sum(1 for d in result.diagnostics if d.severity == "warning")
    return (
        f"built {counted(len(book.chapters), 'chapter')}, {counted(words, 'word')} "
        f"in {result.seconds:.1f} s: "
        + ", ".join(outputs)
        + (f"; {counted(warnings, 'warning')}" if warnings else "")
        + (f"; {len(result.skipped)} skipped" if result.skipped else "")
    )


def _size(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


@main.command()
@_build_options
def epub(
    project: Path,
    output: Path | None,
    style: str,
    quiet: bool,
    verbose: bool,
    jobs: int,
    keep_going: bool,
) -> None:
    """Build the EPUB 3 edition (build/<title>.epub).

    \b
    Examples:
      compile epub                       the edition in this folder
      compile epub -p my-reader -v       another edition; show what cleaning dropped
      compile epub --style modern -o out/
    """
    _run(("epub",), project, output, style, quiet, verbose, keep_going, jobs)


@main.command()
@_build_options
@_print_options
def pdf(
    project: Path,
    output: Path | None,
    style: str,
    quiet: bool,
    verbose: bool,
    jobs: int,
    keep_going: bool,
    page_size: str | None,
    print_shop: bool | None,
    cover: bool | None,
    pdf_variant: str | None,
) -> None:
    """Build the print PDF edition (build/<title>.pdf).

    The reading PDF is tagged PDF/UA-1 (screen readers, reflow); --print-shop makes the file a
    printer asks for: 3 mm bleed, crop and registration marks, PDF/X-4, an even page count.

    \b
    Examples:
      compile pdf                        A5 (or [print] page in book.toml)
      compile pdf --page-size Royal --print-shop --cover
      compile pdf --pdf-variant pdf/a-3b -o archive.pdf
    """
    _run(
        ("pdf",),
        project,
        output,
        style,
        quiet,
        verbose,
        keep_going,
        jobs,
        _overrides(page_size, print_shop, pdf_variant, cover),
    )


@main.command()
@_build_options
def kepub(
    project: Path,
    output: Path | None,
    style: str,
    quiet: bool,
    verbose: bool,
    jobs: int,
    keep_going: bool,
) -> None:
    """Build the Kobo edition (build/<title>.kepub.epub).

    The EPUB with Kobo's sentence markers, so a Kobo reader shows pages and time left in the
    chapter and the book. Copy it to the reader's folder as it is: the .kepub.epub ending
    tells Kobo what it is.

    \b
    Example:
      compile kepub --project my-reader
    """
    _run(("kepub",), project, output, style, quiet, verbose, keep_going, jobs)


@main.command()
@_build_options
def azw3(
    project: Path,
    output: Path | None,
    style: str,
    quiet: bool,
    verbose: bool,
    jobs: int,
    keep_going: bool,
) -> None:
    """Build the Kindle edition (build/<title>.azw3), converted by calibre.

    Needs calibre's ebook-convert on PATH (https://calibre-ebook.com/download); the table of
    contents and metadata are the EPUB's.

    \b
    Example:
      compile azw3 --output /media/me/Kindle/documents/
    """
    _run(("azw3",), project, output, style, quiet, verbose, keep_going, jobs)


@main.command(name="all")
@_build_options
@_print_options
def all_(
    project: Path,
    output: Path | None,
    style: str,
    quiet: bool,
    verbose: bool,
    jobs: int,
    keep_going: bool,
    page_size: str | None,
    print_shop: bool | None,
    cover: bool | None,
    pdf_variant: str | None,
) -> None:
    """Build both editions.

    The PDF is laid out first, so the EPUB carries the print edition's page numbers.

    \b
    Examples:
      compile all                        build/<title>.epub and build/<title>.pdf
      compile all --style study-pack -k  build without pages that cannot be cleaned
    """
    _run(
        ("epub", "pdf"),
        project,
        output,
        style,
        quiet,
        verbose,
        keep_going,
        jobs,
        _overrides(page_size, print_shop, pdf_variant, cover),
    )


@main.command(name="check")
@click.argument(
    "epub_file",
    metavar="[EPUB]",
    required=False,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@_project_option("The edition folder, whose build/*.epub is checked when no EPUB is given.")
@click.option("--strict", is_flag=True, help="Exit with status 1 on any error or warning.")
def check_command(epub_file: Path | None, project: Path, strict: bool) -> None:
    """Check an EPUB for what breaks on e-readers: epubcheck, then our own checks.

    Our checks: what Send to Kindle rejects (no UTF-8 declaration, "--" in a comment, an
    empty table of contents, no dc:language or dc:date), fonts lacking characters the text
    uses, images too large for e-ink, links that lead nowhere, glossary terms no chapter
    uses, chapters too short to be whole articles. One line per finding,
    FILE[:LINE]: SEVERITY CODE: MESSAGE, then the counts.

    \b
    Exit status: 0; with --strict, 1 if there is any error or warning;
    2 if there is no EPUB to check.

    \b
    Examples:
      compile check                    the edition's build/*.epub
      compile check --strict book.epub fail a CI job on any error or warning
    """
    from anthology.check import check_epub, summary

    books = [epub_file] if epub_file else sorted((project / "build").glob("*.epub"))
    if not books:
        build = project / "build"
        click.echo(f"Error: no EPUB in {build}/: build one first with `compile epub`", err=True)
        sys.exit(2)
    findings = []
    for book in books:
        if len(books) > 1:
            click.echo(f"==> {book} <==")
        found = check_epub(book)
        for finding in found:
            click.echo(str(finding))
        findings += found
    click.echo(summary(findings))
    if strict and any(f.severity in ("error", "warning") for f in findings):
        sys.exit(1)


@main.group()
def glossary() -> None:
    """Work on the edition's glossary (sources/glossary.toml).

    \b
    Examples:
      compile glossary suggest >> sources/glossary.toml
    """


@glossary.command()
@_project_option()
@click.option(
    "--limit",
    "-n",
    type=click.IntRange(1, 500),
    default=30,
    show_default=True,
    help="How many candidates to print.",
)
def suggest(project: Path, limit: int) -> None:
    """Print candidate glossary terms as TOML ready to paste into glossary.toml.

    Candidates are recurring names, acronyms (with the expansions found beside them) and
    phrases the authors set in quotation marks, ranked by how widely they occur; terms the
    glossary already defines are left out.

    \b
    Examples:
      compile glossary suggest                      the 30 likeliest terms
      compile glossary suggest -n 80 >> sources/glossary.toml
    """
    from anthology.build import prepare
    from anthology.glossary import suggest_terms, suggestions_toml

    try:
        edition, book = prepare(project)
    except BuildError as exc:
        _fail(exc)
    click.echo(suggestions_toml(suggest_terms(book, edition.glossary, limit)), nl=False)


@main.command(name="plan")
@_project_option()
@click.option("--print", "show", is_flag=True, help="Show the plan as a table; write nothing.")
def plan_command(project: Path, show: bool) -> None:
    """Propose the book's parts: articles grouped by theme, named and ordered.

    Writes the plan to sources/book.toml as a commented draft to edit. When book.toml
    already lists parts, it keeps them and every edit (titles, order, intros, comments) and
    adds each page no part lists to the part it fits best. Near-duplicate pages are left out
    and named.

    \b
    Examples:
      compile plan --print             show the parts without writing
      compile plan                     write or update sources/book.toml
    """
    from anthology.build import clean_edition
    from anthology.cache import write_atomic
    from anthology.plan import plan
    from anthology.plan.draft import draft, table

    skipped: list = []
    try:
        edition, articles = clean_edition(project, skipped=skipped, every=True)
    except BuildError as exc:
        _fail(exc)
    for error in skipped:
        click.echo(f"Skipped: {error.message} (not planned)", err=True)
    result = plan(list(articles.values()))
    if show:
        click.echo(table(result, articles.values()), nl=False)
        return
    path = edition.sources / "book.toml"
    existing = path.read_text(encoding="utf-8") if path.exists() else None
    text = draft(result, articles.values(), edition.title, existing)
    if text == existing:
        click.echo(f"{edition.sources.name}/book.toml: up to date, every page has its part")
        return
    write_atomic(path, text.encode("utf-8"))
    verb = "updated" if existing else "written"
    click.echo(
        f"{edition.sources.name}/book.toml {verb}: "
        + (
            "new pages added to their best parts"
            if existing and edition.parts
            else f"{len(result.parts)} parts, {len(result.sources)} articles"
        )
    )
    for duplicate in result.duplicates:
        click.echo(f"Left out: {edition.sources.name}/{duplicate.source}, {duplicate.reason}")


@main.command(name="clean")
@click.argument("pages", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["text", "xhtml", "markdown"]),
    default="text",
    show_default=True,
    help="How to print each cleaned article.",
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
    """
    from anthology.clean import clean
    from anthology.clean.report import SUFFIX, explain_html, render
    from anthology.clean.rules import edition_rules
    from anthology.errors import SourceError
    from anthology.sources import page_stem, read_loose_page

    site_rules: dict = {}
    failures = 0
    reports = []
    if output_dir:
        output_dir.mkdir(parents=True, exist_ok=True)
    for path in pages:
        try:
            page = read_loose_page(path)
            # The site rules beside the page (sources/sites/ of its edition), as a build uses.
            folder = Path(path).resolve().parent
            if folder not in site_rules:
                site_rules[folder] = edition_rules(folder)
            article = clean(page, site_rules[folder])
        except SourceError as exc:
            failures += 1
            click.echo(f"Error: {exc.message}", err=True)
            reports.append((str(path), None, exc.message))
            continue
        reports.append((str(path), article, ""))
        text = render(article, fmt, body_only)
        if output_dir:
            (output_dir / (page_stem(path.name) + SUFFIX[fmt])).write_text(text, encoding="utf-8")
        else:
            if len(pages) > 1:
                click.echo(f"==> {path} <==")
            click.echo(text)
    if explain:
        explain.write_text(explain_html(reports), encoding="utf-8")
        click.echo(f"report: {explain}", err=True)
    if failures:
        sys.exit(1)


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", "-t", default=None, help="The book's title (default: from FOLDER).")
def init(folder: Path, title: str | None) -> None:
    """Start a new edition in FOLDER, ready for pages.

    Makes sources/ with a commented book.toml and glossary.toml, styles/ with empty
    stylesheets that explain how to change the look, and a .gitignore for build/.

    \b
    Examples:
      compile init my-reader
      compile init paris-commune --title "The Paris Commune"
    """
    from anthology.init import create_edition, next_steps

    try:
        created = create_edition(folder, title)
    except BuildError as exc:
        _fail(exc)
    for path in created:
        click.echo(f"created {path}{'/' if path.is_dir() else ''}")
    click.echo(next_steps(folder), nl=False)


@main.command()
@click.argument("urls", nargs=-1)
@_project_option(exists=True)
@click.option(
    "--from-file",
    "--list",
    "-i",
    "url_list",
    type=click.File("r", encoding="utf-8"),
    default=None,
    help="Also read URLs from this file, one a line (# starts a comment; - is stdin).",
)
@click.option("--refresh", is_flag=True, help="Fetch pages again that were saved before.")
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Seconds between two requests to the same site.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.5),
    default=20.0,
    show_default=True,
    help="Seconds to wait for a server to answer.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but pages not saved.")
def fetch(
    urls: tuple[str, ...],
    project: Path,
    url_list,
    refresh: bool,
    delay: float,
    timeout: float,
    quiet: bool,
) -> None:
    """Save web pages, with their images, into sources/ to build from.

    Each URL is saved as sources/<site-and-path>.html, its images in a <name>_files/ folder
    beside it, and sources/fetched.toml records where and when (for the colophon). Sites'
    robots.txt is obeyed and requests to one site are spaced by --delay. Pages saved before
    are skipped unless --refresh. Exits with status 1 if any page failed.

    \b
    Examples:
      compile fetch https://example.org/article
      compile fetch --from-file urls.txt --project my-reader
    """
    from anthology.fetch import fetch_pages, read_url_list

    wanted = [*urls, *(read_url_list(url_list.read()) if url_list else [])]
    if not wanted:
        raise click.UsageError("give one or more URLs, or --from-file FILE")

    def report(line: str) -> None:
        problem = line.startswith(("failed", "skipped"))
        if problem or not quiet:
            click.echo(line, err=problem)

    try:
        result = fetch_pages(
            wanted,
            project / "sources",
            refresh=refresh,
            delay=delay,
            timeout=timeout,
            report=report,
        )
    except BuildError as exc:
        _fail(exc)
    if not quiet:
        click.echo(
            f"fetch: {len(result.saved)} saved, {len(result.skipped)} skipped, "
            f"{len(result.failed)} failed"
        )
    if result.failed:
        sys.exit(1)


@main.group()
def style() -> None:
    """Work on the edition's looks (styles/).

    \b
    Examples:
      compile style new seminar --from study-pack
    """


@style.command(name="new")
@click.argument("name")
@_project_option("The edition folder.")
@click.option(
    "--from",
    "source",
    default="",
    metavar="LOOK",
    help="Start from this look (default: the default look's own files).",
)
def style_new(name: str, project: Path, source: str) -> None:
    """Copy a look into styles/NAME/ to start a new one from; use it with --style NAME.

    \b
    Examples:
      compile style new seminar --from study-pack
      compile pdf --style seminar
    """
    from anthology.render.styles import new_style

    try:
        created = new_style(project, name, source)
    except BuildError as exc:
        _fail(exc)
    for path in created:
        click.echo(f"created {path}")
    click.echo(f"edit them, then: compile all --style {name}")


WATCH_TARGETS = {"epub": ("epub",), "pdf": ("pdf",), "all": ("epub", "pdf")}


@main.command()
@click.argument("edition", type=click.Choice(list(WATCH_TARGETS)), default="epub")
@_project_option(exists=True)
@click.option(
    "--style",
    "-s",
    default="",
    help="A look from styles/ (a folder name) or a folder path, over the default.",
)
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=1.0,
    show_default=True,
    help="Seconds between two looks at the files.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def watch(edition: str, project: Path, style: str, interval: float, quiet: bool) -> None:
    """Build EDITION (epub, pdf or all) again whenever the edition's files change.

    Builds once, then watches sources/ (pages, images, book.toml, glossary.toml,
    sites/*.toml) and styles/, and rebuilds when they have been quiet for half a second,
    so saving several files makes one build. Hidden, swap and backup files and build/ are
    ignored. A build that fails prints its error, keeps the last good book in build/ and
    watching goes on. Ctrl-C stops.

    \b
    Examples:
      compile watch                      the EPUB, rebuilt on every save
      compile watch all --style modern   both editions, in the modern look
      compile watch pdf -p my-reader     the PDF of the edition in my-reader/
    """
    import time

    from anthology.watch import Watcher, describe, watched_folders

    if not (project / "sources").is_dir():
        from anthology.config import load_edition

        try:
            load_edition(project)  # says what is missing, as every command does
        except BuildError as exc:
            _fail(exc)

    def stamp() -> str:
        return time.strftime("[%H:%M:%S]")

    def rebuild(changes: list[str]) -> None:
        from anthology.build import run

        if changes and not quiet:
            click.echo(f"{stamp()} {describe(changes)}")
        try:
            result = run(
                project,
                targets=WATCH_TARGETS[edition],
                style=style,
                report=_CliReporter(quiet=True, verbose=False),
            )
        except BuildError as exc:
            # Nothing in build/ was touched: the last good book stays for the reader.
            for line in exc.message.splitlines():
                click.echo(f"{stamp()} Error: {line}", err=True)
            return
        if not quiet:
            _show_diagnostics(result.diagnostics)
            click.echo(f"{stamp()} {_summary(result)}")

    folders = watched_folders(project, style)
    watcher = Watcher(folders, rebuild, base=project, interval=interval)
    if not quiet:
        shown = ", ".join(f"{folder}/" for folder in folders)
        click.echo(f"watching {shown} for changes (Ctrl-C to stop)")
    try:
        watcher.run(build_first=True)
    except KeyboardInterrupt:
        if not quiet:
            click.echo("stopped watching")
