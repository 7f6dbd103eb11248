"""The book's apparatus on paper: running heads, page labels, glossary and index forms."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from anthology.render.documents import running_title


def test_a_short_title_is_its_own_running_head() -> None:
    assert running_title("Revolution in Russia") == "Revolution in Russia"


def test_a_long_title_runs_as_its_part_before_a_dash() -> None:
    title = "The Russian Revolution was worth it\u2014it gives hope of a better future"
    assert running_title(title) == "The Russian Revolution was worth it"


def test_a_long_title_without_a_dash_is_cut_at_a_word() -> None:
    title = "A very long title without any dash that goes on and on about the revolution of 1917"
    head = running_title(title)
    assert head.endswith("\u2026") and len(head) <= 52
    assert title.startswith(head[:-1])


@pytest.mark.slow
def test_page_labels_match_the_folios(built) -> None:
    from pypdf import PdfReader

    labels = PdfReader(built["pdf"]).page_labels
    assert labels[0] == "i"
    assert "1" in labels and labels[labels.index("1") - 1] in ("v", "vi", "vii", "viii")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(built["pdf"]), "-"], capture_output=True, text=True
        ).stdout
        for label, page in zip(labels, text.split("\f"), strict=False):
            lines = [line.strip() for line in page.splitlines() if line.strip()]
            if lines and re.fullmatch(r"[0-9]+|[ivxlc]+", lines[-1]):
                assert lines[-1] == label


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
def test_running_heads_are_never_doubled_and_the_apparatus_reads_as_sorted(built) -> None:
    text = subprocess.run(
        ["pdftotext", "-layout", str(built["pdf"]), "-"], capture_output=True, text=True
    ).stdout
    doubled = []
    for page in text.split("\f"):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        parts = re.split(r"\s{3,}", lines[0]) if lines else []
        if len(parts) == 2 and parts[0].casefold() == parts[1].casefold():
            doubled.append(lines[0])
    assert doubled == []
    assert "Kamenev, Lev" in text


@pytest.mark.slow
def test_cross_references_name_people_as_sorted_with_semicolons_between(built) -> None:
    from anthology.render.documents import print_html

    html = print_html(built["book"], "EB Garamond")
    sees = re.findall(r'<span class="index-see">See also (.*?)</span>', html)
    sees += [
        re.sub(r"<[^>]+>", "", s)
        for s in re.findall(r'<p class="glossary-see">.*?</span> (.*?)\.</p>', html)
    ]
    assert sees
    for see in sees:
        assert all(item.count(",") <= 1 for item in see.split("; ")), see
    assert "Lenin, Vladimir" in " ".join(sees)


@pytest.mark.slow
def test_the_print_html_filled_in_is_the_print_html_rendered_with_the_numbers(built) -> None:
    """The PDF renders the print HTML once and writes the page references and folios in."""
    from anthology.render.documents import (
        epub_doc_ids,
        folio_marks,
        placeholder_references,
        print_context,
        print_html,
        with_folios,
        with_page_references,
    )

    book = built["book"]
    assert book.index
    # No page, one page, and several: each gives the glossary and index another form.
    forms = ("", "{n}", "{n}–{m}, {k}")
    pages = {
        entry.id: forms[n % 3].format(n=n, m=n + 2, k=n + 9) for n, entry in enumerate(book.index)
    }
    folios = {doc: str(n) if n % 4 else "" for n, doc in enumerate(epub_doc_ids(book))}
    context = print_context(book, "EB Garamond")
    before = placeholder_references(book)
    marks = folio_marks(epub_doc_ids(book))
    html = print_html(book, "EB Garamond", before, folios=marks, context=context)
    filled = with_folios(with_page_references(html, context, before, pages), marks, folios)
    assert filled == print_html(book, "EB Garamond", pages, folios=folios)
