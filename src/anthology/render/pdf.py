"""Book → print PDF through WeasyPrint: the same documents joined into one HTML, print CSS.

The page size, margins and (for the print shop) bleed and crop marks come from the edition's
print options as a CSS layer of their own, placed just after the default ``print.css`` so that
a look can still change them. A first layout finds the pages every indexed term falls on; the
glossary and index are then filled in and the book laid out again.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from anthology.config import PrintOptions
from anthology.errors import BuildError, Diagnostic
from anthology.glossary import page_ranges
from anthology.model import Book
from anthology.render.documents import epub_doc_ids, print_html, show_parts
from anthology.render.pagemap import PageStart, layout_key, page_starts
from anthology.render.styles import Stylesheet
from anthology.resources import ResourceGate

FONTS = "EB Garamond"  # the face named in the colophon; base.css asks for its text cut
MIN_DPI = 300
# The A5 margins everything else is scaled from (millimetres).
_A5 = {"width": 148.0, "height": 210.0, "top": 18.0, "bottom": 20.0, "inner": 20.0, "outer": 16.0}
_WORDS_PER_A5_PAGE = 330


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def page_css(options: PrintOptions, words: int) -> str:
    """The generated layer: trim size, margins scaled to it, a gutter that grows with the book.

    Binders need more inner margin the thicker the book: 2 mm more for every hundred pages
    past the first hundred, up to 8 mm, estimated from the word count.
    """
    width, height = options.size_mm
    across, down = width / _A5["width"], height / _A5["height"]
    area = across * down
    estimated_pages = words / (_WORDS_PER_A5_PAGE * area) if area else 0
    gutter = min(8.0, max(0.0, (estimated_pages - 100) / 100 * 2))
    top, bottom = _A5["top"] * down, _A5["bottom"] * down
    inner, outer = _A5["inner"] * across + gutter, _A5["outer"] * across
    font_size = 10.5 * min(max(across, 1.0), 1.05)
    css = [
        f"/* generated from [print]: {options.page}, about {estimated_pages:.0f} pages */",
        f"@page {{ size: {width}mm {height}mm; margin: {top:.1f}mm {outer:.1f}mm "
        f"{bottom:.1f}mm {inner:.1f}mm; }}",
        f"@page :left {{ margin-left: {outer:.1f}mm; margin-right: {inner:.1f}mm; }}",
        f"@page :right {{ margin-left: {inner:.1f}mm; margin-right: {outer:.1f}mm; }}",
        f"html {{ font-size: {font_size:.2f}pt; }}",
    ]
    if options.shop:
        css.append(f"@page {{ bleed: {options.bleed_mm}mm; marks: crop cross; }}")
        # PDF/X needs an output intent. Without a printer's CMYK profile (a look can declare
        # one as "@color-profile device-cmyk { src: url(…) }"), the colours are declared sRGB.
        css.append(
            f'@color-profile --output-intent {{ src: url("{srgb_profile().as_uri()}"); '
            "components: r, g, b; }"
        )
    return "\n".join(css) + "\n"


def srgb_profile() -> Path:
    """The sRGB ICC profile WeasyPrint ships (used as the PDF/X output intent)."""
    from importlib.resources import files

    return Path(str(files("weasyprint") / "pdf" / "sRGB2014.icc"))


class PdfRenderer:
    """Writes the print edition."""

    name = "pdf"
    suffix = ".pdf"

    def __init__(
        self,
        stylesheets: list[Stylesheet],
        gate: ResourceGate,
        base_dir: Path,
        options: PrintOptions | None = None,
    ):
        self.stylesheets = stylesheets
        self.gate = gate
        self.base_dir = base_dir
        self.options = options or PrintOptions()
        self.warnings: list[str] = []
        self.diagnostics: list[Diagnostic] = []
        self.page_count = 0
        self.page_starts: list[PageStart] = []
        self._image_href = _image_href_for(base_dir)

    def layout_key(self, book: Book) -> str:
        """A fingerprint of the layout: the same key, the same pages (no WeasyPrint needed)."""
        from importlib.metadata import version

        words = sum(chapter.article.word_count for chapter in book.chapters)
        return layout_key(
            version("weasyprint"),
            # The build's timestamp is in the HTML's metadata, not on any page.
            print_html(book, FONTS, image_href=self._image_href).replace(book.modified, ""),
            page_css(self.options, words),
            *(sheet.text for sheet in self.stylesheets),
        )

    def render(self, book: Book, out: Path) -> None:
        """Write ``book`` as a PDF at ``out`` (the caller makes the write atomic)."""
        import weasyprint

        if self.options.shop:
            self.gate = ResourceGate([*self.gate.roots, srgb_profile().parent])
        fetcher = self.gate.weasyprint_fetcher()
        base_url = self.base_dir.resolve().as_uri() + "/"
        words = sum(chapter.article.word_count for chapter in book.chapters)
        # One dictionary for every stylesheet's @color-profile rules and the layout itself.
        profiles: dict = {}
        layers = [
            weasyprint.CSS(
                string=s.text,
                base_url=s.path.resolve().as_uri(),
                url_fetcher=fetcher,
                color_profiles=profiles,
            )
            for s in self.stylesheets
        ]
        generated = weasyprint.CSS(
            string=page_css(self.options, words), url_fetcher=fetcher, color_profiles=profiles
        )
        # The generated page layer goes right after the default print.css.
        position = next(
            (i + 1 for i, s in enumerate(self.stylesheets) if s.uid == "default-print"),
            len(layers),
        )
        stylesheets = [*layers[:position], generated, *layers[position:]]
        variant = self.options.pdf_variant
        options = {"custom_metadata": True, "attachments": [], "pdf_variant": variant}

        trees = []

        def layout(document_html: str, final: bool = True):
            html = weasyprint.HTML(string=document_html, base_url=base_url, url_fetcher=fetcher)
            trees[:] = [html.etree_element]
            # A first layout only finds page numbers: it needs no tagging for PDF/UA.
            return html.render(
                stylesheets=stylesheets, color_profiles=profiles, **(options if final else {})
            )

        collector = _Collect()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(collector)
        try:
            document_html = print_html(book, FONTS, image_href=self._image_href)
            document = layout(document_html, final=not book.index)
            if book.index:
                # The back matter follows every chapter, so filling in its page numbers moves
                # no chapter: the pages found in the first layout stay right.
                references = page_references(book, document)
                document_html = print_html(book, FONTS, references, self._image_href)
                document = layout(document_html)
            if self.options.shop and len(document.pages) % 2:
                # Printers fold sheets: the book ends on an even page, a blank one if need be.
                blank = _blank_page(document)
                if blank is not None:
                    document = document.copy([*document.pages, blank])
            self.page_count = len(document.pages)
            first_body = next(
                (i for i, p in enumerate(document.pages) if body_start(book) in p.anchors), 0
            )
            self.page_starts = page_starts(document, trees[0], set(epub_doc_ids(book)), first_body)
            if self.options.shop:
                self.diagnostics.extend(low_resolution_images(document, self.base_dir))
            # A fixed identifier from the content keeps rebuilds byte-identical.
            identifier = hashlib.sha256(document_html.encode("utf-8")).hexdigest()[:32].encode()
            _stable_document_id(document, identifier.decode())
            document.write_pdf(out, pdf_identifier=identifier, **options)
        except OSError as exc:
            raise BuildError(f"cannot write the PDF ({exc.strerror or exc})", out) from None
        finally:
            logger.removeHandler(collector)
        self.warnings = collector.messages


def _stable_document_id(document, identifier: str) -> None:
    """PDF/X-4 metadata carries an xmpMM:DocumentID that WeasyPrint draws at random; derive it
    from the content instead, so that the same book gives the same bytes."""
    import re
    import uuid

    metadata = document.metadata
    generate = metadata.generate_rdf_metadata
    stable = f"xmp.did:{uuid.UUID(hex=identifier)}".encode()

    def generate_stable(*args, **kwargs) -> bytes:
        return re.sub(rb"xmp\.did:[0-9a-fA-F-]{36}", stable, generate(*args, **kwargs))

    metadata.generate_rdf_metadata = generate_stable


def _image_href_for(sources: Path):
    def href(src: str) -> str:
        return (sources / src).resolve().as_uri()

    return href


def body_start(book: Book) -> str:
    """The id of the section where arabic page numbering starts (the first part or chapter)."""
    return book.parts[0].id if show_parts(book) else book.chapters[0].id


def folios(document, start_anchor: str) -> dict[str, int]:
    """The printed page number of every anchor: arabic numbers count from ``start_anchor``."""
    page_of: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            page_of.setdefault(anchor, index)
    start = page_of.get(start_anchor, 0)
    return {anchor: index - start + 1 for anchor, index in page_of.items()}


def page_references(book: Book, document) -> dict[str, str]:
    """For each index entry, the printed pages its uses fall on, as ranges ("3–5, 9")."""
    page_of = folios(document, body_start(book))
    pages: dict[str, list[int]] = {entry.id: [] for entry in book.index}
    for occurrence in book.occurrences:
        if occurrence.anchor in page_of:
            pages[occurrence.entry_id].append(page_of[occurrence.anchor])
    return {entry_id: page_ranges(numbers) for entry_id, numbers in pages.items()}


def _blank_page(document):
    """A page of the document with nothing on it (the back of the half-title), if any."""
    for page in document.pages[:4]:
        if not page.anchors and not page.links and _is_empty(page):
            return page
    return None


def _is_empty(page) -> bool:
    from weasyprint.formatting_structure import boxes

    return not any(isinstance(b, boxes.TextBox) for b in page._page_box.descendants())


def low_resolution_images(document, base_dir: Path) -> list[Diagnostic]:
    """A warning for each image printed at less than 300 dpi."""
    from weasyprint.formatting_structure import boxes

    found: list[Diagnostic] = []
    seen: set[str] = set()
    for number, page in enumerate(document.pages, start=1):
        for box in page._page_box.descendants():
            if not isinstance(box, boxes.InlineReplacedBox | boxes.BlockReplacedBox):
                continue
            image = box.replacement
            width_px = getattr(image, "width", None) or getattr(image, "_intrinsic_width", None)
            if not width_px or not box.width:
                continue
            printed_inches = box.width / 96  # CSS pixels
            dpi = width_px / printed_inches
            name = box.element.get("src", "image") if box.element is not None else "image"
            if dpi < MIN_DPI and name not in seen:
                seen.add(name)
                found.append(
                    Diagnostic(
                        "print-001",
                        "warning",
                        name,
                        f"printed at {dpi:.0f} dpi on page {number}, below {MIN_DPI} dpi",
                    )
                )
    return found


def write_print_cover(renderer: PdfRenderer, book: Book, out: Path) -> None:
    """The print cover for a book just rendered by ``renderer`` (its page count sets the spine)."""
    import tempfile

    import weasyprint

    from anthology.render.cover import accent_colour, front_cover, own_cover, print_cover_html

    with tempfile.TemporaryDirectory(dir=out.parent) as folder:
        front = own_cover(renderer.base_dir)
        if front is None:
            front = Path(folder) / "front.jpg"
            front.write_bytes(front_cover(book, accent_colour(renderer.stylesheets)))
        gate = ResourceGate([*renderer.gate.roots, Path(folder)])
        document = print_cover_html(
            book, renderer.page_count, renderer.options, front.resolve().as_uri()
        )
        html = weasyprint.HTML(string=document, url_fetcher=gate.weasyprint_fetcher())
        html.write_pdf(
            out, pdf_identifier=hashlib.sha256(document.encode()).hexdigest()[:32].encode()
        )
