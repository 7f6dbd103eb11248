"""What the commands share: the edition option, the build commands' options as one object,
and how a failure is printed."""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from anthology.config.units import PAGE_SIZES, PDF_VARIANTS, page_size_name
from anthology.core.errors import BuildError

EXIT_SKIPPED = 3  # --keep-going built the book without some pages


def fail(exc: BuildError) -> None:
    """Print a build error, one line per problem, and exit with status 1."""
    for line in exc.message.splitlines():
        click.echo(f"Error: {line}", err=True)
    sys.exit(1)


def project_option(help_text: str = "The edition folder (holding sources/).", exists: bool = False):
    """``--project/-p DIR``, the edition folder, as every command that works on one takes it."""
    return click.option(
        "--project",
        "-p",
        type=click.Path(exists=exists, file_okay=False, path_type=Path),
        default=".",
        show_default=True,
        help=help_text,
    )


@dataclass(frozen=True)
class BuildOptions:
    """The options every build command takes, and the print options of those that make a PDF."""

    project: Path
    output: Path | None
    style: str
    quiet: bool
    verbose: bool
    jobs: int
    keep_going: bool
    validate: bool = False
    page_size: str | None = None
    print_shop: bool | None = None
    cover: bool | None = None
    pdf_variant: str | None = None

    def print_overrides(self) -> dict:
        """The ``[print]`` settings the command line overrides."""
        overrides: dict = {}
        if self.cover:
            overrides["cover"] = True
        if self.page_size:
            overrides["page"] = page_size_name(self.page_size)
        if self.print_shop:
            overrides["shop"] = True
        if self.pdf_variant:
            overrides["variant"] = self.pdf_variant.lower()
        return overrides


def build_options(with_print: bool = False, with_epub: bool = True):
    """Give a build command the shared options; it is called with one ``BuildOptions``."""

    def decorate(function):
        @functools.wraps(function)
        def command(**values):
            return function(BuildOptions(**values))

        options = _BUILD_OPTIONS + (_EPUB_OPTIONS if with_epub else [])
        for option in reversed(options + (_PRINT_OPTIONS if with_print else [])):
            command = option(command)
        return command

    return decorate


_BUILD_OPTIONS = [
    project_option(),
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
        f"with status {EXIT_SKIPPED} (without it, a bad page stops the build: status 1); "
        "also keep an EPUB that fails its checks, listing the errors, status "
        f"{EXIT_SKIPPED}.",
    ),
]
_EPUB_OPTIONS = [
    click.option(
        "--validate",
        is_flag=True,
        help="Also run epubcheck (Java, a few seconds) on the EPUB; its errors fail the build "
        "as our own checks' do (those always run).",
    ),
]
_PRINT_OPTIONS = [
    click.option(
        "--page-size",
        type=click.Choice(list(PAGE_SIZES), case_sensitive=False),
        default=None,
        help="Trim size (default: [print] page in book.toml, or A5). Another size than "
        "book.toml's is written as its own file, <title>-<size>.pdf, beside the reading PDF.",
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
