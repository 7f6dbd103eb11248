"""The ``compile`` command: parse options, run the build, print one line per stage or error.

Heavy modules (WeasyPrint, ebooklib) are imported only inside the commands that need them.
"""

from __future__ import annotations

import click

from anthology import __version__
from anthology.cli import build, edition, review, watch

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


for command in (
    build.epub,
    build.pdf,
    build.kepub,
    build.azw3,
    build.all_,
    review.check_command,
    review.clean_command,
    edition.init,
    edition.fetch,
    edition.glossary,
    edition.plan_command,
    edition.style,
    watch.watch,
):
    main.add_command(command)
