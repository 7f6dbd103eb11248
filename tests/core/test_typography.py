"""Book typography: table tests for each rule, and properties that hold for any text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anthology.core.text import NBSP, dashes_for, language_direction, localise, smarten

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


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "He said \u201cthe \u2018old\u2019 way\u201d and left\u2019s."),
        ("de", "He said \u201ethe \u201aold\u2018 way\u201c and left\u2019s."),
        ("pt-PT", "He said \u00abthe \u201cold\u201d way\u00bb and left\u2019s."),
        ("ru", "He said \u00abthe \u201eold\u201c way\u00bb and left\u2019s."),
        ("zh-TW", "He said \u300cthe \u300eold\u300f way\u300d and left\u2019s."),
        ("xx", "He said \u201cthe \u2018old\u2019 way\u201d and left\u2019s."),
    ],
)
def test_quotes_follow_the_language_from_cldr(language: str, expected: str) -> None:
    assert smarten("He said \"the 'old' way\" and left's.", language) == expected


def test_french_sets_no_break_spaces() -> None:
    text = smarten('Il dit "oui" : vraiment ? Oui ; enfin!', "fr")
    assert (
        text == "Il dit \u00ab\u00a0oui\u00a0\u00bb\u00a0: vraiment\u202f? Oui\u202f; enfin\u202f!"
    )
    # Times and addresses keep their colons and question marks.
    assert smarten("à 10:30, voir https://exemple.fr/?q=1", "fr") == (
        "à 10:30, voir https://exemple.fr/?q=1"
    )


def test_a_quote_after_chinese_opens() -> None:
    assert smarten('他说"你好"。') == "他说\u201c你好\u201d。"


def test_localise_leaves_tags_alone() -> None:
    html = '<a href="x">\u201cbonjour\u201d</a> dit-il\u2009: <em>non</em>'
    assert localise(html, "fr") == (
        '<a href="x">\u00ab\u00a0bonjour\u00a0\u00bb</a> dit-il\u00a0: <em>non</em>'
    )


@pytest.mark.parametrize(
    ("language", "direction"),
    [
        ("ar", "rtl"),
        ("he-IL", "rtl"),
        ("fa", "rtl"),
        ("ur", "rtl"),
        ("az-Arab", "rtl"),
        ("en", "ltr"),
        ("zh-Hans", "ltr"),
        ("", "ltr"),
    ],
)
def test_language_direction(language: str, direction: str) -> None:
    assert language_direction(language) == direction
