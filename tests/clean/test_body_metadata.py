"""Lines that restate the title block (byline, date, reading time) and the writer's bio are not
article text; a sentence that mentions the writer or a date is."""

from __future__ import annotations

from pathlib import Path

import pytest

from anthology.clean.html import clean_html
from anthology.clean.html.byline import bio_name, metadata_only
from anthology.clean.rules import default_rules
from anthology.core.errors import SourceError
from anthology.core.text import strip_tags
from anthology.sources import Page
from tests.pages import saved_page

PROSE = "".join(
    f"<p>The council met in the old hall on a wet evening, and the vote, after a long debate "
    f"about the budget, the depot and the timetable, was {n} to 2; the tram line will be "
    "built.</p>"
    for n in range(6)
)
HEAD = (
    "<title>Tram vote</title>"
    '<meta name="author" content="Jane Roe"><meta property="og:type" content="article">'
)


def _page(body: str, head: str = HEAD) -> Page:
    text = (
        f"<html><head>{head}</head><body><article><h1>Tram vote</h1>{body}</article></body></html>"
    )
    return saved_page(text, "t.html")


def _kept(body: str, head: str = HEAD) -> list[str]:
    return [strip_tags(getattr(b, "html", "")) for b in clean_html(_page(body, head)).body]


@pytest.mark.parametrize(
    "line",
    [
        "By Jane Roe",
        "Jane Roe | March 3, 2025",
        "5 min read",
        "Updated 12:03 GMT",
        "Published on 3 March 2025 at 9:15 am",
        "Jane Roe, March 3 2025, 12 shares",
        "Reading Time: 11 minutes",
        "Tempo de leitura: 2 minutos",
        "Lesezeit: 4 Minuten",
        "Senior Contributor",
    ],
)
def test_a_line_of_byline_date_and_labels_is_metadata(line: str) -> None:
    assert metadata_only(line, "Jane Roe")


@pytest.mark.parametrize(
    "line",
    [
        "Jane Roe met the mayor on March 3, 2025.",
        "Table of Contents",
        "2.53.0 2026-02-02",  # figures alone: a version, not a dateline
        "Read more",
    ],
)
def test_a_line_with_other_words_is_not_metadata(line: str) -> None:
    assert not metadata_only(line, "Jane Roe")


def test_metadata_lines_above_and_below_the_prose_are_dropped() -> None:
    body = (
        "<p>Jane Roe | March 3, 2025</p><p>5 min read</p>" + PROSE + "<p>Updated March 4, 2025</p>"
    )
    kept = _kept(body)
    assert not any("March" in k or "min read" in k for k in kept)
    assert sum("tram line will be built" in k for k in kept) == 6


def test_a_short_line_naming_the_writer_amid_the_prose_stays() -> None:
    half = PROSE.index("</p>", len(PROSE) // 2) + 4
    body = PROSE[:half] + "<p>Jane Roe, March 3, 2025</p>" + PROSE[half:]
    assert any(k.startswith("Jane Roe") for k in _kept(body))


def test_the_writers_bio_after_the_article_is_dropped() -> None:
    bio = (
        "<p>Jane Roe is a reporter at the Gazette, where she has covered city hall, transport "
        "and the courts for ten years, after a decade at the Herald.</p>"
        "<p>Before that, Roe lived in Lyon.</p>"
    )
    kept = _kept(PROSE + bio)
    assert sum("tram line will be built" in k for k in kept) == 6
    assert not any("Jane Roe" in k or "Lyon" in k for k in kept)
    assert bio_name("John Doe has covered transport for ten years.", "Jane Roe and John Doe")
    assert not bio_name("Jane Roe said the vote was close.", "Jane Roe")


def test_about_the_author_ends_the_article() -> None:
    box = "<h3>About the author</h3><p>A reporter of long standing, with many prizes won.</p>"
    kept = _kept(PROSE + box)
    assert not any("About the author" in k or "prizes" in k for k in kept)


def _refusal(text: str) -> str:
    page = Page(
        path=Path("/nonexistent/x.html"), name="x.html", shown="x.html", kind="html", text=text
    )
    try:
        clean_html(page, default_rules())
    except SourceError as exc:
        return str(exc)
    return ""


def test_a_document_with_its_own_contents_is_not_refused_as_a_listing_by_the_checks() -> None:
    # A resources page: a table of contents of its sections, each a few lists of links. The
    # cleaner's listing check leaves it to the page-type model.
    sections = ("setup", "tuning", "maintenance", "hardware")
    toc = '<div class="toc"><ul>'
    toc += "".join(f'<li><a href="#{s}">{s}</a></li>' for s in sections) + "</ul></div>"
    parts = "".join(
        f'<h2><span id="{s}">{s.title()}</span></h2>'
        + "".join(
            f'<ul><li><a href="https://example.org/{s}{n}">The {s} guide, part {n}</a> by Jane '
            "Roe</li></ul>"
            for n in range(3)
        )
        for s in sections
    )
    parts += (
        "<p>Courses on this are given by a number of companies, in many cities, often, and we "
        "list them.</p>"
    )

    def page(contents: str) -> str:
        return (
            "<html><head><title>Performance</title></head><body><div id='content'>"
            f"<h1>Performance</h1>{contents}{parts}</div></body></html>"
        )

    assert "a listing of" in _refusal(page(""))
    assert "a listing of" not in _refusal(page(toc))
