"""The fast parse path (lxml prunes, BeautifulSoup builds the rest) must clean as the whole page
would: the metadata pass still finds what it reads, and the body keeps the same text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from anthology.clean.html import (
    _RAW_SKIP,
    _lean_markup,
    _metadata,
    _parse,
    _raw_text_chars,
    _soup,
    _strip_never,
    _word_chars,
)
from anthology.config import Limits
from anthology.sources import Page

PROSE = "<p>A sentence of the article that carries on for a while, as prose does. </p>" * 5

PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><title>The title</title><!-- a comment -->
<script>var x = "<p>not text</p>";</script><style>p {{ color: red }}</style></head>
<body>
<div hidden><script type="application/ld+json">
{{"@type": "NewsArticle", "headline": "From JSON-LD", "datePublished": "2021-03-04"}}
</script></div>
<button class="share">Share <time datetime="2020-01-02">2 Jan</time></button>
<span class="byline sr-only">By <span hidden>Ann</span> Writer</span>
<svg><title>An icon</title><path d="M0"/></svg>
<article>{PROSE}
<p>Before an embed <embed src="x.swf"> and the words after it stay.</p>
<p>One<!-- between -->word<script>x()</script> and <fb:like>liked</fb:like> more.</p>
<div style="display: none">Hidden words</div><noscript><img src="a.png"></noscript>
<select><option>Choice</option></select>tail words stay
</article>
</body></html>"""


def _page(text: str) -> Page:
    return Page(
        path=Path("/nonexistent/sources/page.html"),
        name="page.html",
        shown="sources/page.html",
        kind="html",
        text=text,
    )


def test_the_page_takes_the_fast_path() -> None:
    assert _lean_markup(PAGE, _raw_text_chars(PAGE), Limits()) is not None


def test_metadata_is_read_as_from_the_whole_page() -> None:
    page = _page(PAGE)
    assert _metadata(_parse(page), page) == _metadata(_soup(PAGE), page)


def test_the_body_keeps_the_same_text() -> None:
    lean, whole = _parse(_page(PAGE)), _soup(PAGE)
    for soup in (lean, whole):
        _strip_never(soup.body)
    assert lean.body.get_text().split() == whole.body.get_text().split()
    assert "tail words stay" in lean.body.get_text()


def test_an_xml_declaration_does_not_stop_lxml() -> None:
    text = '<?xml version="1.0" encoding="utf-8"?>\n' + PAGE
    assert _lean_markup(text, _raw_text_chars(text), Limits()) is not None


def test_a_tree_deeper_than_lxml_holds_is_parsed_whole() -> None:
    text = "<html><body>" + "<div>" * 2100 + "deep words" + "</div>" * 2100 + "</body></html>"
    assert _lean_markup(text, _raw_text_chars(text), Limits()) is None
    assert "deep words" in _parse(_page(text)).get_text()


_LAZY_SKIP = re.compile(
    r"<(script|style|template|textarea|title|noscript|xmp|iframe)\b.*?(?:</\1\s*>|\Z)"
    r"|<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<![^>]*>|<\?[^>]*>",
    re.S | re.I,
)


@pytest.mark.parametrize(
    "text",
    [
        "a<script>x</script >b<SCRIPT>y</script>c",
        "<style>a<b</stylex></style>after",
        "<title>t</TITLE>x<textarea>never closed",
        "<!-->x-->y<!--- - -- --->z<!-- open",
        "<![CDATA[a]b]]c]]>d<![CDATA[open",
        "<!doctype html><?pi x?><scripts>kept</scripts>",
    ],
)
def test_the_raw_text_skips_what_a_lazy_match_skips(text: str) -> None:
    assert _RAW_SKIP.sub(" ", text) == _LAZY_SKIP.sub(" ", text)


def test_word_characters_are_counted_as_the_regex_counts_them() -> None:
    text = "Plain words_1, caf\u00e9 \u201cquoted\u201d \u0412\u0435\u0441\u043d\u0430 "
    text += "\u6587\u5b57 \u00a0\u2014!"
    assert _word_chars(text) == len(re.findall(r"\w", text))
