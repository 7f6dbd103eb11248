"""The book's own words: a catalogue per language, English behind it, the editor's [labels]."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from anthology.cli import main
from anthology.config.book import load_edition
from anthology.render.labels import LANGUAGES, Labels, catalogue, label_keys


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalogue_has_every_key_with_the_same_fields(language: str) -> None:
    import re

    english, other = catalogue("en"), catalogue(language)
    assert set(other) == set(english)
    for key, text in english.items():
        if isinstance(text, str):
            assert set(re.findall(r"\{\w+\}", other[key])) == set(re.findall(r"\{\w+\}", text))
        else:
            assert len(other[key]) == len(text)


def test_labels_fall_back_to_english_and_take_the_editors() -> None:
    assert Labels("ja")("contents") == "Contents"
    assert Labels("fr-CA")("contents") == "Table des matières"
    assert Labels("de").part(2) == "Zweiter Teil" and Labels("de").part(25) == "25 Teil"
    assert Labels("en").part(3) == "Part Three"
    assert Labels("fr", (("contents", "Sommaire"),))("contents") == "Sommaire"


def _edition(tmp_path: Path, labels: str) -> Path:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "book.toml").write_text(
        f'title = "T"\nlanguage = "fr"\n\n[labels]\n{labels}\n', encoding="utf-8"
    )
    return tmp_path


def test_book_toml_sets_labels(tmp_path: Path) -> None:
    root = _edition(tmp_path, 'contents = "Sommaire"\npart_numbers = ["Un", "Deux"]')
    labels = dict(load_edition(root).labels)
    assert labels == {"contents": "Sommaire", "part_numbers": ("Un", "Deux")}
    assert set(labels) <= set(label_keys())


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('contens = "Sommaire"', '[labels]: unknown key "contens"'),
        ('part = "Partie {numero}"', '[labels] "part" may use only these fields: {number}'),
        ("contents = 3", '[labels]: "contents" must be a string'),
    ],
)
def test_a_bad_label_is_one_line(tmp_path: Path, line: str, message: str) -> None:
    root = _edition(tmp_path, line)
    result = CliRunner().invoke(main, ["epub", "--project", str(root)])
    assert result.exit_code == 1
    assert message in result.output and "book.toml:5" in result.output, result.output
