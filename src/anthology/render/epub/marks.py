"""Page-break markers in the EPUB where the print edition's pages start (see ``pdf/pagemap.py``)."""

from __future__ import annotations

from anthology.core.model import VOID_ELEMENTS
from anthology.render.places import EPUB, WHOLE, XHTML, PageStart, local_name, text_blocks

# Elements in which a marker may stand between blocks (not lists, tables or definition lists).
_FLOW_PARENTS = frozenset(
    {"body", "section", "div", "header", "footer", "article", "aside", "blockquote", "main"}
)
_PROLOGUE = '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'


def mark_pages(xhtml: str, starts: list[PageStart]) -> str:
    """An EPUB document with a page-break marker where each of ``starts`` begins.

    ``starts`` are the pages that start in this document, in order.
    """
    if not starts:
        return xhtml
    from lxml import etree

    root = etree.fromstring(xhtml.encode("utf-8"))
    body = root.find(f"{{{XHTML}}}body")
    blocks = [] if starts[0].doc in WHOLE else text_blocks(body)
    keyed = {id(b) for b in blocks}
    at_end = [s for s in starts if s.block >= len(blocks)]
    # Last page first, so that markers at the same place end up in page order.
    for start in reversed([s for s in starts if s.block < len(blocks)]):
        marker = _marker(start.label)
        if start.block < 0:
            marker.tail, body.text = body.text, None
            body.insert(0, marker)
        else:
            _insert(blocks[start.block], start.offset, marker, keyed)
    for start in at_end:
        body.append(_marker(start.label))
    return _PROLOGUE + etree.tostring(root, encoding="unicode") + "\n"


def _marker(label: str):
    from lxml import etree

    return etree.Element(
        f"{{{XHTML}}}span",
        {
            f"{{{EPUB}}}type": "pagebreak",
            "role": "doc-pagebreak",
            "id": f"page-{label}",
            "aria-label": label,
        },
    )


def _segments(element, top, keyed):
    """(node, "text" | "tail") for the block's own text, skipping blocks nested inside it.

    A void element (``<br>``, ``<img>``) has no text to hold a marker (epubcheck RSC-005), nor
    has a formula (MathML holds no XHTML).
    """
    if local_name(element.tag) == "math":
        return
    if local_name(element.tag) not in VOID_ELEMENTS:
        yield element, "text"
    for child in element:
        if isinstance(child.tag, str) and id(child) not in keyed:
            yield from _segments(child, top, keyed)
        yield child, "tail"


def _insert(block, offset: int, marker, keyed: set[int]) -> None:
    """Put ``marker`` before the first word of ``block`` that starts after ``offset`` characters.

    A page that starts with the block gets its marker just before it, where markup allows.
    """
    parent = block.getparent()
    if offset == 0 and parent is not None and local_name(parent.tag) in _FLOW_PARENTS:
        # Before the markers of later pages already put there (a blank page before a chapter).
        index = parent.index(block)
        while index and parent[index - 1].get("role") == "doc-pagebreak":
            index -= 1
        parent.insert(index, marker)
        return
    remaining = offset
    for node, attribute in _segments(block, block, keyed - {id(block)}):
        text = getattr(node, attribute) or ""
        count = sum(1 for c in text if not c.isspace() and c != "\u00ad")
        index = _position(text, remaining) if remaining <= count else len(text)
        if remaining > count or (remaining and not text[index:].strip()):
            remaining -= min(remaining, count)
            continue  # the page starts further on, perhaps in the next piece of text
        before, after = text[:index], text[index:]
        setattr(node, attribute, before or None)
        marker.tail = after or None
        if attribute == "text":
            node.insert(0, marker)
        else:
            parent = node.getparent()
            parent.insert(parent.index(node) + 1, marker)
        return
    block.append(marker)


def _position(text: str, characters: int) -> int:
    """The index in ``text`` after ``characters`` non-space characters and the rest of that word."""
    index = 0
    seen = 0
    while index < len(text) and seen < characters:
        if not text[index].isspace() and text[index] != "\u00ad":
            seen += 1
        index += 1
    if characters:
        while index < len(text) and not text[index].isspace():
            index += 1  # a word carried over from the previous page stays before the marker
    while index < len(text) and text[index].isspace():
        index += 1
    return index
