"""Golden outputs: real pages cleaned into Markdown, compared as text with the files kept in
tests/golden/articles/.

The inputs are the saved pages in tests/golden/pages/ (news in English, Russian and Japanese,
a documentation page, an essay full of lists; see tests/golden/README.md for where each comes
from) and the default edition's text dumps in sources/. Each is cleaned as
``compile clean --format markdown`` prints it: metadata, then the body.

When the cleaner changes on purpose, write the goldens again and review the diff:

    python -m pytest tests/clean/test_golden.py --update-golden
    git diff tests/golden/
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from click.testing import CliRunner

from anthology.cli import main
from tests.paths import ROOT, SOURCES

GOLDEN = ROOT / "tests" / "golden"
PAGES = sorted((GOLDEN / "pages").glob("*.html")) + sorted(SOURCES.glob("*.txt"))
UPDATE = "python -m pytest tests/clean/test_golden.py --update-golden"


def _golden_name(page: Path) -> str:
    return page.name.removesuffix(page.suffix) + ".md"


def _cleaned(page: Path, out: Path) -> str:
    """The page as ``compile clean --format markdown -o OUT PAGE`` writes it."""
    result = CliRunner().invoke(main, ["clean", "--format", "markdown", "-o", str(out), str(page)])
    assert result.exit_code == 0, result.output
    return (out / _golden_name(page)).read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_a_real_page_cleans_to_its_golden_article(
    page: Path, tmp_path: Path, update_golden: bool
) -> None:
    actual = _cleaned(page, tmp_path)
    golden = GOLDEN / "articles" / _golden_name(page)
    if update_golden:
        golden.write_text(actual, encoding="utf-8")
        return
    if not golden.exists():
        pytest.fail(f"no golden output for {page.name}: run `{UPDATE}` and review it")
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=f"tests/golden/articles/{golden.name} (golden)",
            tofile=f"{page.name} cleaned now",
        )
        pytest.fail(
            "".join(diff) + f"\nIf the change is meant, run `{UPDATE}` and review the diff.",
            pytrace=False,
        )


def test_every_golden_output_has_its_page() -> None:
    names = {_golden_name(page) for page in PAGES}
    assert sorted(p.name for p in (GOLDEN / "articles").glob("*.md") if p.name not in names) == []
