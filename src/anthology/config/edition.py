"""An edition as its files describe it: the edition, its parts and articles, print options."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from anthology.config.units import PAGE_SIZES
from anthology.core.limits import Limits
from anthology.core.model import GlossaryEntry


@dataclass(frozen=True)
class ArticleEntry:
    """One article as the editor lists it in a part, with optional overrides of its metadata."""

    source: str
    title: str = ""
    author: str = ""
    date: date | None = None
    url: str = ""
    publication: str = ""
    standfirst: str = ""
    running_title: str = ""  # the print running head, instead of the shortened title


@dataclass(frozen=True)
class PartConfig:
    """A themed part as configured: title, introduction and ordered articles."""

    title: str
    intro: str
    articles: tuple[ArticleEntry, ...]


@dataclass(frozen=True)
class PrintOptions:
    """How the PDF is made: ``[print]`` in book.toml, overridden by command-line options."""

    page: str = "A5"  # a name in PAGE_SIZES
    shop: bool = False  # bleed, crop marks, PDF/X, an even page count
    bleed_mm: float = 3.0
    variant: str = ""  # "" picks pdf/ua-1, or pdf/x-4 for the print shop
    paper: str = "80gsm"  # for the cover's spine: a paper weight or a thickness in mm
    cover: bool = False  # also write the print cover (back, spine, front) as <slug>-cover.pdf
    icc: str = ""  # the printer's CMYK profile, relative to sources/ ("" : the system's)
    # The page book.toml asks for: the reading PDF's. A page given on the command line instead
    # makes a PDF of its own (``layout_tag``), so the one the EPUB's page numbers follow stays.
    book_page: str = "A5"

    @property
    def layout_tag(self) -> str:
        """"" for the reading PDF's layout, else the page's name in the file name ("a4")."""
        if self.page == self.book_page:
            return ""
        return re.sub(r"[^a-z0-9]+", "-", self.page.lower()).strip("-")

    @property
    def pdf_variant(self) -> str | None:
        """The WeasyPrint PDF variant, or None for a plain PDF."""
        variant = self.variant or ("pdf/x-4" if self.shop else "pdf/ua-1")
        return None if variant == "none" else variant

    @property
    def size_mm(self) -> tuple[float, float]:
        """(width, height) of the trimmed page."""
        return PAGE_SIZES[self.page]


@dataclass(frozen=True)
class Edition:
    """The edition folder and everything ``book.toml`` says about it."""

    root: Path
    title: str
    subtitle: str = ""
    editor: str = ""
    language: str = "en"
    description: str = ""
    rights: str = ""
    date: date | None = None
    identifier: str = ""
    parts: tuple[PartConfig, ...] = ()
    configured: bool = False  # False when the folder has no book.toml
    style: str = ""
    glossary: tuple[GlossaryEntry, ...] = ()
    index_extra: tuple[str, ...] = ()
    print: PrintOptions = PrintOptions()
    limits: Limits = Limits()
    labels: tuple[tuple[str, object], ...] = ()  # [labels]: the editor's own words for the labels

    @property
    def sources(self) -> Path:
        """The folder holding the pages."""
        return self.root / "sources"
