"""What one page or image may cost, and the longest title: the edition's ``[limits]``."""

from __future__ import annotations

from dataclasses import dataclass

# The longest title of a book or an article: it names files and running heads; longer
# "titles" of pages are a paragraph or a broken page.
TITLE_MAX_CHARS = 200

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one page or image may cost: ``[limits]`` in book.toml.

    A page or image over a limit stops the build with a line that names the file, the limit and
    the key that raises it; nothing is cut short silently.
    """

    page_size: int = 50 * MB  # bytes of one page (after gzip decompression)
    depth: int = 5000  # how deeply a page's elements may nest
    image_size: int = 40 * MB  # bytes of one image file
    image_megapixels: float = 50.0  # pixels of one image, in millions
    clean_seconds: float = 30.0  # time to clean one page; 0 for no limit
    words: int = 300_000  # words of one article (a long book is 100,000)

    def exceeded(self, key: str, what: str) -> str:
        """The message for a file over the limit ``key``: ``page is 31.4 MB, over the …``."""
        return f"{what}, over the {self.shown(key)} limit ([limits] {key} in book.toml)"

    def shown(self, key: str) -> str:
        """A limit as people write it: ``25 MB``, ``5000 levels``, ``50 megapixel``, ``30 s``."""
        value = getattr(self, key)
        if key in ("page_size", "image_size"):
            return format_size(value)
        if key == "image_megapixels":
            return f"{value:g} megapixel"
        if key == "clean_seconds":
            return f"{value:g} s"
        if key == "words":
            return f"{value:,}-word"
        return f"{value}"


def format_size(size: int) -> str:
    """Bytes as ``25 MB``, ``31.4 MB`` or ``900 KB`` (1 MB = 1024 × 1024 bytes)."""
    for unit, scale in (("GB", 1024 * MB), ("MB", MB), ("KB", 1024)):
        if size >= scale:
            amount = size / scale
            return f"{amount:.0f} {unit}" if amount == int(amount) else f"{amount:.1f} {unit}"
    return f"{size} bytes"
