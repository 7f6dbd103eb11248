"""An article's ``running_title`` in book.toml: validated, and set over its pages in print."""

from __future__ import annotations

import pytest

from anthology.assemble import assemble
from anthology.config.book import load_edition
from anthology.core.errors import ConfigError
from anthology.core.model import Article, Paragraph
from anthology.render.documents import print_html

LONG = "A very long title without any dash that goes on and on about the revolution of 1917"


def _edition(tmp_path, entry: str):
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "a.html").write_text("<html><body><p>Text.</p></body></html>", encoding="utf-8")
    (sources / "book.toml").write_text(
        f'title = "Reader"\n\n[[parts]]\ntitle = "One"\narticles = [\n  {entry},\n]\n',
        encoding="utf-8",
    )
    return load_edition(tmp_path)


def _article() -> Article:
    return Article(source="a.html", title=LONG, body=(Paragraph("Some text here."),))


def test_the_editors_running_title_heads_the_chapter_in_print(tmp_path) -> None:
    edition = _edition(tmp_path, '{ source = "a.html", running_title = "The  long \'read\'" }')
    assert edition.parts[0].articles[0].running_title == "The long 'read'"
    book = assemble(edition, {"a.html": _article()})
    chapter = book.parts[0].chapters[0]
    assert chapter.running_title == "The long \u2018read\u2019"
    html = print_html(book, "")
    assert 'data-running="The long \u2018read\u2019"' in html


def test_without_a_running_title_the_title_is_shortened(tmp_path) -> None:
    edition = _edition(tmp_path, '{ source = "a.html", author = "A. Writer" }')
    book = assemble(edition, {"a.html": _article()})
    html = print_html(book, "")
    assert 'data-running="A very long title' in html and "\u2026" in html


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"""two\nlines"""', "must be one line"),
        ('"' + "x" * 60 + '"', "at most 52"),
        ("3", "running_title"),
    ],
)
def test_a_running_title_must_be_one_short_line_of_text(tmp_path, value, message) -> None:
    with pytest.raises(ConfigError) as error:
        _edition(tmp_path, f'{{ source = "a.html", running_title = {value} }}')
    assert message in str(error.value)
