"""compile init: a new edition folder that builds as it is and explains itself."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from anthology.config.book import ARTICLE_KEYS, BOOK_KEYS, PART_KEYS, load_edition
from anthology.config.glossary import TERM_KEYS, load_glossary
from anthology.core.errors import BuildError
from anthology.core.text import toml_string
from anthology.scaffold import create_edition, next_steps, title_from_folder


def test_creates_the_skeleton_and_returns_what_it_made(tmp_path):
    folder = tmp_path / "my-first_reader"
    created = create_edition(folder)
    expected = [
        folder,
        folder / "sources",
        folder / "styles",
        folder / "sources" / "book.toml",
        folder / "sources" / "glossary.toml",
        folder / "styles" / "base.css",
        folder / "styles" / "epub.css",
        folder / "styles" / "print.css",
        folder / ".gitignore",
    ]
    assert created == expected
    assert all(path.exists() for path in created)
    assert (folder / ".gitignore").read_text() == "build/\n"


def test_new_edition_loads_with_no_pages(tmp_path):
    folder = tmp_path / "reader"
    create_edition(folder, title="Essays on the Commons")
    edition = load_edition(folder)
    assert edition.configured and edition.title == "Essays on the Commons"
    assert edition.parts == () and edition.glossary == ()
    assert edition.language == "en"


def test_title_defaults_to_the_folder_name_and_is_escaped(tmp_path):
    create_edition(tmp_path / "the-1917_reader")
    assert load_edition(tmp_path / "the-1917_reader").title == "The 1917 reader"
    create_edition(tmp_path / "q", title='A "quoted" \\ title')
    assert load_edition(tmp_path / "q").title == 'A "quoted" \\ title'
    assert title_from_folder(Path("my-reader")) == "My reader"


def test_book_toml_explains_every_key(tmp_path):
    create_edition(tmp_path / "r")
    lines = (tmp_path / "r" / "sources" / "book.toml").read_text().splitlines()
    for key in BOOK_KEYS:
        # Each key is set (or shown commented out) right under a comment about it.
        pattern = re.compile(rf"^(# )?(\[\[?{key}\]\]?$|{key} = )")
        number = next((n for n, line in enumerate(lines) if pattern.match(line)), None)
        assert number, f"book.toml does not show {key!r}"
        assert lines[number - 1].startswith("#"), f"no comment above {key!r}"
    # The keys of a part and of an article table are explained in the comment above [[parts]].
    comments = "\n".join(line for line in lines if line.startswith("#"))
    for key in [*PART_KEYS, *ARTICLE_KEYS]:
        assert re.search(rf"\b{key}\b", comments), f"book.toml does not explain {key!r}"


def test_example_part_validates_once_uncommented(tmp_path):
    """The commented-out [[parts]] example is a valid part when its pages exist."""
    folder = tmp_path / "r"
    create_edition(folder)
    book = folder / "sources" / "book.toml"
    lines = book.read_text().splitlines()
    start = lines.index("# [[parts]]")
    example = [line.removeprefix("# ") for line in lines[start:]]
    book.write_text("\n".join(lines[:start] + example) + "\n")
    data = tomllib.loads(book.read_text())
    for article in data["parts"][0]["articles"]:
        name = article if isinstance(article, str) else article["source"]
        (folder / "sources" / name).write_text("<html><body><p>Text.</p></body></html>")
    edition = load_edition(folder)
    assert [part.title for part in edition.parts] == ["The first theme"]
    assert len(edition.parts[0].articles) == 3
    assert edition.parts[0].articles[2].running_title == "The long read"


def test_glossary_example_validates_once_uncommented(tmp_path):
    folder = tmp_path / "r"
    create_edition(folder)
    glossary = folder / "sources" / "glossary.toml"
    text = glossary.read_text()
    comments = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    for key in TERM_KEYS:
        assert re.search(rf"\b{key}\b", comments), f"glossary.toml does not explain {key!r}"
    assert tomllib.loads(text) == {}
    lines = text.splitlines()
    start = lines.index("# [[term]]")
    glossary.write_text("\n".join(line.removeprefix("# ") for line in lines[start:]) + "\n")
    [entry] = load_glossary(folder)
    assert entry.term == "soviet" and "soviets" in entry.aliases


@pytest.mark.parametrize("name", ["base.css", "epub.css", "print.css"])
def test_stylesheets_hold_only_comments(tmp_path, name):
    create_edition(tmp_path / "r")
    css = (tmp_path / "r" / "styles" / name).read_text()
    assert re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL).strip() == ""
    assert css.count("/*") == css.count("*/")  # no comment closed early by its own text
    if name == "base.css":
        assert "/* :root { --accent: #1d4f91; } */" in css


def test_refuses_a_folder_that_holds_sources(tmp_path):
    folder = tmp_path / "existing"
    (folder / "sources").mkdir(parents=True)
    with pytest.raises(BuildError) as caught:
        create_edition(folder)
    message = caught.value.message
    assert message.startswith(f"{folder}: already holds a sources/ folder")
    assert "\n" not in message
    assert list(folder.iterdir()) == [folder / "sources"]


def test_refuses_a_file(tmp_path):
    path = tmp_path / "file"
    path.write_text("x")
    with pytest.raises(BuildError, match="is a file"):
        create_edition(path)


def test_fills_an_existing_folder_and_keeps_its_files(tmp_path):
    folder = tmp_path / "repo"
    (folder / "styles").mkdir(parents=True)
    (folder / "styles" / "base.css").write_text("p { color: red; }\n")
    (folder / ".gitignore").write_text("*.pyc")
    created = create_edition(folder)
    assert folder / "styles" / "base.css" not in created
    assert (folder / "styles" / "base.css").read_text() == "p { color: red; }\n"
    assert (folder / ".gitignore").read_text() == "*.pyc\nbuild/\n"
    assert folder / ".gitignore" in created and folder not in created
    # A .gitignore that has the line already is left alone.
    (folder / "sources" / "book.toml").unlink()
    (folder / "sources" / "glossary.toml").unlink()
    (folder / "sources").rmdir()
    assert folder / ".gitignore" not in create_edition(folder)


def test_next_steps(tmp_path):
    folder = tmp_path / "my reader"
    text = next_steps(folder, cwd=tmp_path)
    assert text.splitlines() == [
        "Next:",
        "  cd 'my reader'",
        "  compile fetch https://example.com/an-article   # save pages into sources/",
        "  compile all                                    # build the EPUB and the PDF",
    ]
    assert "cd" not in next_steps(tmp_path, cwd=tmp_path)


def test_toml_string_round_trips():
    value = 'tab\tquote" back\\ newline\n bell\x07 del\x7f'
    assert tomllib.loads(f"v = {toml_string(value)}")["v"] == value
