"""Book file names: a PDF laid out on another page than book.toml's never replaces the reading
PDF, whose pages the EPUB's page numbers follow."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from anthology.config.book import load_edition
from anthology.config.edition import PrintOptions
from anthology.core.errors import BuildError
from anthology.outputs import Outputs


@dataclass
class _Pdf:
    options: PrintOptions

    @property
    def suffix(self) -> str:
        return "-print.pdf" if self.options.shop else ".pdf"


def _finals(root: Path, options: PrintOptions, output: Path | None = None) -> Path:
    return Outputs(root, "reader", output, {"pdf": _Pdf(options)}).finals["pdf"]


def test_the_book_toml_page_is_the_reading_pdf(tmp_path) -> None:
    assert _finals(tmp_path, PrintOptions()) == tmp_path / "build" / "reader.pdf"
    a4 = PrintOptions(page="A4", book_page="A4")
    assert _finals(tmp_path, a4).name == "reader.pdf"


def test_another_page_from_the_command_line_is_its_own_file(tmp_path) -> None:
    a4 = replace(PrintOptions(), page="A4")  # as --page-size A4 over book.toml's A5
    assert _finals(tmp_path, a4) == tmp_path / "build" / "reader-a4.pdf"
    trade = replace(PrintOptions(), page="US-trade", shop=True)
    assert _finals(tmp_path, trade).name == "reader-us-trade-print.pdf"
    assert _finals(tmp_path, a4, tmp_path / "out") == tmp_path / "out" / "reader-a4.pdf"
    # A file name of one's own is still taken as given.
    assert _finals(tmp_path, a4, tmp_path / "book.pdf") == tmp_path / "book.pdf"
    with pytest.raises(BuildError):
        _finals(tmp_path, a4, tmp_path / "book.epub")


def test_book_toml_page_is_remembered_under_the_command_lines(tmp_path) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "book.toml").write_text(
        'title = "Reader"\n\n[print]\npage = "Royal"\n', encoding="utf-8"
    )
    options = load_edition(tmp_path).print
    assert options.layout_tag == ""
    assert replace(options, page="Royal").layout_tag == ""
    assert replace(options, page="A5").layout_tag == "a5"
