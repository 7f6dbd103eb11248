"""The HTML cleaner's tag and class-word lists are data (``clean/rules/html.toml``), each entry
with its reason."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from anthology.clean.rules import markup_rules, markup_rules_from_toml

TEXT = resources.files("anthology.clean").joinpath("rules/html.toml").read_text("utf-8")
LISTS = {
    "never": "tags",
    "hidden_class": "classes",
    "furniture_stem": "stems",
    "furniture_word": "words",
    "not_furniture": "words",
    "furniture_role": "roles",
    "content_stem": "stems",
    "article_stem": "stems",
}


@pytest.mark.parametrize(("table", "key"), sorted(LISTS.items()))
def test_every_entry_gives_its_reason(table: str, key: str) -> None:
    for entry in tomllib.loads(TEXT)[table]:
        assert entry["why"].strip()
        assert entry[key] and all(isinstance(v, str) and v == v.lower() for v in entry[key])


def test_every_furniture_tag_names_its_reason_for_the_report() -> None:
    for entry in tomllib.loads(TEXT)["furniture_tag"]:
        assert entry["why"].strip() and entry["reason"].strip() and entry["tag"].isalpha()


def test_an_entry_without_a_reason_is_refused() -> None:
    text = TEXT.replace('why = "code and styling, not text"', "")
    with pytest.raises(ValueError, match=r"\[\[never\]\] needs a why"):
        markup_rules_from_toml(text)


def test_the_rules_are_read_once() -> None:
    rules = markup_rules()
    assert rules is markup_rules()
    assert {"script", "button", "head"} <= rules.never
    assert rules.furniture_tags["nav"] == "navigation"
    assert "widget" in rules.furniture_stems and "ad" in rules.furniture_words
    assert set(rules.article_stems) <= set(rules.content_stems)
