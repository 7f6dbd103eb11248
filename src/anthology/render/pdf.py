"""Book → print PDF through WeasyPrint: the same documents joined into one HTML, print CSS."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from anthology.errors import BuildError
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
        document = print_html(book, FONTS)
        base_url = self.base_dir.resolve().as_uri() + "/"
        stylesheets = [
            weasyprint.CSS(
                string=sheet.text, base_url=sheet.path.resolve().as_uri(), url_fetcher=fetcher
            )
            for sheet in self.stylesheets
        ]
        collector = _Collect()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(collector)
        try:
            html = weasyprint.HTML(string=document, base_url=base_url, url_fetcher=fetcher)
            # A fixed identifier from the content keeps rebuilds byte-identical.
            identifier = hashlib.sha256(document.encode("utf-8")).hexdigest()[:32].encode()
            html.write_pdf(
                out,
                stylesheets=stylesheets,
                pdf_identifier=identifier,
                custom_metadata=True,
                uncompressed_pdf=False,
                attachments=[],
            )
        except OSError as exc:
            raise BuildError(f"cannot write the PDF ({exc.strerror or exc})", out) from None
        finally:
            logger.removeHandler(collector)
        self.warnings = collector.messages
