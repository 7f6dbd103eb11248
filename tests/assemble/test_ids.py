"""Ids in the book: no chapter or section heading takes an id the book's own pages hold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from anthology.build import run

PAGE = """<!doctype html><html lang="en"><head><title>{title}</title></head><body><article>
<h1>{title}</h1>
<p>A first paragraph of plain prose, long enough to be read as the article's own text and not
as the furniture of the site that printed it, with a second sentence for good measure.</p>
<h2>{heading}</h2>
<p>A second paragraph under the section heading, again in plain prose, holding enough words to
count as the body of an article rather than a caption or a teaser for some other page.</p>
<p>A third paragraph ends the article, so that the page reads as a whole piece of writing with
a beginning, a middle and an end, as real articles on real sites do.</p>
</article></body></html>"""


@pytest.mark.slow
def test_no_id_is_given_twice(tmp_path: Path) -> None:
    sources = tmp_path / "edition" / "sources"
    sources.mkdir(parents=True)
    # A section headed "Title" (its id would be the chapter title's), a chapter titled "Index"
    # (the index's id) and one titled "Contents title" (a derived id of the contents).
    pages = {
        "feeds.html": ("Product feeds", "Title"),
        "index-page.html": ("Index", "Terms"),
        "toc-page.html": ("Toc title", "Part 1"),
    }
    for name, (title, heading) in pages.items():
        (sources / name).write_text(PAGE.format(title=title, heading=heading), encoding="utf-8")
    result = run(tmp_path / "edition", targets=("epub",))
    assert not result.invalid
    from zipfile import ZipFile

    with ZipFile(result.outputs["epub"]) as book:
        for name in book.namelist():
            if name.endswith(".xhtml"):
                ids = re.findall(r'\sid="([^"]+)"', book.read(name).decode())
                assert len(ids) == len(set(ids)), (name, ids)
