"""WeasyPrint's missing-glyph warnings become one per chapter; a right-to-left book in parts."""

from __future__ import annotations

from datetime import date

from anthology.core.model import Article, Book, Chapter, Paragraph, Part
from anthology.render.pdf.document import render_warnings

NOTDEF = '.notdef glyph rendered for Unicode string unsupported by fonts: "{}" (U+{:04X})'


def _book() -> Book:
    def chapter(n: int, text: str) -> Chapter:
        article = Article(source=f"p{n}.html", title=f"T{n}", body=(Paragraph(text),))
        return Chapter(id=f"c{n}", article=article)

    return Book(
        title="B",
        subtitle="",
        editor="",
        language="en",
        description="",
        identifier="urn:x",
        slug="b",
        parts=(Part("part-1", 1, "P", (), (chapter(1, "plain"), chapter(2, "a \U0001fae0 b ꙮ"))),),
        modified="2025-01-01T00:00:00Z",
        edition_date=date(2025, 1, 1),
    )


def test_missing_glyphs_are_one_warning_naming_the_chapter_and_characters() -> None:
    messages = [NOTDEF.format(c, ord(c)) for c in "\U0001fae0ꙮ\U0001fae0ꙮ"] + ["other thing"]
    found = render_warnings(_book(), messages, "pdf")
    assert [(d.code, d.file) for d in found] == [
        ("render-001", "pdf"),
        ("render-glyphs", "p2.html"),
    ]
    assert "2 characters" in found[1].message and "(U+1FAE0)" in found[1].message
    assert "(U+A66E)" in found[1].message


def test_a_character_in_no_chapter_is_still_reported() -> None:
    found = render_warnings(_book(), [NOTDEF.format("\u2603", 0x2603)], "pdf")
    assert [(d.code, d.file) for d in found] == [("render-glyphs", "pdf")]


def test_a_right_to_left_book_stays_so_when_laid_out_in_parts() -> None:
    from anthology.render.pdf.split import split_html

    html = (
        '<!DOCTYPE html><html lang="ar" dir="rtl" class="rtl"><head><title>T</title></head>'
        '<body><section class="titlepage">x</section>'
        '<section class="chapter body-start" id="c1"><p>ا</p></section>'
        '<section class="colophon" id="colophon"><p>ب</p></section></body></html>'
    )
    chunks = split_html(html, ["colophon"])
    assert len(chunks) == 3
    for chunk in chunks:
        assert '<html lang="ar" dir="rtl" class="rtl">' in chunk.html
    # Each chunk but the last ends so that the next starts on a recto, a left-hand page here.
    assert ".chunk-end { break-before: left; }" in chunks[0].html
