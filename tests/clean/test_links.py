"""Links copied from a page are kept only when they are valid URLs (an EPUB fails otherwise)."""

from __future__ import annotations

from pathlib import Path

import pytest

from anthology.clean.html import clean_html
from anthology.sources import Page

PROSE = "The committee met for the third time that spring, and the minutes record it all. " * 4


def _body_html(href: str) -> str:
    text = (
        "<html><head><title>Minutes</title></head><body><article><h1>Minutes</h1>"
        f"<p>{PROSE}</p><p>{PROSE} See <a href='{href}'>the reading list</a> too.</p>"
        "</article></body></html>"
    )
    page = Page(
        path=Path("/nonexistent/sources/minutes.html"),
        name="minutes.html",
        shown="sources/minutes.html",
        kind="html",
        text=text,
    )
    return " ".join(block.html for block in clean_html(page).body if hasattr(block, "html"))


@pytest.mark.parametrize(
    ("href", "kept"),
    [
        ("https://example.org/reading-list", 'href="https://example.org/reading-list"'),
        ("https://example.org/a list", 'href="https://example.org/a%20list"'),
        ("https://bücher.example/liste", "cher.example/liste\""),  # an IDN host is kept
        ("http://Best%20of%202025:%20Fiction%20Books", None),  # a title pasted as a link
        ("https://example.org:port/x", None),
        ("javascript:alert(1)", None),
    ],
)
def test_only_valid_links_are_kept(href: str, kept: str | None) -> None:
    body = _body_html(href)
    assert "the reading list" in body
    if kept is None:
        assert "<a " not in body
    else:
        assert kept in body
