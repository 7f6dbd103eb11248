"""The fast path (lxml parses, prunes and finds the article; BeautifulSoup builds only the
article's tree) must clean as the slow one does (BeautifulSoup parses the whole page): the
metadata pass still finds what it reads, and the body keeps the same text."""

from __future__ import annotations

import html
import re

import pytest
from lxml import etree

import anthology.clean.html.parse as parse
from anthology.clean.html import clean_html
from anthology.clean.html.content import hand_over
from anthology.clean.html.metadata import read_metadata
from anthology.clean.html.parse import lxml_parse, parse_page, raw_text_chars, soup_to_lxml
from anthology.clean.html.prune import strip_never
from anthology.clean.html.tree import NUMBER, body_of, make_soup, measure
from anthology.clean.rules import default_rules
from anthology.config.edition import Edition
from anthology.core.limits import Limits
from anthology.sources import Page, read_page
from tests.pages import saved_page
from tests.paths import FIXTURES

HTML = FIXTURES / "html"
EDITION = Edition(root=HTML, title="test")

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
    return saved_page(text)


def _words(element: etree._Element) -> list[str]:
    return " ".join(element.itertext()).split()


def test_the_page_takes_the_fast_path() -> None:
    assert lxml_parse(PAGE, raw_text_chars(PAGE), Limits()) is not None


def test_metadata_is_read_as_from_the_whole_page() -> None:
    page = _page(PAGE)
    meta = read_metadata(parse_page(page), page)
    assert meta == read_metadata(lxml_parse(PAGE, raw_text_chars(PAGE), Limits()), page)
    assert meta == read_metadata(soup_to_lxml(make_soup(PAGE)), page)
    assert (meta.title, str(meta.date), meta.byline, meta.language) == (
        "From JSON-LD",
        "2021-03-04",
        "Ann Writer",
        "en",
    )


def test_the_body_keeps_the_same_text_on_both_paths() -> None:
    fast, slow = body_of(parse_page(_page(PAGE))), body_of(soup_to_lxml(make_soup(PAGE)))
    for body in (fast, slow):
        strip_never(body)
    assert _words(fast) == _words(slow)
    text = " ".join(_words(fast))
    assert "Before an embed and the words after it stay." in text
    assert "tail words stay" in text
    for gone in ("Hidden", "Choice", "liked", "Share", "icon", "x()"):
        assert gone not in text


def test_an_unclosed_empty_element_gives_back_what_it_swallowed() -> None:
    body = body_of(parse_page(_page("<p>a <embed src=x>b <i>c</i> d</embed> e</p><p>f</p>")))
    strip_never(body)
    assert etree.tostring(body, encoding="unicode", method="html") == (
        "<body><p>a b <i>c</i> d e</p><p>f</p></body>"
    )


@pytest.mark.parametrize("name", ["news-article.html", "magazine-feature.html", "blog-post.html"])
def test_both_paths_clean_a_page_alike(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    page = read_page(HTML / "sources" / name, EDITION)
    fast = clean_html(page, default_rules())
    monkeypatch.setattr(parse, "lxml_parse", lambda *args: None)
    assert clean_html(page, default_rules()) == fast


def test_only_the_chosen_containers_are_handed_to_beautifulsoup() -> None:
    page = _page(
        f'<html><head><title>T</title></head><body><nav data-anthology-n="0">Menu</nav>'
        f'<div data-anthology-n="x"><article data-anthology-n="7">{PROSE}</article>'
        f"<aside>Aside</aside></div><footer>Foot</footer></body></html>"
    )
    root = parse_page(page)
    body = body_of(root)
    stats = measure(body)
    article = body.find(".//article")
    roots, soup_stats = hand_over(root, [article], stats)
    assert [r.name for r in roots] == ["article"]
    assert soup_stats[id(roots[0])] == stats[article]
    first = roots[0].find("p")
    assert soup_stats[id(first)] == stats[article[0]]
    soup = roots[0].find_parent("html")
    assert soup.get_text(" ").split() == roots[0].get_text(" ").split()
    assert all(NUMBER not in tag.attrs for tag in soup.find_all(True))


def test_the_chosen_cell_stays_in_its_table() -> None:
    page = _page(f"<table><tr><td>Menu</td><td>{PROSE}</td></tr></table>")
    root = parse_page(page)
    stats = measure(body_of(root))
    cell = root.findall(".//td")[1]
    roots, _ = hand_over(root, [cell], stats)
    assert [r.name for r in roots] == ["td"]
    assert [p.name for p in roots[0].find_parents()][:3] == ["tr", "table", "body"]


def test_a_deep_tree_is_copied_from_beautifulsoup_without_recursion() -> None:
    text = (
        "<html><body>"
        + "<div>" * 3000
        + '<p class="x" bad"name=1>deep <!-- gone -->words\x0b</p>'
        + "</div>" * 3000
        + "<fb:like>never</fb:like> after</body></html>"
    )
    root = soup_to_lxml(make_soup(text))
    assert _words(root) == ["deep", "words", "after"]
    deepest = root.find(".//p")
    assert deepest.get("class") == "x"
    assert len(list(deepest.iterancestors())) == 3002


def test_an_xml_declaration_does_not_stop_lxml() -> None:
    text = '<?xml version="1.0" encoding="utf-8"?>\n' + PAGE
    assert lxml_parse(text, raw_text_chars(text), Limits()) is not None


def test_a_tree_deeper_than_lxml_holds_is_parsed_whole() -> None:
    text = "<html><body>" + "<div>" * 2100 + "deep words" + "</div>" * 2100 + "</body></html>"
    assert lxml_parse(text, raw_text_chars(text), Limits()) is None
    assert "deep words" in " ".join(parse_page(_page(text)).itertext())


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
    lazy = html.unescape(re.sub(r"<[A-Za-z/][^>]*>", " ", _LAZY_SKIP.sub(" ", text)))
    assert raw_text_chars(text) == len(re.findall(r"\w", lazy))


def test_word_characters_are_counted_as_the_regex_counts_them() -> None:
    text = "Plain words_1, caf\u00e9 \u201cquoted\u201d \u0412\u0435\u0441\u043d\u0430 "
    text += "\u6587\u5b57 \u00a0\u2014!"
    assert raw_text_chars(text) == len(re.findall(r"\w", text))
