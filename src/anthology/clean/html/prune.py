"""Remove what is never content: scripts, embeds, form controls, comments, hidden elements.

The tags and hidden classes are data (``rules/html.toml``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from lxml import etree

from anthology.clean.html.parse import tree_text_chars
from anthology.clean.html.tree import remove_keeping_tail, unwrap
from anthology.clean.rules import markup_rules
from anthology.core.model import VOID_ELEMENTS

_RULES = markup_rules()
_NEVER = _RULES.never
_HIDDEN_CLASSES = _RULES.hidden_classes
# Cheap to test on the class attribute's text: a hidden class is in it when it holds one.
_HIDDEN_PROBES = tuple(sorted(_HIDDEN_CLASSES))
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Form controls hold a few words, never a page: one that holds most of the page's text, like a
# hidden menu that does, was left open in the source (a header's <button> or custom element
# never closed) and the parser nested the rest of the page inside it. Its content is kept.
_SHORT_CONTROLS = frozenset({"button", "label", "dialog", "select", "option"})


def _may_hide(element: etree._Element, names: list[str]) -> bool:
    """Whether ``_hidden`` may be true of the element (a superset, cheap to test); ``names``
    are its attributes'."""
    if "style" in names or "hidden" in names or "aria-hidden" in names:
        return True
    classes = element.get("class") if "class" in names else None
    return bool(classes) and any(probe in classes for probe in _HIDDEN_PROBES)


def strip_never(body: etree._Element) -> None:
    """Remove elements that are never content, comments, and elements hidden from readers.

    A hidden element or a form control holding more than half of the page's text is the page
    nested inside it by a parser: it is unwrapped, not removed."""
    most = max(500, tree_text_chars(body) // 2)  # word characters
    stack = [body]
    while stack:
        element = stack.pop()
        children = list(element)
        children.reverse()
        while children:
            child = children.pop()
            name = child.tag
            if not isinstance(name, str):  # a comment or processing instruction
                remove_keeping_tail(child)
                continue
            if name in VOID_ELEMENTS and (len(child) or child.text):
                # libxml2 does not know every empty element: after an unclosed <embed> or
                # <source>, the rest of the article is parsed as its content. Keep it.
                kids = list(child)
                unwrap(child)
                children.extend(reversed(kids))
                continue
            names = child.keys()
            never = name in _NEVER or ":" in name
            hidden = _may_hide(child, names) and _hidden(child.attrib)
            may_hold_page = name in _SHORT_CONTROLS or (hidden and not never)
            if may_hold_page and tree_text_chars(child) > most:
                kids = list(child)  # the rest of the page, nested in it by the parser
                unwrap(child)
                children.extend(reversed(kids))
            elif never or hidden:
                remove_keeping_tail(child)
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
