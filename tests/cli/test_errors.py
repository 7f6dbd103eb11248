"""Bad input: one line naming the file and the problem, exit 1, no traceback, no partial book."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from anthology.cli import main


def _compile(root: Path, *args: str):
    result = CliRunner().invoke(main, [*args, "--project", str(root)])
    assert "Traceback" not in result.output
    return result


def _edit_book(root: Path, old: str, new: str) -> None:
    path = root / "sources" / "book.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _error_lines(result) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith("Error:")]


CASES = [
    (
        "syntax error",
        lambda root: _edit_book(root, 'language = "en-GB"', 'language = "en-GB'),
        r"^Error: sources/book\.toml:\d+: not valid TOML: ",
    ),
    (
        "unknown key",
        lambda root: _edit_book(root, 'language = "en-GB"', 'language = "en-GB"\nauthour = "x"'),
        r'^Error: sources/book\.toml:10: book\.toml: unknown key "authour" \(known keys: ',
    ),
    (
        "wrong type",
        lambda root: _edit_book(root, 'title = "The Russian Revolution of 1917"', "title = 1917"),
        r'^Error: sources/book\.toml:6: book\.toml: "title" must be a string, not a number',
    ),
    (
        "missing source",
        lambda root: _edit_book(root, '"what-do-we-mean-by-socialism.txt"', '"lenin.txt"'),
        r'^Error: sources/book\.toml:\d+: part "What Was Won, and What Was Lost" lists '
        r'"lenin\.txt", which is not in sources/$',
    ),
    (
        "bad date",
        lambda root: _edit_book(
            root,
            'title = "From Prison to Power"',
            'title = "From Prison to Power", date = "last year"',
        ),
        r"^Error: sources/book\.toml:\d+: \"trotsky-from-prison-to-power\.txt\" date must be a "
        r"date such as 1917-10-25, not 'last year'$",
    ),
    (
        "empty page",
        lambda root: (root / "sources" / "what-do-we-mean-by-socialism.txt").write_bytes(b"\n \n"),
        r"^Error: sources/what-do-we-mean-by-socialism\.txt: is empty$",
    ),
    (
        "page with no article",
        lambda root: (root / "sources" / "what-do-we-mean-by-socialism.txt").write_text(
            "Home\nNews\nLatest News\nContact\n", encoding="utf-8"
        ),
        r"^Error: sources/what-do-we-mean-by-socialism\.txt: no article text found",
    ),
    (
        "binary page",
        lambda root: (root / "sources" / "what-do-we-mean-by-socialism.txt").write_bytes(
            bytes(range(256)) * 40
        ),
        r"^Error: sources/what-do-we-mean-by-socialism\.txt: looks like binary data",
    ),
]


@pytest.mark.parametrize(("name", "damage", "pattern"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_gives_one_line(edition: Path, name: str, damage, pattern: str) -> None:
    damage(edition)
    cwd = os.getcwd()
    os.chdir(edition)  # messages name files relative to the edition folder
    try:
        result = _compile(edition, "epub")
    finally:
        os.chdir(cwd)
    assert result.exit_code == 1, result.output
    lines = _error_lines(result)
    assert len(lines) == 1, result.output
    import re

    assert re.search(pattern, lines[0]), lines[0]
    assert not (edition / "build").exists() or not any((edition / "build").iterdir())


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_page(edition: Path) -> None:
    page = edition / "sources" / "what-do-we-mean-by-socialism.txt"
    page.chmod(0)
    result = _compile(edition, "epub")
    assert result.exit_code == 1
    assert "what-do-we-mean-by-socialism.txt: cannot be read (Permission denied)" in result.output


def test_a_directory_in_place_of_a_page_cannot_be_read(edition: Path) -> None:
    page = edition / "sources" / "what-do-we-mean-by-socialism.txt"
    page.unlink()
    page.mkdir()
    result = _compile(edition, "epub")
    assert result.exit_code == 1
    lines = _error_lines(result)
    assert len(lines) == 1 and "what-do-we-mean-by-socialism.txt" in lines[0], result.output


def test_every_bad_page_is_named(edition: Path) -> None:
    for name in ("what-do-we-mean-by-socialism.txt", "russian-revolution-was-worth-it.txt"):
        (edition / "sources" / name).write_text("", encoding="utf-8")
    result = _compile(edition, "epub")
    lines = _error_lines(result)
    assert result.exit_code == 1
    assert len(lines) == 2
    assert "russian-revolution-was-worth-it.txt: is empty" in lines[1]


def test_no_sources_folder(tmp_path: Path) -> None:
    result = _compile(tmp_path, "epub")
    assert result.exit_code == 1
    assert _error_lines(result) == [
        f"Error: {tmp_path.name}/sources: no sources/ folder here; "
        "run compile in an edition folder or pass --project DIR"
    ]


def test_failed_build_keeps_the_previous_book(edition: Path) -> None:
    build = edition / "build"
    build.mkdir()
    previous = build / "the-russian-revolution-of-1917.epub"
    previous.write_bytes(b"the previous book")
    (edition / "sources" / "what-do-we-mean-by-socialism.txt").write_text("", encoding="utf-8")
    result = _compile(edition, "epub")
    assert result.exit_code == 1
    assert previous.read_bytes() == b"the previous book"
    assert sorted(p.name for p in build.iterdir()) == [previous.name]


def test_unknown_style_is_one_line(edition: Path) -> None:
    result = _compile(edition, "epub", "--style", "no-such-look")
    assert result.exit_code == 1
    assert _error_lines(result)[0].startswith('Error: --style: no look named "no-such-look"')
