"""Site furniture found by structure: tag names and class, id and role words.

The words are data (``rules/html.toml``). An element that holds most of the page's prose is
never removed by a hint.
"""

from __future__ import annotations

import functools
import re

from bs4 import Tag
from lxml import etree

from anthology.clean.html.tree import Stats, ancestors, record_drop, remove_keeping_tail
from anthology.clean.rules import markup_rules
from anthology.core.model import Dropped

_RULES = markup_rules()
_FURNITURE_TAGS = _RULES.furniture_tags
_FURNITURE_STEMS = _RULES.furniture_stems
_FURNITURE_WORDS = _RULES.furniture_words
_CONTENT_STEMS = _RULES.content_stems
_ARTICLE_STEMS = _RULES.article_stems
_NOT_FURNITURE = _RULES.not_furniture
_FURNITURE_ROLES = _RULES.furniture_roles


def class_words(tag: Tag) -> frozenset[str]:
    """The words of an element's class, id and role."""
    return _words_in(_named_as(tag))


def _named_as(tag: Tag) -> str:
    """The tag's class, id and role, one string (an id that is a heading's anchor left out)."""
    parts = []
    for attr in ("class", "id", "role"):
        value = tag.get(attr)
        if isinstance(value, list):
            parts.extend(v for v in value if isinstance(v, str))
        elif isinstance(value, str) and not (attr == "id" and _anchor_of_heading(tag, value)):
            parts.append(value)
    return " ".join(parts)


_HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])


def _anchor_of_heading(tag, value: str) -> bool:
    """Whether an id on a heading (or inside one) is made of the heading's own words: a
    section's anchor ("Login_shell" on "Login shell") says where the section is, not what it
    is, and a section titled with a furniture word is still the article's."""
    name = tag.name if isinstance(tag, Tag) else tag.tag
    parent = tag.parent if isinstance(tag, Tag) else tag.getparent()
    inside = (
        parent is not None and (parent.name if isinstance(tag, Tag) else parent.tag) in _HEADINGS
    )
    if name not in _HEADINGS and not inside:
        return False
    text = tag.get_text(" ") if isinstance(tag, Tag) else " ".join(tag.itertext())
    words = _words_in(value)
    return bool(words) and words <= _words_in(text)


# Pages repeat their class names: each is split once.
@functools.lru_cache(maxsize=4096)
def _words_in(text: str) -> frozenset[str]:
    # camelCase words split too: "shareBar" -> "share bar"
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text).lower()
    return frozenset(w for w in re.split(r"[^a-z0-9]+", text) if w)


def class_hint(tag: Tag) -> int:
    """-1 for a furniture class or id, +1 for a content one, 0 otherwise."""
    role = tag.get("role")
    return _hint_of(
        _named_as(tag),
        tag.get("itemprop") == "articleBody",
        role if isinstance(role, str) else "",
    )


def name_hint(named_as: str) -> int:
    """The hint of a class and id string alone (no role or itemprop): -1, 0 or +1."""
    return _hint_of(named_as, False, "")


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
    if role in _FURNITURE_ROLES:
        furniture = True
    content = any(w.startswith(_CONTENT_STEMS) for w in words)
    if furniture and content:
        # "comment-body" is furniture; "article-body-with-sidebar" is content: let the more specific
        # furniture words win unless the element says it is the article or entry itself.
        strong = any(w.startswith(_ARTICLE_STEMS) for w in words)
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


def in_furniture(element: etree._Element) -> bool:
    """Inside comments, sidebars, footers or lists of other articles (their dates and names)."""
    for parent in ancestors(element, 30):
        if parent.tag in ("aside", "nav", "footer") or (
            parent.tag not in ("body", "html", "article", "main")
            and class_hint(parent) < 0
            and not class_words(parent) & {"byline", "meta", "header", "dateline", "timestamp"}
        ):
            return True
    return False


def strip_furniture(
    body: etree._Element, stats: dict[etree._Element, Stats], dropped: list[Dropped]
) -> None:
    """Remove furniture by tag name and class/id hints, unless it holds most of the page's prose.

    Siblings removed for the same mechanics word count together: a page builder that puts each
    section of the article in its own "widget" holds the article in several of them."""
    total = stats[body]
    prose = max(1, total.length - total.links)
    stack = [body]
    while stack:
        element = stack.pop()
        children = list(element)
        reasons = [_furniture_reason(child) for child in children]
        alike: dict[tuple, int] = {}  # the prose of the furniture siblings named alike
        for child, reason in zip(children, reasons, strict=True):
            if reason:
                s = stats.get(child, Stats())
                key = _alike(child, reason)
                alike[key] = alike.get(key, 0) + s.length - s.links
        for child, reason in zip(children, reasons, strict=True):
            if reason:
                s = stats.get(child, Stats())
                holds = alike[_alike(child, reason)] / prose
                if holds < 0.5 or (reason == "navigation" and s.links > 0.6 * s.length):
                    record_drop(dropped, child, reason)
                    remove_keeping_tail(child)
                    continue
            stack.append(child)


# Furniture words that name how a block is built or reached, not what it is: a page builder
# calls every block a "widget", and jump links target every section ("skip to topic 2"). Only
# siblings removed for these alone count together; comments, related links or reviews stay
# furniture however much of the page they fill.
_MECHANICS = ("widget", "skip")


def _alike(element: etree._Element, reason: str) -> tuple:
    """What siblings removed for the same mechanics word share: the tag and the words (an
    element removed for anything else is alike only to itself)."""
    words = frozenset(w for w in _words_in(_named_as(element)) if _is_furniture_word(w))
    if words and all(w.startswith(_MECHANICS) for w in words):
        return (element.tag, words)
    return (id(element), reason)


def _is_furniture_word(word: str) -> bool:
    return word not in _NOT_FURNITURE and (
        word in _FURNITURE_WORDS or word.startswith(_FURNITURE_STEMS)
    )


def _furniture_reason(element: etree._Element) -> str:
    name = element.tag
    if name in _FURNITURE_TAGS:
        if name == "header" and element.find(".//p") is not None and class_hint(element) > 0:
            return ""
        parent = element.getparent()
        if name == "footer" and parent is not None and parent.tag == "blockquote":
            return ""  # a quotation's attribution (``<footer>— <cite>Name</cite></footer>``)
        return _FURNITURE_TAGS[name]
    if name in ("body", "html", "main", "article", "figure", "figcaption", "img", "picture"):
        return ""
    if class_hint(element) < 0:
        return "furniture by class or id (" + " ".join(sorted(class_words(element)))[:60] + ")"
    return ""
