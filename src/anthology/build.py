"""The pipeline, stage by stage: config → load → clean → assemble → render."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from anthology.assemble import assemble
from anthology.clean import clean
from anthology.clean.repeated import drop_repeated_across
from anthology.clean.rules import edition_rules
from anthology.config import Edition, load_edition
from anthology.errors import BuildError, Diagnostic, SourceError
from anthology.glossary import link_glossary
from anthology.model import Article, Book
from anthology.sources import discover, page_kind, read_page

TARGETS = ("epub", "pdf")


@dataclass
class BuildResult:
    """What a build made and what it has to say."""

    book: Book
    outputs: dict[str, Path] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    skipped: list[SourceError] = field(default_factory=list)  # with keep_going only
    pages: int = 0  # of the PDF, when one was made
    seconds: float = 0.0


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


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun, singular for one: ``counted(1, "part")`` is ``'1 part'``."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def _reporter(report: Reporter | Callable[[str], None]) -> Reporter:
    # Anything with the methods of a Reporter will do (the CLI's does not import this module).
    return report if hasattr(report, "stage") else Reporter(report)


class PageErrors(BuildError):
    """One or more pages could not be read or cleaned: one line per page."""

    def __init__(self, errors: list[SourceError]):
        self.errors = errors
        super().__init__(errors[0].message)
        self.message = "\n".join(e.message for e in errors)


def run(
    root: Path,
    targets: tuple[str, ...] = TARGETS,
    output: Path | None = None,
    style: str = "",
    report: Reporter | Callable[[str], None] = lambda message: None,
    print_options: dict | None = None,
    keep_going: bool = False,
    jobs: int = 0,
) -> BuildResult:
    """Build the edition in ``root`` into each of ``targets``.

    Args:
        root: the edition folder (holding ``sources/``).
        targets: any of "epub", "pdf", "kepub" (Kobo) and "azw3" (Kindle, through calibre).
        output: a folder for the books, or a file name when there is one target.
        style: a look from ``styles/`` layered over the default.
        report: a ``Reporter``, or a function called with one line per finished stage.
        print_options: overrides of book.toml's [print] (page, shop, variant).
        keep_going: build without the pages that cannot be read or cleaned (listed in the
            result's ``skipped``) instead of stopping.
        jobs: processes for cleaning and for laying out a long PDF in parts (0: one per core
            when there is enough work).

    Raises:
        BuildError: bad input; nothing in ``build/`` has been touched.
    """
    started = time.perf_counter()
    report = _reporter(report)
    skipped: list[SourceError] = []
    edition, book = prepare(root, report, skipped if keep_going else None, jobs)
    if print_options:
        edition = replace(edition, print=replace(edition.print, **print_options))
    result = BuildResult(book=book, skipped=skipped)
    result.diagnostics.extend(_unlisted(edition))
    result.diagnostics.extend(_doubtful_losses(edition, book))
    style = style or edition.style
    # The PDF first: its layout gives the EPUB the print edition's page numbers.
    ordered = sorted(targets, key=lambda target: target != "pdf")
    renderers = [_renderer(target, edition, style, jobs) for target in ordered]
    destinations = {
        r.name: _destination(r, book, edition.root, output, len(targets)) for r in renderers
    }
    written: list[tuple[Path, Path]] = []
    try:
        for renderer in renderers:
            final = destinations[renderer.name]
            final.parent.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(
                prefix=f".{final.name}.", suffix=".tmp", dir=final.parent
            )
            os.close(handle)
            temp = Path(temp_name)
            written.append((temp, final))
            if renderer.name in ("epub", "kepub"):
                renderer.page_starts = _print_pages(edition, style, book, renderers, report)
            renderer.render(book, temp)
            if renderer.name == "pdf" and renderer.page_starts:
                from anthology.render import pagemap

                key = renderer.layout_key(book)
                pagemap.save(_page_map_path(edition), key, renderer.page_starts)
            temp.chmod(0o644)
            for message in getattr(renderer, "warnings", []):
                result.diagnostics.append(
                    Diagnostic("render-001", "warning", renderer.name, message)
                )
            result.diagnostics.extend(getattr(renderer, "diagnostics", []))
            if renderer.name == "pdf" and edition.print.cover:
                from anthology.render.pdf import write_print_cover

                cover_final = final.with_name(f"{final.stem}-cover.pdf")
                cover_temp = temp.with_name(temp.name + ".cover")
                written.append((cover_temp, cover_final))
                write_print_cover(renderer, book, cover_temp)
                cover_temp.chmod(0o644)
            pages = getattr(renderer, "page_count", 0)
            result.pages = pages or result.pages
            report.stage(
                f"{renderer.name}: {_shown(final)}"
                + (f" ({counted(pages, 'page')})" if pages else "")
            )
        kinds = {path: name for name, path in destinations.items()}
        for temp, final in written:
            os.replace(temp, final)
            kind = "cover" if final.name.endswith("-cover.pdf") else kinds[final]
            result.outputs[kind] = final
    finally:
        for temp, _ in written:
            temp.unlink(missing_ok=True)
    result.seconds = time.perf_counter() - started
    return result


def _print_pages(edition: Edition, style: str, book: Book, renderers: list, report) -> list:
    """The print edition's page starts: from this build's PDF, else as the last one left them."""
    from anthology.render import pagemap

    pdf = next((r for r in renderers if r.name == "pdf"), None)
    if pdf is not None and pdf.page_starts:
        return pdf.page_starts
    path = _page_map_path(edition)
    # The layout key costs a print HTML of the whole book: not worth it without a saved map.
    starts = None
    if path.exists():
        pdf = pdf or _renderer("pdf", edition, style)
        starts = pagemap.load(path, pdf.layout_key(book))
    if starts is None:
        report.stage(
            "epub: no print page numbers yet (build the PDF, or both editions, to add them)"
        )
        return []
    return starts


def _unlisted(edition: Edition) -> list[Diagnostic]:
    """A warning for each page in sources/ that book.toml's parts leave out."""
    if not (edition.configured and edition.parts):
        return []
    listed = {entry.source for part in edition.parts for entry in part.articles}
    return [
        Diagnostic(
            "load-001",
            "warning",
            f"{edition.sources.name}/{path.name}",
            "not listed in book.toml's parts, so not in the book",
        )
        for path in sorted(edition.sources.iterdir())
        if path.is_file()
        and not path.name.startswith(".")
        and page_kind(path)
        and path.name not in listed
    ]


def _doubtful_losses(edition: Edition, book: Book) -> list[Diagnostic]:
    """A warning for each chapter that kept much less than its page's prose (clean-010)."""
    from anthology.clean import doubtful_loss

    found = (
        doubtful_loss(chapter.article, f"{edition.sources.name}/{chapter.article.source}")
        for chapter in book.chapters
    )
    return [d for d in found if d is not None]


def _page_map_path(edition: Edition) -> Path:
    return edition.root / "build" / ".cache" / "page-map.json"


def prepare(
    root: Path,
    report: Reporter | Callable[[str], None] = lambda message: None,
    skipped: list[SourceError] | None = None,
    jobs: int = 0,
) -> tuple[Edition, Book]:
    """Config, load, clean, assemble and link: the book every renderer starts from.

    Args:
        root: the edition folder.
        report: a ``Reporter`` or a function called with one line per stage.
        skipped: when given, pages that cannot be read or cleaned are added to it and left
            out of the book instead of stopping the build.
        jobs: processes for cleaning; 0 picks one per core for large editions.

    Raises:
        BuildError: bad input, with one line per bad page.
    """
    report = _reporter(report)
    edition = load_edition(root)
    paths = discover(edition)
    articles, errors = _clean_pages(paths, edition, report, jobs, skipped is not None)
    if errors and (skipped is None or not articles):
        raise PageErrors(errors)
    if skipped is not None:
        skipped.extend(errors)
    articles = drop_repeated_across(articles)
    articles = _with_fetch_records(articles, edition)
    for name, article in articles.items():
        for dropped in article.dropped:
            report.decision(
                f"{edition.sources.name}/{name}: dropped {dropped.text!r} ({dropped.reason})"
            )
    words = sum(a.word_count for a in articles.values())
    report.stage(f"clean: {counted(len(articles), 'article')}, {counted(words, 'word')}")
    book = link_glossary(assemble(edition, articles), edition.glossary, edition.index_extra)
    links = sum(1 for o in book.occurrences if o.first)
    report.stage(
        f"assemble: {counted(len(book.parts), 'part')}, "
        f"{counted(len(book.chapters), 'chapter')}, "
        f"{counted(len(book.glossary), 'glossary entry', 'glossary entries')} "
        f"({counted(links, 'link')}), {counted(len(book.index), 'index entry', 'index entries')}"
    )
    return edition, book


PARALLEL_FROM = 24  # pages to clean before more processes pay for their start-up


def _clean_pages(
    paths: list[Path], edition: Edition, report: Reporter, jobs: int = 0, keep_going: bool = False
) -> tuple[dict[str, Article], list[SourceError]]:
    """Read and clean every page, from the cache where it can, in parallel where it pays.

    The articles come back in the order of ``paths`` whatever the number of processes.
    """
    from anthology.cache import ArticleCache, edition_fingerprint

    limits = repr(getattr(edition, "limits", ""))
    store = ArticleCache(
        edition.root / "build" / ".cache" / "articles", edition_fingerprint(edition.sources, limits)
    )
    found: dict[Path, Article] = {}
    keys: dict[Path, str] = {}
    for path in paths:
        try:
            keys[path] = store.key(_page_name(path, edition), path.read_bytes())
        except OSError:
            continue  # read_page reports it
        cached = store.get(keys[path], _page_name(path, edition))
        if cached is not None:
            found[path] = cached
    todo = [path for path in paths if path not in found]
    rules = edition_rules(edition.sources) if todo else None
    workers = jobs or (min(os.cpu_count() or 1, 8) if len(todo) >= PARALLEL_FROM else 1)
    errors: list[SourceError] = []
    for path, outcome in zip(todo, _cleaned(todo, edition, rules, workers, report), strict=True):
        if isinstance(outcome, Article):
            found[path] = outcome
        else:
            errors.append(SourceError(outcome))
    if not errors or keep_going:
        # A build that stops leaves build/ as it was, the cache included.
        for path in todo:
            if path in found and path in keys:
                store.put(keys[path], found[path])
        store.prune()
    report.stage(
        f"load: {counted(len(paths), 'page')} from {edition.sources.name}/"
        + (f" ({store.hits} unchanged since the last build)" if store.hits else "")
    )
    return {found[p].source: found[p] for p in paths if p in found}, errors


def _page_name(path: Path, edition: Edition) -> str:
    sources = edition.sources
    return str(path.relative_to(sources)) if path.is_relative_to(sources) else path.name


def _cleaned(todo: list[Path], edition: Edition, rules, workers: int, report: Reporter):
    """Each page cleaned (an Article) or its one-line error (a str), in order."""
    if not todo:
        return []
    task = partial(_clean_one, edition=edition, rules=rules)
    if workers <= 1 or len(todo) < 2:
        return report.each("clean", map(task, todo), len(todo))
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=min(workers, len(todo))) as pool:
        chunk = max(1, len(todo) // (workers * 8))
        return list(report.each("clean", pool.map(task, todo, chunksize=chunk), len(todo)))


def _clean_one(path: Path, edition: Edition, rules) -> Article | str:
    """Read and clean one page; a bad page gives its error line (a str crosses processes)."""
    try:
        return clean(read_page(path, edition), rules, limits=edition.limits)
    except SourceError as exc:
        return exc.message


def _with_fetch_records(articles: dict[str, Article], edition: Edition) -> dict[str, Article]:
    """Add the address and retrieval date ``compile fetch`` recorded for each page."""
    if not (edition.sources / "fetched.toml").exists():
        return articles
    from anthology.fetch import load_fetched  # imports the HTTP client: only when needed

    records = load_fetched(edition.sources)
    updated = {}
    for name, article in articles.items():
        record = records.get(name)
        if record:
            article = replace(
                article,
                url=article.url or record.get("final_url") or record.get("url", ""),
                retrieved=record["retrieved"].date() if record.get("retrieved") else None,
            )
        updated[name] = article
    return updated


def _renderer(target: str, edition: Edition, style: str, jobs: int = 0):
    from anthology.render.styles import default_styles_dir, style_layers
    from anthology.resources import ResourceGate

    root = edition.root
    if target == "epub":
        from anthology.render.epub import EpubRenderer

        layers = style_layers(root, "epub", style)
        gate = ResourceGate([root / "sources", *(s.path.parent for s in layers)])
        return EpubRenderer(layers, gate, root / "sources", edition.limits)
    if target == "pdf":
        from anthology.render.pdf import PdfRenderer

        layers = style_layers(root, "print", style)
        gate = ResourceGate([root, default_styles_dir(), *(s.path.parent for s in layers)])
        cache = root / "build" / ".cache" / "pdf-parts"
        return PdfRenderer(
            layers, gate, root / "sources", edition.print, jobs=jobs, cache_dir=cache
        )
    if target in ("kepub", "azw3"):
        # The EPUB edition, made over for Kobo or Kindle devices.
        epub = _renderer("epub", edition, style)
        if target == "kepub":
            from anthology.render.kepub import KepubRenderer

            return KepubRenderer(epub)
        from anthology.render.azw3 import Azw3Renderer

        return Azw3Renderer(epub)
    raise BuildError(f'unknown target "{target}" (choose epub, pdf, kepub or azw3)')


def _destination(renderer, book: Book, root: Path, output: Path | None, count: int) -> Path:
    if output is None:
        return root / "build" / f"{book.slug}{renderer.suffix}"
    name = output.name.lower()
    if name.endswith((".epub", ".pdf", ".azw3")):
        if count > 1 or not name.endswith(renderer.suffix):
            raise BuildError(
                f"--output {output} names a {output.suffix} file; "
                + (
                    "give a folder when building several editions"
                    if count > 1
                    else f"the {renderer.name} edition's file name ends in {renderer.suffix}"
                )
            )
        return output
    return output / f"{book.slug}{renderer.suffix}"


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
