"""What both PDF layouts (in one piece, or in parts side by side) read from or fix in a laid-out
WeasyPrint document: its warnings, its document id, the page of each anchor, the pages of each
index entry and the images printed below 300 dpi."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from anthology.core.errors import Diagnostic
from anthology.core.model import Book, block_fragments
from anthology.glossary import page_ranges

FONTS = "EB Garamond"  # the face named in the colophon; base.css asks for its text cut
MIN_DPI = 300


class WarningCollector(logging.Handler):
    """Keeps WeasyPrint's warnings for the build's report."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


# WeasyPrint logs one of these for every character no font in the stack has (drawn as a box).
_NOTDEF = re.compile(
    r'^\.notdef glyph rendered for Unicode string unsupported by fonts: "(.)"', re.S
)


def render_warnings(book: Book, messages: Iterable[str], medium: str) -> list[Diagnostic]:
    """WeasyPrint's warnings as diagnostics, its missing-glyph ones (one per character drawn as
    a box) grouped into one per chapter naming the characters."""
    missing: set[str] = set()
    others: list[str] = []
    for message in dict.fromkeys(messages):
        match = _NOTDEF.match(message)
        if match:
            missing.add(match.group(1))
        else:
            others.append(message)
    found = [Diagnostic("render-001", "warning", medium, m) for m in others]
    return found + missing_glyph_warnings(book, missing)


def missing_glyph_warnings(book: Book, missing: set[str]) -> list[Diagnostic]:
    """One ``render-glyphs`` warning for each chapter (or other part of the book) whose text
    holds characters no font in the stack has."""
    if not missing:
        return []
    found = []
    left = set(missing)
    for chapter in book.chapters:
        article = chapter.article
        text = " ".join(
            [article.title, article.standfirst, article.byline, article.kicker]
            + [f for block in article.body for f in block_fragments(block)]
        )
        here = sorted(c for c in missing if c in text)
        if here:
            left -= set(here)
            found.append(Diagnostic("render-glyphs", "warning", article.source, _glyphs(here)))
    if left:
        found.append(Diagnostic("render-glyphs", "warning", "pdf", _glyphs(sorted(left))))
    return found


def _glyphs(characters: list[str]) -> str:
    shown = ", ".join(f'"{c}" (U+{ord(c):04X})' for c in characters[:12])
    more = f" and {len(characters) - 12} more" if len(characters) > 12 else ""
    plural = "s" * (len(characters) != 1)
    return (
        f"no font has {len(characters)} character{plural} of this text ({shown}{more}): "
        "printed as boxes; install a font that has them (setup.sh installs Noto CJK and emoji)"
    )


def stable_document_id(document, identifier: str) -> None:
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


def anchor_pages(pages) -> dict[str, int]:
    """The index of the page each anchor is on (its first, if several)."""
    page_of: dict[str, int] = {}
    for index, page in enumerate(pages):
        for anchor in page.anchors:
            page_of.setdefault(anchor, index)
    return page_of


def references(book: Book, page_of: dict[str, int]) -> dict[str, str]:
    """For each index entry, the pages (``page_of`` its anchors) its uses fall on, as ranges."""
    pages: dict[str, list[int]] = {entry.id: [] for entry in book.index}
    for occurrence in book.occurrences:
        if occurrence.anchor in page_of:
            pages[occurrence.entry_id].append(page_of[occurrence.anchor])
    return {entry_id: page_ranges(numbers) for entry_id, numbers in pages.items()}


def resolution_warnings(found: Iterable[tuple[int, str, float]]) -> list[Diagnostic]:
    """The warnings for images printed below 300 dpi: (0-based page, image, dpi) each."""
    return [
        Diagnostic(
            "print-001",
            "warning",
            name,
            f"printed at {dpi:.0f} dpi on page {index + 1}, below {MIN_DPI} dpi",
        )
        for index, name, dpi in found
    ]


def image_resolutions(document) -> list[tuple[int, str, float]]:
    """(page index, image, dpi) for the first printing of each image below 300 dpi."""
    from weasyprint.formatting_structure import boxes

    found: list[tuple[int, str, float]] = []
    seen: set[str] = set()
    for index, page in enumerate(document.pages):
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
                found.append((index, name, dpi))
    return found


def print_shop_finisher(bleed_mm: float):
    """A WeasyPrint finisher for the print shop: each page's BleedBox set to the bleed (the
    crop marks lie beyond it), and no link annotations (paper cannot click; PDF/X preflight
    flags them)."""
    bleed = bleed_mm * 72 / 25.4

    def finish(document, pdf) -> None:
        import pydyf

        for obj in pdf.objects:
            if not isinstance(obj, dict) or obj.get("Type") != "/Page":
                continue
            obj.pop("Annots", None)
            trim = obj.get("TrimBox")
            if trim is not None:
                left, top, right, bottom = (float(v) for v in trim)
                obj["BleedBox"] = pydyf.Array(
                    [left - bleed, top - bleed, right + bleed, bottom + bleed]
                )

    return finish
