"""Book → Kobo EPUB ("kepub"): our EPUB with Kobo's sentence spans, so Kobo shows reading stats.

A Kobo reader counts pages and time left only in a kepub: an EPUB named ``*.kepub.epub`` whose
content documents mark each sentence with ``<span class="koboSpan" id="kobo.N.M">`` and wrap
the body in ``div#book-columns > div#book-inner``. This is what Kobo's store conversion and the
open-source kepubify do (https://github.com/pgaskin/kepubify, kepub/transform.go); we do it
ourselves on the EPUB edition, so both editions hold the same documents and the same text.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import unquote

from anthology.core.model import Book
from anthology.render.epub.epub import (
    EpubRenderer,
    Member,
    stamp,
    write_package,
)
from anthology.render.places import XHTML, PageStart
from anthology.render.rendered import Rendered

if TYPE_CHECKING:
    from anthology.config.edition import Edition

_PROLOGUE = b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
_OPF = "{http://www.idpf.org/2007/opf}"
_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"

# A sentence ends at . ! ? or : with an optional closing quote, and takes the spaces after it
# (kepubify's pattern, which follows Kobo's own segmentation).
_SENTENCE = re.compile(r".*?[.!?:]['\"”’“…]?\s*", re.S)
# Text inside these is left as it is: code, media, and markup that is not XHTML text.
_KEEP_AS_IS = {"script", "style", "pre", "audio", "video", "textarea", "svg", "math"}
# Each of these starts a new paragraph number for the spans inside it.
_BLOCKS = {
    "address", "article", "aside", "blockquote", "caption", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "li", "main",
    "nav", "ol", "p", "section", "summary", "table", "td", "th", "tr", "ul",
}  # fmt: skip
# Kobo adds this sheet so its column divs add no margins of their own (kepubify does the same).
_STYLE_HACKS = "div#book-inner { margin-top: 0; margin-bottom: 0; }"


@dataclass(frozen=True)
class KepubRenderer:
    """Writes the Kobo edition: the EPUB edition with Kobo's spans and column divs."""

    name: ClassVar[str] = "kepub"
    suffix: ClassVar[str] = ".kepub.epub"
    print_pages: ClassVar[bool] = True  # the EPUB's page-break markers and page list

    epub: EpubRenderer

    def begin(self, edition: Edition) -> KepubRenderer:
        """This renderer with its EPUB's cover under way (``EpubRenderer.begin``)."""
        return replace(self, epub=self.epub.begin(edition))

    def render(self, book: Book, out: Path, page_starts: Sequence[PageStart] = ()) -> Rendered:
        """Write ``book`` as a kepub at ``out`` (the caller makes the write atomic)."""
        members = self.epub.members(book, page_starts)
        write_package(out, kobo_members(members), stamp(book))
        return Rendered(out)


def kobo_members(members: list[Member]) -> list[Member]:
    """An EPUB's files (``EpubRenderer.members``) made over for Kobo, in the same order.

    Every content document but the navigation gets Kobo's spans and divs; everything else is
    kept as it is, so that the same EPUB gives the same kepub bytes.
    """
    documents = _content_documents(dict(members))
    return [(n, kobo_document(data) if n in documents else data) for n, data in members]


def _content_documents(files: dict[str, bytes]) -> set[str]:
    """The zip names of the XHTML content documents, the navigation document left out.

    The navigation is the table of contents, not text to read through: it stays as it is.
    """
    container = _parse(files["META-INF/container.xml"])
    rootfile = container.find(f"{_CONTAINER}rootfiles/{_CONTAINER}rootfile")
    opf_name = rootfile.get("full-path")
    opf = _parse(files[opf_name])
    folder = posixpath.dirname(opf_name)
    return {
        posixpath.normpath(posixpath.join(folder, unquote(item.get("href"))))
        for item in opf.iter(f"{_OPF}item")
        if item.get("media-type") == "application/xhtml+xml"
        and "nav" not in (item.get("properties") or "").split()
    }


def _parse(data: bytes):
    from lxml import etree

    # Our own files, but the rule holds: no entities, no DTDs, no network.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(data, parser)


def kobo_document(data: bytes) -> bytes:
    """One XHTML content document with Kobo's sentence spans and column divs.

    Returns the document unchanged when it already has them.

    Args:
        data: the document's bytes, as our EPUB holds them.
    """
    from lxml import etree

    root = _parse(data)
    body = root.find(f"{{{XHTML}}}body")
    if body is None or body.find(f".//{{{XHTML}}}span[@class='koboSpan']") is not None:
        return data
    _Spans().visit(body)
    _wrap_body(body)
    head = root.find(f"{{{XHTML}}}head")
    if head is not None:
        style = etree.SubElement(
            head, f"{{{XHTML}}}style", {"type": "text/css", "class": "kobostylehacks"}
        )
        style.text = _STYLE_HACKS
        before = style.getprevious()
        if before is not None:
            style.tail, before.tail = before.tail, "\n  "
    return _PROLOGUE + etree.tostring(root, encoding="utf-8") + b"\n"


def _wrap_body(body) -> None:
    """Move everything in ``body`` into ``div#book-columns > div#book-inner``."""
    from lxml import etree

    columns = etree.Element(f"{{{XHTML}}}div", {"id": "book-columns"})
    inner = etree.SubElement(columns, f"{{{XHTML}}}div", {"id": "book-inner"})
    inner.text, body.text = body.text, None
    for child in list(body):
        inner.append(child)  # moves it, tail included
    body.append(columns)  # no white space added: the text stays exactly the same


class _Spans:
    """Puts each sentence of a body's text in a numbered koboSpan, in document order."""

    def __init__(self) -> None:
        self.paragraph = 0
        self.segment = 0
        self.new_paragraph = True

    def visit(self, element) -> None:
        """Mark the text inside ``element`` (not its tail, which belongs to its parent)."""
        if _local(element.tag) in _BLOCKS:
            self.new_paragraph = True
        children = list(element)  # before any span is added, so that none is visited
        if element.text:
            spans = self._spans(element.text)
            if spans:
                element.text = None
                for index, span in enumerate(spans):
                    element.insert(index, span)
        for child in children:
            if isinstance(child.tag, str):
                child = self._child(child)
            self._tail(child)
        if _local(element.tag) in _BLOCKS:
            self.new_paragraph = True

    def _child(self, child):
        """Visit ``child``; an image is put in a span of its own (returns what now stands there)."""
        tag = _local(child.tag)
        if not child.tag.startswith(f"{{{XHTML}}}") or tag in _KEEP_AS_IS:
            return child
        if tag == "img":
            self.paragraph += 1
            self.segment = 0
            self.new_paragraph = False
            span = self._span()
            child.addprevious(span)
            span.tail, child.tail = child.tail, None
            span.append(child)
            return span
        self.visit(child)
        return child

    def _tail(self, node) -> None:
        if not node.tail:
            return
        spans = self._spans(node.tail)
        if spans:
            node.tail = None
            for span in reversed(spans):
                node.addnext(span)

    def _spans(self, text: str) -> list:
        """``text`` cut into sentences, each in a span; [] for only white space.

        The spans' texts add up to ``text`` exactly: the white space after a sentence stays in
        its span, as Kobo has it.
        """
        if not text.strip():
            return []  # layout white space between elements stays bare text
        pieces = [match.group() for match in _SENTENCE.finditer(text)]
        rest = text[sum(len(piece) for piece in pieces) :]
        if rest:
            pieces.append(rest)  # the end of the text, with no full stop
        spans = []
        for piece in pieces:
            span = self._span()
            span.text = piece
            spans.append(span)
        return spans

    def _span(self):
        from lxml import etree

        if self.new_paragraph:
            self.paragraph += 1
            self.segment = 0
            self.new_paragraph = False
        self.segment += 1
        return etree.Element(
            f"{{{XHTML}}}span",
            {"class": "koboSpan", "id": f"kobo.{self.paragraph}.{self.segment}"},
        )


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
