"""What a renderer returns: the file it wrote and what it learned while writing it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from anthology.core.errors import Diagnostic
from anthology.render.places import PageStart


@dataclass(frozen=True)
class Rendered:
    """One edition written: where, how many pages, where they start, what went wrong."""

    path: Path
    pages: int = 0  # of a paged edition (the PDF); 0 for the others
    page_starts: tuple[PageStart, ...] = ()  # where each printed page starts (the PDF's)
    diagnostics: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class PdfRendered(Rendered):
    """The print edition written, and how its layout went."""

    parts: int = 1  # how many separately laid-out parts the PDF was joined from
    laid_out: int = 1  # how many of them were laid out in this build (not from the cache)
