"""Load the cleaning rules (phrase lists as data) once, compiled."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class PhraseRule:
    """A named list of patterns; a line matching any of them is dropped for ``name``."""

    name: str
    why: str
    patterns: tuple[re.Pattern[str], ...]
    max_length: int | None = None

    def matches(self, line: str) -> bool:
        """True when ``line`` (spaces collapsed) is caught by this rule."""
        if self.max_length is not None and len(line) > self.max_length:
            return False
        return any(p.search(line) for p in self.patterns)


@dataclass(frozen=True)
class Rules:
    """Every rule the cleaners use."""

    furniture: PhraseRule
    tail: PhraseRule
    series_note: PhraseRule


@cache
def default_rules() -> Rules:
    """The package's own rules, from ``rules/boilerplate.toml``."""
    text = resources.files("anthology.clean").joinpath("rules/boilerplate.toml").read_text("utf-8")
    return rules_from_toml(text)


def rules_from_toml(text: str) -> Rules:
    """Compile rules from the text of a boilerplate TOML file."""
    data = tomllib.loads(text)
    return Rules(
        **{name: _phrase_rule(name, data[name]) for name in ("furniture", "tail", "series_note")}
    )


def _phrase_rule(name: str, table: dict) -> PhraseRule:
    return PhraseRule(
        name=name,
        why=table["why"],
        patterns=tuple(re.compile(p, re.IGNORECASE) for p in table["patterns"]),
        max_length=table.get("max_length"),
    )
