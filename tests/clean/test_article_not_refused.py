"""Articles the cleaner's own checks used to refuse: the parser's count of the page's text, a
page printed after its ``</html>``, a page nested in a hidden element or a control left open,
an article split over page-builder blocks named like furniture, and headings linked to their
own sections."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from anthology.clean.html import clean_html
from anthology.clean.html.parse import raw_text_chars, soup_to_lxml
from anthology.clean.html.prune import strip_never
from anthology.clean.html.tree import body_of, make_soup, measure
from anthology.clean.rules import default_rules
from anthology.core.text import strip_tags

SENTENCE = "A sentence of the article that carries on for a while, as prose does, to its end. "


def _prose(n: int, name: str = "") -> str:
    """``n`` paragraphs, each its own ("Part <name>1.", ...): repeats would be dropped."""
    return "".join(f"<p>Part {name}{i}. {SENTENCE * 3}</p>" for i in range(n))


def _page(text: str):
    from anthology.sources import Page

    return Page(
        path=Path("/nonexistent/p.html"), name="p.html", shown="p.html", kind="html", text=text
    )


def _kept(text: str) -> str:
    article = clean_html(_page(text), default_rules())
    return "\n".join(strip_tags(getattr(b, "html", "")) for b in article.body)


def test_a_greater_than_sign_in_a_quoted_attribute_is_not_the_pages_text() -> None:
    # script frameworks write expressions into attributes: x-data="{ open: () => a > b }"
    words = "open a b"
    text = (
        "<html><body><div x-data=\"{ open: () => a > b }\" :class=\"n > 1 ? 'x' : 'y'\">"
        "<p title='1 > 0'>Text</p></div></body></html>"
    )
    assert raw_text_chars(text) == len("Text")
    assert raw_text_chars(f"<p>{words}</p>") == len(words.replace(" ", ""))


def test_what_a_page_prints_after_its_closing_html_goes_into_the_body() -> None:
    text = (
        "<html><head><title>T</title></head><body><nav>Menu</nav></body></html>\n"
        "<div class='post'><p>The article, printed after the page was closed.</p></div>"
    )
    body = body_of(soup_to_lxml(make_soup(text)))
    assert "printed after the page was closed" in "".join(body.itertext())
    assert [e.tag for e in body] == ["nav", "div"]


def test_an_article_printed_after_the_closing_html_is_cleaned() -> None:
    text = (
        "<html><head><title>T</title></head><body><header><a href='/'>Home</a></header>"
        "</body></html>\n<div class='post'><h1>T</h1>" + _prose(8) + "</div>"
    )
    assert SENTENCE.strip() in _kept(text)


def test_a_hidden_menu_that_swallowed_the_page_is_unwrapped_not_removed() -> None:
    # a control never closed in the header: the parser nests the rest of the page inside
    text = (
        "<html><body><header><nav><div class='hidden'><a href='/a'>A</a><button>Menu"
        "<main><h1>T</h1>" + _prose(8) + "</main>"
        "</button></div></nav></header></body></html>"
    )
    root = etree.HTML(text)
    body = body_of(root)
    strip_never(body)
    assert SENTENCE.strip() in "".join(body.itertext())
    assert body.find(".//button") is None
    assert body.find(".//div[@class='hidden']") is None


def test_a_hidden_element_holding_little_of_the_page_still_goes() -> None:
    text = (
        "<html><body><div class='hidden'><p>Hidden words.</p></div>" + _prose(8) + "</body></html>"
    )
    body = body_of(etree.HTML(text))
    strip_never(body)
    assert "Hidden words" not in "".join(body.itertext())


def test_an_article_split_over_blocks_named_like_furniture_is_kept() -> None:
    # page builders put each section in its own "widget": together they are the article
    blocks = "".join(
        f"<div class='elementor-widget-wrapper'>{_prose(2, chr(97 + i))}</div>" for i in range(5)
    )
    text = (
        "<html><body><header><a href='/'>Home</a></header>"
        f"<div class='content'><h1>T</h1>{blocks}</div>"
        "<div class='widget'><a href='/x'>Another story</a></div></body></html>"
    )
    kept = _kept(text)
    assert kept.count("Part ") == 5 * 2
    assert "Another story" not in kept


def test_a_heading_linked_to_its_own_section_is_not_a_teaser() -> None:
    sections = "".join(
        f"<h2><a href='#s{i}'>Section {i}</a></h2><p>{SENTENCE}</p>" for i in range(6)
    )
    teasers = "".join(
        f"<h2><a href='/story-{i}'>Story {i}</a></h2><p>{SENTENCE}</p>" for i in range(6)
    )
    own = measure(body_of(etree.HTML(f"<html><body><div>{sections}</div></body></html>")))
    other = measure(body_of(etree.HTML(f"<html><body><div>{teasers}</div></body></html>")))
    assert max(s.teasers for s in own.values()) == 0
    assert max(s.teasers for s in other.values()) == 6


def test_a_heading_whose_anchor_reads_like_furniture_is_kept() -> None:
    # a wiki's section anchors are its headings' words: "Login_shell" is where the section is,
    # not a log-in box; a class word still counts
    page = (
        "<html><body><main><h1>Sudo</h1>"
        + _prose(3, "a")
        + '<h3><span class="mw-headline" id="Login_shell">Login shell</span></h3>'
        + _prose(3, "b")
        + '<h3 id="Disable_root_login">Disable root login</h3>'
        + _prose(3, "c")
        + '<div class="login">Log in to comment on this article</div>'
        + "</main></body></html>"
    )
    from lxml import html as lxml_html

    from anthology.clean.html.furniture import strip_furniture

    body = body_of(lxml_html.fromstring(page).getroottree().getroot())
    dropped: list = []
    strip_furniture(body, measure(body), dropped)
    kept = " ".join(body.itertext())
    assert "Login shell" in kept and "Disable root login" in kept
    assert "Log in to comment" not in kept
    assert "Login shell" in _kept(page)
