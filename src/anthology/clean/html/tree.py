"""What the passes share: the tree's measures (``Stats``) and small helpers on both trees.

lxml's tree is the one handed along from parsing to choosing the content; BeautifulSoup's
tree holds only the chosen containers, for the walker.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, Tag
from lxml import etree

from anthology.core.model import Dropped

BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "menu",
        "caption",
    ]
)
HEADINGS = {"h1": 2, "h2": 2, "h3": 3, "h4": 4, "h5": 4, "h6": 4}


WS = re.compile(r"[ \t\n\r\f\v]+")
SENTENCE_END = re.compile(r"[.!?\u2026:;\u3002\uff01\uff1f][\u201d\u2019\"')\]\u300d]*$")
CONTROL = re.compile(r"[\x00-\x20\x7f]+")
# Characters XML 1.0 forbids; entities such as "&#8;" can bring them back after decoding.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Numbers elements handed from lxml's tree to BeautifulSoup's, to find them again there.
NUMBER = "data-anthology-n"


@dataclass
class Stats:
    """Measures of one element: text length, link text length, and its own inline text."""

    length: int = 0
    links: int = 0
    own: int = 0  # text in the element's own inline flow (not inside block children)
    own_links: int = 0
    commas: int = 0
    blocks: bool = False  # has block-level descendants
    teasers: int = 0  # headings that are links (the headlines of a list of other articles)


def make_soup(markup: str) -> BeautifulSoup:
    """BeautifulSoup's tree of ``markup`` (lxml's parser), without its warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", UserWarning)
        return BeautifulSoup(markup, "lxml")


def is_json_ld(node: etree._Element) -> bool:
    """Whether an element is a JSON-LD script."""
    kind = node.get("type") if node.tag == "script" else None
    return isinstance(kind, str) and "ld+json" in kind.lower()


def body_of(root: etree._Element) -> etree._Element:
    """The page's ``<body>`` (or the whole tree when it has none)."""
    body = root.find("body")
    return root if body is None else body


def is_inside(element: etree._Element, ancestor: etree._Element) -> bool:
    """Whether ``element`` lies inside ``ancestor``."""
    return any(parent is ancestor for parent in element.iterancestors())


def unwrap(element: etree._Element) -> None:
    """Replace an element with what it holds."""
    parent = element.getparent()
    if parent is None:
        return
    previous = element.getprevious()
    if element.text:
        if previous is None:
            parent.text = (parent.text or "") + element.text
        else:
            previous.tail = (previous.tail or "") + element.text
    kids = list(element)
    index = parent.index(element)
    for offset, kid in enumerate(kids):
        parent.insert(index + offset, kid)
    if element.tail:
        if kids:
            kids[-1].tail = (kids[-1].tail or "") + element.tail
        elif previous is None:
            parent.text = (parent.text or "") + element.tail
        else:
            previous.tail = (previous.tail or "") + element.tail
    element.tail = None
    parent.remove(element)


def remove_keeping_tail(node: etree._Element) -> None:
    """Remove a node and what it holds; the text after it stays where it was."""
    parent = node.getparent()
    if parent is None:
        return
    if node.tail:
        previous = node.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + node.tail
        else:
            previous.tail = (previous.tail or "") + node.tail
    parent.remove(node)


def all_tags(root: Tag) -> list[Tag]:
    """Every element under ``root`` in document order (faster than ``find_all(True)``)."""
    return [node for node in root.descendants if isinstance(node, Tag)]


def ancestors(element: etree._Element, limit: int):
    """The element's ancestors, nearest first, at most ``limit`` of them."""
    parent = element.getparent()
    while parent is not None and limit:
        yield parent
        parent = parent.getparent()
        limit -= 1


def _parent_tag(element: etree._Element) -> str:
    parent = element.getparent()
    return parent.tag if parent is not None else ""


def measure(body: etree._Element) -> dict[etree._Element, Stats]:
    """Stats for every element, bottom-up in one pass (children before parents)."""
    stats: dict[etree._Element, Stats] = {}
    for element in reversed(list(body.iter(etree.Element))):
        name = element.tag
        is_link = name == "a"
        length = links = own = own_links = commas = teasers = 0
        blocks = False
        texts = [element.text]
        for child in element:
            texts.append(child.tail)
            c = stats.get(child)
            if c is None:
                continue
            length += c.length
            links += c.length if is_link else c.links
            teasers += c.teasers
            if c.blocks or child.tag in BLOCK_TAGS:
                blocks = True
            else:
                own += c.own
                own_links += c.own if (is_link or child.tag == "a") else c.own_links
                commas += c.commas
        for text in texts:
            n = len(text.strip()) if text else 0
            if n:
                length += n
                own += n
                if is_link:
                    links += n
                    own_links += n
                commas += text.count(",") + text.count("\uff0c") + text.count("\u3001")
        if (
            name in HEADINGS
            and length
            and (links >= 0.8 * length or _parent_tag(element) == "a")
            and not _anchored(element)
        ):
            teasers += 1
        stats[element] = Stats(
            length=length,
            links=links,
            own=own,
            own_links=own_links,
            commas=commas,
            blocks=blocks,
            teasers=teasers,
        )
    return stats


def _anchored(heading: etree._Element) -> bool:
    """Whether a linked heading links only to a place on its own page (documentation links
    each section's heading to itself): a section of the article, not another article's
    headline."""
    parent = heading.getparent()
    links = list(heading.iter("a"))
    if parent is not None and parent.tag == "a":
        links.append(parent)
    hrefs = [link.get("href") or "" for link in links]
    return bool(hrefs) and all(href.strip().startswith("#") for href in hrefs)


def record_drop(dropped: list[Dropped], node: Tag | etree._Element, reason: str) -> None:
    """Note a dropped node's text (when it has any) with the reason."""
    text = WS.sub(" ", node_text(node)).strip()
    if text:
        dropped.append(Dropped(text[:300], reason))


def node_text(node: Tag | etree._Element, separator: str = " ") -> str:
    """The text a BeautifulSoup tag or an lxml element holds, its strings joined by
    ``separator``."""
    if isinstance(node, Tag):
        return node.get_text(separator)
    return separator.join(node.itertext())
