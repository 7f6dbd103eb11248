"""Book typography: table tests for each rule, and properties that hold for any text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anthology.core.text import NBSP, dashes_for, smarten

CASES = [
    ("straight double quotes", 'He said "no" and left', "He said \u201cno\u201d and left"),
    (
        "single quotes and apostrophes",
        "the 'soviets' and workers' rule",
        "the \u2018soviets\u2019 and workers\u2019 rule",
    ),
    ("contraction", "didn't", "didn\u2019t"),
    ("elided year", "the '90s", "the \u201990s"),
    (
        "spaced hyphen is a spaced en dash",
        "councils - of workers",
        f"councils{NBSP}\u2013 of workers",
    ),
    ("double hyphen is an em dash", "wait--no", "wait\u2014no"),
    ("year range", "Bill Webster 1941-2014", "Bill Webster 1941\u20132014"),
    ("day range", "7-8 November", f"7\u20138{NBSP}November"),
    ("compound with number keeps its hyphen", "the 8-hour day", "the 8-hour day"),
    ("spaced ellipsis", "the whole course . . .", "the whole course \u2026"),
    ("ellipsis", "wait...", "wait\u2026"),
    ("lost hyphen", "a counter?revolution from", "a counter-revolution from"),
    ("question mark before a space is kept", "Why? Because", "Why? Because"),
    ("day and month do not break", "on 25 October 1917", f"on 25{NBSP}October 1917"),
    ("initials stay with the name", "V. I. Lenin", f"V.{NBSP}I.{NBSP}Lenin"),
    ("spaces collapse", "two   spaces", "two spaces"),
]


@pytest.mark.parametrize(("name", "raw", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule(name: str, raw: str, expected: str) -> None:
    assert smarten(raw) == expected


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_smarten_is_idempotent(text: str) -> None:
    once = smarten(text)
    assert smarten(once) == once


@given(st.text(alphabet="abc XYZ'\"-.?0123456789\u2014", max_size=120))
def test_smarten_keeps_the_words(text: str) -> None:
    # Typography changes punctuation and spacing, never the letters.
    letters = [c for c in text if c.isalpha()]
    assert [c for c in smarten(text) if c.isalpha()] == letters


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", f"живу здесь\u00bb,{NBSP}\u2014 говорит"),
        ("uk-UA", f"живу здесь\u00bb,{NBSP}\u2014 говорит"),
        ("en", f"живу здесь\u00bb,{NBSP}\u2013 говорит"),
        ("", f"живу здесь\u00bb,{NBSP}\u2013 говорит"),
    ],
)
def test_spaced_dashes_follow_the_language(language: str, expected: str) -> None:
    # Russian books set a spaced em dash where the English house style sets an en dash.
    assert dashes_for(smarten("живу здесь\u00bb, \u2014 говорит"), language) == expected


def test_a_dialogue_dash_is_left_alone() -> None:
    line = "\u2014 Вы придёте? \u2014 спросила она."
    assert dashes_for(smarten(line), "ru") == f"\u2014 Вы придёте?{NBSP}\u2014 спросила она."


@given(st.text(alphabet="ab -\u2013\u2014\u00a0", max_size=60))
def test_local_dashes_are_idempotent(text: str) -> None:
    once = dashes_for(smarten(text), "ru")
    assert dashes_for(smarten(once), "ru") == once
