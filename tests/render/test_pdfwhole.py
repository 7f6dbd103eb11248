"""A book laid out once (body, then back matter, then front matter, their pages joined as one
WeasyPrint document) prints exactly as the book's one HTML document laid out twice (first for
the index's page numbers, then with them filled in), the way a WeasyPrint without the folio
hook still makes it."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest

from anthology.build import prepare
from anthology.render.pdf import weasy
from anthology.render.targets import renderer_for
from tests.render.test_pdfparts import _links, _outline, _page_texts

EPOCH = "1700000000"


def _render(root: Path, out: Path, *, once: bool, shop: bool = False):
    edition, book = prepare(root)
    if shop:
        edition = replace(edition, print=replace(edition.print, shop=True))
    renderer = replace(renderer_for("pdf", edition, "", 1), split_from_words=10**12)
    out.parent.mkdir(parents=True, exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        if not once:
            mp.setattr(weasy, "margin_hook_available", lambda: False)
        return renderer.render(book, out)


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict:
    """The default edition laid out once and twice, for reading and for the print shop."""
    from tests.paths import SOURCES

    root = tmp_path_factory.mktemp("whole") / "edition"
    shutil.copytree(SOURCES, root / "sources")
    out = root / "out"
    made = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        for name, once, shop in (
            ("once", True, False),
            ("twice", False, False),
            ("shop once", True, True),
            ("shop twice", False, True),
        ):
            made[name] = (
                out / f"{name}.pdf",
                _render(root, out / f"{name}.pdf", once=once, shop=shop),
            )
    return made


@pytest.mark.slow
def test_every_page_prints_as_in_one_document(books):
    (once, rendered), (twice, expected) = books["once"], books["twice"]
    assert rendered.pages == expected.pages == len(_page_texts(once))
    assert _page_texts(once) == _page_texts(twice)


@pytest.mark.slow
def test_bookmarks_links_and_page_labels_are_those_of_one_document(books):
    once, twice = pikepdf.open(books["once"][0]), pikepdf.open(books["twice"][0])
    assert _outline(once) == _outline(twice)
    assert sorted(_links(once)) == sorted(_links(twice))
    assert repr(once.Root.PageLabels) == repr(twice.Root.PageLabels)
    names = {str(k) for k in pikepdf.NameTree(once.Root.Names.Dests)}
    assert names == {str(k) for k in pikepdf.NameTree(twice.Root.Names.Dests)}


@pytest.mark.slow
def test_the_pages_are_tagged_as_one_document(books):
    once, twice = pikepdf.open(books["once"][0]), pikepdf.open(books["twice"][0])
    assert str(once.Root.Lang) == str(twice.Root.Lang) != ""
    assert bool(once.Root.MarkInfo.Marked)
    tree = once.Root.StructTreeRoot
    assert len(tree.K) == 1 and str(tree.K[0].S) == "/Document"
    assert len(tree.K[0].K) == len(twice.Root.StructTreeRoot.K[0].K)
    # A key for each page's marked content, then one for each annotation, as in one document.
    keys = [int(n) for n in list(tree.ParentTree.Nums)[::2]]
    assert keys == [int(n) for n in list(twice.Root.StructTreeRoot.ParentTree.Nums)[::2]]
    assert keys[: len(once.pages)] == list(range(len(once.pages)))


@pytest.mark.slow
def test_the_epub_page_map_is_that_of_one_document(books):
    assert books["once"][1].page_starts == books["twice"][1].page_starts


@pytest.mark.slow
def test_the_print_shop_file_prints_as_in_one_document(books):
    (once, rendered), (twice, expected) = books["shop once"], books["shop twice"]
    assert rendered.pages == expected.pages and rendered.pages % 2 == 0
    assert _page_texts(once) == _page_texts(twice)
    pdf = pikepdf.open(once)
    assert not any("/Annots" in page for page in pdf.pages)
