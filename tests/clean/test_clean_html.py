"""The HTML cleaner on saved pages of the shapes the web serves, and on random hostile HTML."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anthology.clean.html import clean_html
from anthology.clean.html.parse import parse_page, raw_text_chars, tree_text_chars
from anthology.clean.rules import default_rules
from anthology.core.errors import SourceError
from anthology.core.model import Article, Figure
from anthology.core.text import strip_tags
from anthology.sources import Page, read_page
from tests.allowlist import assert_allowlisted, inline_fragments
from tests.pages import EDITION, EXPECTED, HTML, saved_page

ARTICLES = sorted(name for name, case in EXPECTED.items() if "error" not in case)
METADATA = ("title", "standfirst", "byline", "date", "publication", "url", "language")


def _page(name: str, text: str) -> Page:
    """A saved HTML page named ``name`` in an edition that is not on disk."""
    return saved_page(text, name)


def _clean(name: str) -> Article:
    return clean_html(read_page(HTML / "sources" / name, EDITION), default_rules())


def _body_text(article: Article) -> str:
    return "\n".join(strip_tags(f) for f in inline_fragments(article))


@pytest.mark.parametrize("name", ARTICLES)
def test_article_keeps_its_text_and_drops_the_furniture(name: str) -> None:
    case = EXPECTED[name]
    text = _body_text(_clean(name))
    for phrase in case["with"]:
        assert phrase in text, f"{name}: missing {phrase!r}"
    for phrase in case["without"]:
        assert phrase not in text, f"{name}: kept furniture {phrase!r}"


@pytest.mark.parametrize("name", ARTICLES)
def test_metadata_comes_from_the_most_trusted_source(name: str) -> None:
    case = EXPECTED[name]
    article = _clean(name)
    for key in METADATA:
        if key in case:
            expected = case[key]
            assert getattr(article, key) == expected, f"{name}: {key}"
    if "date" in case:
        assert isinstance(article.date, date)


@pytest.mark.parametrize("name", ARTICLES)
def test_output_is_allowlisted(name: str) -> None:
    assert_allowlisted(_clean(name))


@pytest.mark.parametrize("name", sorted(n for n, case in EXPECTED.items() if "error" in case))
def test_pages_that_are_not_articles_are_refused(name: str) -> None:
    with pytest.raises(SourceError, match=EXPECTED[name]["error"]) as caught:
        _clean(name)
    assert f"sources/{name}" in str(caught.value)


def test_dropped_furniture_is_recorded_with_a_reason() -> None:
    dropped = _clean("news-article.html").dropped
    reasons = {d.reason for d in dropped}
    assert any("share" in r for r in reasons)
    assert any("newsletter" in r for r in reasons)
    assert any(r == "navigation" or r == "header" for r in reasons)
    assert any(d.text.startswith("Read more") for d in dropped)
    assert all(d.text and d.reason for d in dropped)


def test_local_figures_are_kept_and_remote_or_escaping_images_are_not() -> None:
    article = _clean("magazine-feature.html")
    figures = [b for b in article.body if isinstance(b, Figure)]
    assert [f.src for f in figures] == ["images/bridge.gif", "images/workshop.gif"]
    assert figures[0].alt == "A bamboo bridge over a brown river"
    assert figures[0].caption.endswith("<em>Photograph: Helen Okafor</em>")
    assert figures[1].alt == "Rope drying in the workshop"  # read from data-src, not the data: URI
    reasons = [d.reason for d in article.dropped]
    assert "remote image not fetched: https://images.example.net/river-800.jpg" in reasons
    assert "image not found inside the sources folder: ../outside.gif" in reasons


def test_links_are_absolute_and_safe() -> None:
    article = _clean("news-article.html")
    blog = _clean("blog-post.html")
    feature = _clean("magazine-feature.html")
    html = "".join(inline_fragments(blog) + inline_fragments(feature))
    assert '<a href="https://www.example.org/bread-basics">bread basics guide</a>' in html
    assert "javascript" not in html and "onclick" not in html and "onmouseover" not in html
    assert "A report on the failure" in _body_text(feature)  # the link is gone, its text stays
    assert "H<sub>2</sub>O" in html and "<strong>decades</strong>" in html
    assert all("<a " not in f for f in inline_fragments(article))  # relative links only teasers


def test_typography_applies_to_text_not_markup() -> None:
    html = "".join(inline_fragments(_clean("blog-post.html")))
    assert "don\u2019t" in html and "flour on <em>everything</em>." in html
    page = _page(
        "q.html",
        "<html><body><article>"
        + "".join(
            f"<p>He said \"<em>yes</em>\" -- and then, 'no'... That was the end of story "
            f"number {n}, which took years to tell in full.</p>"
            for n in range(3)
        )
        + "</article></body></html>",
    )
    first = clean_html(page, default_rules()).body[0]
    assert first.html.startswith(
        "He said \u201c<em>yes</em>\u201d\u2014and then, \u2018no\u2019\u2026"
    )


def test_a_space_at_the_edge_of_an_inline_element_is_kept() -> None:
    # Pages often end an element with &nbsp; before the next one: the words must not run on.
    prose = "<p>A paragraph of the article that carries on for a while, as prose does.</p>" * 3
    page = _page(
        "s.html",
        "<html><body><article>"
        + prose
        + '<p><i>This article was reprinted on&nbsp;</i><a href="https://www.wired.com/x">'
        "<i>Wired.com</i></a>, for&nbsp;&nbsp;<b>two&nbsp;</b> <em>readers</em>.</p>"
        "</article></body></html>",
    )
    last = strip_tags(clean_html(page, default_rules()).body[-1].html)
    assert last == "This article was reprinted on\u00a0Wired.com, for\u00a0two readers."


def test_teasers_of_other_articles_do_not_outweigh_the_article() -> None:
    # Six related posts, each an <article> with a paragraph of prose, together hold more text
    # than the article itself: still, each is a composition of its own, not more of this one.
    story = "".join(
        f"<p>The council met in the old hall, and the vote, after a long debate, was {n} to 2; "
        "the tram line will be built.</p>"
        for n in range(4)
    )
    teaser = (
        '<article class="post"><h2><a href="/p{n}">Another post {n}</a></h2><p>An excerpt of '
        "another post, which talks at length, with commas, clauses, and asides, about something "
        "else entirely, for readers who have time, and patience, to spare.</p></article>"
    )
    page = _page(
        "t.html",
        '<html><body><div class="main"><article class="post"><h1>Tram vote</h1>'
        + story
        + '</article><article class="post"><h3>You may like</h3>'
        + "".join(teaser.format(n=n) for n in range(6))
        + "</article></div></body></html>",
    )
    text = " ".join(strip_tags(b.html) for b in clean_html(page, default_rules()).body)
    assert "the tram line will be built" in text and "the vote, after a long debate" in text
    assert "Another post" not in text and "An excerpt of another post" not in text


def _cleaned_body(body: str) -> tuple[list[str], list[str]]:
    """The block texts and the dropped repeats of an article made of ``body``."""
    page = _page("r.html", f"<html><body><article><h1>Meal plan</h1>{body}</article></body></html>")
    article = clean_html(page, default_rules())
    repeats = [d.text for d in article.dropped if d.reason.startswith("repeated text")]
    return [strip_tags(getattr(b, "html", "")) for b in article.body], repeats


MEAL = (
    "<p>Asparagus and eggs: one cup of asparagus, two poached eggs, half a cup of sweet "
    "potato, and a teaspoon of olive oil for the potatoes.</p>"
)
INTRO = "<p>Every day of the plan starts the same way, with a walk, then breakfast.</p>"


def test_the_same_text_under_a_new_heading_is_kept() -> None:
    days = "".join(f"<h2>Day {n}</h2><h3>Breakfast</h3>{MEAL}" for n in (1, 2, 3))
    blocks, repeats = _cleaned_body(INTRO + days)
    assert sum(MEAL[3:40] in b for b in blocks) == 3 and repeats == []


def test_a_repeat_within_a_section_or_of_a_whole_section_is_dropped() -> None:
    pull = "<blockquote><p>" + MEAL[3:-4] + "</p></blockquote>"
    blocks, repeats = _cleaned_body(INTRO + "<h2>Day 1</h2>" + MEAL + pull)
    assert sum(MEAL[3:40] in b for b in blocks) == 1 and len(repeats) == 1
    # the page printed twice (for another screen): its headings repeat too
    twice = "<h2>Day 1</h2>" + MEAL + "<h2>Day 1</h2>" + MEAL
    blocks, repeats = _cleaned_body(INTRO + twice)
    assert sum(MEAL[3:40] in b for b in blocks) == 1 and len(repeats) == 1


def test_an_article_in_sections_laid_out_alike_is_kept_whole() -> None:
    # A feature cut into sections by full-width figures: each section is the same deep
    # stack of wrappers, and the first one is short.
    def section(name: str, paragraphs: int) -> str:
        prose = "".join(
            f"<p>The {name} section, paragraph {n}, goes on about cells, receptors, and the "
            "lungs, as a feature does, with clauses, asides, and a point.</p>"
            for n in range(paragraphs)
        )
        return '<div class="part">' + "<div>" * 6 + prose + "</div>" * 7

    page = _page(
        "f.html",
        "<html><body><div class='wrap'>"
        + section("opening", 2)
        + "<figure><img src='https://example.org/a.jpg'></figure>"
        + section("middle", 8)
        + "<figure><img src='https://example.org/b.jpg'></figure>"
        + section("closing", 3)
        + "</div></body></html>",
    )
    text = " ".join(strip_tags(b.html) for b in clean_html(page, default_rules()).body)
    assert all(f"The {name} section" in text for name in ("opening", "middle", "closing"))


def test_deep_nesting_loses_no_text_silently() -> None:
    prose = "<p>" + "A sentence of the article that carries on for a while, as prose does. " * 4
    text = (
        "<html><body>" + "<div>" * 3000 + prose + "DEEPEST</p>" + "</div>" * 3000 + "</body></html>"
    )
    page = _page("deep.html", text)
    try:
        article = clean_html(page, default_rules())
    except SourceError as exc:
        assert "lost" in str(exc) or "nested" in str(exc)
    else:
        assert "DEEPEST" in _body_text(article)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_parser_text_check_agrees_on_ordinary_pages(name: str) -> None:
    page = read_page(HTML / "sources" / name, EDITION)
    raw = raw_text_chars(page.text)
    assert abs(raw - tree_text_chars(parse_page(page))) <= raw * 0.02


# ------------------------------------------------------------------------- hostile HTML

_TAGS = [
    "p",
    "div",
    "span",
    "a",
    "em",
    "b",
    "i",
    "h1",
    "h2",
    "h5",
    "ul",
    "ol",
    "li",
    "table",
    "tr",
    "td",
    "blockquote",
    "figure",
    "figcaption",
    "img",
    "script",
    "style",
    "iframe",
    "svg",
    "form",
    "object",
    "embed",
    "nav",
    "aside",
    "footer",
    "pre",
    "br",
    "sup",
    "q",
    "abbr",
    "math",
    "template",
    "noscript",
    "select",
    "article",
    "section",
    "time",
    "code",
]
_ATTRS = st.sampled_from(
    [
        "",
        ' href="javascript:alert(1)"',
        ' href=" java\tscript:alert(1)"',
        ' href="http://x.org/a"',
        ' href="mailto:a@b.c"',
        ' href="file:///etc/passwd"',
        ' href="../../secret.html"',
        ' href="data:text/html,<script>"',
        ' src="x.png" onerror="alert(1)"',
        ' onclick="evil()"',
        ' style="display:none"',
        ' class="share related comments"',
        ' class="article-body"',
        ' src="/etc/passwd"',
        ' src="../../../etc/passwd"',
        ' data-src="//evil.example/x.gif"',
        ' srcset="http://x.org/a.jpg 2x"',
        " hidden",
        ' itemprop="articleBody"',
        ' id="content"',
    ]
)
_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60
) | st.sampled_from(
    [
        "A long enough sentence of prose, with commas, that could be part of an article.",
        "<script>alert(1)</script>",
        "&lt;b&gt;",
        "&amp;",
        "]]>",
        "<!--",
        "-->",
        "\"quoted\" 'text'",
        "<![CDATA[x]]>",
        "&#0;",
        "&#x110000;",
        "\u202e",
        "<?xml?>",
    ]
)


def _element(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.builds(
        lambda tag, attrs, kids, closed: (
            f"<{tag}{attrs}>{''.join(kids)}" + (f"</{tag}>" if closed else "")
        ),
        st.sampled_from(_TAGS),
        _ATTRS,
        st.lists(children, max_size=5),
        st.booleans(),
    )


_HTML = st.recursive(_TEXT, _element, max_leaves=40).map(
    lambda body: "<html><head><title>t</title></head><body>" + body + "</body></html>"
)


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,  # the same examples in every run: CI is repeatable
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.one_of(
        _HTML, st.text(max_size=300), st.binary(max_size=200).map(lambda b: b.decode("latin-1"))
    )
)
def test_random_html_never_raises_anything_but_source_error(text: str) -> None:
    page = _page("r.html", text)
    try:
        article = clean_html(page, default_rules())
    except SourceError:
        return
    assert_allowlisted(article)
