"""What a build says while it runs: one line per finished stage, through a ``Reporter``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from anthology.core.model import Article, Book


class Reporter:
    """How a build talks to the person running it; the CLI supplies a richer one.

    Args:
        line: called with one line per finished stage.
    """

    def __init__(self, line: Callable[[str], None] = lambda message: None):
        self.line = line

    def stage(self, message: str) -> None:
        """A stage has finished."""
        self.line(message)

    def each(self, label: str, items: Iterable, total: int) -> Iterable:
        """Iterate over ``total`` ``items`` (a progress bar, where the CLI shows one)."""
        return items

    def decision(self, message: str) -> None:
        """What a rule decided (shown with --verbose)."""

    def counter(self, label: str, noun: str) -> Callable[[int, int], None]:
        """A function told (done, total) as a long step advances (a bar, where the CLI shows
        one): "pdf 3/12 parts"."""
        return lambda done, total: None


def as_reporter(report: Reporter | Callable[[str], None]) -> Reporter:
    """``report`` as a ``Reporter``: a function is called with each stage line."""
    # Anything with the methods of a Reporter will do (the CLI's does not import this module).
    return report if hasattr(report, "stage") else Reporter(report)


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun, singular for one: ``counted(1, "part")`` is ``'1 part'``."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def loaded(pages: int, sources: str, unchanged: int) -> str:
    """The load stage's line: pages read, and how many the cache already had cleaned."""
    return f"load: {counted(pages, 'page')} from {sources}/" + (
        f" ({unchanged} unchanged since the last build)" if unchanged else ""
    )


def dropped(source: str, text: str, reason: str) -> str:
    """A decision of the cleaning rules: what they dropped from a page, and why."""
    return f"{source}: dropped {text!r} ({reason})"


def cleaned(articles: dict[str, Article]) -> str:
    """The clean stage's line: articles and words."""
    words = sum(a.word_count for a in articles.values())
    return f"clean: {counted(len(articles), 'article')}, {counted(words, 'word')}"


def planned(parts: int) -> str:
    """The plan stage's line, when book.toml lists no parts."""
    return (
        f"plan: {counted(parts, 'part')} by theme, as book.toml lists none "
        "(compile plan writes them to sources/book.toml to keep and edit)"
    )


def assembled(book: Book) -> str:
    """The assemble stage's line: parts, chapters, glossary and its links, index."""
    links = sum(1 for o in book.occurrences if o.first)
    return (
        f"assemble: {counted(len(book.parts), 'part')}, "
        f"{counted(len(book.chapters), 'chapter')}, "
        f"{counted(len(book.glossary), 'glossary entry', 'glossary entries')} "
        f"({counted(links, 'link')}), {counted(len(book.index), 'index entry', 'index entries')}"
    )


def rendered(name: str, path: Path, pages: int) -> str:
    """A render stage's line: the edition, where it was written, its pages (if paged)."""
    return f"{name}: {shown(path)}" + (f" ({counted(pages, 'page')})" if pages else "")


def checked(kind: str, errors: int, validate: bool) -> str:
    """The check stage's line for one EPUB: what ran and how many errors it found."""
    ran = "structure and epubcheck" if validate else "structure"
    return f"check: {kind} {ran}, " + (counted(errors, "error") if errors else "no errors")


def check_error(finding) -> str:
    """One error a book's check found: ``book.epub/EPUB/x.xhtml:12: MESSAGE [code]``."""
    where = f"{finding.file}:{finding.line}" if finding.line else finding.file
    return f"{where}: {finding.message} [{finding.code}]"


def not_written(errors: int) -> str:
    """What a build that fails its checks says last."""
    return (
        f"the EPUB fails its checks ({counted(errors, 'error')} above), so no book was "
        "written; --keep-going writes it anyway"
    )


NO_PRINT_PAGES = "epub: no print page numbers yet (build the PDF, or both editions, to add them)"


def shown(path: Path) -> str:
    """``path`` relative to the working folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
