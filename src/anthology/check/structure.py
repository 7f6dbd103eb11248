"""The content-model rules a scraped page can make us break, checked in every XHTML document:
elements where HTML does not allow them (a page-break marker inside ``<br>`` or directly in a
``<ul>``), duplicate or malformed ids, and links to addresses that are not valid URLs.

These are the errors epubcheck reports as RSC-005 and RSC-020, found without Java, in well
under a second for a book, so every build runs them on what it wrote.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from lxml import etree

from anthology.check.archive import XHTML, Epub, local_name
from anthology.core.errors import Diagnostic
from anthology.core.model import VOID_ELEMENTS

# Elements whose children are only the elements listed (and no text but white space).
CHILDREN_ONLY = {
    "ul": {"li"},
    "ol": {"li"},
    "menu": {"li"},
    "dl": {"dt", "dd", "div"},
    "table": {"caption", "colgroup", "thead", "tbody", "tfoot", "tr"},
    "thead": {"tr"},
    "tbody": {"tr"},
    "tfoot": {"tr"},
    "tr": {"td", "th"},
    "colgroup": {"col"},
    "hgroup": {"h1", "h2", "h3", "h4", "h5", "h6", "p"},
    "html": {"head", "body"},
}
ANYWHERE = {"script", "template"}  # allowed among the children of every element above
# Elements that hold phrasing content only, and the flow elements that may not go in them.
PHRASING_ONLY = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "span", "em", "strong", "b", "i", "u", "s"}
    | {"code", "small", "sub", "sup", "cite", "q", "abbr", "dfn", "mark", "var", "kbd", "samp"}
    | {"time", "label", "bdi", "bdo", "data"}
)
FLOW_ONLY = frozenset(
    {"address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figure"}
    | {"figcaption", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup"}
    | {"hr", "li", "dt", "dd", "main", "nav", "ol", "p", "pre", "section", "table", "ul"}
    | {"caption", "tr", "td", "th", "tbody", "thead", "tfoot"}
)
# An id is an XML name without colons (XHTML's documents are XML).
_NAME = re.compile(r"^[^\W\d][\w.\-\u00b7\u0300-\u036f\u203f\u2040]*$")
# Characters a URL's host can never hold (the URL Standard's forbidden host code points).
_BAD_HOST = re.compile(r"[\x00-\x20#%/:<>?@\[\\\]^|\x7f]")
_HOST_SCHEMES = frozenset({"http", "https", "ftp", "ws", "wss"})
_BAD_URL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")
LINK_ATTRIBUTES = ("href", "src", "cite", "{http://www.w3.org/1999/xlink}href")


def check_content_model(epub: Epub) -> list[Diagnostic]:
    """No element sits where HTML's content model forbids it."""
    findings = []
    for name, root in sorted(epub.documents.items()):
        for element in root.iter(f"{{{XHTML}}}*"):
            problem = _misplaced(element)
            if problem:
                findings.append(
                    Diagnostic("xhtml-content", "error", name, problem, element.sourceline)
                )
    return findings


def _misplaced(element: etree._Element) -> str:
    """What is wrong with ``element``'s children, or ``""``."""
    tag = local_name(element)
    children = [c for c in element if isinstance(c.tag, str)]
    if tag in VOID_ELEMENTS:
        if children or (element.text or "").strip():
            inside = _described(children[0]) if children else "text"
            return f"<{tag}> holds {inside}; it can hold nothing"
        return ""
    allowed = CHILDREN_ONLY.get(tag)
    if allowed is not None:
        for child in children:
            if local_name(child) not in allowed | ANYWHERE:
                return f"<{tag}> holds {_described(child)}; it can hold only " + ", ".join(
                    f"<{a}>" for a in sorted(allowed)
                )
        text = (element.text or "") + "".join(child.tail or "" for child in children)
        if text.strip():
            return f"<{tag}> holds text ({_excerpt(text)}); it can hold only elements"
        return ""
    if tag in PHRASING_ONLY:
        for child in children:
            if local_name(child) in FLOW_ONLY:
                only = "it can hold only text and inline elements"
                return f"<{tag}> holds {_described(child)}; {only}"
    return ""


def _described(element: etree._Element) -> str:
    """``<span epub:type="pagebreak">`` or ``<div>``: an element as the error shows it."""
    tag = local_name(element)
    kind = element.get("{http://www.idpf.org/2007/ops}type")
    return f'<{tag} epub:type="{kind}">' if kind else f"<{tag}>"


def _excerpt(text: str) -> str:
    words = " ".join(text.split())
    return f'"{words[:30]}…"' if len(words) > 30 else f'"{words}"'


def check_ids(epub: Epub) -> list[Diagnostic]:
    """Every id in a document is an XML name and is given once."""
    findings = []
    for name, root in sorted(epub.documents.items()):
        seen: dict[str, int | None] = {}
        for element in root.iter():
            if not isinstance(element.tag, str) or element.get("id") is None:
                continue
            value, line = element.get("id"), element.sourceline
            if not _NAME.match(value):
                message = f'the id "{value}" is not a valid id (an XML name: no spaces or colons)'
                findings.append(Diagnostic("id-invalid", "error", name, message, line))
            elif value in seen:
                where = f" (first on line {seen[value]})" if seen[value] else ""
                message = f'the id "{value}" is given twice{where}'
                findings.append(Diagnostic("id-duplicate", "error", name, message, line))
            else:
                seen[value] = line
    return findings


def check_urls(epub: Epub) -> list[Diagnostic]:
    """Every address a document links to or loads is a valid URL."""
    findings = []
    for name, root in sorted(epub.documents.items()):
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            for attribute in LINK_ATTRIBUTES:
                url = element.get(attribute)
                problem = url_problem(url) if url is not None else ""
                if problem:
                    message = f'the address "{_excerpt(url)[1:-1]}" is not a valid URL: {problem}'
                    findings.append(
                        Diagnostic("url-invalid", "error", name, message, element.sourceline)
                    )
    return findings


def url_problem(url: str) -> str:
    """Why ``url`` is not a valid URL (as epubcheck's RSC-020 would say), or ``""``."""
    if _BAD_URL_CHARACTER.search(url):
        return "it holds a control character"
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:  # an unclosed "[" of an IPv6 address
        return str(exc)
    if parts.scheme.lower() not in _HOST_SCHEMES:
        return ""
    host = parts.netloc.rpartition("@")[2]
    if host.startswith("["):
        host, _, port = host.partition("]")
        port = port.removeprefix(":")
    else:
        host, _, port = host.partition(":")
    if not host:
        return "it names no host"
    if not host.startswith("[") and _BAD_HOST.search(unquote(host)):
        return f'the host "{host}" holds characters no host can'
    if port and not (port.isascii() and port.isdigit() and int(port) <= 65535):
        return f'the port "{port}" is not a number up to 65535'
    return ""


STRUCTURE_CHECKS = (check_content_model, check_ids, check_urls)
