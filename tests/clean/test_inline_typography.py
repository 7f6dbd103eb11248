"""Typography across the tags inside a paragraph or heading: a text node is set as it would
be with its neighbours' characters beside it, so cleaning a page's own output again changes
nothing (a link or an emphasis around the word before a spaced dash)."""

from __future__ import annotations

from pathlib import Path

import pytest

from anthology.clean.html import clean_html
from anthology.clean.html.inline import smarten_piece
from anthology.clean.rules import default_rules
from anthology.core.text import strip_tags
from anthology.sources import Page
from tests.clean.test_fuzz import as_html

RULES = default_rules()
FILLER = "<p>" + "The council met in the city and voted on the matter at length. " * 6 + "</p>"


def _clean(body: str):
    text = f"<html><head><title>T</title></head><body><article><h1>T</h1>{body}</article></body>"
    page = Page(Path("/nonexistent/r.html"), "r.html", "sources/r.html", "html", text + "</html>")
    return clean_html(page, RULES)


@pytest.mark.parametrize(
    "fragment",
    [
        "<h2><a href='/x'>workers'.</a> \u2014 the</h2>",
        "<p><em>workers'.</em> \u2014 the council</p>",
        "<p>the council \u2014 <em>workers'</em> too</p>",
        "<p><a href='/x'>Lenin</a> - the leader</p>",
    ],
)
def test_a_spaced_dash_after_a_tag_is_set_as_in_plain_text(fragment: str) -> None:
    tagged = _clean(FILLER + fragment + FILLER)
    bare = fragment
    for tag in ("<em>", "</em>", "<a href='/x'>", "</a>"):
        bare = bare.replace(tag, "")
    plain = _clean(FILLER + bare + FILLER)
    assert [strip_tags(b.html) for b in tagged.body] == [b.html for b in plain.body]
    assert _clean(as_html(tagged)).body == tagged.body


def test_the_space_before_the_dash_comes_from_the_neighbour() -> None:
    assert smarten_piece(" \u2014 the", "x", "") == "\u00a0\u2013 the"
    assert smarten_piece("the \u2014 ", "", "x") == "the\u00a0\u2013 "
    # a space before the node stays a space when no word is beside it
    assert smarten_piece(" \u2014 the", " ", "") == " \u2014 the"


def test_a_space_before_a_tag_spaces_the_dash_after_it() -> None:
    tagged = _clean(FILLER + "<p>the council met. <span>\u2014 the workers.</span></p>" + FILLER)
    assert strip_tags(tagged.body[1].html) == "the council met.\u00a0\u2013 the workers."
    assert _clean(as_html(tagged)).body == tagged.body


def test_a_space_between_two_tags_spaces_the_dash() -> None:
    tagged = _clean(
        FILLER + "<p>the <em>council met.</em> <span>\u2014 the workers.</span></p>" + FILLER
    )
    assert strip_tags(tagged.body[1].html) == "the council met.\u00a0\u2013 the workers."
    assert _clean(as_html(tagged)).body == tagged.body
