"""Titles as pages print them: what an H1 holds besides the title, and bars in stated titles."""

from __future__ import annotations

from pathlib import Path

import pytest

from anthology.clean.html.metadata import read_metadata
from anthology.clean.html.parse import parse_page
from anthology.sources import Page


def _title(head: str, body: str) -> str:
    text = f"<!DOCTYPE html><html lang='en'><head>{head}</head><body>{body}</body></html>"
    page = Page(path=Path("/x/p.html"), name="p.html", shown="p.html", kind="html", text=text)
    return read_metadata(parse_page(page), page).title


# (why, <head>, <body>, the title)
TITLES = [
    (
        "a line break in the H1 parts its words",
        "<title>Weekend Coding Agent | Labs</title>",
        "<h1>WEEKEND<br>CODING<br> <span>AGENT</span></h1>",
        "WEEKEND CODING AGENT",
    ),
    (
        "a date line nested in the H1 is not the title",
        "<title>Top Strategies - Blockchain Development Company</title>",
        "<h1>Top Strategies<h3><span class='posted-on'>Posted on <time>July 1, 2024</time></span>"
        "<span class='byline'> by infuy</span></h3></h1>",
        "Top Strategies",
    ),
    (
        "the site's name printed after the H1's title goes, as after a stated title",
        '<meta property="og:site_name" content="Artlyst">',
        "<h1>Critics' Choice: Best UK Art Exhibitions 2025 - Artlyst</h1>",
        "Critics\u2019 Choice: Best UK Art Exhibitions 2025",
    ),
    (
        "without an H1, a short piece after the stated title's bar is the site or section",
        "<title>How to Make a Good Game: 5 Mistakes and Tips to Avoid | GDevelop</title>",
        "<p>Text.</p>",
        "How to Make a Good Game: 5 Mistakes and Tips to Avoid",
    ),
    (
        "a long piece after the bar stays: it may be the headline's own",
        "<title>Homeowners Insurance Guide 2026 | Coverage Types, Costs and Savings</title>",
        "<p>Text.</p>",
        "Homeowners Insurance Guide 2026 | Coverage Types, Costs and Savings",
    ),
    (
        "an H1 is read as printed, bar and all",
        "<title>Best Residential Movers in NYC 2025 | Top 19 Companies | Supermove</title>",
        "<h1>Best Residential Movers in NYC 2025 | Top 19 Companies</h1>",
        "Best Residential Movers in NYC 2025 | Top 19 Companies",
    ),
]


@pytest.mark.parametrize(("why", "head", "body", "title"), TITLES, ids=[t[0] for t in TITLES])
def test_title(why: str, head: str, body: str, title: str) -> None:
    assert _title(head, body) == title, why
