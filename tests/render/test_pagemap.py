"""The print edition's page numbers in the EPUB: markers where the printed pages start."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from anthology.build import run
from anthology.render.epub.marks import mark_pages
from anthology.render.pdf import pagemap
from anthology.render.pdf.pagemap import folio
from anthology.render.places import PageStart

NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
DOC = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<head><title>t</title></head>
<body>
<h1>A title</h1>
<p>One two <em>three four</em> five six.</p>
<blockquote><p>Seven eight nine.</p></blockquote>
</body>
</html>
"""


def _marked(starts: list[PageStart]) -> str:
    return mark_pages(DOC, starts)


def _before_marker(xhtml: str, label: str) -> str:
    text = re.sub(r"<(?!span[^>]*pagebreak)[^>]+>", "", xhtml)
    return text.split(f'id="page-{label}"')[0].rsplit("<span", 1)[0]


def test_folios_are_roman_before_the_body_and_arabic_from_it() -> None:
    assert [folio(i, 4) for i in range(7)] == ["i", "ii", "iii", "iv", "1", "2", "3"]
    assert pagemap.roman(1994) == "mcmxciv"


def test_a_page_starts_before_the_next_whole_word() -> None:
    # 3 characters in: the page began inside "two" (hyphenated over the page), so the
    # marker follows the whole word.
    out = _marked([PageStart("7", "c", 1, 4)])
    assert _before_marker(out, "7").endswith("One two ")
    out = _marked([PageStart("7", "c", 1, 6)])
    assert _before_marker(out, "7").endswith("One two ")
    assert 'aria-label="7"/>three four' in out.replace("<em>", "")


def test_a_page_starting_in_inline_markup_and_after_it() -> None:
    out = _marked([PageStart("8", "c", 1, 11)])  # "One two three|"
    assert re.search(r'<span [^>]*id="page-8"[^>]*/>four', out)
    out = _marked([PageStart("9", "c", 1, 15)])  # after "four": the page starts at " five"
    assert re.search(r'</em> <span [^>]*id="page-9"[^>]*/>five', out)


def test_markers_at_one_place_keep_page_order_and_are_valid_xhtml() -> None:
    out = _marked(
        [
            PageStart("ii", "c", -1, 0),
            PageStart("iii", "c", -1, 0),
            PageStart("1", "c", 2, 0),
            PageStart("2", "c", 2, 5),
            PageStart("3", "c", 9, 0),
        ]
    )
    root = etree.fromstring(out.encode())
    marks = root.xpath("//x:span[@epub:type='pagebreak']", namespaces=NS)
    assert [m.get("id") for m in marks] == ["page-ii", "page-iii", "page-1", "page-2", "page-3"]
    assert all(m.get("role") == "doc-pagebreak" and m.get("aria-label") for m in marks)
    assert out.startswith('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html')
    assert "Seven <span" in out.replace("\n", "")  # 'Seven' is 5 characters: page 2 at 'eight'


def test_saved_page_starts_are_used_only_for_the_same_layout(tmp_path: Path) -> None:
    path = tmp_path / "page-map.json"
    starts = [PageStart("i", "titlepage", -1, 0), PageStart("1", "part-1", 0, 0)]
    pagemap.save(path, "key-a", starts)
    assert pagemap.load(path, "key-a") == starts
    assert pagemap.load(path, "key-b") is None
    path.write_text("{not json", encoding="utf-8")
    assert pagemap.load(path, "key-a") is None


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]{2,}", text)


@pytest.mark.slow
def test_every_printed_page_is_in_the_epub_where_it_starts(built) -> None:
    """Each page of the PDF has a page-list entry, and the EPUB's marker for it stands before
    the same words that open that page of the PDF."""
    reader = PdfReader(built["pdf"])
    with zipfile.ZipFile(built["epub"]) as z:
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
        entries = nav.xpath("//x:nav[@epub:type='page-list']//x:a", namespaces=NS)
        assert len(entries) == len(reader.pages)
        # Accessibility checkers want the source of the page numbers declared.
        assert b'property="pageBreakSource"' in z.read("EPUB/content.opf")
        labels = [a.text for a in entries]
        start = labels.index("1")
        assert labels[:start] == [folio(i, start) for i in range(start)]
        assert labels[start:] == [str(n) for n in range(1, len(labels) - start + 1)]
        checked = 0
        for number, a in enumerate(entries):
            file_name, anchor = a.get("href").split("#")
            data = z.read(f"EPUB/{file_name}").decode("utf-8")
            assert f'id="{anchor}"' in data
            after = data.split(f'id="{anchor}"', 1)[1]
            following = _words(re.sub(r"<[^>]+>", " ", after.split("/>", 1)[1]))[:4]
            page_words = _words(reader.pages[number].extract_text())
            if number < start or not page_words or not following:
                continue  # blank pages; front matter the EPUB words differently
            window = " ".join(page_words[:60])
            if following[0] in ("Part", "Pages", "Page"):
                continue  # part labels and page references are worded for each medium
            assert " ".join(following[:2]) in window, (a.text, following, page_words[:12])
            checked += 1
    assert checked >= 40


@pytest.mark.slow
def test_epub_alone_uses_the_page_numbers_of_the_last_print_layout(edition: Path) -> None:
    run(edition, targets=("epub",))
    with zipfile.ZipFile(edition / "build" / "the-russian-revolution-of-1917.epub") as z:
        assert b"page-list" not in z.read("EPUB/nav.xhtml")
    run(edition, targets=("pdf",))
    # The saved map is checked without the print renderer: no PDF code, no WeasyPrint.
    code = (
        "import sys\nfrom pathlib import Path\nfrom anthology.build import run\n"
        f"run(Path({str(edition)!r}), targets=('epub',))\n"
        "assert 'weasyprint' not in sys.modules, 'weasyprint'\n"
        "assert 'anthology.render.pdf.renderer' not in sys.modules, 'the print renderer'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    with zipfile.ZipFile(edition / "build" / "the-russian-revolution-of-1917.epub") as z:
        assert b'epub:type="page-list"' in z.read("EPUB/nav.xhtml")
    # A changed page changes the layout: the old page numbers no longer apply.
    page = edition / "sources" / "what-do-we-mean-by-socialism.txt"
    text = page.read_text(encoding="utf-8")
    assert "We want to see a society" in text
    page.write_text(text.replace("We want to see a society", "We wish to see a society"))
    run(edition, targets=("epub",))
    with zipfile.ZipFile(edition / "build" / "the-russian-revolution-of-1917.epub") as z:
        assert b"page-list" not in z.read("EPUB/nav.xhtml")


def test_markers_at_one_place_are_in_page_order() -> None:
    xhtml = (
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><section><header>'
        "<h1>Title</h1></header><p>Text of the chapter.</p></section></body></html>"
    )
    starts = [PageStart("2", "chapter", 0, 0), PageStart("3", "chapter", 0, 0)]
    marked = mark_pages(xhtml, starts)
    assert marked.index('id="page-2"') < marked.index('id="page-3"')


def test_a_page_starting_at_a_line_break_is_marked_beside_it_not_inside_it() -> None:
    # A page that starts right after "One two" in "One two<br/>three": a marker inside the
    # void <br> would be invalid XHTML for epubcheck (RSC-005).
    doc = DOC.replace("<p>One two <em>three four</em> five six.</p>", "<p>One two<br/>three</p>")
    for offset in range(0, 12):
        out = mark_pages(doc, [PageStart("7", "c", 1, offset)])
        tree = etree.fromstring(out.encode("utf-8"))
        for br in tree.iterfind(".//x:br", NS):
            assert len(br) == 0 and not br.text, out
        assert len(tree.findall(".//x:span[@id='page-7']", NS)) == 1


def test_the_print_key_follows_the_layouts_inputs_not_the_build_time(
    edition: Path, tmp_path: Path
) -> None:
    from dataclasses import replace

    from anthology.build import prepare
    from anthology.config.edition import PrintOptions

    _, book = prepare(edition)
    sources = edition / "sources"
    key = pagemap.print_key(book, PrintOptions(), ["p { margin: 0 }"], sources)
    assert key == pagemap.print_key(
        replace(book, modified="2001-01-01T00:00:00Z"), PrintOptions(), ["p { margin: 0 }"], sources
    )
    assert key != pagemap.print_key(
        replace(book, title="Another title"), PrintOptions(), ["p { margin: 0 }"], sources
    )
    assert key != pagemap.print_key(book, PrintOptions(page="A4"), ["p { margin: 0 }"], sources)
    assert key != pagemap.print_key(book, PrintOptions(), ["p { margin: 1em }"], sources)
    assert key != pagemap.print_key(book, PrintOptions(), ["p { margin: 0 }"], tmp_path)


def test_markers_are_spliced_in_and_the_rest_keeps_its_bytes() -> None:
    # An entity is one character, as in the parsed text; nothing else of the document changes.
    doc = DOC.replace("One two <em>three four</em>", "A&amp;B two <em>three&#160;four</em>")
    out = mark_pages(doc, [PageStart("5", "c", 1, 3), PageStart("6", "c", 1, 9)])
    assert 'A&amp;B <span epub:type="pagebreak" role="doc-pagebreak" id="page-5"' in out
    assert '<em>three&#160;<span epub:type="pagebreak"' in out
    assert re.sub(r"<span epub:type=\"pagebreak\"[^>]*/>", "", out) == doc


def test_a_formula_and_a_nested_list_hold_no_marker_of_the_block_around_them() -> None:
    doc = DOC.replace(
        "<p>One two <em>three four</em> five six.</p>",
        '<ul><li>One <math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi></math> two'
        "<ul><li>inner words</li></ul> three</li></ul>",
    )
    out = mark_pages(doc, [PageStart("4", "c", 1, 2)])  # inside "One": the page at "two"
    assert (
        '</math> <span epub:type="pagebreak" role="doc-pagebreak" id="page-4" aria-label="4"/>two'
        in out
    )
    out = mark_pages(doc, [PageStart("4", "c", 1, 8)])  # inside "three", the inner list aside
    assert re.search(r'three<span [^>]*id="page-4"[^>]*/></li></ul>', out)
    etree.fromstring(out.encode())  # still well-formed
