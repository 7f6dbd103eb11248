"""Line breaking on paper: hyphenation limits and exceptions, no runts, small-caps lead-ins."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from anthology.render.documents import last_words_joined, lead_in
from anthology.render.pdf.weasy import hyphenation_data


def test_the_last_two_words_of_a_paragraph_are_joined() -> None:
    body = "<p>It was over in a <em>week</em>.</p><p>Then the war ended.</p>"
    assert last_words_joined(body) == (
        "<p>It was over in a\u00a0<em>week</em>.</p><p>Then the war\u00a0ended.</p>"
    )


def test_long_last_words_are_left_free_to_break() -> None:
    body = "<p>It was called internationalism counter-revolutionary.</p>"
    assert last_words_joined(body) == body


def test_the_lead_in_takes_up_to_three_words_and_stops_at_punctuation() -> None:
    assert lead_in("<p>In 1917 the Russian empire</p>").startswith(
        '<p><span class="lead-in">In 1917 the</span> Russian'
    )
    assert lead_in("<p>It was, as he said</p>") == (
        '<p><span class="lead-in">It was</span>, as he said</p>'
    )
    assert lead_in("<p><em>Pravda</em> said</p>") == "<p><em>Pravda</em> said</p>"
    assert lead_in("<h2>A heading</h2><p>Text</p>") == "<h2>A heading</h2><p>Text</p>"


def test_hyphenation_exceptions_are_data() -> None:
    patterns, exceptions = hyphenation_data()
    assert patterns["en"] == "en_US"
    assert exceptions["en"]["petrograd"] == (5,)
    assert exceptions["en"]["revolution"] == (3, 4, 6)


def _measure(pdf) -> tuple[int, list[int], list[str]]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    text_lines = sum(1 for line in lines if len(line.split()) >= 4)
    # WeasyPrint's hyphenation character is U+2010; a word's own hyphen stays "-".
    hyphenated = [i for i, line in enumerate(lines) if line.endswith("\u2010")]
    runts = [
        f"{lines[i]} / {lines[i + 1]}"
        for i in hyphenated
        if i + 1 < len(lines)
        and len(lines[i + 1].split()) == 1
        and not lines[i + 1].strip().isdigit()
    ]
    return text_lines, hyphenated, runts


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
def test_the_default_edition_breaks_lines_well(built) -> None:
    text_lines, hyphenated, runts = _measure(built["pdf"])
    assert len(hyphenated) <= 0.08 * text_lines
    in_a_row = [i for i in hyphenated if i - 1 in hyphenated and i - 2 in hyphenated]
    assert in_a_row == []
    assert runts == []


@pytest.mark.slow
def test_bad_breaks_are_gone(built) -> None:
    text = subprocess.run(
        ["pdftotext", str(built["pdf"]), "-"], capture_output=True, text=True, check=True
    ).stdout
    bad = ("re\u2010\nvolution", "Russi\u2010\nan", "Bolshev\u2010\nik", "Pet\u2010\nrograd",
           "factor\u2010\nies")  # fmt: skip
    assert [b for b in bad if re.search(b, text, re.I)] == []
