"""The pipeline, stage by stage: config → load → clean → assemble → render."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from anthology.assemble import assemble
from anthology.clean import clean
from anthology.clean.across import drop_repeated_across
from anthology.clean.rules import edition_rules
from anthology.config import Edition, load_edition
from anthology.errors import BuildError, Diagnostic, SourceError
from anthology.glossary import link_glossary
from anthology.model import Article, Book
from anthology.sources import discover, read_page

TARGETS = ("epub", "pdf")


@dataclass
class BuildResult:
    """What a build made and what it has to say."""

    book: Book
    outputs: dict[str, Path] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)


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
    report: Callable[[str], None] = lambda message: None,
    print_options: dict | None = None,
) -> BuildResult:
    """Build the edition in ``root`` into each of ``targets``.

    Args:
        root: the edition folder (holding ``sources/``).
        targets: any of "epub" and "pdf".
        output: a folder for the books, or a file name when there is one target.
        style: a look from ``styles/`` layered over the default.
        report: called with one line per finished stage.
        print_options: overrides of book.toml's [print] (page, shop, variant).

    Raises:
        BuildError: bad input; nothing in ``build/`` has been touched.
    """
    edition, book = prepare(root, report)
    if print_options:
        edition = replace(edition, print=replace(edition.print, **print_options))
    result = BuildResult(book=book)
    style = style or edition.style
    # The PDF first: its layout gives the EPUB the print edition's page numbers.
    ordered = sorted(targets, key=lambda target: target != "pdf")
    renderers = [_renderer(target, edition, style) for target in ordered]
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
            if renderer.name == "epub":
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
            report(f"{renderer.name}: {_shown(final)}" + (f" ({pages} pages)" if pages else ""))
        for temp, final in written:
            os.replace(temp, final)
            kind = "cover" if final.name.endswith("-cover.pdf") else final.suffix.lstrip(".")
            result.outputs[kind] = final
    finally:
        for temp, _ in written:
            temp.unlink(missing_ok=True)
    return result


def _print_pages(edition: Edition, style: str, book: Book, renderers: list, report) -> list:
    """The print edition's page starts: from this build's PDF, else as the last one left them."""
    from anthology.render import pagemap

    pdf = next((r for r in renderers if r.name == "pdf"), None)
    if pdf is not None and pdf.page_starts:
        return pdf.page_starts
    pdf = pdf or _renderer("pdf", edition, style)
    starts = pagemap.load(_page_map_path(edition), pdf.layout_key(book))
    if starts is None:
        report("epub: no print page numbers yet (build the PDF, or both editions, to add them)")
        return []
    return starts


def _page_map_path(edition: Edition) -> Path:
    return edition.root / "build" / ".cache" / "page-map.json"


def prepare(
    root: Path, report: Callable[[str], None] = lambda message: None
) -> tuple[Edition, Book]:
    """Config, load, clean, assemble and link: the book every renderer starts from.

    Raises:
        BuildError: bad input, with one line per bad page.
    """
    edition = load_edition(root)
    pages, errors = [], []
    for path in discover(edition):
        try:
            pages.append(read_page(path, edition))
        except SourceError as exc:
            errors.append(exc)
    report(f"load: {len(pages)} pages from {edition.sources.name}/")
    rules = edition_rules(edition.sources)
    articles: dict[str, Article] = {}
    for page in pages:
        try:
            articles[page.name] = clean(page, rules)
        except SourceError as exc:
            errors.append(exc)
    if errors:
        raise PageErrors(errors)
    articles = drop_repeated_across(articles)
    articles = _with_fetch_records(articles, edition)
    words = sum(a.word_count for a in articles.values())
    report(f"clean: {len(articles)} articles, {words:,} words")
    book = link_glossary(assemble(edition, articles), edition.glossary, edition.index_extra)
    links = sum(1 for o in book.occurrences if o.first)
    report(
        f"assemble: {len(book.parts)} parts, {len(book.chapters)} chapters, "
        f"{len(book.glossary)} glossary entries ({links} links), {len(book.index)} index entries"
    )
    return edition, book


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


def _renderer(target: str, edition: Edition, style: str):
    from anthology.render.styles import default_styles_dir, style_layers
    from anthology.resources import ResourceGate

    root = edition.root
    if target == "epub":
        from anthology.render.epub import EpubRenderer

        layers = style_layers(root, "epub", style)
        gate = ResourceGate([root / "sources", *(s.path.parent for s in layers)])
        return EpubRenderer(layers, gate, root / "sources")
    if target == "pdf":
        from anthology.render.pdf import PdfRenderer

        layers = style_layers(root, "print", style)
        gate = ResourceGate([root, default_styles_dir(), *(s.path.parent for s in layers)])
        return PdfRenderer(layers, gate, root / "sources", edition.print)
    raise BuildError(f'unknown target "{target}" (choose epub or pdf)')


def _destination(renderer, book: Book, root: Path, output: Path | None, count: int) -> Path:
    if output is None:
        return root / "build" / f"{book.slug}{renderer.suffix}"
    if output.suffix.lower() in (".epub", ".pdf"):
        if count > 1 or output.suffix.lower() != renderer.suffix:
            raise BuildError(
                f"--output {output} names a {output.suffix} file; "
                "give a folder when building several editions"
            )
        return output
    return output / f"{book.slug}{renderer.suffix}"


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
