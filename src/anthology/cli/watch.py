"""``compile watch``: build again whenever the edition's files change."""

from __future__ import annotations

from pathlib import Path

import click

from anthology.cli.options import fail, project_option
from anthology.cli.report import CliReporter, show_diagnostics, summary
from anthology.core.errors import BuildError

WATCH_TARGETS = {"epub": ("epub",), "pdf": ("pdf",), "all": ("epub", "pdf")}


@click.command()
@click.argument("edition", type=click.Choice(list(WATCH_TARGETS)), default="epub")
@project_option(exists=True)
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
        from anthology.config.book import load_edition

        try:
            load_edition(project)  # says what is missing, as every command does
        except BuildError as exc:
            fail(exc)

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
                report=CliReporter(quiet=True, verbose=False),
            )
        except BuildError as exc:
            # Nothing in build/ was touched: the last good book stays for the reader.
            for line in exc.message.splitlines():
                click.echo(f"{stamp()} Error: {line}", err=True)
            return
        if not quiet:
            show_diagnostics(result.diagnostics)
            click.echo(f"{stamp()} {summary(result)}")

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
