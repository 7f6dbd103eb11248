"""A printed page's place as both editions count it: the document, the text block in it and
the characters before (``pdf/pagemap.py`` finds the places, ``epub/marks.py`` marks them)."""

from __future__ import annotations

from dataclasses import dataclass

# The elements that hold running text; a piece of text belongs to the innermost one.
BLOCKS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "figcaption", "td", "th", "pre"}
)
# Documents whose markup differs between the editions: a page there points to their start.
WHOLE = frozenset({"toc"})
XHTML = "http://www.w3.org/1999/xhtml"
EPUB = "http://www.idpf.org/2007/ops"


@dataclass(frozen=True)
class PageStart:
    """Where a printed page starts: its folio and its place in an EPUB document."""

    label: str  # the printed folio: "iv", "12"
    doc: str  # the id of the EPUB document
    block: int  # index of the text block in that document; -1 for the document's start
    offset: int  # non-space characters of the block printed on earlier pages


def local_name(tag) -> str:
    """An element's tag without its namespace ("" for comments and the like)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def text_blocks(container) -> list:
    """The elements in ``container`` that hold running text, in document order."""
    return [e for e in container.iter() if local_name(e.tag) in BLOCKS]
