"""The pipeline, stage by stage: config → load → clean → plan → assemble → render."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from anthology import messages
from anthology.articles import PageErrors, clean_pages
from anthology.assemble import assemble
from anthology.config.book import key_error, load_edition
from anthology.config.edition import Edition
from anthology.core.errors import BuildError, Diagnostic, SourceError
from anthology.core.model import Article, Book
from anthology.glossary import link_glossary
from anthology.messages import Reporter, as_reporter, counted
from anthology.outputs import Outputs
from anthology.render.targets import renderer_for
from anthology.sources import load, not_read, unlisted

TARGETS = ("epub", "pdf")

__all__ = [
    "BookErrors",
    "BuildResult",
    "PageErrors",
    "Reporter",
    "TARGETS",
    "counted",
    "prepare",
    "run",
]


@dataclass
class BuildResult:
    """What a build made and what it has to say."""

    book: Book
    outputs: dict[str, Path] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    skipped: list[SourceError] = field(default_factory=list)  # with keep_going only
    pages: int = 0  # of the PDF, when one was made
    seconds: float = 0.0
    invalid: list[Diagnostic] = field(default_factory=list)  # check errors, with keep_going


def run(
    root: Path,
    targets: tuple[str, ...] = TARGETS,
    output: Path | None = None,
    style: str = "",
    report: Reporter | Callable[[str], None] = lambda message: None,
    print_options: dict | None = None,
    keep_going: bool = False,
    jobs: int = 0,
    validate: bool = False,
) -> BuildResult:
    """Build the edition in ``root`` into each of ``targets`` ("epub", "pdf", "kepub", "azw3").

    Args:
        output: a folder for the books, or a file name when there is one target.
        style: a look from ``styles/`` layered over the default.
        report: a ``Reporter``, or a function called with one line per finished stage.
        print_options: overrides of book.toml's [print] (page, shop, variant).
        keep_going: leave out (and list) the pages that cannot be read or cleaned, and keep
            an EPUB that fails its checks (its errors in ``invalid``).
        jobs: processes for cleaning and a long PDF's parts (0: one per core, if it pays).
        validate: also run epubcheck (Java) on each EPUB; our own checks always run.

    Raises ``BuildError`` for bad input, leaving ``build/`` untouched.
    """
    started, report = time.perf_counter(), as_reporter(report)
    edition = with_print_options(load_edition(root), print_options)
    renderers, style = renderers_for(targets, edition, style, jobs)  # a bad look fails first
    if validate:
        require_epubcheck()
    renderers = begun(renderers, edition)
    pages = load(edition)
    cleaned = clean_pages(pages, edition, report, keep_going=keep_going, jobs=jobs)
    themes, notes = plan_parts(edition, cleaned.articles, report)
    book = assemble_book(edition, cleaned.articles, themes, report)
    with Outputs(edition.root, book.slug, output, renderers) as outputs:
        # The PDF first: its layout gives the EPUB the print edition's page numbers.
        printed = render_print(renderers.pop("pdf", None), book, edition, outputs, report)
        starts = print_page_starts(printed, renderers.values(), book, edition, style, report)
        made = [printed] if printed else []
        made += [render_ebook(r, book, starts, outputs, report) for r in renderers.values()]
        invalid = check_books(outputs, validate, keep_going, report)
        kept = outputs.keep()
    result = result_of(book, edition, cleaned, notes, made, kept, started)
    result.invalid = invalid
    return result


def renderers_for(targets: tuple[str, ...], edition: Edition, style: str, jobs: int):
    """Each target's renderer, and the look they use: ``style`` (``--style``), else book.toml's.

    Raises:
        BuildError: a look that does not exist, named as where it was asked for.
    """
    try:
        look = style or edition.style
        return {target: renderer_for(target, edition, look, jobs) for target in targets}, look
    except BuildError as exc:
        if style or not edition.style or exc.file != "--style":
            raise
        raise key_error(edition.root, "style", exc.message.removeprefix("--style: ")) from None


def begun(renderers: dict, edition: Edition) -> dict:
    """The renderers with what needs only the edition under way while the pages are cleaned
    (the EPUB's generated cover is drawn in another process)."""
    return {
        name: renderer.begin(edition) if hasattr(renderer, "begin") else renderer
        for name, renderer in renderers.items()
    }


def require_epubcheck() -> None:
    """Fail before the build when ``validate`` asks for epubcheck and it cannot run."""
    from anthology.check.epubcheck import epubcheck_missing

    missing = epubcheck_missing()
    if missing:
        raise BuildError(f"epubcheck cannot run: {missing}", "--validate")


def check_books(outputs: Outputs, validate: bool, keep_going: bool, report: Reporter):
    """The checks of ``compile check`` on each EPUB just written, before it replaces the last.

    Returns the errors found, with ``keep_going``; without it, any error stops the build.

    Raises:
        BookErrors: an EPUB fails a check (the previous books stay in place).
    """
    errors = []
    for temp, final, kind in outputs.written:
        if not final.name.lower().endswith(".epub"):
            continue
        found = [
            replace(f, file=f"{final.name}/{f.file}" if f.file else final.name)
            for f in _checked(temp, validate)
            if f.severity == "error" or (validate and f.code == "epubcheck-unavailable")
        ]
        report.stage(messages.checked(kind, len(found), validate))
        errors += found
    if errors and not keep_going:
        raise BookErrors(errors)
    return errors


def _checked(temp: Path, validate: bool) -> list[Diagnostic]:
    """The findings on the EPUB at ``temp``; epubcheck reads a file only by an .epub name."""
    from anthology.check import check_epub

    if not validate:
        return check_epub(temp, epubcheck=False)
    named = temp.with_name(temp.name + ".epub")
    try:
        os.link(temp, named)
    except OSError:  # a file system without hard links
        shutil.copyfile(temp, named)
    try:
        return check_epub(named, epubcheck=True)
    finally:
        named.unlink(missing_ok=True)


class BookErrors(BuildError):
    """A book just made fails its checks: one line per error, and what to do."""

    SHOWN = 10

    def __init__(self, errors: list[Diagnostic]):
        self.errors = errors
        lines = [messages.check_error(e) for e in errors[: self.SHOWN]]
        if len(errors) > self.SHOWN:
            lines.append(f"… and {len(errors) - self.SHOWN} more")
        lines.append(messages.not_written(len(errors)))
        super().__init__(lines[0])
        self.message = "\n".join(lines)


def result_of(
    book: Book, edition: Edition, cleaned, notes: list, made: list, kept: dict, started: float
) -> BuildResult:
    """What a build made and has to say: the books, the warnings, the pages left out."""
    diagnostics = [
        *doubtful_losses(edition, book),
        *notes,
        *unlisted(edition),
        *not_read(edition),
        *(d for rendered in made for d in rendered.diagnostics),
    ]
    pages = next((rendered.pages for rendered in reversed(made) if rendered.pages), 0)
    seconds = time.perf_counter() - started
    return BuildResult(book, kept, diagnostics, list(cleaned.skipped), pages, seconds)


def prepare(
    root: Path,
    report: Reporter | Callable[[str], None] = lambda message: None,
    skipped: list[SourceError] | None = None,
    jobs: int = 0,
    notes: list[Diagnostic] | None = None,
) -> tuple[Edition, Book]:
    """Config, load, clean, plan, assemble and link: the book every renderer starts from.

    Args:
        root: the edition folder.
        report: a ``Reporter`` or a function called with one line per stage.
        skipped: when given, pages that cannot be read or cleaned are added to it and left
            out of the book instead of stopping the build.
        jobs: processes for cleaning; 0 picks one per core for large editions.
        notes: when given, the plan's warnings (near-duplicates) are added to it.

    Raises:
        BuildError: bad input, with one line per bad page.
    """
    report = as_reporter(report)
    edition = load_edition(root)
    pages = load(edition)
    cleaned = clean_pages(pages, edition, report, keep_going=skipped is not None, jobs=jobs)
    if skipped is not None:
        skipped.extend(cleaned.skipped)
    themes, planned = plan_parts(edition, cleaned.articles, report)
    if notes is not None:
        notes.extend(planned)
    return edition, assemble_book(edition, cleaned.articles, themes, report)


def clean_edition(
    root: Path,
    report: Reporter | Callable[[str], None] = lambda message: None,
    skipped: list[SourceError] | None = None,
    jobs: int = 0,
    every: bool = False,
) -> tuple[Edition, dict[str, Article]]:
    """Config, load and clean: the edition and its articles, keyed by source name.

    Args as for ``prepare``; ``every`` cleans every page in sources/, not only those that
    book.toml's parts list (``compile plan`` places the others).
    """
    report = as_reporter(report)
    edition = load_edition(root)
    pages = load(replace(edition, parts=()) if every else edition)
    cleaned = clean_pages(pages, edition, report, keep_going=skipped is not None, jobs=jobs)
    if skipped is not None:
        skipped.extend(cleaned.skipped)
    return edition, cleaned.articles


def plan_parts(edition: Edition, articles: dict[str, Article], report: Reporter):
    """The plan stage: themed parts when book.toml lists none, and its warnings.

    Returns ``(plan, diagnostics)``; the plan is None when book.toml lists the parts.
    """
    if edition.configured and edition.parts:
        return None, []
    from anthology.plan import plan

    themes = plan(list(articles.values())).with_copies()
    report.stage(messages.planned(len(themes.parts)))
    notes = [
        Diagnostic(
            "plan-001",
            "warning",
            f"{edition.sources.name}/{d.source}",
            f"a near-duplicate of {d.kept}: both are in the book "
            "(compile plan leaves this one out of its draft)",
        )
        for d in themes.duplicates
    ]
    return themes, notes


def assemble_book(edition: Edition, articles: dict[str, Article], themes, report: Reporter) -> Book:
    """The assemble stage: the book in parts and chapters, its glossary linked, its index."""
    book = link_glossary(assemble(edition, articles, themes), edition.glossary, edition.index_extra)
    report.stage(messages.assembled(book))
    return book


def with_print_options(edition: Edition, print_options: dict | None) -> Edition:
    """The edition with book.toml's [print] overridden (from the command line)."""
    if not print_options:
        return edition
    return replace(edition, print=replace(edition.print, **print_options))


def render_print(renderer, book: Book, edition: Edition, outputs: Outputs, report: Reporter):
    """The print edition (when asked for), its cover, and its page map kept for the EPUB."""
    if renderer is None:
        return None
    if hasattr(renderer, "progress") and hasattr(report, "counter"):
        renderer = replace(renderer, progress=report.counter(renderer.name, "parts"))
    rendered = renderer.render(book, outputs.temp(renderer.name))
    if rendered.page_starts and not edition.print.layout_tag:  # the reading PDF's pages only
        from anthology.render.pdf import pagemap

        sheets = (sheet.text for sheet in renderer.stylesheets)
        key = pagemap.print_key(book, edition.print, sheets, edition.sources)
        pagemap.save(_page_map_path(edition), key, list(rendered.page_starts))
    if edition.print.cover:
        renderer.write_cover(book, rendered.pages, outputs.cover(renderer.name))
    report.stage(messages.rendered(renderer.name, outputs.finals[renderer.name], rendered.pages))
    return rendered


def render_ebook(renderer, book: Book, starts: tuple, outputs: Outputs, report: Reporter):
    """An e-reader edition, with the print edition's page numbers if it shows them."""
    rendered = renderer.render(
        book, outputs.temp(renderer.name), starts if renderer.print_pages else ()
    )
    report.stage(messages.rendered(renderer.name, outputs.finals[renderer.name], rendered.pages))
    return rendered


def print_page_starts(printed, renderers, book: Book, edition: Edition, style: str, report):
    """The print edition's page starts: from this build's PDF, else as the last one left them.

    Only looked for when one of ``renderers`` shows them.
    """
    if not any(renderer.print_pages for renderer in renderers):
        return ()
    if printed is not None and printed.page_starts:
        return printed.page_starts
    path = _page_map_path(edition)
    starts = None
    if path.exists():
        from anthology.render.pdf import pagemap
        from anthology.render.styles import style_layers

        # Checked against the layout's inputs: no print renderer, no print HTML.
        sheets = (sheet.text for sheet in style_layers(edition.root, "print", style))
        starts = pagemap.load(path, pagemap.print_key(book, edition.print, sheets, edition.sources))
    if starts is None:
        report.stage(messages.NO_PRINT_PAGES)
        return ()
    return tuple(starts)


def doubtful_losses(edition: Edition, book: Book) -> list[Diagnostic]:
    """A warning for each chapter that kept much less than its page's prose (clean-010)."""
    from anthology.clean import doubtful_loss

    found = (
        doubtful_loss(chapter.article, f"{edition.sources.name}/{chapter.article.source}")
        for chapter in book.chapters
    )
    return [d for d in found if d is not None]


def _page_map_path(edition: Edition) -> Path:
    return edition.root / "build" / ".cache" / "page-map.json"
