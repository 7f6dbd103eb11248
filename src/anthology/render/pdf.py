"""Book → print PDF through WeasyPrint: the same documents joined into one HTML, print CSS."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from anthology.errors import BuildError
from anthology.glossary import page_ranges
from anthology.model import Book
from anthology.render.documents import print_html
from anthology.render.styles import Stylesheet
from anthology.resources import ResourceGate

FONTS = "EB Garamond"


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


class PdfRenderer:
    """Writes the print edition."""

    name = "pdf"
    suffix = ".pdf"

    def __init__(self, stylesheets: list[Stylesheet], gate: ResourceGate, base_dir: Path):
        self.stylesheets = stylesheets
        self.gate = gate
        self.base_dir = base_dir
        self.warnings: list[str] = []

    def render(self, book: Book, out: Path) -> None:
        """Write ``book`` as a PDF at ``out`` (the caller makes the write atomic)."""
        import weasyprint

        fetcher = self.gate.weasyprint_fetcher()
        base_url = self.base_dir.resolve().as_uri() + "/"
        stylesheets = [
            weasyprint.CSS(
                string=sheet.text, base_url=sheet.path.resolve().as_uri(), url_fetcher=fetcher
            )
            for sheet in self.stylesheets
        ]
        options = {"custom_metadata": True, "attachments": []}

        def layout(document_html: str):
            html = weasyprint.HTML(string=document_html, base_url=base_url, url_fetcher=fetcher)
            return html.render(stylesheets=stylesheets, **options)

        collector = _Collect()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(collector)
        try:
            document_html = print_html(book, FONTS)
            document = layout(document_html)
            if book.index:
                # Page references for the glossary and index come from a first layout; the
                # back matter follows every chapter, so filling them in moves no chapter.
                document_html = print_html(book, FONTS, page_references(book, document))
                document = layout(document_html)
            # A fixed identifier from the content keeps rebuilds byte-identical.
            identifier = hashlib.sha256(document_html.encode("utf-8")).hexdigest()[:32].encode()
            document.write_pdf(out, pdf_identifier=identifier, **options)
        except OSError as exc:
            raise BuildError(f"cannot write the PDF ({exc.strerror or exc})", out) from None
        finally:
            logger.removeHandler(collector)
        self.warnings = collector.messages


def page_references(book: Book, document) -> dict[str, str]:
    """For each index entry, the pages its uses fall on, as ranges ("3–5, 9")."""
    page_of: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            page_of.setdefault(anchor, number)
    pages: dict[str, list[int]] = {entry.id: [] for entry in book.index}
    for occurrence in book.occurrences:
        if occurrence.anchor in page_of:
            pages[occurrence.entry_id].append(page_of[occurrence.anchor])
    return {entry_id: page_ranges(numbers) for entry_id, numbers in pages.items()}
