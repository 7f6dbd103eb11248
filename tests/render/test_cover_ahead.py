"""The EPUB's generated cover, drawn in another process while the pages are cleaned."""

from __future__ import annotations

import gc
import os
from dataclasses import replace
from pathlib import Path

import pytest

from anthology.config.book import load_edition
from anthology.render.cover import FrontText, draw_apart, draw_front, front_text
from anthology.render.targets import renderer_for

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="drawn apart only with fork")
TEXT = FrontText("The Paris Commune", "Seventy-two days", "The Reading Group")


def test_a_cover_drawn_apart_is_the_one_drawn_here() -> None:
    drawing = draw_apart(TEXT, "#224466")
    assert drawing is not None
    assert drawing.result() == draw_front(TEXT, "#224466")
    assert drawing.result() == drawing.result()  # asked again: the same bytes, no second wait


def test_a_drawing_nobody_asks_for_leaves_no_process_behind() -> None:
    drawing = draw_apart(TEXT, "#224466")
    pid = drawing._pid
    del drawing
    gc.collect()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_the_front_says_what_the_book_says(edition: Path) -> None:
    from anthology.build import prepare

    _, book = prepare(edition)
    assert front_text(load_edition(edition)) == FrontText(book.title, book.subtitle, book.editor)


def test_the_epub_is_the_same_with_the_cover_drawn_ahead_or_not(edition: Path) -> None:
    from anthology.build import prepare

    config, book = prepare(edition)
    plain = renderer_for("epub", config)
    ahead = plain.begin(config)
    assert ahead.cover_ahead is not None
    assert ahead.members(book) == plain.members(book)
    # Drawn for another title (book.toml edited since), the cover is drawn again for the book.
    other = plain.begin(replace(config, title="Another title"))
    assert other.members(book) == plain.members(book)
