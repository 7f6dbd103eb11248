"""compile clean --explain accounts for all of a page's text: every text block of the page is
kept, dropped with its reason, or recorded as never considered with where it stood."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from anthology.clean.formats import explain_html
from anthology.clean.html import clean_html
from anthology.clean.html.tidy import block_text
from anthology.clean.rules import default_rules
from anthology.core.model import NEVER_CONSIDERED
from anthology.sources import Page
from tests.paths import FIXTURES, ROOT

PAGES = [
    ROOT / "tests" / "golden" / "pages" / "spacenews.com.nasa-lunar-landers.html",
    ROOT / "tests" / "golden" / "pages" / "hamy.xyz.language-death-spiral.html",
    FIXTURES / "html" / "sources" / "news-article.html",
]
_BLOCK = {
    "p",
    "div",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "td",
    "th",
    "dd",
    "dt",
    "blockquote",
    "figcaption",
    "section",
    "article",
    "aside",
    "nav",
    "header",
    "footer",
    "main",
    "form",
    "ul",
    "ol",
    "table",
    "tr",
    "pre",
    "address",
    "figure",
    "body",
}
_UNSEEN = {"script", "style", "noscript", "template", "svg", "head", "title", "iframe"}
_WORD = re.compile(r"\w+")


def _own_texts(element) -> list[str]:
    """Each block element's own text (its block children left out), by a plain walk."""
    texts: list[str] = []
    parts = [element.text or ""]
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _UNSEEN or not tag:
            pass
        elif tag in _BLOCK:
            texts += _own_texts(child)
            parts.append(" ")
        else:
            parts.append(" ".join(t for t in child.itertext() if t))
        parts.append(child.tail or "")
    own = " ".join("".join(parts).split())
    return ([own] if own else []) + texts


def _page(path: Path) -> Page:
    return Page(path, path.name, path.name, "html", path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_every_text_block_is_kept_dropped_or_never_considered(path: Path) -> None:
    article = clean_html(_page(path), default_rules())
    shown = [block_text(b) for b in article.body] + [d.text for d in article.dropped]
    shown += [article.title, article.standfirst, article.byline, article.publication]
    joined = " " + " ".join(" ".join(_WORD.findall(t)) for t in shown) + " "
    root = lxml_html.fromstring(path.read_bytes())
    body = root.find("body") if root.find("body") is not None else root
    missing = [
        text
        for text in _own_texts(body)
        if (words := _WORD.findall(text)) and f" {' '.join(words[:8])} " not in joined
    ]
    assert not missing, missing[:5]
    assert any(d.reason.startswith(NEVER_CONSIDERED) for d in article.dropped)


def test_the_report_lists_what_was_never_considered() -> None:
    article = clean_html(_page(PAGES[0]), default_rules())
    report = explain_html([(PAGES[0].name, article, "")])
    assert "<h4>Never considered</h4>" in report
    assert "never considered: site furniture: &lt;header&gt;" in report
