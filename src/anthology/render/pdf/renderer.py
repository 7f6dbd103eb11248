"""Book → print PDF through WeasyPrint: the same documents joined into one HTML, print CSS.

The page size, margins and (for the print shop) bleed and crop marks come from the edition's
print options as a CSS layer of their own, placed just after the default ``print.css`` so that
a look can still change them.

Every page is laid out once. The body comes first; its pages give the glossary's and index's
page references, so the back matter is laid out next, its folios following the body's; the
front matter comes last, its contents knowing every section's folio. The three are separate
HTML documents whose pages WeasyPrint writes as one (see ``PdfRenderer._lay_out``). A long
book's body is laid out in parts, side by side (``parts.py``).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from anthology.config.edition import PrintOptions
from anthology.core.errors import BuildError
from anthology.core.model import Book
from anthology.render.documents import (
    epub_doc_ids,
    folio_marks,
    placeholder_references,
    print_context,
    print_html,
    show_parts,
    with_folios,
    with_page_references,
)
from anthology.render.pdf.document import (
    FONTS,
    WarningCollector,
    anchor_pages,
    image_resolutions,
    print_shop_finisher,
    references,
    render_warnings,
    resolution_warnings,
    stable_document_id,
)
from anthology.render.pdf.pagemap import page_places, starts_from_places
from anthology.render.rendered import PdfRendered
from anthology.render.styles import Stylesheet
from anthology.resources import ResourceGate

# The A5 margins everything else is scaled from (millimetres).
_A5 = {"width": 148.0, "height": 210.0, "top": 18.0, "bottom": 20.0, "inner": 20.0, "outer": 16.0}
_WORDS_PER_A5_PAGE = 330
# A book longer than this is laid out in parts, side by side (see parts.py).
SPLIT_FROM_WORDS = 40_000


def page_css(options: PrintOptions, words: int, profile: Path | None = None) -> str:
    """The generated layer: trim size, margins scaled to it, a gutter that grows with the book.

    Binders need more inner margin the thicker the book: 2 mm more for every hundred pages
    past the first hundred, up to 8 mm, estimated from the word count (in 0.5 mm steps).
    """
    width, height = options.size_mm
    across, down = width / _A5["width"], height / _A5["height"]
    area = across * down
    estimated_pages = words / (_WORDS_PER_A5_PAGE * area) if area else 0
    # In half-millimetre steps, so that a small edit leaves the layout (and cached parts) alone.
    gutter = min(8.0, max(0.0, round((estimated_pages - 100) / 100 * 4) / 2))
    top, bottom = _A5["top"] * down, _A5["bottom"] * down
    inner, outer = _A5["inner"] * across + gutter, _A5["outer"] * across
    font_size = 10.5 * min(max(across, 1.0), 1.05)
    css = [
        f"/* generated from [print]: {options.page}, about {round(estimated_pages, -1):.0f} "
        "pages */",
        f"@page {{ size: {width}mm {height}mm; margin: {top:.1f}mm {outer:.1f}mm "
        f"{bottom:.1f}mm {inner:.1f}mm; }}",
        f"@page :left {{ margin-left: {outer:.1f}mm; margin-right: {inner:.1f}mm; }}",
        f"@page :right {{ margin-left: {inner:.1f}mm; margin-right: {outer:.1f}mm; }}",
        f"html {{ font-size: {font_size:.2f}pt; }}",
    ]
    if options.shop:
        # WeasyPrint draws crop marks in the outer half of the CSS bleed; the CSS bleed is
        # therefore the bleed plus room for the marks, and the PDF's BleedBox is set back to
        # the bleed itself when the file is written (``print_shop_finisher``): the marks sit
        # outside the bleed.
        marks_bleed = options.bleed_mm + MARKS_MM
        css.append(f"@page {{ bleed: {marks_bleed:g}mm; marks: crop cross; }}")
        # PDF/X needs a printing (CMYK) output intent: the printer's, or the system's.
        if profile is not None:
            css.append(
                f'@color-profile device-cmyk {{ src: url("{profile.as_uri()}"); '
                "components: c, m, y, k; }"
            )
    return "\n".join(css) + "\n"


# Room for the crop marks beyond the bleed (they take its outer half: 6 mm of marks that stop
# 3 mm short of the bleed's edge).
MARKS_MM = 9.0
# Ghostscript's CMYK printing profile, in Debian's libgs-common.
SYSTEM_CMYK = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")


def icc_class(path: Path) -> tuple[str, str]:
    """(device class, colour space) of an ICC profile: ("prtr", "CMYK") for a printing one."""
    with open(path, "rb") as file:
        header = file.read(20)
    return header[12:16].decode("latin-1").strip(), header[16:20].decode("latin-1").strip()


def printing_profile(options: PrintOptions, base_dir: Path) -> Path | None:
    """The CMYK profile for the print shop's output intent: ``[print] icc`` (relative to the
    sources folder), else the system's (Ghostscript's), else None."""
    if options.icc:
        path = (base_dir / options.icc).resolve()
        if not path.is_file():
            raise BuildError(f"[print] icc: no such profile: {options.icc}", base_dir)
        if icc_class(path) != ("prtr", "CMYK"):
            kind = "/".join(icc_class(path))
            raise BuildError(
                f"[print] icc: {options.icc} is a {kind} profile, not a CMYK printing one "
                "(class prtr), which PDF/X needs",
                base_dir,
            )
        return path
    return SYSTEM_CMYK if SYSTEM_CMYK.is_file() else None


@dataclass(frozen=True)
class LaidOut:
    """A book laid out, ready to write."""

    document: object  # the WeasyPrint document of every page
    first_body: int  # index of the page where arabic numbering starts
    places: list  # where each page's text starts (pagemap.page_places)
    html: str  # the print HTML with every number filled in
    # The documents the pages come from, kept alive until the pages are written.
    sources: list = field(default_factory=list)


@dataclass(frozen=True)
class PdfRenderer:
    """Writes the print edition.

    Args:
        stylesheets: the print layers, in cascade order.
        gate: what WeasyPrint may read.
        base_dir: the sources folder (image paths are relative to it).
        options: book.toml's [print].
        jobs: worker processes for a book laid out in parts (0: one per core).
        cache_dir: where laid-out parts are kept between builds (None: not kept).
        split_from_words: books with at least this many words are laid out in parts.
        chunk_chars: the most text in one part (0: split.CHUNK_CHARS).
    """

    name: ClassVar[str] = "pdf"

    stylesheets: list[Stylesheet]
    gate: ResourceGate
    base_dir: Path
    options: PrintOptions = field(default_factory=PrintOptions)
    jobs: int = 0
    cache_dir: Path | None = None
    split_from_words: int = SPLIT_FROM_WORDS
    chunk_chars: int = 0
    # Told (parts laid out, parts) as a long book's parts are ready; the build sets it.
    progress: Callable[[int, int], None] | None = field(default=None, compare=False)

    @property
    def suffix(self) -> str:
        """The print shop's file is its own, ``<slug>-print.pdf``: the reading PDF stays."""
        return "-print.pdf" if self.options.shop else ".pdf"

    def output_profile(self) -> Path | None:
        """The CMYK profile of the print shop's output intent (None: not the print shop, or a
        look declares its own ``@color-profile device-cmyk``).

        Raises ``BuildError`` for a PDF/X file without any printing profile: the file would
        claim an output condition it does not have."""
        if not self.options.shop:
            return None
        profile = printing_profile(self.options, self.base_dir)
        declared = any("@color-profile device-cmyk" in sheet.text for sheet in self.stylesheets)
        variant = self.options.pdf_variant or ""
        if profile is None and not declared and variant.startswith("pdf/x"):
            raise BuildError(
                f"{variant.upper()} needs a CMYK printing profile: name the printer's in "
                'book.toml ([print] icc = "fogra39.icc"), install Ghostscript\'s '
                f"({SYSTEM_CMYK}, Debian package libgs-common), or build with "
                "--pdf-variant none"
            )
        return profile

    @property
    def workers(self) -> int:
        """Processes for a book laid out in parts."""
        return self.jobs or min(os.cpu_count() or 1, 8)

    def image_href(self, src: str) -> str:
        """The URL of a figure's image, given its path in the sources folder."""
        return (self.base_dir / src).resolve().as_uri()

    def layout_gate(self) -> ResourceGate:
        """What WeasyPrint may read while laying out: the print shop's profile too."""
        profile = self.output_profile()
        if profile is not None:
            return ResourceGate([*self.gate.roots, profile.parent])
        return self.gate

    def print_html(self, book: Book, references=None, folios=None) -> str:
        """The book as one print HTML: without ``references``, the first layout's HTML."""
        return print_html(book, FONTS, references, self.image_href, folios)

    def layers(self, book: Book) -> list[tuple[str, str | None]]:
        """(CSS, base URL) of every layer in cascade order, the generated page layer included."""
        words = sum(chapter.article.word_count for chapter in book.chapters)
        layers: list[tuple[str, str | None]] = [
            (s.text, s.path.resolve().as_uri()) for s in self.stylesheets
        ]
        # The generated page layer goes right after the default print.css.
        position = next(
            (i + 1 for i, s in enumerate(self.stylesheets) if s.uid == "default-print"),
            len(layers),
        )
        layers.insert(position, (page_css(self.options, words, self.output_profile()), None))
        return layers

    def in_parts(self, book: Book) -> bool:
        """Whether ``book`` is long enough to be laid out in parts."""
        words = sum(chapter.article.word_count for chapter in book.chapters)
        return words >= self.split_from_words and len(book.chapters) > 1

    def render(self, book: Book, out: Path) -> PdfRendered:
        """Write ``book`` as a PDF at ``out`` (the caller makes the write atomic)."""
        from anthology.render.pdf.weasy import margin_hook_available

        hook = margin_hook_available()
        if hook and self.in_parts(book):
            from anthology.render.pdf.parts import render_in_parts

            return render_in_parts(self, book, out)
        collector = WarningCollector()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(collector)
        try:
            laid_out = self._lay_out(book) if hook else self._lay_out_twice(book)
            return self._write(book, laid_out, out, collector.messages)
        except OSError as exc:
            raise BuildError(f"cannot write the PDF ({exc.strerror or exc})", out) from None
        finally:
            logger.removeHandler(collector)

    def _weasyprint(self, book: Book, target_counters: bool = True):
        """A function laying out one HTML document with the book's stylesheets (and folios
        moved on by ``first_folio - 1``): its document and HTML tree."""
        import weasyprint

        from anthology.render.pdf.split import without_target_counters
        from anthology.render.pdf.weasy import (
            Numbering,
            install_linebreak,
            install_margin_hook,
            margin_hook_available,
            moved_folios,
        )

        if margin_hook_available():
            install_margin_hook()  # the line breaking mended too
        else:
            install_linebreak()
        fetcher = self.layout_gate().weasyprint_fetcher()
        base_url = self.base_dir.resolve().as_uri() + "/"
        # One dictionary for every stylesheet's @color-profile rules and the layout itself.
        profiles: dict = {}
        stylesheets = [
            weasyprint.CSS(
                string=text if target_counters else without_target_counters(text),
                base_url=url,
                url_fetcher=fetcher,
                color_profiles=profiles,
            )
            for text, url in self.layers(book)
        ]
        options = self._write_options()

        def lay_out(document_html: str, first_folio: int = 1, has_end: bool = False):
            html = weasyprint.HTML(string=document_html, base_url=base_url, url_fetcher=fetcher)
            folios = Numbering(lambda pages: first_folio, has_end)
            with moved_folios(folios.state):
                document = html.render(stylesheets=stylesheets, color_profiles=profiles, **options)
            return document, html.etree_element

        return lay_out

    def _lay_out(self, book: Book) -> LaidOut:
        """The book laid out once: the body, then the back matter with the page references
        the body's pages give, then the front matter with every section's folio; their pages
        make one document.

        Each is an HTML document of its own (``split.split_html``) starting on a right-hand
        page, as in the whole book: the back matter's folios are moved on to follow the body's,
        and the contents read each section's folio from ``data-page`` (``target-counter()``
        cannot see another document). WeasyPrint links, tags and bookmarks the joined pages
        as one document when it writes them.
        """
        from anthology.render.pdf.split import split_html

        lay_out = self._weasyprint(book, target_counters=False)
        back_ids = [doc_id for doc_id, _ in book.back_matter]

        def chunks(html: str):
            return split_html(html, back_ids, even=self.options.shop, joined=True)

        def pages_of(chunk, first_folio: int = 1):
            has_end = 'class="chunk-end"' in chunk.html
            document, root = lay_out(chunk.html, first_folio, has_end)
            pages = document.pages[:-1] if has_end else document.pages
            return document, pages, root

        # Rendered once: the page references and the contents' folios are written in as the
        # body's and the back matter's pages give them.
        context = print_context(book, FONTS, self.image_href)
        before = placeholder_references(book)
        marks = folio_marks(epub_doc_ids(book))
        html = print_html(book, FONTS, before, folios=marks, context=context)
        body = pages_of(next(c for c in chunks(html) if c.kind == "body"))
        laid = [body]
        folio_of = {anchor: 1 + index for anchor, index in anchor_pages(body[1]).items()}
        page_refs = references(book, folio_of)
        html = with_page_references(html, context, before, page_refs)
        back = [c for c in chunks(html) if c.kind == "back"] if book.back_matter else []
        if back:
            back_folio = 1 + len(body[1])
            laid.append(pages_of(back[0], back_folio))
            for anchor, index in anchor_pages(laid[-1][1]).items():
                folio_of.setdefault(anchor, back_folio + index)
        folios = {doc: str(folio_of.get(doc, "")) for doc in epub_doc_ids(book)}
        html = with_folios(html, marks, folios)
        front = pages_of(chunks(html)[0])
        laid.insert(0, front)
        doc_ids = set(epub_doc_ids(book))
        places = [place for _, pages, root in laid for place in page_places(pages, root, doc_ids)]
        # The first chunk's document gives the book's metadata (the others have none).
        document = front[0].copy([page for _, pages, _ in laid for page in pages])
        return LaidOut(document, len(front[1]), places, html, [d for d, _, _ in laid])

    def _lay_out_twice(self, book: Book) -> LaidOut:
        """The whole book as one HTML document, for a WeasyPrint whose folios cannot be moved
        on: a first layout finds the pages every indexed term falls on; the glossary and index
        are then filled in and the book laid out again."""
        lay_out = self._weasyprint(book)
        document_html = self.print_html(book)
        document, root = lay_out(document_html)
        if book.index:
            # The back matter follows every chapter, so filling in its page numbers moves
            # no chapter: the pages found in the first layout stay right.
            document_html = self.print_html(book, page_references(book, document))
            document, root = lay_out(document_html)
        if self.options.shop and len(document.pages) % 2:
            # Printers fold sheets: the book ends on an even page, a blank one if need be.
            blank = _blank_page(document)
            if blank is not None:
                document = document.copy([*document.pages, blank])
        first_body = next(
            (i for i, p in enumerate(document.pages) if body_start(book) in p.anchors), 0
        )
        places = page_places(document.pages, root, set(epub_doc_ids(book)))
        return LaidOut(document, first_body, places, document_html)

    def _write(self, book, laid_out: LaidOut, out: Path, warnings) -> PdfRendered:
        """Write the laid-out book; what it holds as a ``PdfRendered``."""
        document, first_body = laid_out.document, laid_out.first_body
        starts = starts_from_places(laid_out.places, first_body)
        low_resolution = (
            resolution_warnings(image_resolutions(document)) if self.options.shop else []
        )
        # A fixed identifier from the content keeps rebuilds byte-identical.
        identifier = hashlib.sha256(laid_out.html.encode("utf-8")).hexdigest()[:32].encode()
        stable_document_id(document, identifier.decode())
        document.write_pdf(
            out,
            pdf_identifier=identifier,
            finisher=self.finisher(first_body),
            **self._write_options(),
        )
        return PdfRendered(
            out,
            pages=len(document.pages),
            page_starts=tuple(starts),
            diagnostics=(
                *render_warnings(book, warnings, self.name),
                *low_resolution,
            ),
        )

    def finisher(self, first_body: int):
        """What is done to the PDF before it is written: page labels; for the print shop, the
        bleed box and no link annotations."""
        labels = page_labels(first_body)
        shop = print_shop_finisher(self.options.bleed_mm) if self.options.shop else None

        def finish(document, pdf) -> None:
            labels(document, pdf)
            if shop is not None:
                shop(document, pdf)

        return finish

    def _write_options(self) -> dict:
        return {"custom_metadata": True, "attachments": [], "pdf_variant": self.options.pdf_variant}

    def write_cover(self, book: Book, pages: int, out: Path) -> None:
        """The print cover for ``book`` of ``pages`` pages (the page count sets the spine): a
        vector sheet with bleed and crop marks beyond it, PDF/X-4 on a CMYK printing profile
        when there is one (a plain PDF, claiming nothing, when there is none)."""
        import weasyprint

        from anthology.render.cover import accent_colour, own_cover, print_cover_html

        picture = own_cover(self.base_dir)
        profile = printing_profile(self.options, self.base_dir)
        marks_bleed = self.options.bleed_mm + MARKS_MM
        css = f"@page {{ bleed: {marks_bleed:g}mm; marks: crop cross; }}"
        if profile is not None:
            css += (
                f'\n@color-profile device-cmyk {{ src: url("{profile.as_uri()}"); '
                "components: c, m, y, k; }"
            )
        document = print_cover_html(
            book,
            pages,
            self.options,
            picture.resolve().as_uri() if picture else None,
            accent_colour(self.stylesheets),
            css,
        )
        roots = [*self.gate.roots, *([profile.parent] if profile else [])]
        fetcher = ResourceGate(roots).weasyprint_fetcher()
        html = weasyprint.HTML(string=document, url_fetcher=fetcher)
        html.write_pdf(
            out,
            pdf_identifier=hashlib.sha256(document.encode()).hexdigest()[:32].encode(),
            pdf_variant="pdf/x-4" if profile is not None else None,
            finisher=print_shop_finisher(self.options.bleed_mm),
        )


def page_labels(first_body: int):
    """A WeasyPrint finisher giving the PDF ``/PageLabels`` that match the folios: lower-case
    roman numerals for the front matter, arabic from 1 where the text starts, so that a
    viewer's page 41 is folio 41."""

    def finish(document, pdf) -> None:
        import pydyf

        ranges: list = []
        if first_body > 0:
            ranges += [0, pydyf.Dictionary({"S": "/r"})]
        ranges += [first_body, pydyf.Dictionary({"S": "/D", "St": 1})]
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array(ranges)})

    return finish


def body_start(book: Book) -> str:
    """The id of the section where arabic page numbering starts (the first part or chapter)."""
    return book.parts[0].id if show_parts(book) else book.chapters[0].id


def folios(document, start_anchor: str) -> dict[str, int]:
    """The printed page number of every anchor: arabic numbers count from ``start_anchor``."""
    page_of = anchor_pages(document.pages)
    start = page_of.get(start_anchor, 0)
    return {anchor: index - start + 1 for anchor, index in page_of.items()}


def page_references(book: Book, document) -> dict[str, str]:
    """For each index entry, the printed pages its uses fall on, as ranges ("3–5, 9")."""
    return references(book, folios(document, body_start(book)))


def _blank_page(document):
    """A page of the document with nothing on it (the back of the half-title), if any."""
    for page in document.pages[:4]:
        if not page.anchors and not page.links and _is_empty(page):
            return page
    return None


def _is_empty(page) -> bool:
    from weasyprint.formatting_structure import boxes

    return not any(isinstance(b, boxes.TextBox) for b in page._page_box.descendants())
