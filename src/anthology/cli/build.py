"""The build commands: epub, pdf, kepub, azw3 and all, with one set of options."""

from __future__ import annotations

import click

from anthology.cli.options import BuildOptions, build_options
from anthology.cli.report import run_build


@click.command()
@build_options()
def epub(options: BuildOptions) -> None:
    """Build the EPUB 3 edition (build/<title>.epub).

    \b
    Examples:
      compile epub                       the edition in this folder
      compile epub -p my-reader -v       another edition; show what cleaning dropped
      compile epub --style modern -o out/
    """
    run_build(("epub",), options)


@click.command()
@build_options(with_print=True, with_epub=False)
def pdf(options: BuildOptions) -> None:
    """Build the print PDF edition (build/<title>.pdf).

    The reading PDF is tagged PDF/UA-1 (screen readers, reflow); --print-shop makes the file a
    printer asks for, build/<title>-print.pdf beside it: 3 mm bleed, crop and registration
    marks beyond it, PDF/X-4 with a CMYK printing profile, no links, an even page count.

    \b
    Examples:
      compile pdf                        A5 (or [print] page in book.toml)
      compile pdf --page-size Royal --print-shop --cover
      compile pdf --pdf-variant pdf/a-3b -o archive.pdf
    """
    run_build(("pdf",), options, options.print_overrides())


@click.command()
@build_options()
def kepub(options: BuildOptions) -> None:
    """Build the Kobo edition (build/<title>.kepub.epub).

    The EPUB with Kobo's sentence markers, so a Kobo reader shows pages and time left in the
    chapter and the book. Copy it to the reader's folder as it is: the .kepub.epub ending
    tells Kobo what it is.

    \b
    Example:
      compile kepub --project my-reader
    """
    run_build(("kepub",), options)


@click.command()
@build_options(with_epub=False)
def azw3(options: BuildOptions) -> None:
    """Build the Kindle edition (build/<title>.azw3), converted by calibre.

    Needs calibre's ebook-convert on PATH (https://calibre-ebook.com/download); the table of
    contents and metadata are the EPUB's.

    \b
    Example:
      compile azw3 --output /media/me/Kindle/documents/
    """
    run_build(("azw3",), options)


@click.command(name="all")
@build_options(with_print=True)
def all_(options: BuildOptions) -> None:
    """Build both editions.

    The PDF is laid out first, so the EPUB carries the print edition's page numbers.

    \b
    Examples:
      compile all                        build/<title>.epub and build/<title>.pdf
      compile all --style study-pack -k  build without pages that cannot be cleaned
    """
    run_build(("epub", "pdf"), options, options.print_overrides())
