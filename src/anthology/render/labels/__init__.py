"""The words the book itself prints (Contents, Glossary, Part One …), by language.

One TOML catalogue per language in this folder; ``en.toml`` names every key and is the fallback
for a key another language lacks. An edition's ``[labels]`` in book.toml overrides any key.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from markupsafe import Markup

LANGUAGES = ("ar", "de", "en", "es", "fr", "it", "pt", "ru", "zh")


@cache
def catalogue(language: str) -> dict[str, str | list[str]]:
    """The catalogue for ``language``'s primary subtag (``fr-CA`` → ``fr``); empty if none."""
    head = language.replace("_", "-").split("-")[0].lower()
    if head not in LANGUAGES:
        return {}
    text = resources.files(__name__).joinpath(f"{head}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def label_keys() -> dict[str, type]:
    """Every label an edition may set, with its type (``str``, or ``list`` for part numbers)."""
    return {key: type(value) for key, value in catalogue("en").items()}


class Labels:
    """The labels of one book: its language's catalogue, English behind it, the editor's
    ``[labels]`` before it."""

    def __init__(self, language: str, overrides: tuple[tuple[str, object], ...] = ()) -> None:
        self.language = language
        self._table = {**catalogue("en"), **catalogue(language), **dict(overrides)}

    def __call__(self, key: str, **fields: object) -> str:
        """The label ``key`` with its ``{fields}`` filled in."""
        text = self._table[key]
        assert isinstance(text, str), key
        if any(isinstance(v, Markup) for v in fields.values()):
            return Markup.escape(text).format(**fields)  # the other fields escaped
        return text.format(**fields) if fields else text

    def part(self, number: int) -> str:
        """``Part One``: the part label with its number as a word (digits past the list)."""
        words = self._table["part_numbers"]
        word = words[number - 1] if 0 < number <= len(words) else str(number)
        return self("part", number=word)

    def part_number(self, number: int) -> str:
        """The number of a part as its label spells it: ``One``."""
        words = self._table["part_numbers"]
        return words[number - 1] if 0 < number <= len(words) else str(number)
