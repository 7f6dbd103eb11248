"""Titles, bylines and dates as pages write them: snippets of real pages, one rule a row."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from anthology.clean.html import clean_html
from anthology.clean.html.metadata import read_metadata
from anthology.clean.html.parse import parse_page
from anthology.sources import Page

PROSE = (
    "<p>The first thing to know is that the work is slow, and that nobody who does it well "
    "hurries, whatever the deadline says, because the material decides the pace.</p>"
    "<p>The second is that every mistake teaches something, provided it is written down the "
    "same evening, with the date, the weather and what was tried before it went wrong.</p>"
)


def _page(head: str, body: str = "") -> Page:
    text = f"<!DOCTYPE html><html lang='en'><head>{head}</head><body>{body}</body></html>"
    return Page(path=Path("/x/p.html"), name="p.html", shown="p.html", kind="html", text=text)


def _meta(head: str, body: str = ""):
    page = _page(head, body)
    return read_metadata(parse_page(page), page)


# (why, <head>, <body>, the title)
TITLES = [
    (
        "the visible H1 over the SEO title when they disagree",
        '<meta property="og:title" content="Meditation Class Cost">',
        "<h1>Average Private Meditation Sessions Cost</h1>",
        "Average Private Meditation Sessions Cost",
    ),
    (
        "the site's name after the title goes (og:site_name)",
        "<title>10 Things I Wish I Knew Before Learning Embedded Systems - Shawn Hymel</title>"
        '<meta property="og:site_name" content="Shawn Hymel">',
        "",
        "10 Things I Wish I Knew Before Learning Embedded Systems",
    ),
    (
        "the site's name before the title goes (the host name's words)",
        "<title>NASA SVS | Impact of Climate Change on Global Agricultural Yields</title>"
        '<link rel="canonical" href="https://svs.gsfc.nasa.gov/4974">',
        "",
        "Impact of Climate Change on Global Agricultural Yields",
    ),
    (
        "the H1 that agrees with the stated title, without its anchor mark",
        "<title>Middleware | Django documentation | Django</title>",
        '<h1>Middleware<a class="headerlink" href="#middleware">\u00b6</a></h1>',
        "Middleware",
    ),
    (
        "a title is text: a tag name in it is not markup",
        "<title>&lt;table&gt;: The Table element - HTML | MDN</title>",
        "<h1><code>&lt;table&gt;</code>: The Table element</h1>",
        "<table>: The Table element",
    ),
    (
        "an H1 in the site's header linking home is the site's name",
        "<title>Sourdough in a cold kitchen | Crumb Notes</title>",
        '<header><h1 class="site-title"><a href="/">Crumb Notes</a></h1></header>',
        "Sourdough in a cold kitchen",
    ),
    (
        "an H1 that is the end of 'Chapter - Book' names the book, not the chapter",
        "<title>What is Ownership? - The Rust Programming Language</title>",
        '<div class="menu-title"><h1>The Rust Programming Language</h1></div>',
        "What is Ownership?",
    ),
    (
        "a date before the title in the H1 is not part of it",
        '<meta property="og:title" content="Preparing a transition in Debusine">',
        "<h1><span>Dec 18 2025</span> Preparing a transition in Debusine</h1>",
        "Preparing a transition in Debusine",
    ),
    (
        "a copy button inside the H1 is not part of it",
        "<title>Crate tokio - Rust</title>",
        "<h1>Crate <span>tokio</span> <button>Copy item path</button></h1>",
        "Crate tokio",
    ),
    (
        "an H1 sharing no word with the stated title promotes another story",
        "<title>The Early Reviews For Google's Stadia Are Here - Forbes</title>"
        '<meta property="og:site_name" content="Forbes">',
        "<header><div><h1>Why Don't You Go Fight For The Reindeer?</h1></div></header>",
        "The Early Reviews For Google\u2019s Stadia Are Here",
    ),
    (
        "double-escaped entities are decoded",
        '<meta property="og:title" content="And finally&amp;#8230; trouble brewing">',
        "",
        "And finally\u2026 trouble brewing",
    ),
]


@pytest.mark.parametrize(
    ("head", "body", "title"), [row[1:] for row in TITLES], ids=[row[0] for row in TITLES]
)
def test_title(head: str, body: str, title: str) -> None:
    assert _meta(head, body).title == title


def test_no_page_with_an_h1_or_a_title_goes_without_one() -> None:
    assert _meta("<title>Notes on rope</title>").title == "Notes on rope"
    assert _meta("", "<h1>Notes on rope</h1>").title == "Notes on rope"


def test_several_h1s_inside_the_article_are_its_sections() -> None:
    head = '<meta property="og:title" content="Advent of Code 2025 week 2">'
    body = f"<article><h1>Day 7</h1>{PROSE}<h1>Day 8</h1>{PROSE}</article>"
    assert clean_html(_page(head, body)).title == "Advent of Code 2025 week 2"


def test_one_h1_inside_the_article_is_its_title() -> None:
    head = '<meta property="og:title" content="Sourdough Tips | Crumb Notes">'
    body = f"<div><h1>Site news</h1></div><article><h1>Baking in the cold</h1>{PROSE}</article>"
    assert clean_html(_page(head, body)).title == "Baking in the cold"


# (why, the author as the page states it, the site's name, the page's address, the byline)
BYLINES = [
    (
        "a person",
        "Priya Natarajan",
        "The Harbour Gazette",
        "https://gazette.example/a",
        "Priya Natarajan",
    ),
    ("the station signing its page", "WRAL", "WRAL", "https://www.wral.com/a", ""),
    ("the host name as author", "uclahealth", "", "https://www.uclahealth.org/a", ""),
    (
        "the site's name",
        "Block Renovation",
        "Block Renovation",
        "https://www.blockrenovation.com/g",
        "",
    ),
    ("the site's name, one word", "CottageCare", "", "https://cottagecare.com/blog/a", ""),
    (
        "name | publication",
        "Jane Roe | Consumer Reports",
        "Consumer Reports",
        "https://cr.org/a",
        "Jane Roe",
    ),
    ("name, job title", "Jane Roe, Staff Writer", "", "https://x.example/a", "Jane Roe"),
    ("name and job title", "By Jane Roe Trending Editor", "", "https://x.example/a", "Jane Roe"),
    (
        "name, job, employer",
        "Benjamin Johnson, Sr. Director of Operations, Atlas Van Lines",
        "",
        "https://x.example/a",
        "Benjamin Johnson",
    ),
    (
        "name, job and date",
        "Rasmus Barslund Founder & Lead Reviewer Updated Feb 27, 2026",
        "",
        "https://x.example/a",
        "Rasmus Barslund",
    ),
    (
        "degrees after the name",
        "Jillian Kubala, MS, RD",
        "Healthline",
        "https://www.healthline.com/a",
        "Jillian Kubala",
    ),
    ("a company", "Acme Widgets Inc.", "", "https://x.example/a", ""),
    ("a desk", "TOI Lifestyle Desk", "The Times Of India", "https://x.example/a", ""),
    ("a placeholder", "admin", "", "https://x.example/a", ""),
    (
        "two people",
        "Chen Zhao, Daryl Fairweather",
        "Redfin",
        "https://www.redfin.com/a",
        "Chen Zhao and Daryl Fairweather",
    ),
    ("a personal site", "Ben Nadel", "Ben Nadel", "https://www.bennadel.com/blog/a", "Ben Nadel"),
    (
        "a personal sub-domain",
        "Sam Bossley",
        "Sam Bossley",
        "https://sam.bossley.com/t",
        "Sam Bossley",
    ),
    ("a surname that is a job word", "Ann Writer", "", "https://x.example/a", "Ann Writer"),
    ("German job title", "Anna Müller, Redakteurin", "", "https://x.example/a", "Anna Müller"),
    ("Russian job title", "Иван Петров, корреспондент", "", "https://x.example/a", "Иван Петров"),
    ("a label before the name", "Par Jean Dupont", "", "https://x.example/a", "Jean Dupont"),
    ("a Russian label", "Текст: Анна Иванова", "", "https://x.example/a", "Анна Иванова"),
    ("'By:' with a colon", "Article by: Jane Roe", "", "https://x.example/a", "Jane Roe"),
    ("an author box heading", "About the Author", "", "https://x.example/a", ""),
]


@pytest.mark.parametrize(
    ("author", "site", "url", "byline"),
    [row[1:] for row in BYLINES],
    ids=[row[0] for row in BYLINES],
)
def test_byline(author: str, site: str, url: str, byline: str) -> None:
    head = (
        f'<meta name="author" content="{author}"><meta property="og:site_name" content="{site}">'
        f'<link rel="canonical" href="{url}">'
    )
    assert _meta(head).byline == byline


@pytest.mark.parametrize(
    "body",
    [
        '<div class="post-hero__author"><div class="post-hero__author__name">Jane Roe</div></div>',
        '<span class="post-detail__meta-author">By Jane Roe</span>',
        '<div class="the-author">Jane Roe</div>',
        # a card around the name (its texts run together) gives way to the name inside it
        '<div class="meta-byline"><h4>Written for us</h4><div class="author-name">Jane Roe</div>'
        "<div>March 3</div></div>",
        # the first byline element holds no name: a later one does
        '<p class="byline"></p><a rel="author" href="/jane">Jane Roe</a>',
    ],
)
def test_a_visible_byline_in_an_author_element(body: str) -> None:
    assert _meta("", body).byline == "Jane Roe"


def test_an_author_class_on_the_body_is_no_byline() -> None:
    page = _page("", "<p>Home</p>")
    root = parse_page(page)
    root.find(".//body").set("class", "single-author")
    assert read_metadata(root, page).byline == ""


def test_a_byline_typed_as_an_organisation_gives_way_to_the_person() -> None:
    ld = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": "Unapproved drugs",
        "author": {"@type": "Organization", "name": "Center for Drug Evaluation and Research"},
    }
    head = (
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        '<meta name="author" content="Jane Roe">'
    )
    assert _meta(head).byline == "Jane Roe"


@pytest.mark.parametrize(
    ("head", "day"),
    [
        (
            '<meta property="article:published_time" content="Thu, 09/25/2025 - 11:38">',
            date(2025, 9, 25),
        ),
        ('<meta name="date" content="25.09.2025">', date(2025, 9, 25)),
        ('<meta name="date" content="2025/09/25">', date(2025, 9, 25)),
        ('<meta name="date" content="04/05/2025">', None),  # April 5 or 4 May: not guessed
        (
            '<script type="application/ld+json">{"@type": "WebPage", "datePublished": "2024-12-09"}'
            "</script>",
            date(2024, 12, 9),
        ),
    ],
)
def test_date(head: str, day: date | None) -> None:
    assert _meta(head).date == day
