"""How a build shows itself: stage lines, progress bars, warnings by file, the summary."""

from __future__ import annotations

import sys

import click

from anthology.cli.options import EXIT_SKIPPED, BuildOptions, fail
from anthology.core.errors import BuildError


def run_build(targets: tuple[str, ...], options: BuildOptions, print_options: dict | None = None):
    """Build ``targets`` as the command line asked, print the outcome, exit as it says."""
    from anthology.build import run
    from anthology.messages import check_error

    try:
        result = run(
            options.project,
            targets=targets,
            output=options.output,
            style=options.style,
            report=CliReporter(options.quiet, options.verbose),
            print_options=print_options,
            keep_going=options.keep_going,
            jobs=options.jobs,
            validate=options.validate,
        )
    except BuildError as exc:
        fail(exc)
    if not options.quiet:
        show_diagnostics(result.diagnostics)
        click.echo(summary(result))
    for skipped in result.skipped:
        click.echo(f"Skipped: {skipped.message}", err=True)
    for error in result.invalid:
        click.echo(f"Invalid: {check_error(error)}", err=True)
    if result.skipped or result.invalid:
        sys.exit(EXIT_SKIPPED)


class CliReporter:
    """Stage lines on stdout, progress bars on a terminal, decisions with --verbose."""

    def __init__(self, quiet: bool, verbose: bool):
        self.quiet = quiet
        self.verbose = verbose and not quiet
        self.bars = not quiet and on_terminal()

    def stage(self, message: str) -> None:
        if not self.quiet:
            click.echo(message)

    def each(self, label: str, items, total: int):
        if not self.bars or total < 20:
            yield from items
            return
        with _bar(total, label) as bar:
            for item in items:
                yield item
                _advance(bar, bar.pos + 1)

    def counter(self, label: str, noun: str):
        """(done, total) on a bar on a terminal: "pdf 3/12 parts"; nothing elsewhere."""
        state: dict = {}

        def tell(done: int, total: int) -> None:
            if not self.bars or total < 2:
                return
            if "bar" not in state:
                state["bar"] = _bar(total, label, f"{{}}/{total} {noun}")
                state["bar"].__enter__()
            _advance(state["bar"], done)
            if done >= total:
                state.pop("bar").__exit__(None, None, None)

        return tell

    def decision(self, message: str) -> None:
        if self.verbose:
            click.echo(f"  {message}")


def on_terminal() -> bool:
    """Whether progress bars can be drawn: standard error is a terminal."""
    return sys.stderr.isatty()


# No estimate of the time left until a rate is known: so many items done, so long after the
# start (click's own bar guesses from the first second, when workers are still starting).
_RATE_AFTER_ITEMS = 5
_RATE_AFTER_SECONDS = 2.0


def _bar(total: int, label: str, info: str = ""):
    bar = click.progressbar(
        length=total, label=f"{label:<6}", file=sys.stderr, show_eta=False, show_pos=not info
    )
    bar.info = info
    return bar


def _advance(bar, done: int) -> None:
    """Move ``bar`` to ``done``; switch its estimate on once a rate is known."""
    import time

    if bar.info:  # before the update, which draws the bar: "3/12 parts" as it reaches 3
        bar.item_show_func = lambda _item: bar.info.format(done)
    bar.update(done - bar.pos)
    if (
        not bar.show_eta
        and done >= _RATE_AFTER_ITEMS
        and time.time() - bar.start >= _RATE_AFTER_SECONDS
    ):
        # From here, the rate of the items done so far (click's step average from them).
        bar.avg = [(time.time() - bar.start) / done]
        bar.show_eta = True



def show_diagnostics(diagnostics: list) -> None:
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


def summary(result) -> str:
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
        + (f"; {counted(len(result.invalid), 'check error')}" if result.invalid else "")
    )


def _size(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"
