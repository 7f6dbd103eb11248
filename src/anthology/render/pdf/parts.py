"""A long book's PDF in parts: laid out side by side in worker processes, then joined.

WeasyPrint holds a whole document in memory and lays it out on one core. A long book is
therefore cut at its top-level sections into chunks: the front matter (up to the contents),
each part (a long one in several chunks of whole chapters) and each section of the back
matter (glossary, index, colophon: they are laid out side by side too). Each chunk is an
HTML document of its own, laid out and written as a PDF in a worker process, and
``join.join_parts`` makes one book of them. What one document would have done by itself:

- **Folios run on.** A chunk's page count does not depend on the folio it starts at (every
  chunk starts on a right-hand page), so each chunk is laid out counting from 1, and just
  before WeasyPrint draws its margin boxes (the only place a folio is printed) its page
  counter is moved on to the chunk's first folio. A chunk waits for the page counts of the
  chunks before it only after its own layout, so chunks lay out in parallel.
- **Right-hand starts.** Each chunk but the last ends with an empty element that starts a
  right-hand page; that page is dropped, leaving the blank page a single document would have.
- **Contents, glossary and index numbers.** ``target-counter()`` cannot see another document:
  the contents gets each entry's folio as ``data-page`` and ``target-counter(attr(href),
  page)`` in the stylesheets reads ``attr(data-page)`` instead; the glossary's and index's page
  references come from the anchors of the laid-out body. The back matter is laid out after the
  body, the front matter last.
- **Links across chunks** are written with ``join.part_href`` and rejoined.
- **Running heads and part numbers.** A chunk that starts inside a part sets that part's title
  as its ``part-title`` string, and each chunk carries the ``part-number`` counter on (the
  names print.css uses).
- **Only what changed.** Each chunk's PDF is kept (``build/.cache/pdf-parts``) under a key of
  its HTML, the stylesheets, its first folio and WeasyPrint's version; a rebuild reuses every
  chunk whose key is unchanged.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from anthology.core.model import Book
from anthology.render.documents import (
    epub_doc_ids,
    folio_marks,
    placeholder_references,
    print_context,
    print_html,
    with_folios,
    with_page_references,
)
from anthology.render.pdf.document import (
    FONTS,
    references,
    render_warnings,
    resolution_warnings,
)
from anthology.render.pdf.join import Bookmark, JoinResult, PageLabels, join_parts
from anthology.render.pdf.pagemap import starts_from_places
from anthology.render.pdf.partcache import ChunkResult, PartCache
from anthology.render.pdf.split import CHUNK_CHARS, Chunk, split_html, without_target_counters
from anthology.render.pdf.workers import Setup, lay_out, render_back, render_body
from anthology.render.rendered import PdfRendered


def render_in_parts(renderer, book: Book, out: Path) -> PdfRendered:
    """Write ``book`` at ``out`` as chunks laid out apart and joined (for ``PdfRenderer``).

    Returns what a whole-book layout would: pages, page starts and diagnostics, with the
    number of parts and how many of them were laid out (not taken from the cache).
    """
    options = renderer.options
    setup = Setup(
        layers=tuple((without_target_counters(t), u) for t, u in renderer.layers(book)),
        base_url=renderer.base_dir.resolve().as_uri() + "/",
        roots=tuple(str(root) for root in renderer.layout_gate().roots),
        variant=options.pdf_variant,
        doc_ids=frozenset(epub_doc_ids(book)),
        shop=options.shop,
        bleed_mm=options.bleed_mm,
        lang=book.language,
    )
    back_ids = [doc_id for doc_id, _ in book.back_matter]
    chunk_chars = renderer.chunk_chars or CHUNK_CHARS

    # Rendered once: the page references and the contents' folios are written in as the
    # body's and the back matter's pages give them.
    context = print_context(book, FONTS, renderer.image_href)
    before = placeholder_references(book)
    marks = folio_marks(epub_doc_ids(book))
    first = print_html(book, FONTS, before, folios=marks, context=context)
    filled: dict = {}  # the HTML with the page references, filled in once

    def chunks(references=None, folios=None) -> list[Chunk]:
        html = first
        if references is not None:
            if filled.get("references") is not references:
                filled["references"] = references
                filled["html"] = with_page_references(first, context, before, references)
            html = filled["html"]
        if folios is not None:
            html = with_folios(html, marks, folios)
        return split_html(html, back_ids, chunk_chars, even=options.shop)

    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".parts-") as scratch:
        cache = PartCache(renderer.cache_dir or Path(scratch))
        results = _lay_out_all(book, chunks, setup, cache, renderer.workers, renderer.progress)
        starts = _first_pages(results)
        joined = _join(results, starts, out)
        if renderer.cache_dir is not None:
            cache.finish()
    places = [place for result in results for place in result.places]
    warnings = dict.fromkeys(w for result in results for w in result.warnings)
    low_resolution = resolution_warnings(
        (start + index, name, dpi)
        for result, start in zip(results, starts, strict=True)
        for index, name, dpi in result.images
    )
    return PdfRendered(
        out,
        pages=joined.page_count,
        page_starts=tuple(starts_from_places(places, results[0].page_count)),
        diagnostics=(
            *render_warnings(book, warnings, "pdf"),
            *joined.diagnostics,
            *low_resolution,
        ),
        parts=len(results),
        laid_out=cache.laid_out,
    )


def _lay_out_all(book: Book, chunks, setup: Setup, cache: PartCache, jobs: int, progress=None):
    """The chunks laid out: the body first, then the back matter, the front matter last.

    The back matter needs the body's pages (the glossary's and index's references), and its
    sections are laid out side by side as the body's chunks are; the front matter needs every
    section's first folio (the contents).
    """
    body = [c for c in chunks() if c.kind == "body"]
    laid_out = render_body(body, setup, cache, jobs, progress)
    folio_of: dict[str, int] = {}
    for result in laid_out:
        for anchor, index in result.anchors.items():
            folio_of.setdefault(anchor, result.first_folio + index)
    pages = references(book, folio_of)
    back_folio = 1 + sum(result.page_count for result in laid_out)
    back = [c for c in chunks(pages) if c.kind == "back"]
    back_ids = [doc_id for doc_id, _ in book.back_matter]

    def front_matter(counts: list[int]) -> Chunk:
        # Each back-matter section starts its chunk: its folio is the chunk's first.
        folio = back_folio
        for doc_id, count in zip(back_ids, [*counts, 0], strict=True):
            folio_of.setdefault(doc_id, folio)
            folio += count
        folios = {doc: str(folio_of.get(doc, "")) for doc in epub_doc_ids(book)}
        return chunks(pages, folios)[0]

    if len(back) != len(back_ids):  # not a section to a chunk: the front waits for them all
        results = render_body(back, setup, cache, jobs, first_folio=back_folio)
        for result in results:
            for anchor, index in result.anchors.items():
                folio_of.setdefault(anchor, result.first_folio + index)
        folios = {doc: str(folio_of.get(doc, "")) for doc in epub_doc_ids(book)}
        return [lay_out(chunks(pages, folios)[0], setup, cache, 1), *laid_out, *results]
    results, front = render_back(back, setup, cache, jobs, back_folio, front_matter)
    return [front, *laid_out, *results]


def _first_pages(results: list[ChunkResult]) -> list[int]:
    """The index in the joined book of each chunk's first page."""
    starts = [0]
    for result in results[:-1]:
        starts.append(starts[-1] + result.page_count)
    return starts


def _join(results: list[ChunkResult], starts: list[int], out: Path) -> JoinResult:
    """The chunks' PDFs as one book: their bookmarks, roman folios before the body."""
    outline = [
        Bookmark(label, level, start + index, state == "open")
        for result, start in zip(results, starts, strict=True)
        for level, label, index, state in result.bookmarks
    ]
    labels = [PageLabels(0, "lower-roman"), PageLabels(results[0].page_count, "decimal")]
    return join_parts(
        [Path(result.pdf) for result in results], out, outline=outline, page_labels=labels
    )
