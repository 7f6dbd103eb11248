"""Parse a page into lxml's tree, checked for depth and for text the parser lost.

libxml2 drops content it cannot nest, silently: the words of the source (tags stripped by a
regular expression) are compared with the words of the tree. A page lxml's tree cannot be
trusted for is parsed by BeautifulSoup, checked, and copied into an lxml tree.
"""

from __future__ import annotations

import functools
import html
import re

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString, PreformattedString
from lxml import etree

from anthology.clean.html.tree import XML_FORBIDDEN, is_json_ld, make_soup, remove_keeping_tail
from anthology.core.errors import SourceError
from anthology.core.limits import Limits
from anthology.sources import Page

# Raw text elements (up to their end tag or the page's end), comments, CDATA, declarations and
# processing instructions; each loop runs to the first closing mark the way ``.*?`` would.
_RAW_SKIP = re.compile(
    r"<(?:(script|style|template|textarea|title|noscript|xmp|iframe)\b"
    r"[^<]*(?:<(?!/\1\s*>)[^<]*)*(?:</\1\s*>)?"
    r"|!--[^-]*(?:-(?!->)[^-]*)*(?:-->)?"
    r"|!\[CDATA\[[^\]]*(?:\](?!\]>)[^\]]*)*(?:\]\]>)?"
    r"|![^>]*>|\?[^>]*>)",
    re.I,
)
# A tag runs to its first ">" outside a quoted attribute value: script frameworks write
# expressions with ">" and "=>" into attributes (Alpine's x-data, Vue's :class), and those are
# no more the page's words than any other attribute. A value's quote opens only after "=", as
# HTML's tokenizer reads it; atomic groups keep the scan linear.
_RAW_TAG = re.compile(r"<[A-Za-z/](?>=\s*+\"[^\"]*+\"?|=\s*+'[^']*+'?|[^>])*+>")
_NOT_WORD = re.compile(r"\W+")
_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")
_ASCII_NOT_WORD = bytes(c for c in range(128) if not (chr(c).isalnum() or chr(c) == "_"))
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
# Strings right inside these are not the page's words: the lost-text check leaves them out.
_UNCOUNTED_PARENTS = (
    "script",
    "style",
    "template",
    "textarea",
    "title",
    "noscript",
    "xmp",
    "iframe",
)
# BeautifulSoup keeps the strings inside these, however deep, apart from plain text: the
# lost-text check leaves them out too.
_MUTED = ("script", "style", "template", "rt", "rp")
# libxml2 nests at most this many levels even with huge_tree, and drops the rest of the page.
_LXML_MAX_DEPTH = 2048


def parse_page(page: Page, limits: Limits | None = None) -> etree._Element:
    """The page's tree (lxml's), checked for depth and lost text, without comments, processing
    instructions, styles and scripts (JSON-LD stays: the metadata pass reads it).

    A page lxml's tree cannot be trusted for (nested deeper than libxml2 holds, text lost) is
    parsed by BeautifulSoup, checked, and copied into an lxml tree.
    """
    limits = limits or Limits()
    raw = raw_text_chars(page.text)
    root = lxml_parse(page.text, raw, limits)
    if root is None:
        soup = make_soup(page.text)
        _check_parsed(page, soup, raw, limits)
        root = soup_to_lxml(soup)
    return root


def _check_parsed(page: Page, soup: BeautifulSoup, raw: int, limits: Limits) -> None:
    """Refuse a tree nested deeper than the limit or that lost text on the way."""
    # A page cannot nest deeper than it has tags: only pages with many are measured.
    if page.text.count("<") > limits.depth:
        depth = _nesting_depth(soup)
        if depth > limits.depth:
            raise SourceError(
                limits.exceeded("depth", f"elements are nested {depth} deep"), page.shown
            )
    parsed = _parsed_text_chars(soup)
    if _lost_text(raw, parsed):
        raise SourceError(
            f"the HTML parser lost {raw - parsed} of {raw} characters of text (elements nested "
            "too deeply or a broken page); refusing to clean it silently short",
            page.shown,
        )


def _lost_text(raw: int, parsed: int) -> bool:
    """libxml2 drops what it cannot nest or cannot hold without a word: compare the words of the
    source (tags stripped by a regular expression) with the words of the tree."""
    return raw - parsed > max(200, raw // 5)


def lxml_parse(text: str, raw: int, limits: Limits) -> etree._Element | None:
    """The page parsed by lxml, checked and pruned; None when lxml's tree cannot be trusted to
    be the whole page (nested too deep, lost text, nothing parsed)."""
    root = _lxml_tree(text)
    if root is None:
        return None
    for node in list(root.iter(etree.Comment, etree.ProcessingInstruction, "script", "style")):
        if not is_json_ld(node):
            remove_keeping_tail(node)
    ceiling = min(limits.depth, _LXML_MAX_DEPTH - 1)
    # A page cannot nest deeper than it has tags: only pages with many are measured.
    if text.count("<") > ceiling and _depth_probe(ceiling + 1)(root):
        return None
    if _lost_text(raw, tree_text_chars(root)):
        return None
    return root


def soup_to_lxml(soup: BeautifulSoup) -> etree._Element:
    """BeautifulSoup's tree copied into lxml's (without recursion: it may be deep). Comments
    and the like stay behind; namespaced elements too (never content); names or attributes
    lxml refuses become a ``span`` and are left out."""
    html_tag = _one_html(soup)
    root = etree.Element("html")
    stack: list[tuple[Tag, etree._Element]] = [(html_tag or soup, root)]
    while stack:
        tag, element = stack.pop()
        if tag is html_tag:
            _copy_attributes(tag, element)
        last: etree._Element | None = None
        for child in tag.contents:
            if isinstance(child, Tag):
                if ":" in child.name:
                    continue
                try:
                    last = etree.SubElement(element, child.name)
                except ValueError:
                    last = etree.SubElement(element, "span")
                _copy_attributes(child, last)
                stack.append((child, last))
            elif type(child) is NavigableString or not isinstance(child, PreformattedString):
                text = XML_FORBIDDEN.sub("", str(child))
                if last is None:
                    element.text = (element.text or "") + text
                else:
                    last.tail = (last.tail or "") + text
    return root


def _one_html(soup: BeautifulSoup) -> Tag | None:
    """The page's ``<html>``, with what BeautifulSoup put in a second one moved into it.

    A page that goes on after its ``</html>`` (a theme that closes the page before it prints
    the article) gets a second ``<html>`` in BeautifulSoup's tree; a browser shows that content
    in the body, and so it goes there: a later head's into the head, the rest into the body."""
    first, *later = soup.find_all("html", recursive=False) or [None]
    for extra in later:
        for child in list(extra.contents):
            name = child.name if isinstance(child, Tag) else None
            if name in ("head", "body"):
                part = _part(soup, first, name)
                for grandchild in list(child.contents):
                    part.append(grandchild.extract())
            else:
                _part(soup, first, "body").append(child.extract())
        extra.decompose()
    return first


def _part(soup: BeautifulSoup, html_tag: Tag, name: str) -> Tag:
    """The page's head or body, made when it has none."""
    found = html_tag.find(name, recursive=False)
    if found is None:
        found = soup.new_tag(name)
        html_tag.insert(0 if name == "head" else len(html_tag.contents), found)
    return found


def _copy_attributes(tag: Tag, element: etree._Element) -> None:
    for name, value in tag.attrs.items():
        value = " ".join(value) if isinstance(value, list) else value
        try:
            element.set(name, XML_FORBIDDEN.sub("", value))
        except (ValueError, TypeError):
            continue


def _lxml_tree(text: str) -> etree._Element | None:
    # lxml refuses a str that declares its encoding; the declaration means nothing in HTML.
    markup = _XML_DECLARATION.sub("", text, count=1)
    try:
        return etree.fromstring(markup, etree.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError):
        return None


@functools.lru_cache(maxsize=4)
def _depth_probe(levels: int) -> etree.XPath:
    """Finds the elements nested ``levels`` deep."""
    return etree.XPath("/*" * levels)


def tree_text_chars(root: etree._Element) -> int:
    """The word characters ``_parsed_text_chars`` would count in the tree BeautifulSoup builds."""
    count = _word_chars(etree.tostring(root, method="text", encoding="unicode"))
    for element in root.iter(*_UNCOUNTED_PARENTS, *_MUTED):
        if next(element.iterancestors(*_MUTED), None) is not None:
            continue  # taken off with its ancestor
        if element.tag in _MUTED:
            text = etree.tostring(element, method="text", encoding="unicode", with_tail=False)
        else:
            text = (element.text or "") + "".join(child.tail or "" for child in element)
        count -= _word_chars(text)
    return count


def _nesting_depth(root: Tag) -> int:
    """How many elements deep the tree goes (without recursion: it may be very deep)."""
    deepest = 0
    stack = [(root, 0)]
    while stack:
        tag, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in tag.contents if isinstance(child, Tag))
    return deepest


def raw_text_chars(text: str) -> int:
    """The word characters of a page's source, tags, comments and raw text elements left out."""
    stripped = _RAW_TAG.sub(" ", _RAW_SKIP.sub(" ", text))
    return _word_chars(html.unescape(stripped))


def _word_chars(text: str) -> int:
    """How many characters of ``text`` match ``\\w`` (bytes count the ASCII ones, much faster)."""
    count = len(text.encode("ascii", "ignore").translate(None, _ASCII_NOT_WORD))
    if not text.isascii():
        count += len(_NOT_WORD.sub("", _ASCII_RUNS.sub("", text)))
    return count


def _parsed_text_chars(soup: BeautifulSoup) -> int:
    count = 0
    for node in soup.descendants:
        if (
            type(node) is NavigableString
            and node.parent is not None
            and node.parent.name not in _UNCOUNTED_PARENTS
        ):
            count += _word_chars(node)
    return count
