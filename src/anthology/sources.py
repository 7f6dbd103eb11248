"""Find the edition's pages, read their bytes, decide their kind and decode them into ``Page``s."""

from __future__ import annotations

import codecs
import gzip
import re
from dataclasses import dataclass
from pathlib import Path

from anthology.config import Edition
from anthology.errors import SourceError, display_path

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")
MAX_PAGE_BYTES = 50 * 1024 * 1024

# Characters XML 1.0 forbids (C0 controls except tab, newline, carriage return; surrogates; FFFE/F).
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)


@dataclass(frozen=True)
class Page:
    """A source page read from disk: its name in the edition, kind and decoded text."""

    path: Path
    name: str  # the file name relative to sources/, as book.toml lists it
    shown: str  # the path to show in messages (relative to the edition root)
    kind: str  # "text" | "html"
    text: str


def page_kind(path: Path) -> str | None:
    """``"text"`` or ``"html"`` by file name, or None for files that are not pages."""
    name = path.name.lower()
    if name.endswith(TEXT_SUFFIXES):
        return "text"
    if name.endswith(HTML_SUFFIXES):
        return "html"
    return None


def discover(edition: Edition) -> list[Path]:
    """The page files of the edition in a stable order: book.toml's order, or by name."""
    if edition.configured:
        return [edition.sources / entry.source for part in edition.parts for entry in part.articles]
    pages = [
        p
        for p in sorted(edition.sources.iterdir(), key=lambda p: p.name)
        if p.is_file() and not p.name.startswith(".") and page_kind(p)
    ]
    if not pages:
        raise SourceError(
            "no pages found (expected .txt or .html files)",
            display_path(edition.sources, edition.root),
        )
    return pages


def read_page(path: Path, edition: Edition) -> Page:
    """Read and decode one page.

    Raises:
        SourceError: the file is unreadable, empty, binary or too large.
    """
    shown = display_path(path, edition.root)
    kind = page_kind(path)
    if kind is None:
        raise SourceError("not a page this tool reads (use .txt or .html)", shown)
    resolved = path.resolve()
    if not resolved.is_relative_to(edition.sources.resolve()):
        raise SourceError("points outside the sources/ folder (a symlink?); refused", shown)
    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            raise SourceError(
                f"is {size // (1024 * 1024)} MB, over the 50 MB limit for a page", shown
            )
        data = path.read_bytes()
        if path.name.lower().endswith(".gz"):
            data = gzip.decompress(data)
    except OSError as exc:
        raise SourceError(
            f"cannot be read ({exc.strerror or exc.__class__.__name__})", shown
        ) from None
    except (EOFError, gzip.BadGzipFile):
        raise SourceError("is not a valid gzip file", shown) from None
    if not data.strip():
        raise SourceError("is empty", shown)
    text = decode(data, kind)
    if text is None:
        raise SourceError("looks like binary data, not a text or HTML page", shown)
    name = (
        str(path.relative_to(edition.sources))
        if path.is_relative_to(edition.sources)
        else path.name
    )
    return Page(path=path, name=name, shown=shown, kind=kind, text=text)


def decode(data: bytes, kind: str) -> str | None:
    """Decode page bytes: BOM, then UTF-8, then a verified declared charset, then detection.

    Returns None when the bytes are not text at all.
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, errors="replace")
            return _XML_FORBIDDEN.sub("", text)
    if _looks_binary(data):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
        if kind == "html":
            match = _DECLARED_CHARSET.search(data[:4096])
            if match:
                try:
                    text = data.decode(match.group(1).decode("ascii"))
                except (LookupError, UnicodeDecodeError):
                    text = None
        if text is None:
            from charset_normalizer import from_bytes

            best = from_bytes(data).best()
            text = str(best) if best is not None else data.decode("cp1252", errors="replace")
    return _XML_FORBIDDEN.sub("", text)


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > len(sample) * 0.05
