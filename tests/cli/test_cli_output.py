"""What `compile` prints: stage lines, a summary, grouped warnings, --verbose, --keep-going."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from anthology.cli import main
from anthology.cli.options import EXIT_SKIPPED


def _compile(edition: Path, *args: str):
    return CliRunner().invoke(main, ["epub", "--project", str(edition), *args])


def test_a_build_ends_with_a_summary(edition: Path) -> None:
    result = _compile(edition)
    assert result.exit_code == 0, result.output
    last = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(
        r"built 5 chapters, 10,\d{3} words in \d+\.\d s: "
        r"the-russian-revolution-of-1917\.epub \(\d+ KB\)",
        last,
    ), last
    assert "\r" not in result.output  # no progress bar when output is not a terminal


def test_quiet_prints_nothing(edition: Path) -> None:
    result = _compile(edition, "-q")
    assert result.exit_code == 0 and result.output == ""


def test_verbose_shows_what_the_rules_dropped(edition: Path) -> None:
    result = _compile(edition, "--verbose")
    assert result.exit_code == 0
    assert (
        "  sources/lessons-from-history-revolution-in-russia.txt: "
        "dropped 'Facebook Twitter' (furniture)" in result.stdout
    )
    assert "dropped" not in _compile(edition).stdout


def test_a_bad_page_stops_the_build_unless_keep_going(edition: Path) -> None:
    bad = edition / "sources" / "what-do-we-mean-by-socialism.txt"
    bad.write_bytes(bytes(range(256)) * 20)
    message = (
        "sources/what-do-we-mean-by-socialism.txt: looks like binary data, not a text or HTML page"
    )
    stopped = _compile(edition)
    assert stopped.exit_code == 1
    assert stopped.stderr.strip() == f"Error: {message}"
    assert not (edition / "build").exists()
    kept = _compile(edition, "--keep-going")
    assert kept.exit_code == EXIT_SKIPPED == 3
    assert kept.stderr.strip().splitlines() == [f"Skipped: {message}"]
    assert "built 4 chapters" in kept.stdout and "; 1 skipped" in kept.stdout
    assert (edition / "build" / "the-russian-revolution-of-1917.epub").exists()
    assert f"exit with status {EXIT_SKIPPED}" in " ".join(
        CliRunner().invoke(main, ["epub", "--help"]).output.split()
    )


def test_keep_going_with_nothing_left_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "a.html").write_bytes(b"\x00\x01\x02" * 400)
    result = _compile(tmp_path, "--keep-going")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: sources/a.html: ")


def test_pages_left_out_of_book_toml_are_named(edition: Path) -> None:
    (edition / "sources" / "notes.html").write_text("<p>A draft.</p>", encoding="utf-8")
    result = _compile(edition)
    assert result.exit_code == 0
    assert "sources/notes.html:\n  warning: not listed in book.toml's parts" in result.stderr
    assert result.stdout.rstrip().endswith("; 1 warning")


def test_counts_of_one_are_singular(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "one.txt").write_text(
        "A Single Essay\n\n" + " ".join(["The assembly met again and voted."] * 40) + "\n",
        encoding="utf-8",
    )
    result = _compile(tmp_path)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "load: 1 page from sources/" in lines
    assert any(line.startswith("clean: 1 article, ") for line in lines), lines
    assert any(line.startswith("assemble: 1 part, 1 chapter, ") for line in lines), lines
    assert lines[-1].startswith("built 1 chapter, ")
