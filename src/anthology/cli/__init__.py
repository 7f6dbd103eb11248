"""The ``compile`` command: parse options, run the build, print one line per stage or error.

Heavy modules (WeasyPrint, ebooklib) are imported only inside the commands that need them.
"""

from __future__ import annotations

import gc
import importlib

import click

from anthology import __version__

EXAMPLES = """
\b
Examples:
  compile all                      build build/<title>.epub and build/<title>.pdf here
  compile epub --project my-reader build the EPUB of the edition in my-reader/
  compile pdf --style modern       use the look in styles/modern/ over the default
"""

# Each command: (module in anthology.cli, attribute, its help's first sentence). The modules are
# imported only for the command that runs, so ``compile --help`` imports none of them;
# tests/cli/test_startup.py checks the sentences against the commands' own help.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "all": ("build", "all_", "Build both editions."),
    "azw3": (
        "build",
        "azw3",
        "Build the Kindle edition (build/<title>.azw3), converted by calibre.",
    ),
    "check": (
        "review",
        "check_command",
        "Check an EPUB for what breaks on e-readers: epubcheck, then our own checks.",
    ),
    "clean": (
        "review",
        "clean_command",
        "Clean pages and show the articles, for a quick look before building.",
    ),
    "epub": ("build", "epub", "Build the EPUB 3 edition (build/<title>.epub)."),
    "fetch": (
        "edition",
        "fetch",
        "Save web pages, with their images, into sources/ to build from.",
    ),
    "glossary": ("edition", "glossary", "Work on the edition's glossary (sources/glossary.toml)."),
    "init": ("edition", "init", "Start a new edition in FOLDER, ready for pages."),
    "kepub": ("build", "kepub", "Build the Kobo edition (build/<title>.kepub.epub)."),
    "pdf": ("build", "pdf", "Build the print PDF edition (build/<title>.pdf)."),
    "plan": (
        "edition",
        "plan_command",
        "Propose the book's parts: articles grouped by theme, named and ordered.",
    ),
    "style": ("edition", "style", "Work on the edition's looks (styles/)."),
    "watch": (
        "watch",
        "watch",
        "Build EDITION (epub, pdf or all) again whenever the edition's files change.",
    ),
}


class LazyGroup(click.Group):
    """A group whose commands are imported when one is run, not to list them."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in COMMANDS:
            module, attribute, _ = COMMANDS[name]
            command = getattr(importlib.import_module(f"anthology.cli.{module}"), attribute)
            self.add_command(command, name)
            if not gc.get_freeze_count():
                # What start-up imported lives as long as the process: set aside, the collector
                # does not walk it again at each full collection (about 3% of the CPU time of
                # building the default edition's EPUB).
                gc.freeze()
        return self.commands.get(name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and their first sentences, as click lists them, none imported."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in COMMANDS:
                rows.append(
                    (name, click.Command(name, help=COMMANDS[name][2]).get_short_help_str(limit))
                )
            else:
                rows.append((name, self.commands[name].get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=LazyGroup, epilog=EXAMPLES, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, prog_name="compile")
def main() -> None:
    """Turn a folder of scraped web pages into a themed reader: an EPUB 3 and a print PDF.

    Run it in an edition folder (one with sources/ holding the pages and, optionally,
    sources/book.toml), or point at one with --project.
    """
