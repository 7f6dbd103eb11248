"""One set of page numbers for both editions: where each printed page starts, carried into the EPUB.

The print layout is read back from WeasyPrint's boxes: for every page, the first piece of text
on it, as a position both editions share: the document (chapter, part, glossary …), the
paragraph-like block within it (counted in document order) and how many non-space characters of
that block went onto earlier pages. The EPUB then gets a page-break marker at the same place in
its copy of that block, and its navigation document a page list.

Counting characters, not words or lines, makes the position independent of how each medium
breaks lines; generated text (footnote calls, list markers, contents leaders) and the footnote
area are left out on paper because the EPUB does not have them.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from anthology.core.files import write_atomic

# The elements that hold running text; a piece of text belongs to the innermost one.
BLOCKS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "figcaption", "td", "th", "pre"}
)
# Documents whose markup differs between the editions: a page there points to their start.
WHOLE = frozenset({"toc"})
XHTML = "http://www.w3.org/1999/xhtml"
EPUB = "http://www.idpf.org/2007/ops"
FORMAT = 1
# Elements in which a marker may stand between blocks (not lists, tables or definition lists).
_FLOW_PARENTS = frozenset(
    {"body", "section", "div", "header", "footer", "article", "aside", "blockquote", "main"}
)
_PROLOGUE = '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'


@dataclass(frozen=True)
class PageStart:
    """Where a printed page starts: its folio and its place in an EPUB document."""

    label: str  # the printed folio: "iv", "12"
    doc: str  # the id of the EPUB document
    block: int  # index of the text block in that document; -1 for the document's start
    offset: int  # non-space characters of the block printed on earlier pages


def roman(number: int) -> str:
    """Lower-case roman numerals, as the front matter is numbered."""
    numerals = (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    )  # fmt: skip
    out = []
    for value, letters in numerals:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def folio(index: int, body_start: int) -> str:
    """The printed number of page ``index`` (0-based): roman before the body, arabic from it."""
    return roman(index + 1) if index < body_start else str(index - body_start + 1)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _blocks(container) -> list:
    return [e for e in container.iter() if _local(e.tag) in BLOCKS]


def print_keys(root, doc_ids: set[str]) -> tuple[dict[int, str], dict[int, tuple[str, int]]]:
    """For the print HTML tree: the sections that are EPUB documents, and every text block's key.

    Returns two maps keyed by ``id(element)``: section → document id, block → (document id, n).
    """
    sections: dict[int, str] = {}
    blocks: dict[int, tuple[str, int]] = {}
    for element in root.iter():
        doc = element.get("id") if _local(element.tag) in ("section", "nav") else None
        if doc not in doc_ids or doc is None:
            continue
        sections[id(element)] = doc
        if doc not in WHOLE:
            for number, block in enumerate(_blocks(element)):
                blocks[id(block)] = (doc, number)
    return sections, blocks


def page_starts(document, root, doc_ids: set[str], body_start: int) -> list[PageStart]:
    """Where every page of a laid-out WeasyPrint ``document`` starts.

    Args:
        document: the rendered document.
        root: the HTML tree it was rendered from (``weasyprint.HTML(...).etree_element``).
        doc_ids: ids of the EPUB's documents; sections with these ids are followed.
        body_start: index of the page where arabic numbering starts.
    """
    return starts_from_places(page_places(document.pages, root, doc_ids), body_start)


Place = tuple[str, int, int]  # (document id, block index or -1, characters printed before)


def page_places(pages, root, doc_ids: set[str]) -> list[Place | None]:
    """For each laid-out page, where its first text is (None for a page without text)."""
    sections, blocks = print_keys(root, doc_ids)
    printed: dict[tuple[str, int], int] = defaultdict(int)
    found: list[Place | None] = []
    for page in pages:
        first = None
        for box, doc, key in _text_boxes(page._page_box, sections, blocks):
            chars = _characters(box)
            if not chars or doc is None:
                continue
            if first is None:
                first = (doc, key[1], printed[key]) if key and key[0] == doc else (doc, -1, 0)
            if key:
                printed[key] += chars
        found.append(first)
    return found


def starts_from_places(found: list[Place | None], body_start: int) -> list[PageStart]:
    """Page starts from the places of every page of the book, in order.

    A page with no text of its own (blank, half-title) points where the next page does.
    """
    starts: list[PageStart] = []
    following = None
    for index in range(len(found) - 1, -1, -1):
        following = found[index] or following
        place = following or next((f for f in reversed(found) if f), None)
        if place is not None:
            starts.append(PageStart(folio(index, body_start), *place))
    return starts[::-1]


def _text_boxes(box, sections, blocks, doc=None, key=None):
    """The text boxes of a page's main area, in order, with their document and block."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.MarginBox | boxes.FootnoteAreaBox):
        return
    tag = box.element_tag or ""
    pseudo = tag.partition("::")[2]
    if pseudo and pseudo not in ("first-letter", "first-line"):
        return  # generated content: footnote calls, markers, leaders
    if box.element is not None and not pseudo:
        doc = sections.get(id(box.element), doc)
        key = blocks.get(id(box.element), key)
    if isinstance(box, boxes.TextBox):
        yield box, doc, key
        return
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child, sections, blocks, doc, key)


def _characters(box) -> int:
    text = box.text
    hyphen = box.style["hyphenate_character"]
    if hyphen and text.endswith(hyphen):
        text = text[: -len(hyphen)]  # added where the line was hyphenated
    return sum(1 for c in text if not c.isspace() and c != "\u00ad")


def mark_pages(xhtml: str, starts: list[PageStart]) -> str:
    """An EPUB document with a page-break marker where each of ``starts`` begins.

    ``starts`` are the pages that start in this document, in order.
    """
    if not starts:
        return xhtml
    from lxml import etree

    root = etree.fromstring(xhtml.encode("utf-8"))
    body = root.find(f"{{{XHTML}}}body")
    blocks = [] if starts[0].doc in WHOLE else _blocks(body)
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
    """(node, "text" | "tail") for the block's own text, skipping blocks nested inside it."""
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
    if offset == 0 and parent is not None and _local(parent.tag) in _FLOW_PARENTS:
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


def save(path: Path, key: str, starts: list[PageStart]) -> None:
    """Keep a print layout's page starts for the next EPUB build."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"format": FORMAT, "key": key, "pages": [list(vars(s).values()) for s in starts]}
    write_atomic(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def load(path: Path, key: str) -> list[PageStart] | None:
    """The page starts saved for the layout ``key``; None when missing, stale or damaged."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("key") != key:
            return None
        return [PageStart(str(n), str(d), int(b), int(o)) for n, d, b, o in data["pages"]]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def layout_key(*parts: str) -> str:
    """A fingerprint of everything the print layout depends on."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()
