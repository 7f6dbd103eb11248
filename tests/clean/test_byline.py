"""Bylines as pages print them: author boxes, label lines, user names and other credits."""

from __future__ import annotations

from pathlib import Path

import pytest

from anthology.clean.html.metadata import read_metadata
from anthology.clean.html.parse import parse_page
from anthology.sources import Page


def _byline(body: str, head: str = "") -> str:
    text = f"<!DOCTYPE html><html lang='en'><head>{head}</head><body>{body}</body></html>"
    page = Page(path=Path("/x/p.html"), name="p.html", shown="p.html", kind="html", text=text)
    return read_metadata(parse_page(page), page).byline


# (why, <body>, the byline)
BYLINES = [
    (
        "an author box inside the article is read, though its class reads as furniture",
        "<article><h1>T</h1><div class='author-container'><span class='author-meta--name'>"
        "Nicole Burke</span></div><p>Text.</p></article>",
        "Nicole Burke",
    ),
    (
        "the article's own footer holds its author box",
        "<article><h1>T</h1><p>Text.</p><footer class='entry-footer'>"
        "<span class='entry-author-name'>Jane Roe</span></footer></article>",
        "Jane Roe",
    ),
    (
        "a layout wrapper around the article and its sidebar is not furniture",
        "<div class='content-sidebar-wrap'><main><article><h1>T</h1>"
        "<span class='entry-author-name'>Jane Roe</span><p>Text.</p></article></main></div>",
        "Jane Roe",
    ),
    (
        "a byline in the comments is not the article's",
        "<article><h1>T</h1><p>Text.</p></article><div class='comments'>"
        "<span class='comment-author'>Jane Roe</span></div>",
        "",
    ),
    (
        "a label on its own line, the name on the next",
        "<h1>T</h1><div><span>Written by:</span> <a href='/a'>Elise Nass</a></div><p>Text.</p>",
        "Elise Nass",
    ),
    (
        "a label in French",
        "<h1>T</h1><p><span>Par</span> <a href='/a'>Marie Curie</a></p><p>Text.</p>",
        "Marie Curie",
    ),
    (
        "'By' and the name on one line next to the title",
        "<h1>T</h1><p>Apr 17, 2025</p><p>By Jerry Chu</p><p>Text.</p>",
        "Jerry Chu",
    ),
    (
        "'By' before a word that is no name is no byline",
        "<h1>T</h1><p>By Region</p><p>By clicking you agree.</p><p>Text.</p>",
        "",
    ),
    (
        "a class word 'writer' names the byline",
        "<h1>T</h1><div class='post-writer'>Sofia Kondrat</div><p>Text.</p>",
        "Sofia Kondrat",
    ),
    (
        "of author boxes, the smallest: the name's own line, not the card around it",
        "<h1>T</h1><div class='writer-wrapper'><div class='writer-block'>"
        "<div class='author-name'><div>By </div><a href='/a'>Sofia Kondrat</a></div>"
        "<div class='author-title'><div>EdTech Content writer</div></div></div></div>"
        "<p>Text.</p>",
        "Sofia Kondrat",
    ),
    (
        "a comment's author is not the article's, even in an <article> of its own",
        "<article><h1>T</h1><p>Text.</p><ol><li><article class='comment-body'>"
        "<footer class='comment-meta'><div class='comment-author vcard'>Karl Fleischmann "
        "<span>says:</span></div></footer><p>Nice.</p></article></li></ol></article>",
        "",
    ),
    (
        "a byline line holding its label in an element is read before an author box below",
        "<h1>T</h1><p class='author-by-line-text'><span class='author-by-line-white'>By </span>"
        "Scott Pletcher</p><p>Text.</p><p class='author-bio-name'>Scott P.</p>",
        "Scott Pletcher",
    ),
    (
        "a reviewer is not the writer",
        "<h1>T</h1><div>Reviewed by <span class='author-link'>Robert Tschudi</span></div>"
        "<p>Text.</p>",
        "",
    ),
]


@pytest.mark.parametrize(("why", "body", "byline"), BYLINES, ids=[b[0] for b in BYLINES])
def test_visible_byline(why: str, body: str, byline: str) -> None:
    assert _byline(body) == byline, why


# (why, the stated author, the byline)
STATED = [
    ("a log-in name with a dot is no name", "andrew.keaveney", ""),
    ("a log-in name in lower case is no name", "aawoods", ""),
    ("a log-in name with digits is no name", "ggailey777", ""),
    ("a handle in brackets after the name goes", "Jean-Luc Aufranc (CNXSoft)", "Jean-Luc Aufranc"),
    ("the avatar's initials before the name go", "CM Craig McCarthy", "Craig McCarthy"),
    ("a publication's editors are no person", "By The Currency editors", ""),
    ("a photographer is not the writer", "Photos by Jane Roe", ""),
    ("who updated it is not the writer", "Updated by Jon Linkov", ""),
    ("a news agency is no person", "Reuters", ""),
    ("a name written in lower case is still a person", "kirstin boatto", "kirstin boatto"),
    ("a day's abbreviation is the date line", "Sat, 20 Dec, 2025 - 06:36", ""),
]


@pytest.mark.parametrize(("why", "author", "byline"), STATED, ids=[s[0] for s in STATED])
def test_stated_author(why: str, author: str, byline: str) -> None:
    assert _byline("<h1>T</h1><p>Text.</p>", f'<meta name="author" content="{author}">') == byline


def test_each_citation_author_is_read() -> None:
    head = '<meta name="dc.creator" content="Jennifer Huberty">' + "".join(
        f'<meta name="citation_author" content="{name}">'
        for name in ("Huberty, Jennifer", "Jeni Green", "Chong Lee")
    )
    assert _byline("<h1>T</h1><p>Text.</p>", head) == "Jennifer Huberty, Jeni Green and Chong Lee"
