"""Making an edition: ``compile init``, ``fetch``, ``glossary suggest`` and ``style new``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from anthology.cli.options import fail, project_option
from anthology.core.errors import BuildError


@click.group()
def glossary() -> None:
    """Work on the edition's glossary (sources/glossary.toml).

    \b
    Examples:
      compile glossary suggest >> sources/glossary.toml
    """


@glossary.command()
@project_option()
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

    Candidates are the names and words a newcomer would not know: rare in general language
    and recurring or explained in these articles. Spellings of one thing are merged (with
    aliases), each gets a guessed category and a definition drafted from the sentence that
    introduces it (its chapter in a comment; review it). Entries with no draft are printed
    commented out, so appending the output to glossary.toml still builds. Terms the glossary
    already defines are left out.

    \b
    Examples:
      compile glossary suggest                      the 30 likeliest terms
      compile glossary suggest -n 80 >> sources/glossary.toml
    """
    from anthology.build import prepare
    from anthology.plan.terms import suggest_terms, suggestions_toml

    try:
        edition, book = prepare(project)
    except BuildError as exc:
        fail(exc)
    click.echo(suggestions_toml(suggest_terms(book, edition.glossary, limit)), nl=False)


@click.command(name="plan")
@project_option()
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
    from anthology.core.files import write_atomic
    from anthology.plan import plan
    from anthology.plan.draft import draft, table

    skipped: list = []
    try:
        edition, articles = clean_edition(project, skipped=skipped, every=True)
    except BuildError as exc:
        fail(exc)
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
    added = (
        "new pages added to their best parts"
        if existing and edition.parts
        else (f"{len(result.parts)} parts, {len(result.sources)} articles")
    )
    click.echo(f"{edition.sources.name}/book.toml {verb}: {added}")
    for duplicate in result.duplicates:
        click.echo(f"Left out: {edition.sources.name}/{duplicate.source}, {duplicate.reason}")


@click.command()
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
    from anthology.scaffold import create_edition, next_steps

    try:
        created = create_edition(folder, title)
    except BuildError as exc:
        fail(exc)
    for path in created:
        click.echo(f"created {path}{'/' if path.is_dir() else ''}")
    click.echo(next_steps(folder), nl=False)


@click.command()
@click.argument("urls", nargs=-1)
@project_option(exists=True)
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

    Each URL is saved as sources/<site-and-path>.html, the images of its article (not the
    site's logos or thumbnails) in a <name>_files/ folder beside it, and sources/fetched.toml
    records where and when (for the colophon). Sites' robots.txt is obeyed and requests to
    one site are spaced by --delay. The User-Agent gives book.toml's [fetch] contact (an
    e-mail or web address) so sites can reach you. Pages saved before are skipped unless
    --refresh. Exits with status 1 if any page failed.

    \b
    Examples:
      compile fetch https://example.org/article
      compile fetch --from-file urls.txt --project my-reader
    """
    from anthology.cli.report import CliReporter
    from anthology.config.book import fetch_contact
    from anthology.fetch.options import FetchOptions, user_agent
    from anthology.fetch.pages import fetch_pages, read_url_list

    wanted = [*urls, *(read_url_list(url_list.read()) if url_list else [])]
    if not wanted:
        raise click.UsageError("give one or more URLs, or --from-file FILE")

    reporter = CliReporter(quiet, False)

    def report(line: str) -> None:
        problem = line.startswith(("failed", "skipped"))
        if problem or not quiet:
            if reporter.bars:
                click.echo("\r\x1b[K", err=True, nl=False)  # the line over the bar, not after it
            click.echo(line, err=problem)

    try:
        contact = fetch_contact(project)
        if not contact and not quiet:
            click.echo(
                'fetch: no contact for sites to reach you; add [fetch] contact = "you@example.org"'
                " to sources/book.toml"
            )
        result = fetch_pages(
            wanted,
            project / "sources",
            FetchOptions(
                refresh=refresh, delay=delay, timeout=timeout, user_agent=user_agent(contact)
            ),
            report=report,
            progress=reporter.counter("fetch", "pages"),
        )
    except BuildError as exc:
        fail(exc)
    if not quiet:
        click.echo(
            f"fetch: {len(result.saved)} saved, {len(result.skipped)} skipped, "
            f"{len(result.failed)} failed"
        )
    if result.failed:
        sys.exit(1)


@click.group()
def style() -> None:
    """Work on the edition's looks (styles/).

    \b
    Examples:
      compile style new seminar --from study-pack
    """


@style.command(name="new")
@click.argument("name")
@project_option("The edition folder.")
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
        fail(exc)
    for path in created:
        click.echo(f"created {path}")
    click.echo(f"edit them, then: compile all --style {name}")
