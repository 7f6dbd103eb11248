"""A book laid out in parts (render/pdf/parts.py) prints exactly as the whole-book layout does.

The default edition is small, so each test asks for parts from the first word and for small
chunks (a part of the book is then cut between chapters too): front matter, five body chunks
and the back matter, laid out apart and joined.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest

from anthology.build import prepare
from anthology.render.pdf.split import Chunk, css_string, split_html, without_target_counters
from anthology.render.targets import renderer_for

CHUNK_CHARS = 20_000  # a few chapters to a chunk
EPOCH = "1700000000"


def _render(
    root: Path, out: Path, *, parts: bool, jobs: int = 1, shop: bool = False, progress=None
):
    edition, book = prepare(root)
    if shop:
        edition = replace(edition, print=replace(edition.print, shop=True))
    renderer = replace(renderer_for("pdf", edition, "", jobs), progress=progress)
    if parts:
        renderer = replace(renderer, split_from_words=0, chunk_chars=CHUNK_CHARS)
    else:
        renderer = replace(renderer, split_from_words=10**12)
    out.parent.mkdir(parents=True, exist_ok=True)
    return renderer.render(book, out)


def _page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    return text.split("\f")[:-1]


def _page_of(pdf: pikepdf.Pdf):
    """A function from a link or bookmark destination (explicit or named) to a page number."""
    pages = {page.objgen: number for number, page in enumerate(pdf.pages)}
    named = {}
    if "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
        named = {str(k): v for k, v in pikepdf.NameTree(pdf.Root.Names.Dests).items()}

    def page(dest) -> int:
        if isinstance(dest, pikepdf.String | pikepdf.Name):
            dest = named[str(dest).lstrip("/")]
        if isinstance(dest, pikepdf.Dictionary):
            dest = dest.D
        return pages[dest[0].objgen]

    return page


def _outline(pdf: pikepdf.Pdf) -> list[tuple[int, str, int]]:
    page = _page_of(pdf)
    found = []

    def walk(items, depth):
        for item in items:
            target = item.destination
            if target is None:
                target = item.action.D
            found.append((depth, str(item.title), page(target)))
            walk(item.children, depth + 1)

    with pdf.open_outline() as outline:
        walk(outline.root, 1)
    return found


def _links(pdf: pikepdf.Pdf) -> list[tuple[int, str]]:
    """Every link: its page and where it goes (a page number or a URI)."""
    page = _page_of(pdf)
    found = []
    for number, each in enumerate(pdf.pages):
        for annot in each.get("/Annots", []):
            if annot.get("/Subtype") != "/Link":
                continue
            action = annot.get("/A")
            if action is not None and action.get("/S") == "/URI":
                found.append((number, str(action.URI)))
            else:
                dest = annot.get("/Dest") if action is None else action.get("/D")
                found.append((number, f"page {page(dest)}"))
    return found


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Path]:
    """The default edition as one layout and in parts, with one worker and with two."""
    from tests.paths import SOURCES

    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = tmp_path_factory.mktemp("parts") / "edition"
    shutil.copytree(SOURCES, root / "sources")
    out = root / "out"
    try:
        whole = _render(root, out / "whole.pdf", parts=False)
        serial = _render(root, out / "serial.pdf", parts=True, jobs=1)
        shutil.rmtree(root / "build" / ".cache" / "pdf-parts")
        parallel = _render(root, out / "parallel.pdf", parts=True, jobs=2)
        warm = _render(root, out / "warm.pdf", parts=True, jobs=2)
    finally:
        mp.undo()
    return {
        "root": root,
        "whole": out / "whole.pdf",
        "serial": out / "serial.pdf",
        "parallel": out / "parallel.pdf",
        "warm": out / "warm.pdf",
        "whole_rendered": whole,
        "serial_rendered": serial,
        "parallel_rendered": parallel,
        "warm_rendered": warm,
    }


@pytest.mark.slow
def test_the_book_is_cut_into_front_body_and_back(books):
    rendered = books["serial_rendered"]
    assert rendered.parts >= 5  # front matter, three parts (one cut in two or more), back
    assert books["whole_rendered"].parts == 1


@pytest.mark.slow
def test_every_page_prints_as_in_the_whole_book_layout(books):
    # Folios, running heads, the contents' page numbers, glossary references, blank pages.
    whole, parts = _page_texts(books["whole"]), _page_texts(books["serial"])
    assert len(parts) == len(whole) == books["serial_rendered"].pages
    for number, (expected, got) in enumerate(zip(whole, parts, strict=True), start=1):
        assert got == expected, f"page {number} differs"


@pytest.mark.slow
def test_contents_numbers_are_the_pages_the_chapters_start_on(books):
    pdf = pikepdf.open(books["serial"])
    texts = _page_texts(books["serial"])
    outline = _outline(pdf)
    chapters = [(title, page) for depth, title, page in outline if depth == 2]
    assert chapters
    contents = "\n".join(texts[:8])
    for title, page in chapters:
        folio = texts[page].split()[-1]  # the folio ends the page
        line = next(line for line in contents.splitlines() if title[:25] in line)
        assert line.rstrip().endswith(f" {folio}"), (title, folio, line)


@pytest.mark.slow
def test_bookmarks_and_links_are_those_of_the_whole_book(books):
    whole, parts = pikepdf.open(books["whole"]), pikepdf.open(books["serial"])
    assert _outline(parts) == _outline(whole)
    assert sorted(_links(parts)) == sorted(_links(whole))
    assert not any(target.startswith("x-part-anchor:") for _, target in _links(parts))


@pytest.mark.slow
def test_page_labels_give_roman_front_matter_and_arabic_body(books):
    pdf = pikepdf.open(books["serial"])
    labels = pikepdf.NumberTree(pdf.Root.PageLabels)
    assert [str(v.S) for _, v in sorted(labels.items())] == ["/r", "/D"]
    body = [k for k, v in labels.items() if v.S == "/D"][0]
    assert _page_texts(books["serial"])[body].split()[-1] == "1"


@pytest.mark.slow
def test_the_join_is_tagged_for_pdf_ua(books):
    pdf, whole = pikepdf.open(books["serial"]), pikepdf.open(books["whole"])
    assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked
    assert str(pdf.Root.Lang) == str(whole.Root.Lang) != ""


@pytest.mark.slow
def test_parallel_cached_and_serial_builds_are_byte_identical(books):
    serial = books["serial"].read_bytes()
    assert books["parallel"].read_bytes() == serial
    assert books["warm"].read_bytes() == serial


@pytest.mark.slow
def test_a_rebuild_lays_out_nothing_that_did_not_change(books):
    assert books["parallel_rendered"].laid_out == books["parallel_rendered"].parts
    assert books["warm_rendered"].laid_out == 0


@pytest.mark.slow
def test_the_epub_page_map_matches_the_whole_layout(books):
    assert books["serial_rendered"].page_starts == books["whole_rendered"].page_starts


@pytest.mark.slow
def test_one_changed_chapter_lays_out_its_chunk_again_and_no_other(books, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = tmp_path / "edition"
    shutil.copytree(books["root"] / "sources", root / "sources")
    shutil.copytree(books["root"] / "build", root / "build")
    page = sorted((root / "sources").glob("*.txt"))[0]
    lines = page.read_text(encoding="utf-8").split("\n")
    longest = max(range(len(lines)), key=lambda i: len(lines[i]))
    lines[longest] += " The editor added this sentence."
    page.write_text("\n".join(lines), encoding="utf-8")
    rendered = _render(root, tmp_path / "changed.pdf", parts=True, jobs=2)
    assert rendered.laid_out == 1
    whole = _render(root, tmp_path / "whole.pdf", parts=False)
    assert _page_texts(tmp_path / "changed.pdf") == _page_texts(tmp_path / "whole.pdf")
    assert whole.pages == rendered.pages


@pytest.mark.slow
def test_a_changed_stylesheet_lays_everything_out_again(books, tmp_path, monkeypatch):
    # New page counts everywhere: the counts of the last build must not be trusted.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = tmp_path / "edition"
    shutil.copytree(books["root"] / "sources", root / "sources")
    shutil.copytree(books["root"] / "build", root / "build")
    (root / "styles").mkdir()
    (root / "styles" / "print.css").write_text("html { font-size: 12.5pt; }\n", encoding="utf-8")
    parts = _render(root, tmp_path / "parts.pdf", parts=True, jobs=2)
    whole = _render(root, tmp_path / "whole.pdf", parts=False)
    assert parts.laid_out == parts.parts
    assert parts.pages == whole.pages > books["whole_rendered"].pages
    assert _page_texts(tmp_path / "parts.pdf") == _page_texts(tmp_path / "whole.pdf")


@pytest.mark.slow
def test_a_damaged_cache_entry_is_laid_out_again(books, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = tmp_path / "edition"
    shutil.copytree(books["root"] / "sources", root / "sources")
    shutil.copytree(books["root"] / "build", root / "build")
    cached = sorted((root / "build" / ".cache" / "pdf-parts").glob("*.pdf"))
    cached[0].write_bytes(cached[0].read_bytes()[:1000])
    cached[1].with_suffix(".json").write_text("{not json", encoding="utf-8")
    rendered = _render(root, tmp_path / "again.pdf", parts=True, jobs=1)
    assert rendered.laid_out == 2
    assert (tmp_path / "again.pdf").read_bytes() == books["serial"].read_bytes()


@pytest.mark.slow
def test_print_shop_parts_end_on_an_even_page(books, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = tmp_path / "edition"
    shutil.copytree(books["root"] / "sources", root / "sources")
    whole = _render(root, tmp_path / "whole.pdf", parts=False, shop=True)
    parts = _render(root, tmp_path / "parts.pdf", parts=True, shop=True)
    assert parts.pages % 2 == 0 and parts.pages == whole.pages
    assert _page_texts(tmp_path / "parts.pdf") == _page_texts(tmp_path / "whole.pdf")
    with pikepdf.open(tmp_path / "parts.pdf") as pdf:
        assert "/OutputIntents" in pdf.Root


def test_a_book_laid_out_in_parts_tells_how_many_are_done(books, tmp_path):
    root = tmp_path / "edition"
    shutil.copytree(books["root"] / "sources", root / "sources")
    told: list[tuple[int, int]] = []
    _render(root, tmp_path / "parts.pdf", parts=True, progress=lambda *p: told.append(p))
    total = told[-1][1]
    assert total > 1 and told[-1] == (total, total)
    assert [done for done, _ in told] == sorted(done for done, _ in told)


# ------------------------------------------------------------------------------ splitting

HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/><title>T</title>
<meta name="dcterms.modified" content="2024-01-01"/></head><body>
<section class="titlepage" id="titlepage"><p>Title</p></section>
<nav id="toc"><a href="#part-1">Part</a> <a href="#ch-1">One</a> <a href="#ch-2">Two</a></nav>
<section class="part body-start" id="part-1">
<h1 class="part-title">The "First" Part’s &lt;/style&gt;</h1></section>
<section class="chapter" id="ch-1"><h1>One</h1><p>{long}<a href="#glossary-x">x</a></p></section>
<section class="chapter" id="ch-2"><h1>Two</h1><p>{long}<a href="#ch-1">back</a></p></section>
<section class="glossary" id="glossary"><p id="glossary-x">X</p></section>
</body></html>""".replace("{long}", "word " * 100)


def test_split_cuts_front_parts_and_back_and_carries_the_part_on():
    chunks = split_html(HTML, ["glossary"], chunk_chars=600)
    assert [c.kind for c in chunks] == ["front", "body", "body", "back"]
    front, first, second, back = (c.html for c in chunks)
    assert 'id="titlepage"' in front and 'id="part-1"' not in front
    assert 'id="ch-1"' in first and 'id="ch-2"' in second
    # The second chunk starts inside the first part: its running head and counter go on.
    assert 'string-set: part-title "The \\22 First\\22  Part’s \\3c /style\\3e "' in second
    assert "counter-reset: part-number 1" in second
    assert "string-set" not in first
    # Links leave their chunk through part_href; links inside a chunk stay as they are.
    assert 'href="x-part-anchor:ch-1"' in front and 'href="x-part-anchor:glossary-x"' in first
    assert 'href="x-part-anchor:ch-1"' in second
    # Every chunk but the last ends by starting a right-hand page.
    assert all('class="chunk-end"' in c.html for c in chunks[:-1])
    assert 'class="chunk-end"' not in back
    # The build's date is in the front matter only.
    assert "dcterms.modified" in front and "dcterms.modified" not in first + back


def test_each_back_matter_section_is_a_chunk_of_its_own():
    html = HTML.replace(
        "</body>",
        '<section class="index" id="index"><p>X 1</p></section>\n'
        '<section class="colophon" id="colophon"><p>Sources</p></section></body>',
    )
    ids = ["glossary", "index", "colophon"]
    chunks = split_html(html, ids)
    back = [c for c in chunks if c.kind == "back"]
    assert [c.name for c in back] == ["back-2", "back-3", "back-4"]
    for chunk, doc_id in zip(back, ids, strict=True):
        assert f'id="{doc_id}"' in chunk.html
    # Each starts on a right-hand page, as in one document; only the last has no end page.
    assert ['class="chunk-end"' in c.html for c in back] == [True, True, False]
    # The one-document path keeps the back matter together.
    joined = split_html(html, ids, joined=True)
    assert [c.kind for c in joined] == ["front", "body", "back"]
    assert all(f'id="{doc_id}"' in joined[-1].html for doc_id in ids)


def test_split_without_a_body_start_is_an_error():
    from anthology.core.errors import BuildError

    with pytest.raises(BuildError, match="body-start"):
        split_html(HTML.replace("body-start", ""), ["glossary"])


def test_chunk_keys_follow_their_html():
    assert Chunk("a", "body", "x").key == Chunk("b", "body", "x").key
    assert Chunk("a", "body", "x").key != Chunk("a", "body", "y").key


@pytest.mark.parametrize(
    "css",
    [
        "content: leader('.') target-counter(attr(href), page);",
        "content: target-counter( attr( href ) , page, lower-roman );",
    ],
)
def test_target_counters_read_the_folio_from_data_page(css):
    assert "attr(data-page)" in without_target_counters(css)
    assert "target-counter" not in without_target_counters(css)


@pytest.mark.slow
def test_a_continued_part_shows_its_title_in_the_running_head(tmp_path):
    import weasyprint

    title = 'Workers’ "Councils" <and> \\ Soviets'
    css = "@page { @top-center { content: string(part-title); } } "
    css += f"html {{ string-set: part-title {css_string(title)}; }}"
    html = f"<html><head><style>{css}</style></head><body><p>Text.</p></body></html>"
    weasyprint.HTML(string=html).write_pdf(tmp_path / "head.pdf")
    assert title in _page_texts(tmp_path / "head.pdf")[0]
