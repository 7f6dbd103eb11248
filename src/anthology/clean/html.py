"""Clean a saved HTML page into an Article: metadata, the main content, and an allowlisted body.

The passes, in order:

1. Parse with lxml and check that the parser lost no text (libxml2 drops content it cannot
   nest, silently); a page lxml's tree cannot be trusted for is parsed by BeautifulSoup and
   copied into an lxml tree. Passes 2 to 4 work on lxml's tree.
2. Read metadata from the whole page, in order of trust: JSON-LD, OpenGraph, ``<meta>``,
   ``<time>``, visible bylines. Nothing is guessed: a field the page does not state stays empty.
3. Remove what is never content (scripts, styles, hidden elements, embeds) and site furniture
   found by structure (``nav``/``aside``/``footer``/``form``, class and id hints). An element
   that holds most of the page's prose is never removed by a hint.
4. Find the main content the way readability does: paragraphs of prose score their ancestors
   (commas and length), scores are damped by link density and nudged by class hints, the best
   container wins and takes along siblings that look like more of the same article.
5. Hand the winner to BeautifulSoup (its tree only: the rest of the page is dropped first) and
   walk it into model blocks through an allowlist: only ``Paragraph``, ``Heading``,
   ``Quote``, ``ListBlock`` and ``Figure``; inline markup only ``em strong a abbr q sup sub br``.
   Short furniture lines (``rules.furniture``), link lists and everything after a tail marker
   are dropped, each with its reason in ``Article.dropped``.

The cleaner must never fail with anything but ``SourceError``, whatever the page holds.
"""

from __future__ import annotations

import functools
import html
import json
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, Tag
from bs4.element import NavigableString, PreformattedString
from lxml import etree

from anthology.clean import pagetype
from anthology.clean.metadata import parse_date, short_title
from anthology.clean.rules import Rules, SiteRule, default_rules
from anthology.clean.typography import smarten
from anthology.config import Limits
from anthology.errors import SourceError
from anthology.model import Article, Block, Dropped, Figure, Heading, ListBlock, Paragraph, Quote
from anthology.sources import Page, image_problem

# --------------------------------------------------------------------------------------- data

# Never content: removed before anything is measured.
_NEVER = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "math",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "canvas",
        "video",
        "audio",
        "source",
        "track",
        "map",
        "area",
        "button",
        "input",
        "select",
        "option",
        "textarea",
        "label",
        "dialog",
        "link",
        "meta",
        "base",
        "head",
        "title",
        "param",
        "portal",
    ]
)
# Furniture by its tag name (HTML5 sectioning for site chrome).
_FURNITURE_TAGS = {
    "nav": "navigation",
    "aside": "aside (sidebar or pull-out)",
    "footer": "footer",
    "header": "header",
    "form": "form",
    "menu": "menu",
}
_BLOCK_TAGS = frozenset(
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
_HEADINGS = {"h1": 2, "h2": 2, "h3": 3, "h4": 4, "h5": 4, "h6": 4}
_INLINE_MAP = {
    "em": "em",
    "i": "em",
    "cite": "em",
    "dfn": "em",
    "var": "em",
    "strong": "strong",
    "b": "strong",
    "abbr": "abbr",
    "acronym": "abbr",
    "q": "q",
    "sup": "sup",
    "sub": "sub",
}
_SAFE_SCHEMES = ("http", "https", "mailto")

# Class and id words (split on anything but letters and digits, lower case) that mark furniture.
# A word matches when it starts with one of these stems ("sharebar", "comments", "sidebar-left").
_FURNITURE_STEMS = (
    "share",
    "sharing",
    "social",
    "related",
    "recommend",
    "newsletter",
    "promo",
    "sidebar",
    "cookie",
    "consent",
    "gdpr",
    "subscri",
    "comment",
    "disqus",
    "respond",
    "repl",
    "breadcrumb",
    "pagination",
    "pager",
    "navbar",
    "navigation",
    "menu",
    "footer",
    "masthead",
    "banner",
    "advert",
    "sponsor",
    "popup",
    "modal",
    "overlay",
    "widget",
    "signup",
    "donat",
    "outbrain",
    "taboola",
    "zergnet",
    "trending",
    "popular",
    "mostread",
    "toolbar",
    "byline",
    "newsletter",
    "login",
    "signin",
    "follow",
    "skip",
    "teaser",
    "recirc",
    "readmore",
    "copyright",
    "discussion",
    "community",
    "rating",
    "author-bio",
    "authorbio",
    "bio",
    "sitemap",
    "dateline",
    "timestamp",
    "caption",
    "credit",
    "print",
    "jump",
    "tagcloud",
    "gallery",
    "slideshow",
    "lightbox",
    "carousel",
    "recent",
    "disclaimer-ad",
    "nocontent",
    "adsense",
    "dfp",
    "offcanvas",
    "more-stories",
    "morestories",
)
# Whole words that mark furniture (too short or too common to match as stems).
_FURNITURE_WORDS = frozenset(
    [
        "nav",
        "ad",
        "ads",
        "adv",
        "tags",
        "tag",
        "meta",
        "rail",
        "header",
        "hdr",
        "author",
        "share",
        "sns",
        "tools",
        "search",
        "alert",
    ]
)
# Stems that override the furniture words when in the same class list ("article-header-text" is
# not furniture but "entry-content" and "post-body" are content).
_CONTENT_STEMS = (
    "article",
    "body",
    "content",
    "entry",
    "main",
    "post",
    "story",
    "blog",
    "prose",
    "hentry",
    "page",
)
_NOT_FURNITURE = frozenset(["commentary", "commentaries", "reply-to", "shared"])

MIN_BLOCK_CHARS = 25  # text shorter than this does not score its ancestors
MIN_ARTICLE_CHARS = 120  # less body text than this is not an article
SHORT_LINE = 160  # furniture phrases only ever drop lines up to this long
_WS = re.compile(r"[ \t\n\r\f\v]+")
_SENTENCE_END = re.compile(r"[.!?\u2026:;\u3002\uff01\uff1f][\u201d\u2019\"')\]\u300d]*$")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
# Characters XML 1.0 forbids; entities such as "&#8;" can bring them back after decoding.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")
_BY_PREFIX = re.compile(r"^(?:by|from|written by|posted by|author:?)\s+", re.I)
_ERROR_TITLE = re.compile(
    r"\b(404|not found|page not found|no longer available|access denied|forbidden|error \d{3}|"
    r"server error|search results?)\b",
    re.I,
)
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
_RAW_TAG = re.compile(r"<[A-Za-z/][^>]*>")
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
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_HIDDEN_CLASSES = frozenset(
    ["hidden", "sr-only", "visually-hidden", "screen-reader-text", "screenreader"]
)
_ARTICLE_TYPES = re.compile(r"(Article|BlogPosting|NewsArticle|Report|Posting|Review)$", re.I)
# Numbers elements handed from lxml's tree to BeautifulSoup's, to find them again there.
_NUMBER = "data-anthology-n"
_LISTING_TYPES = re.compile(r"^(CollectionPage|SearchResultsPage|ItemList|WebSite|ProfilePage)$")


@dataclass
class _Stats:
    """Measures of one element: text length, link text length, and its own inline text."""

    length: int = 0
    links: int = 0
    own: int = 0  # text in the element's own inline flow (not inside block children)
    own_links: int = 0
    commas: int = 0
    blocks: bool = False  # has block-level descendants
    teasers: int = 0  # headings that are links (the headlines of a list of other articles)


@dataclass
class _Meta:
    title: str = ""
    standfirst: str = ""
    byline: str = ""
    date: date | None = None
    publication: str = ""
    url: str = ""
    language: str = ""
    is_article: bool = False  # the page says so (JSON-LD article type or og:type article)
    is_listing: bool = False  # the page says it is a collection, search results or home page


@dataclass
class _Out:
    """What the block walker produces."""

    blocks: list[Block] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)  # found inside inline content


# ---------------------------------------------------------------------------------- the stage


def clean_html(page: Page, rules: Rules | None = None, limits: Limits | None = None) -> Article:
    """Clean an HTML ``Page`` into an ``Article``.

    Args:
        page: the page.
        rules: the cleaning rules (the package's own when None).
        limits: the nesting depth and image sizes allowed (the defaults when None).

    Raises:
        SourceError: the page is not an article, has no text, lost text while parsing, nests
            deeper than the limit or shows an image over the limits.
    """
    rules = rules or default_rules()
    try:
        return _clean(page, rules, limits or Limits())
    except SourceError:
        raise
    except RecursionError:
        raise SourceError(
            "is nested too deeply to clean (a broken or hostile page)", page.shown
        ) from None
    except Exception as exc:  # noqa: BLE001  the contract: a bad page is a SourceError, never a crash
        raise SourceError(
            f"could not be cleaned ({exc.__class__.__name__}: {exc})"[:200], page.shown
        ) from None


def _clean(page: Page, rules: Rules, limits: Limits) -> Article:
    root = _parse(page, limits)
    meta = _metadata(root, page)
    signs = pagetype.page_features(root, meta.url)  # page type: read before anything is removed
    body = _body(root)
    dropped: list[Dropped] = []
    _strip_never(body)
    site = rules.site(urlsplit(meta.url).hostname or "") if meta.url else None
    kept: list[etree._Element] = []
    if site:
        kept = _apply_site_rule(root, body, site, meta, dropped)
    stats = _measure(body)
    _strip_furniture(body, stats, dropped)
    stats = _measure(body)
    chosen = [k for k in kept if _inside(k, body)] or _main_content(body, stats)
    roots, soup_stats = _hand_over(root, chosen, stats)
    out = _Out(dropped=dropped)
    walker = _Walker(page, meta, rules, soup_stats, out, limits)
    for root in roots:
        if root.name == "blockquote":
            walker.quote(root, 0)  # an article's text found in a quote stays a quote
        else:
            walker.container(root, 0)
    blocks = _tidy_blocks(out, meta, rules)
    if site and site.phrases:
        blocks = _drop_site_phrases(blocks, site, out)
    signs = pagetype.kept_features(signs, [_block_text(b) for b in blocks])
    _check_article(page, meta, blocks, out)
    kind = pagetype.classify(signs)
    if kind.refused:
        raise SourceError(f"not an article: {kind.reason}", page.shown)
    return Article(
        source=page.name,
        title=short_title(meta.title) or _title_from_name(page.name),
        body=tuple(blocks),
        standfirst=meta.standfirst,
        byline=meta.byline,
        date=meta.date,
        publication=meta.publication,
        url=meta.url,
        language=meta.language,
        dropped=tuple(out.dropped),
    )


def _apply_site_rule(
    root: etree._Element,
    body: etree._Element,
    site: SiteRule,
    meta: _Meta,
    dropped: list[Dropped],
) -> list[etree._Element]:
    """Drop what the site rule names, read its metadata selectors; return its kept containers.

    The selectors are CSS as BeautifulSoup reads them: the page is handed to BeautifulSoup
    whole, each element numbered so that what a selector finds is found in lxml's tree too.
    """
    elements = list(root.iter(etree.Element))
    for n, element in enumerate(elements):
        element.set(_NUMBER, str(n))
    soup = _soup(etree.tostring(root, encoding="unicode", method="html"))
    for element in elements:
        element.attrib.pop(_NUMBER, None)

    def element_of(tag: Tag) -> etree._Element | None:
        n = tag.get(_NUMBER)
        return elements[int(n)] if isinstance(n, str) and n.isdigit() else None

    reason = f"site rule {site.host}: {site.why}"
    soup_body = soup.body or soup
    for selector in site.drop:
        for tag in soup_body.select(selector):
            if tag.parent is not None:
                element = element_of(tag)
                _drop(dropped, tag, reason)
                tag.decompose()
                if element is not None:
                    _remove_keeping_tail(element)
    for field_name in ("title", "byline"):
        selector = getattr(site, field_name)
        found = soup.select_one(selector) if selector else None
        if found is not None and found.get_text(strip=True):
            text = smarten(_WS.sub(" ", found.get_text(" ")).strip())
            setattr(meta, field_name, _byline(text) if field_name == "byline" else text)
    if site.date and (found := soup.select_one(site.date)) is not None:
        meta.date = _to_date(found.get("datetime") or found.get_text(" ")) or meta.date
    return [
        element
        for selector in site.keep
        for tag in soup_body.select(selector)
        if (element := element_of(tag)) is not None
    ]


def _drop_site_phrases(blocks: list[Block], site: SiteRule, out: _Out) -> list[Block]:
    kept = []
    for block in blocks:
        text = _block_text(block)
        if any(p.search(text) for p in site.phrases):
            out.dropped.append(Dropped(text[:300], f"site rule {site.host}: {site.why}"))
        else:
            kept.append(block)
    return kept


# ------------------------------------------------------------------------------------ parsing


def _parse(page: Page, limits: Limits | None = None) -> etree._Element:
    """The page's tree (lxml's), checked for depth and lost text, without comments, processing
    instructions, styles and scripts (JSON-LD stays: the metadata pass reads it).

    A page lxml's tree cannot be trusted for (nested deeper than libxml2 holds, text lost) is
    parsed by BeautifulSoup, checked, and copied into an lxml tree.
    """
    limits = limits or Limits()
    raw = _raw_text_chars(page.text)
    root = _lxml_parse(page.text, raw, limits)
    if root is None:
        soup = _soup(page.text)
        _check_parsed(page, soup, raw, limits)
        root = _from_soup(soup)
    return root


def _soup(markup: str) -> BeautifulSoup:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", UserWarning)
        return BeautifulSoup(markup, "lxml")


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


def _lxml_parse(text: str, raw: int, limits: Limits) -> etree._Element | None:
    """The page parsed by lxml, checked and pruned; None when lxml's tree cannot be trusted to
    be the whole page (nested too deep, lost text, nothing parsed)."""
    root = _lxml_tree(text)
    if root is None:
        return None
    for node in list(root.iter(etree.Comment, etree.ProcessingInstruction, "script", "style")):
        if not _is_json_ld(node):
            _remove_keeping_tail(node)
    ceiling = min(limits.depth, _LXML_MAX_DEPTH - 1)
    # A page cannot nest deeper than it has tags: only pages with many are measured.
    if text.count("<") > ceiling and _depth_probe(ceiling + 1)(root):
        return None
    if _lost_text(raw, _lxml_text_chars(root)):
        return None
    return root


def _from_soup(soup: BeautifulSoup) -> etree._Element:
    """BeautifulSoup's tree copied into lxml's (without recursion: it may be deep). Comments
    and the like stay behind; namespaced elements too (never content); names or attributes
    lxml refuses become a ``span`` and are left out."""
    html_tag = soup.find("html", recursive=False)
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
                text = _XML_FORBIDDEN.sub("", str(child))
                if last is None:
                    element.text = (element.text or "") + text
                else:
                    last.tail = (last.tail or "") + text
    return root


def _copy_attributes(tag: Tag, element: etree._Element) -> None:
    for name, value in tag.attrs.items():
        value = " ".join(value) if isinstance(value, list) else value
        try:
            element.set(name, _XML_FORBIDDEN.sub("", value))
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


def _lxml_text_chars(root: etree._Element) -> int:
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


def _may_name_byline_or_date(classes: str) -> bool:
    """Whether ``_BYLINE_CLASS`` or ``_DATE_CLASS`` may match (a superset, cheap to test)."""
    lowered = classes.lower()
    return (
        "date" in lowered
        or "byline" in lowered
        or "author" in lowered
        or "publish" in lowered
        or "posted" in lowered
        # case-insensitive matching lets a few letters outside ASCII match ASCII ones
        or not classes.isascii()
    )


def _may_hide(element: etree._Element, names: list[str]) -> bool:
    """Whether ``_hidden`` may be true of the element (a superset, cheap to test); ``names``
    are its attributes'."""
    if "style" in names or "hidden" in names or "aria-hidden" in names:
        return True
    classes = element.get("class") if "class" in names else None
    return bool(classes) and ("hidden" in classes or "sr-only" in classes or "screen" in classes)


def _nesting_depth(root: Tag) -> int:
    """How many elements deep the tree goes (without recursion: it may be very deep)."""
    deepest = 0
    stack = [(root, 0)]
    while stack:
        tag, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in tag.contents if isinstance(child, Tag))
    return deepest


def _raw_text_chars(text: str) -> int:
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


def _is_json_ld(node: etree._Element) -> bool:
    kind = node.get("type") if node.tag == "script" else None
    return isinstance(kind, str) and "ld+json" in kind.lower()


def _body(root: etree._Element) -> etree._Element:
    body = root.find("body")
    return root if body is None else body


def _inside(element: etree._Element, ancestor: etree._Element) -> bool:
    return any(parent is ancestor for parent in element.iterancestors())


def _unwrap(element: etree._Element) -> None:
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


def _remove_keeping_tail(node: etree._Element) -> None:
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


def _tags(root: Tag) -> list[Tag]:
    """Every element under ``root`` in document order (faster than ``find_all(True)``)."""
    return [node for node in root.descendants if isinstance(node, Tag)]


def _parents(element: etree._Element, limit: int):
    parent = element.getparent()
    while parent is not None and limit:
        yield parent
        parent = parent.getparent()
        limit -= 1


def _parent_tag(element: etree._Element) -> str:
    parent = element.getparent()
    return parent.tag if parent is not None else ""


# ----------------------------------------------------------------------------------- metadata


@dataclass
class _Found:
    """The elements the metadata pass looks at, collected in one walk over the page."""

    metas: list[etree._Element] = field(default_factory=list)
    scripts: list[etree._Element] = field(default_factory=list)
    links: list[etree._Element] = field(default_factory=list)
    times: list[etree._Element] = field(default_factory=list)
    bylines: list[etree._Element] = field(default_factory=list)
    dates: list[etree._Element] = field(default_factory=list)
    h1: etree._Element | None = None
    title: etree._Element | None = None
    html: etree._Element | None = None


_BYLINE_CLASS = re.compile(r"byline|author-?name", re.I)
_DATE_CLASS = re.compile(r"(^|\W|_)(date|dateline|published|byline|posted)", re.I)


def _collect(root: etree._Element) -> _Found:
    found = _Found()
    for element in root.iter(etree.Element):
        name = element.tag
        if name == "meta":
            found.metas.append(element)
        elif name == "script":
            if _is_json_ld(element):
                found.scripts.append(element)
            continue
        elif name == "link":
            found.links.append(element)
        elif name == "time" and len(found.times) < 50:
            found.times.append(element)
        elif name == "h1" and found.h1 is None:
            found.h1 = element
        elif name == "title" and found.title is None:
            found.title = element
        elif name == "html" and found.html is None:
            found.html = element
        names = element.keys()
        if not names:
            continue
        classes = (element.get("class") or "") if "class" in names else ""
        hinted = bool(classes) and _may_name_byline_or_date(classes)
        if len(found.bylines) < 6 and (
            ("itemprop" in names and element.get("itemprop") == "author")
            or ("rel" in names and "author" in element.get("rel", "").split())
            or (hinted and _BYLINE_CLASS.search(classes))
        ):
            found.bylines.append(element)
        if hinted and len(found.dates) < 5 and _DATE_CLASS.search(classes):
            found.dates.append(element)
    return found


def _metadata(root: etree._Element, page: Page) -> _Meta:
    """Every field from the most trusted place that states it."""
    meta = _Meta()
    found = _collect(root)
    ld = _json_ld(found.scripts)
    props: dict[str, str] = {}
    for tag in found.metas:
        key = tag.get("property") or tag.get("name") or tag.get("itemprop") or ""
        key = key.strip().lower() if isinstance(key, str) else ""
        content = tag.get("content")
        if key and isinstance(content, str) and content.strip() and key not in props:
            props[key] = content
        equiv = tag.get("http-equiv")
        if (
            isinstance(equiv, str)
            and equiv.lower() == "content-language"
            and isinstance(content, str)
        ):
            props.setdefault("content-language", content)

    def first(*values: str | None) -> str:
        for value in values:
            text = _plain(value or "")
            if text:
                return text
        return ""

    h1, title_tag = found.h1, found.title
    meta.publication = first(
        ld.get("publication"),
        props.get("og:site_name"),
        props.get("application-name"),
        props.get("dc.publisher"),
    )
    meta.title = first(
        ld.get("title"),
        props.get("og:title"),
        props.get("twitter:title"),
        props.get("dc.title"),
        props.get("citation_title"),
        _text(h1) if h1 is not None else "",
        _text(title_tag) if title_tag is not None else "",
    )
    meta.title = _strip_site_suffix(meta.title, meta.publication)
    meta.standfirst = first(
        ld.get("description"),
        props.get("og:description"),
        props.get("twitter:description"),
        props.get("description"),
        props.get("dc.description"),
    )
    meta.byline = _byline(
        first(
            ld.get("author"),
            _not_url(props.get("article:author")),
            _not_url(props.get("author")),
            props.get("dc.creator"),
            props.get("citation_author"),
            props.get("parsely-author"),
            props.get("sailthru.author"),
            _visible_byline(found.bylines),
        )
    )
    meta.date = (
        _to_date(ld.get("date"))
        or _to_date(props.get("article:published_time"))
        or _first_date(
            props,
            (
                "date",
                "pubdate",
                "publishdate",
                "publish-date",
                "publish_date",
                "dc.date",
                "dc.date.issued",
                "dcterms.created",
                "dcterms.date",
                "citation_publication_date",
                "parsely-pub-date",
                "sailthru.date",
                "article.published",
                "original-publish-date",
                "datepublished",
            ),
        )
        or _time_date(found.times)
        or _visible_date(found.dates)
    )
    meta.url = first(
        _http(ld.get("url")), _http(props.get("og:url")), _http(_canonical(found.links))
    )
    lang = found.html.get("lang") if found.html is not None else None
    locale = props.get("og:locale", "")
    meta.language = _language(
        first(
            ld.get("language"),
            locale,
            props.get("content-language"),
            props.get("dc.language"),
            lang if isinstance(lang, str) else "",
        )
    )
    meta.is_article = bool(ld.get("article")) or props.get("og:type", "").lower() == "article"
    meta.is_listing = bool(ld.get("listing")) and not meta.is_article
    return meta


def _json_ld(scripts: list[etree._Element]) -> dict[str, str]:
    """The article's fields from its first article-typed JSON-LD object, and the site's name."""
    found: dict[str, str] = {}
    objects: list[dict] = []
    for script in scripts:
        text = _text(script, "")
        try:
            data = json.loads(text.strip().rstrip(";"), strict=False)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack and len(objects) < 200:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                objects.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(reversed(graph))
    article = None
    for item in objects:
        types = _types(item)
        if any(_ARTICLE_TYPES.search(t) for t in types) and article is None:
            article = item
        if any(_LISTING_TYPES.match(t) for t in types):
            found["listing"] = "yes"
        if "WebSite" in types and isinstance(item.get("name"), str):
            found.setdefault("site", item["name"])
    if article is None:
        if "site" in found:
            found["publication"] = found["site"]
        return found
    found["article"] = "yes"
    found["title"] = _ld_text(article.get("headline")) or _ld_text(article.get("name"))
    found["description"] = _ld_text(article.get("description")) or _ld_text(
        article.get("alternativeHeadline")
    )
    found["author"] = _ld_names(article.get("author") or article.get("creator"))
    found["date"] = _ld_text(article.get("datePublished")) or _ld_text(article.get("dateCreated"))
    publisher = article.get("publisher")
    if isinstance(publisher, list) and publisher:
        publisher = publisher[0]
    pub = _ld_text(publisher.get("name")) if isinstance(publisher, dict) else ""
    found["publication"] = pub or found.get("site", "")
    url = article.get("url") or article.get("mainEntityOfPage")
    if isinstance(url, dict):
        url = url.get("@id") or url.get("url")
    found["url"] = url if isinstance(url, str) else ""
    lang = article.get("inLanguage")
    found["language"] = lang if isinstance(lang, str) else ""
    return found


def _types(item: dict) -> list[str]:
    value = item.get("@type")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _ld_text(value) -> str:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or ""
    return value if isinstance(value, str) else ""


def _ld_names(value) -> str:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items[:6]:
        name = _ld_text(item)
        name = _plain(name)
        if name and not _looks_like_url(name) and name not in names:
            names.append(name)
    return _join_names(names)


def _join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return names[0] if names else ""
    return ", ".join(names[:-1]) + " and " + names[-1]


def _plain(text: str) -> str:
    """Metadata text: tags and entities gone, spaces collapsed, book typography applied."""
    if not isinstance(text, str):
        return ""
    text = _XML_FORBIDDEN.sub("", text)
    text = html.unescape(re.sub(r"<[^>]*>", " ", text)) if "<" in text or "&" in text else text
    text = _WS.sub(" ", text).strip()
    return smarten(text)[:1000] if text else ""


def _not_url(value: str | None) -> str:
    return "" if not value or _looks_like_url(value) else value


def _looks_like_url(value: str) -> bool:
    return bool(re.match(r"^\s*(https?:|www\.|/)", value)) or "@" in value


def _http(value) -> str:
    if not isinstance(value, str):
        return ""
    value = _CONTROL.sub("", value)
    return value if urlsplit(value).scheme.lower() in ("http", "https") else ""


def _canonical(links: list[etree._Element]) -> str:
    for link in links:
        href = link.get("href")
        if href is not None and "canonical" in link.get("rel", "").lower().split():
            return href
    return ""


def _strip_site_suffix(title: str, publication: str) -> str:
    if publication and len(title) > len(publication) + 5:
        for sep in (" | ", " - ", " \u2013 ", " \u2014 ", " :: ", " \u00bb "):
            for tail in (publication, publication.split(" ")[0]):
                if title.endswith(sep + tail):
                    return title[: -len(sep + tail)].strip()
    return title


def _byline(text: str) -> str:
    text = _BY_PREFIX.sub("", text).strip(" ,|\u2014\u2013-")
    if not text or len(text) > 120 or _looks_like_url(text):
        return ""
    return text


def _in_furniture(element: etree._Element) -> bool:
    """Inside comments, sidebars, footers or lists of other articles (their dates and names)."""
    for parent in _parents(element, 30):
        if parent.tag in ("aside", "nav", "footer") or (
            parent.tag not in ("body", "html", "article", "main")
            and _hint(parent) < 0
            and not _words(parent) & {"byline", "meta", "header", "dateline", "timestamp"}
        ):
            return True
    return False


def _visible_byline(candidates: list[etree._Element]) -> str:
    for element in candidates:
        if _in_furniture(element):
            continue
        name = element.find('.//*[@itemprop="name"]') if element.tag != "meta" else None
        text = _text(element if name is None else name)
        text = _WS.sub(" ", text).strip()
        if 3 <= len(text) <= 80:
            return text
    return ""


def _to_date(value: str | None) -> date | None:
    if not value or not isinstance(value, str):
        return None
    match = _ISO_DATE.match(value)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
    return parse_date(value[:200])


def _first_date(props: dict[str, str], keys: tuple[str, ...]) -> date | None:
    for key in keys:
        value = _to_date(props.get(key))
        if value:
            return value
    return None


def _time_date(times: list[etree._Element]) -> date | None:
    """A ``<time>`` that says it is the publication date, or the first one inside an article."""
    times = [t for t in times if not _in_furniture(t)]
    preferred = [
        t
        for t in times
        if t.get("itemprop") == "datePublished"
        or t.get("pubdate") is not None
        or "publish" in t.get("class", "").lower()
    ]
    inside = [t for t in times if any(p.tag == "article" for p in _parents(t, 30))]
    for element in preferred + inside:
        value = _to_date(element.get("datetime")) or _to_date(_text(element))
        if value:
            return value
    return None


def _visible_date(candidates: list[etree._Element]) -> date | None:
    for element in candidates:
        if _in_furniture(element):
            continue
        text = _text(element)
        if len(text) <= 200:
            value = parse_date(text)
            if value:
                return value
    return None


def _language(value: str) -> str:
    value = value.strip().replace("_", "-")
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        return ""
    head, *rest = value.split("-")
    return "-".join([head.lower(), *[r.upper() if len(r) == 2 else r for r in rest]])


# ------------------------------------------------------------------------------ furniture


# HTML's empty elements: whatever a parser put inside one came after it in the page.
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)


def _strip_never(body: etree._Element) -> None:
    """Remove elements that are never content, comments, and elements hidden from readers."""
    stack = [body]
    while stack:
        element = stack.pop()
        children = list(element)
        children.reverse()
        while children:
            child = children.pop()
            name = child.tag
            if not isinstance(name, str):  # a comment or processing instruction
                _remove_keeping_tail(child)
                continue
            if name in _VOID and (len(child) or child.text):
                # libxml2 does not know every empty element: after an unclosed <embed> or
                # <source>, the rest of the article is parsed as its content. Keep it.
                kids = list(child)
                _unwrap(child)
                children.extend(reversed(kids))
                continue
            names = child.keys()
            if name in _NEVER or ":" in name or (_may_hide(child, names) and _hidden(child.attrib)):
                _remove_keeping_tail(child)
            else:
                stack.append(child)


def _hidden(attrs: Mapping) -> bool:
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    if isinstance(style, str) and _HIDDEN_STYLE.search(style):
        return True
    classes = attrs.get("class") or ()
    return not _HIDDEN_CLASSES.isdisjoint(classes.split() if isinstance(classes, str) else classes)


def _measure(body: etree._Element) -> dict[etree._Element, _Stats]:
    """Stats for every element, bottom-up in one pass (children before parents)."""
    stats: dict[etree._Element, _Stats] = {}
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
            if c.blocks or child.tag in _BLOCK_TAGS:
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
        if name in _HEADINGS and length and (links >= 0.8 * length or _parent_tag(element) == "a"):
            teasers += 1
        stats[element] = _Stats(
            length=length,
            links=links,
            own=own,
            own_links=own_links,
            commas=commas,
            blocks=blocks,
            teasers=teasers,
        )
    return stats


def _words(tag: Tag) -> frozenset[str]:
    return _words_in(_named_as(tag))


def _named_as(tag: Tag) -> str:
    """The tag's class, id and role, one string."""
    parts = []
    for attr in ("class", "id", "role"):
        value = tag.get(attr)
        if isinstance(value, list):
            parts.extend(v for v in value if isinstance(v, str))
        elif isinstance(value, str):
            parts.append(value)
    return " ".join(parts)


# Pages repeat their class names: each is split once.
@functools.lru_cache(maxsize=4096)
def _words_in(text: str) -> frozenset[str]:
    # camelCase words split too: "shareBar" -> "share bar"
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text).lower()
    return frozenset(w for w in re.split(r"[^a-z0-9]+", text) if w)


def _hint(tag: Tag) -> int:
    """-1 for a furniture class or id, +1 for a content one, 0 otherwise."""
    role = tag.get("role")
    return _hint_of(
        _named_as(tag),
        tag.get("itemprop") == "articleBody",
        role if isinstance(role, str) else "",
    )


@functools.lru_cache(maxsize=4096)
def _hint_of(named_as: str, article_body: bool, role: str) -> int:
    words = _words_in(named_as)
    if not words:
        return 0
    if article_body:
        return 1
    furniture = any(
        w not in _NOT_FURNITURE and (w in _FURNITURE_WORDS or w.startswith(_FURNITURE_STEMS))
        for w in words
    )
    if role in ("navigation", "banner", "contentinfo", "complementary", "search"):
        furniture = True
    content = any(w.startswith(_CONTENT_STEMS) for w in words)
    if furniture and content:
        # "comment-body" is furniture; "article-body-with-sidebar" is content: let the more specific
        # furniture words win unless the element says it is the article or entry itself.
        strong = any(w.startswith(("article", "entry", "story", "prose", "hentry")) for w in words)
        weak = all(
            w.startswith(_CONTENT_STEMS)
            or not (w in _FURNITURE_WORDS or w.startswith(_FURNITURE_STEMS))
            or w in ("header", "meta", "tags", "tag")
            for w in words
        )
        return 1 if strong and weak else -1
    if furniture:
        return -1
    return 1 if content else 0


def _strip_furniture(
    body: etree._Element, stats: dict[etree._Element, _Stats], dropped: list[Dropped]
) -> None:
    """Remove furniture by tag name and class/id hints, unless it holds most of the page's prose."""
    total = stats[body]
    prose = max(1, total.length - total.links)
    stack = [body]
    while stack:
        element = stack.pop()
        for child in list(element):
            reason = _furniture_reason(child)
            if reason:
                s = stats.get(child, _Stats())
                holds = (s.length - s.links) / prose
                if holds < 0.5 or (reason == "navigation" and s.links > 0.6 * s.length):
                    _drop(dropped, child, reason)
                    _remove_keeping_tail(child)
                    continue
            stack.append(child)


def _furniture_reason(element: etree._Element) -> str:
    name = element.tag
    if name in _FURNITURE_TAGS:
        if name == "header" and element.find(".//p") is not None and _hint(element) > 0:
            return ""
        return _FURNITURE_TAGS[name]
    if name in ("body", "html", "main", "article", "figure", "figcaption", "img", "picture"):
        return ""
    if _hint(element) < 0:
        return "furniture by class or id (" + " ".join(sorted(_words(element)))[:60] + ")"
    return ""


def _drop(dropped: list[Dropped], node: Tag | etree._Element, reason: str) -> None:
    text = _WS.sub(" ", _text(node)).strip()
    if text:
        dropped.append(Dropped(text[:300], reason))


def _text(node: Tag | etree._Element, separator: str = " ") -> str:
    """The text a BeautifulSoup tag or an lxml element holds, its strings joined by
    ``separator``."""
    if isinstance(node, Tag):
        return node.get_text(separator)
    return separator.join(node.itertext())


# ------------------------------------------------------------------------------- main content


def _main_content(
    body: etree._Element, stats: dict[etree._Element, _Stats]
) -> list[etree._Element]:
    """The element holding the article, with sibling elements that continue it."""
    scores: dict[etree._Element, float] = {}
    for element in body.iterdescendants(etree.Element):
        s = stats.get(element)
        if s is None or s.own - s.own_links < MIN_BLOCK_CHARS:
            continue
        name = element.tag
        if name in _HEADINGS or name in ("a", "li", "th", "dt", "caption", "figcaption"):
            continue
        if s.own_links > 0.5 * s.own:
            continue
        score = 1 + s.commas + min((s.own - s.own_links) // 100, 3)
        for level, ancestor in enumerate(_parents(element, 5)):
            if ancestor not in scores:
                scores[ancestor] = _initial_score(ancestor, stats)
            divider = 1 if level == 0 else 2 if level == 1 else level * 3
            scores[ancestor] += score / divider
            if ancestor is body or ancestor.tag == "article":
                break  # an <article> is a composition of its own: its text scores no further
        # the text block itself is a candidate too (a lone long <div> of text)
        if name in ("div", "section", "article", "main", "center") and element not in scores:
            scores[element] = _initial_score(element, stats) + score
    if not scores:
        return [body]
    final: dict[etree._Element, float] = {}
    for element, score in scores.items():
        s = stats.get(element, _Stats())
        density = s.links / s.length if s.length else 0
        final[element] = score * (1 - density)
    ranked = sorted(final, key=final.get, reverse=True)
    top = ranked[0]
    top_score = final[top]
    # several near-equal candidates under one ancestor: the ancestor is the article
    # (articles only as the top's siblings: a run of them is a listing, other ones are not
    # parts of this one)
    alternatives = [
        k
        for k in ranked[1:5]
        if final[k] >= 0.75 * top_score and (k.tag != "article" or k.getparent() is top.getparent())
    ]
    if len(alternatives) >= 3:
        for ancestor in _parents(top, 50):
            if ancestor is body:
                break
            inside = sum(1 for alt in alternatives if any(p is ancestor for p in _parents(alt, 50)))
            if inside >= 3:
                top = ancestor
                break
    # climb while the parent scores better (the article is split in several containers)
    last = final.get(top, top_score)
    threshold = last / 3
    for parent in _parents(top, 50):
        if parent is body or parent.tag == "html":
            break
        if parent not in final:
            continue
        if final[parent] < threshold:
            break
        if final[parent] > last:
            top = parent
            break
        last = final[parent]
    while (parent := top.getparent()) is not None and parent is not body and len(parent) == 1:
        top = parent
    return _with_siblings(top, final, stats, body)


def _initial_score(tag: etree._Element, stats: dict[etree._Element, _Stats]) -> float:
    base = {
        "div": 5,
        "article": 8,
        "main": 5,
        "section": 3,
        "pre": 3,
        "td": 3,
        "blockquote": 3,
        "address": -3,
        "ol": -3,
        "ul": -3,
        "dl": -3,
        "dd": -3,
        "dt": -3,
        "li": -3,
        "form": -3,
        "th": -5,
    }.get(tag.tag, 0)
    if tag.tag in _HEADINGS:
        base = -5
    if tag.get("itemprop") == "articleBody":
        base += 50
    hint = _hint(tag)
    if hint > 0:
        # a content class counts in proportion to the prose it holds, so that a small box called
        # "content-title" does not outscore the article
        s = stats.get(tag, _Stats())
        return base + 25 * min(1.0, (s.length - s.links) / 1000)
    return base + 25 * hint


def _with_siblings(
    top: etree._Element,
    final: dict[etree._Element, float],
    stats: dict[etree._Element, _Stats],
    body: etree._Element,
) -> list[etree._Element]:
    parent = top.getparent()
    if parent is None or top is body:
        return [top]
    top_score = final.get(top, 0)
    threshold = max(10.0, top_score * 0.2)
    top_class = " ".join(top.get("class", "").split())
    chosen = []
    for sibling in parent:
        if sibling is top:
            chosen.append(sibling)
            continue
        alike = bool(top_class) and " ".join(sibling.get("class", "").split()) == top_class
        bonus = top_score * 0.2 if alike else 0
        score = final.get(sibling)
        if score is None and alike and sibling.tag == top.tag != "article":
            # A section of the article laid out like the chosen one, its text too deep inside
            # to have scored it: it counts with the best block it holds. (Another <article>
            # is another composition.)
            score = max(
                (final.get(e, 0.0) for e in sibling.iterdescendants(etree.Element)), default=None
            )
        if score is not None and score + bonus >= threshold and _hint(sibling) >= 0:
            chosen.append(sibling)
            continue
        if sibling.tag == "p":
            s = stats.get(sibling, _Stats())
            density = s.links / s.length if s.length else 0
            text = _text(sibling).strip()
            if (s.length > 80 and density < 0.25) or (
                0 < s.length <= 80 and density == 0 and _SENTENCE_END.search(text)
            ):
                chosen.append(sibling)
    return chosen


def _hand_over(
    root: etree._Element, chosen: list[etree._Element], stats: dict[etree._Element, _Stats]
) -> tuple[list[Tag], dict[int, _Stats]]:
    """The chosen containers as BeautifulSoup tags, with their stats keyed by the tags' ids.

    Only they, inside their ancestors (so that a cell is still in its row), are handed to
    BeautifulSoup: the rest of the page is dropped from lxml's tree first.
    """
    keep = set(chosen)
    chain: set[etree._Element] = set()
    for element in chosen:
        for parent in element.iterancestors():
            if parent in chain:
                break
            chain.add(parent)
    chain -= keep
    for parent in chain:
        parent.text = None
        parent.attrib.pop(_NUMBER, None)
        for child in list(parent):
            if child in keep or child in chain:
                child.tail = None
            else:
                parent.remove(child)
    numbered: list[_Stats | None] = []
    firsts: set[str] = set()
    for element in chosen:
        firsts.add(str(len(numbered)))
        for inner in element.iter(etree.Element):
            inner.set(_NUMBER, str(len(numbered)))
            numbered.append(stats.get(inner))
    soup = _soup(etree.tostring(root, encoding="unicode", method="html"))
    roots: list[Tag] = []
    soup_stats: dict[int, _Stats] = {}
    for tag in _tags(soup):
        n = tag.attrs.pop(_NUMBER, None)
        if n is None:
            continue
        if n in firsts:
            roots.append(tag)
        s = numbered[int(n)]
        if s is not None:
            soup_stats[id(tag)] = s
    return roots, soup_stats


# ---------------------------------------------------------------------------------- the walker


class _Walker:
    """Turns content elements into model blocks through the allowlist."""

    MAX_DEPTH = 120  # below this many levels, a container is read as one paragraph of text

    def __init__(
        self,
        page: Page,
        meta: _Meta,
        rules: Rules,
        stats: dict[int, _Stats],
        out: _Out,
        limits: Limits,
    ):
        self.page = page
        self.meta = meta
        self.rules = rules
        self.stats = stats
        self.out = out
        self.sources = _sources_root(page)
        self.base_url = meta.url
        self.limits = limits

    # blocks

    def container(self, tag: Tag, depth: int) -> None:
        """Read a block container: its children become blocks; loose inline content paragraphs."""
        if depth > self.MAX_DEPTH:
            self.paragraph_from_text(tag.get_text(" "))
            return
        run: list = []
        for child in list(tag.children):
            if isinstance(child, Tag) and (child.name in _BLOCK_TAGS or self._has_blocks(child)):
                self.flush(run)
                run = []
                self.block(child, depth + 1)
            elif isinstance(child, Tag) and child.name == "br":
                if run and isinstance(run[-1], Tag) and run[-1].name == "br":
                    run.pop()
                    self.flush(run)
                    run = []
                else:
                    run.append(child)
            else:
                run.append(child)
        self.flush(run)

    def _has_blocks(self, tag: Tag) -> bool:
        s = self.stats.get(id(tag))
        return bool(s and s.blocks)

    def block(self, tag: Tag, depth: int) -> None:
        name = tag.name
        if self._conditionally_dropped(tag):
            return
        if name in _HEADINGS:
            self.heading(tag)
        elif name == "p" and not self._has_blocks(tag):
            self.emit_paragraph(tag.contents)
        elif name == "blockquote":
            self.quote(tag, depth)
        elif name in ("ul", "ol", "menu"):
            self.list_(tag, depth)
        elif name in ("figure", "picture", "img"):
            self.figure(tag)
        elif name == "table":
            self.table(tag, depth)
        elif name == "pre":
            self.emit_paragraph(tag.contents, preformatted=True)
        elif name == "hr":
            return
        else:
            self.container(tag, depth)

    def _conditionally_dropped(self, tag: Tag) -> bool:
        """Readability's conditional cleaning: link-heavy containers inside the article go."""
        if tag.name not in ("div", "section", "ul", "ol", "table", "dl", "span", "center", "menu"):
            return False
        s = self.stats.get(id(tag))
        if s is None or s.length == 0:
            return False
        density = s.links / s.length
        if density > 0.5 and s.length - s.links < 400:
            _drop(self.out.dropped, tag, "link list (most of its text is links)")
            return True
        if s.teasers >= 2 and (s.length - s.links) < 300 * s.teasers:
            _drop(self.out.dropped, tag, f"a list of {s.teasers} linked headlines (teasers)")
            return True
        if _hint(tag) < 0 and density > 0.25:
            _drop(self.out.dropped, tag, "furniture by class or id, with many links")
            return True
        return False

    def heading(self, tag: Tag) -> None:
        inline = self.inline(tag.contents)
        text = _text_of(inline)
        if not text:
            return
        if tag.name == "h1" or _same(text, self.meta.title):
            self.out.dropped.append(Dropped(text, "the article's title"))
            return
        self.out.blocks.append(Heading(inline, level=_HEADINGS[tag.name]))

    def quote(self, tag: Tag, depth: int) -> None:
        inner = _Out(dropped=self.out.dropped)
        _Walker(self.page, self.meta, self.rules, self.stats, inner, self.limits).container(
            tag, depth
        )
        paragraphs: list[str] = []
        for block in inner.blocks:
            if isinstance(block, Paragraph | Heading):
                paragraphs.append(block.html)
            elif isinstance(block, Quote):
                paragraphs.extend(block.paragraphs)
            elif isinstance(block, ListBlock):
                paragraphs.extend(block.items)
            else:
                self.out.blocks.append(block)
        if paragraphs:
            self.out.blocks.append(Quote(tuple(paragraphs)))

    def list_(self, tag: Tag, depth: int) -> None:
        items: list[str] = []
        for li in tag.find_all("li"):
            if depth + 1 > self.MAX_DEPTH:
                break
            parts = [c for c in li.contents if not (isinstance(c, Tag) and c.name in ("ul", "ol"))]
            parts = [
                c
                for c in parts
                if not (isinstance(c, Tag) and c.name in _BLOCK_TAGS and c.find("li") is not None)
            ]
            inline = self.inline_blocks(parts)
            if _text_of(inline):
                items.append(inline)
        if items:
            self.out.blocks.append(ListBlock(tuple(items), ordered=tag.name == "ol"))

    def table(self, tag: Tag, depth: int) -> None:
        # Layout tables hold paragraphs: read their cells as containers; data tables row by row.
        if tag.find(["p", "div", "table", "blockquote", "ul", "ol", "h2", "h3", "br"]) is not None:
            for cell in tag.find_all(["td", "th", "caption"]):
                if cell.find_parent("table") is tag:
                    self.container(cell, depth + 1)
            return
        for row in tag.find_all("tr"):
            if row.find_parent("table") is not tag:
                continue
            cells = [self.inline(c.contents) for c in row.find_all(["td", "th"], recursive=False)]
            cells = [c for c in cells if _text_of(c)]
            if cells:
                self.emit_html(" | ".join(cells))

    def figure(self, tag: Tag) -> None:
        img = tag if tag.name == "img" else tag.find("img")
        caption_tag = tag.find("figcaption") if tag.name == "figure" else None
        caption = self.inline(caption_tag.contents) if caption_tag else ""
        if img is None:
            src = _image_url(tag.find("source")) if tag.find("source") else ""
            alt = ""
        else:
            src, alt = _image_url(img), _plain(img.get("alt") or "")
        self.add_figure(src, alt, caption, tag)

    def add_figure(self, src: str, alt: str, caption: str, tag: Tag | None = None) -> None:
        if not src:
            if tag is not None and caption:
                self.out.dropped.append(Dropped(_text_of(caption), "figure without an image"))
            return
        local = self.local_image(src)
        if local is None:
            reason = (
                "remote image not fetched: "
                if _is_remote(src)
                else "image not found inside the sources folder: "
            ) + src[:200]
            self.out.dropped.append(Dropped(_text_of(caption) or alt or src[:200], reason))
            return
        self.out.blocks.append(Figure(src=local, alt=alt, caption=caption))

    def local_image(self, src: str) -> str | None:
        """The image's path inside the sources folder, or None when it lies elsewhere.

        Raises:
            SourceError: the image is over the size limits (named, with the limit).
        """
        parts = urlsplit(src)
        if parts.scheme or parts.netloc or src.startswith(("/", "\\")) or not parts.path:
            return None
        try:
            path = (self.page.path.parent / unquote(parts.path)).resolve()
            root = self.sources.resolve()
            if not path.is_relative_to(root) or not path.is_file():
                return None
            relative = path.relative_to(root).as_posix()
        except (OSError, ValueError):
            return None
        shown = self.page.shown[: len(self.page.shown) - len(self.page.name)] + relative
        problem = image_problem(path, self.limits)
        if problem:
            raise SourceError(problem, shown)
        return relative

    # paragraphs

    def flush(self, run: list) -> None:
        if run:
            self.emit_paragraph(run)

    def emit_paragraph(self, nodes: list, preformatted: bool = False) -> None:
        # A <p> with <br><br> inside is several paragraphs, and so is preformatted text with a
        # blank line. The breaks are counted in the cleaned markup, where what stood between
        # them (spaces, comments, an image) is gone, so that cleaning the result again finds
        # the same paragraphs.
        inline = self.inline(nodes, preformatted=preformatted)
        for piece in _split_at_double_breaks(inline):
            self.emit_html(piece)
        figures, self.out.figures = self.out.figures, []
        for figure in figures:
            self.add_figure(*figure)

    def emit_html(self, inline: str) -> None:
        inline = _trim_breaks(inline)
        if _text_of(inline):
            self.out.blocks.append(Paragraph(inline))

    def paragraph_from_text(self, text: str) -> None:
        text = _WS.sub(" ", _XML_FORBIDDEN.sub("", text)).strip()
        if text:
            self.out.blocks.append(Paragraph(html.escape(smarten(text), quote=False)))

    def inline_blocks(self, nodes: list) -> str:
        """Inline XHTML for nodes that may hold blocks (a list item with paragraphs)."""
        return _trim_breaks(self.inline(nodes))

    def inline(self, nodes: list, preformatted: bool = False) -> str:
        """Inline XHTML (escaped, typographed text and allowed elements) for ``nodes``."""
        texts: list[tuple[int, str]] = []  # (index into pieces, raw text) to smarten with context
        pieces: list[str] = []
        self._inline(nodes, pieces, texts, 0, preformatted)
        flat = [t for _, t in texts]
        for n, (index, raw) in enumerate(texts):
            before = flat[n - 1][-1:] if n else ""
            after = flat[n + 1][:1] if n + 1 < len(flat) else ""
            pieces[index] = html.escape(_smarten_piece(raw, before, after), quote=False)
        result = "".join(pieces)
        # Preformatted text keeps its line breaks; its spaces are set like any paragraph's. A run
        # of spaces is one space, a no-break one only when no breaking space was in the run.
        result = _SPACE_RUN.sub(lambda m: " " if " " in m.group() else "\u00a0", result)
        result = _NBSP_BY_SPACE.sub(lambda m: m.group(1) or m.group(2), result)
        return re.sub(r" ?<br/> ?", "<br/>", result).strip()

    def _inline(self, nodes, pieces, texts, depth, preformatted) -> None:
        for node in nodes:
            if isinstance(node, NavigableString):
                if isinstance(node, PreformattedString):
                    continue
                text = str(node)
                if preformatted:
                    for i, line in enumerate(text.split("\n")):
                        if i:
                            pieces.append("<br/>")
                        texts.append((len(pieces), _WS.sub(" ", line)))
                        pieces.append("")
                else:
                    texts.append((len(pieces), _WS.sub(" ", text)))
                    pieces.append("")
                continue
            if not isinstance(node, Tag):
                continue
            name = node.name
            if depth > self.MAX_DEPTH:
                texts.append((len(pieces), _WS.sub(" ", node.get_text(" "))))
                pieces.append("")
                continue
            if name == "br":
                pieces.append("<br/>")
                continue
            if name in ("img", "picture", "figure"):
                img = node if name == "img" else node.find("img")
                if img is not None and _image_url(img):
                    self.out.figures.append(
                        (_image_url(img), _plain(img.get("alt") or ""), "", None)
                    )
                continue
            if name == "a":
                href = self._href(node.get("href"))
                inner: list[str] = []
                inner_texts: list[tuple[int, str]] = []
                self._inline(node.contents, inner, inner_texts, depth + 1, preformatted)
                if href:
                    # No link inside a link: the outer one wins, the inner ones keep their text.
                    inner = ["" if p.startswith("<a ") or p == "</a>" else p for p in inner]
                    pieces.append(f'<a href="{html.escape(href, quote=True)}">')
                self._splice(pieces, texts, inner, inner_texts)
                if href:
                    pieces.append("</a>")
                continue
            cluster = self.stats.get(id(node))
            if cluster and cluster.length >= 150 and cluster.links >= 0.8 * cluster.length:
                # a pop-up card or a run of links set inside a sentence, not part of it
                _drop(self.out.dropped, node, "links inside a paragraph (a pop-up or link cluster)")
                continue
            element = _INLINE_MAP.get(name)
            if element:
                pieces.append(f"<{element}>")
                self._inline(node.contents, pieces, texts, depth + 1, preformatted)
                pieces.append(f"</{element}>")
            else:
                if name in _BLOCK_TAGS:
                    pieces.append(" ")
                self._inline(
                    node.contents,
                    pieces,
                    texts,
                    depth + 1,
                    preformatted or name == "pre",
                )
                if name in _BLOCK_TAGS:
                    pieces.append(" ")

    @staticmethod
    def _splice(pieces, texts, inner, inner_texts) -> None:
        offset = len(pieces)
        pieces.extend(inner)
        texts.extend((offset + i, t) for i, t in inner_texts)

    def _href(self, value) -> str:
        if not isinstance(value, str):
            return ""
        href = _CONTROL.sub("", value)
        if not href or href.startswith("#"):
            return ""
        scheme = urlsplit(href).scheme.lower() if ":" in href else ""
        if not scheme:
            if not self.base_url or href.startswith("//") and not self.base_url:
                return ""
            href = urljoin(self.base_url, href)
            scheme = urlsplit(href).scheme.lower()
        if scheme not in _SAFE_SCHEMES:
            return ""
        if scheme != "mailto" and not urlsplit(href).netloc:
            return ""
        return href[:2000]


def _smarten_piece(raw: str, before: str, after: str) -> str:
    """Smarten a text node, keeping its edge spaces, with the neighbouring characters as context."""
    raw = _XML_FORBIDDEN.sub("", raw)
    if not raw:
        return ""
    core = raw.strip(" \u00a0")
    if not core:
        return "\u00a0" if "\u00a0" in raw else " "
    # An edge space stays (the neighbouring element's word needs it), a no-break one as such:
    # "reprinted on&nbsp;</i><a>Wired.com" must not read "reprinted onWired.com".
    lead = _edge_space(raw[: len(raw) - len(raw.lstrip(" \u00a0"))])
    trail = _edge_space(raw[len(raw.rstrip(" \u00a0")) :])
    if lead:
        before = " "
    if trail:
        after = " "
    # Quotes are curled by their neighbours, which may sit across a tag ("<em>yes</em>" -- ):
    # smarten with the neighbouring characters attached, then take them off again.
    prefix = before if core[0] in "\"'" and before and not before.isspace() else ""
    suffix = after if core[-1] in "\"'" and after and not after.isspace() else ""
    text = smarten(core)
    if prefix or suffix:
        probe = smarten(prefix + core + suffix)
        if (
            probe.startswith(prefix)
            and probe.endswith(suffix)
            and len(probe) > len(prefix + suffix)
        ):
            text = probe[len(prefix) : len(probe) - len(suffix)]
    return lead + text + trail


_SPACE_RUN = re.compile(r"[ \u00a0]{2,}")
# A no-break space that a tag separates from a space: "two&nbsp;</b> <em>" is one space.
_NBSP_BY_SPACE = re.compile(r"\u00a0((?:</[a-z]+>)+ )|( (?:<[a-z][^>]*>)+)\u00a0")


def _edge_space(run: str) -> str:
    """The one space a run of spaces at a text node's edge becomes: no-break if any was."""
    return "\u00a0" if "\u00a0" in run else " " if run else ""


_INLINE_TAG = re.compile(r"<(/?)([a-z]+)[^>]*?(/?)>")


def _split_at_double_breaks(inline: str) -> list[str]:
    """Cut inline XHTML at each run of two or more ``<br/>`` that lies outside any element."""
    runs: list[list[int]] = []  # [start, end, how many breaks] of each run of top-level breaks
    depth = 0
    for match in _INLINE_TAG.finditer(inline):
        closing, name, empty = match.groups()
        if name == "br" and depth == 0:
            if runs and runs[-1][1] == match.start():
                runs[-1][1:] = [match.end(), runs[-1][2] + 1]
            else:
                runs.append([match.start(), match.end(), 1])
        elif closing:
            depth = max(0, depth - 1)
        elif not empty:
            depth += 1
    cuts = [(start, end) for start, end, count in runs if count >= 2]
    pieces, position = [], 0
    for start, end in cuts:
        pieces.append(inline[position:start])
        position = end
    pieces.append(inline[position:])
    return pieces


def _trim_breaks(inline: str) -> str:
    inline = inline.strip()
    while inline.startswith("<br/>"):
        inline = inline[5:].lstrip()
    while inline.endswith("<br/>"):
        inline = inline[:-5].rstrip()
    return inline


def _text_of(inline: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", inline)).strip()


def _same(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"\W+", " ", s).strip().casefold()

    return bool(a and b) and norm(a) == norm(b)


def _image_url(img: Tag | None) -> str:
    if img is None:
        return ""
    for attr in (
        "data-src",
        "data-original",
        "data-lazy-src",
        "data-url",
        "data-hi-res-src",
        "src",
        "data-srcset",
        "srcset",
    ):
        value = img.get(attr)
        if not isinstance(value, str):
            continue
        value = value.strip()
        if attr.endswith("srcset"):
            value = value.split(",")[0].strip().split(" ")[0]
        if value and not value.startswith("data:") and not value.lower().startswith("javascript:"):
            return value
    return ""


def _is_remote(src: str) -> bool:
    parts = urlsplit(src)
    return bool(parts.scheme in ("http", "https") or src.startswith("//") or parts.netloc)


def _sources_root(page: Page) -> Path:
    root = page.path
    for _ in PurePosixPath(page.name.replace("\\", "/")).parts:
        root = root.parent
    return root if page.path.is_relative_to(root) else page.path.parent


# ------------------------------------------------------------------------------- tidying


def _tidy_blocks(out: _Out, meta: _Meta, rules: Rules) -> list[Block]:
    """Drop furniture lines, repeats, link-only teasers and everything after a tail marker."""
    blocks: list[Block] = []
    seen: dict[str, tuple] = {}  # each block's text, with the section it first fell under
    # The headings the block falls under, by level, each with whether it was new there: a
    # section under no new heading is the page repeating itself.
    path: dict[int, tuple[str, bool]] = {}
    for block in out.blocks:
        text = _block_text(block)
        key = re.sub(r"\W+", " ", text).strip().casefold()
        if not key and not isinstance(block, Figure):
            continue
        if isinstance(block, Heading):
            path = {level: h for level, h in path.items() if level < block.level}
            path[block.level] = (key, key not in seen)
        section = tuple(key for key, _ in path.values())
        fresh = any(new for _, new in path.values())
        if (
            len(text) <= SHORT_LINE
            and rules.furniture.matches(text)
            and not isinstance(block, Figure)
        ):
            out.dropped.append(Dropped(text, rules.furniture.name))
            continue
        if (
            isinstance(block, Paragraph | Heading)
            and len(text) < 200
            and (_link_only(block.html) or _link_share(block.html) >= 0.6)
        ):
            out.dropped.append(Dropped(text, "a link on its own (teaser or related link)"))
            continue
        if (
            key in seen
            and len(key) >= 80
            and not isinstance(block, Figure)
            # The same text in another section, under a new heading, is the article's own (a
            # menu for each day, a step in each recipe); a pull quote or a page repeated for
            # another screen repeats within one section, or repeats its headings too.
            and (isinstance(block, Quote) or seen[key] == section or not fresh)
        ):
            out.dropped.append(Dropped(text, "repeated text (pull quote or duplicate)"))
            continue
        seen.setdefault(key, section)
        blocks.append(block)
    blocks = _cut_tail(blocks, out, rules)
    return _drop_head_metadata(blocks, out, meta)


def _block_text(block: Block) -> str:
    if isinstance(block, Paragraph | Heading):
        return _text_of(block.html)
    if isinstance(block, Quote):
        return "\n".join(_text_of(p) for p in block.paragraphs)
    if isinstance(block, ListBlock):
        return "\n".join(_text_of(i) for i in block.items)
    return _text_of(block.caption)


def _link_only(inline: str) -> bool:
    stripped = inline.strip()
    return (
        bool(
            re.fullmatch(
                r"(<(em|strong)>)*<a href=\"[^\"]*\">.*</a>(</(em|strong)>)*", stripped, re.S
            )
        )
        and stripped.count("<a ") == 1
    )


def _link_share(inline: str) -> float:
    """The share of an inline fragment's text that is link text."""
    text = _text_of(inline)
    links = sum(len(_text_of(m)) for m in re.findall(r"<a [^>]*>(.*?)</a>", inline, re.S))
    return links / len(text) if text else 0.0


def _prose_chars(block: Block) -> int:
    text = _block_text(block)
    return len(text) if len(text) >= 80 and _SENTENCE_END.search(text) else 0


def _cut_tail(blocks: list[Block], out: _Out, rules: Rules) -> list[Block]:
    prose = [_prose_chars(b) for b in blocks]
    for index, block in enumerate(blocks):
        if index == 0 or isinstance(block, Figure):
            continue
        text = _block_text(block)
        if (
            len(text) <= 80
            and rules.tail.matches(text)
            and sum(prose[:index]) >= sum(prose[index:])
        ):
            for later in blocks[index:]:
                later_text = _block_text(later)
                if later_text:
                    out.dropped.append(
                        Dropped(later_text[:300], "after the article's end (tail marker)")
                    )
            return blocks[:index]
    return blocks


def _drop_head_metadata(blocks: list[Block], out: _Out, meta: _Meta) -> list[Block]:
    """Short lines above the first paragraph of prose that restate the byline, date or title."""
    kept: list[Block] = []
    started = False
    for block in blocks:
        text = _block_text(block)
        if (
            not started
            and isinstance(block, Paragraph)
            and len(text) <= 100
            and not _prose_chars(block)
        ):
            if _same(text, meta.title):
                out.dropped.append(Dropped(text, "the article's title"))
                continue
            if _same(text, meta.standfirst):
                out.dropped.append(Dropped(text, "metadata (standfirst)"))
                continue
            if (
                _BY_PREFIX.match(text)
                and len(text) <= 80
                or (meta.byline and _same(text, meta.byline))
            ):
                out.dropped.append(Dropped(text, "metadata (byline)"))
                continue
            if parse_date(text) and len(text) <= 60:
                out.dropped.append(Dropped(text, "metadata (date)"))
                continue
        if _prose_chars(block):
            started = True
        kept.append(block)
    return kept


# ------------------------------------------------------------------------------- verdict


def _check_article(page: Page, meta: _Meta, blocks: list[Block], out: _Out) -> None:
    """Refuse pages that are not articles: error pages, listings, pages with too little prose."""
    texts = [_block_text(b) for b in blocks]
    chars = sum(len(t) for t in texts)
    prose = sum(_prose_chars(b) for b in blocks)
    teasers = sum(1 for d in out.dropped if d.reason.startswith(("a link on its own", "link list")))
    teasers += sum(
        int(m.group(1))
        for d in out.dropped
        if (m := re.match(r"a list of (\d+) linked headlines", d.reason))
    )
    if chars == 0:
        if teasers or any(d.reason.startswith("link list") for d in out.dropped):
            raise SourceError(
                "not an article: only lists of links and headlines (a listing or home page)",
                page.shown,
            )
        raise SourceError("not an article: no text found in the page", page.shown)
    if _ERROR_TITLE.search(meta.title) and prose < 600 and not meta.is_article:
        raise SourceError(
            f"not an article: looks like an error or search page ({meta.title[:60]!r})", page.shown
        )
    if chars < MIN_ARTICLE_CHARS and not meta.is_article:
        raise SourceError(
            f"not an article: too little prose ({chars} characters of text)", page.shown
        )
    if (
        not meta.is_article
        and teasers >= 8
        and prose < 1500
        and (meta.is_listing or prose < 400 * max(1, teasers // 8))
    ):
        raise SourceError(
            f"not an article: a listing of {teasers} links with little prose", page.shown
        )


def _title_from_name(name: str) -> str:
    stem = re.sub(r"(\.[A-Za-z]+)+$", "", name.rsplit("/", 1)[-1])
    words = re.sub(r"[-_]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else name
