"""Every text block of the page accounted for: kept, dropped with its reason, or never considered.

The cleaner's passes record what they drop from the content they look at; text outside that
content, or removed before it was chosen (hidden elements, furniture), is recorded here, so
that ``compile clean --explain`` shows all of a page's text. The page's blocks are read before
anything is removed (``vote.blocks_of`` on the ballot's copy); a block whose opening words are
neither in the kept text nor in a dropped entry is recorded as never considered, with where it
stood on the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from anthology.clean.html.prune import _hidden, _may_hide
from anthology.clean.html.vote import TextBlock
from anthology.core.model import NEVER_CONSIDERED, Dropped

NEVER = NEVER_CONSIDERED
OUTSIDE = "outside the article's content"
HIDDEN = "hidden on the page"
_FURNITURE = frozenset(["nav", "header", "footer", "aside", "form", "menu"])
_OPENING = 8  # a block is found by its first words (dropped entries are cut to 300 characters)
_WORD = re.compile(r"\w+")


def placed(blocks: list[TextBlock]) -> list[tuple[str, str]]:
    """Each block's text and where it stood on the page (read before anything is removed)."""
    where: dict[etree._Element, str] = {}

    def own(element: etree._Element) -> str | None:
        if _may_hide(element, element.keys()) and _hidden(element.attrib):
            return HIDDEN
        tag = element.tag if isinstance(element.tag, str) else ""
        return f"site furniture: <{tag}>" if tag in _FURNITURE else None

    def place(element: etree._Element) -> str:
        # up to the nearest element already placed, then down again (no recursion: pages nest
        # deeper than Python's stack)
        chain = []
        node: etree._Element | None = element
        while node is not None and node not in where:
            chain.append(node)
            node = node.getparent()
        found = where[node] if node is not None else OUTSIDE
        for node in reversed(chain):
            if found == OUTSIDE or found.startswith("site furniture"):
                mine = own(node)
                if mine == HIDDEN or (mine and found == OUTSIDE):
                    found = mine
            where[node] = found
        return found

    return [(b.text, place(b.element)) for b in blocks]


def unaccounted(blocks: list[tuple[str, str]], accounted: Iterable[str]) -> list[Dropped]:
    """The blocks found in none of the ``accounted`` texts (kept or dropped), as never
    considered with their place's reason."""
    joined = " " + " ".join(" ".join(_WORD.findall(t)) for t in accounted) + " "
    never = []
    for text, reason in blocks:
        words = _WORD.findall(text)
        if words and f" {' '.join(words[:_OPENING])} " not in joined:
            never.append(Dropped(text[:300], NEVER + reason))
    return never
