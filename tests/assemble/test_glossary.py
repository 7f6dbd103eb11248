"""The glossary: validation, term matching, linking properties, and the built books."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anthology.config.glossary import load_glossary
from anthology.core.errors import ConfigError
from anthology.core.model import GlossaryEntry
from anthology.glossary import (
    TermMatcher,
    index_entries,
    link_fragment,
    page_ranges,
    sort_key,
)


def _entry(term: str, *aliases: str, category: str = "term") -> GlossaryEntry:
    return GlossaryEntry(
        id=f"g-{len(term)}-{term[:3]}",
        term=term,
        definition="d",
        aliases=aliases,
        category=category,
    )


def _link(text: str, *entries: GlossaryEntry) -> str:
    matcher = TermMatcher(index_entries(entries, ()))
    seen: set[str] = set()

    def mark(match: re.Match[str]) -> str:
        entry = matcher.entry_for(match.group(0))
        if entry.id in seen:
            return match.group(0)
        seen.add(entry.id)
        return f"[{match.group(0)}]"

    return link_fragment(text, matcher, mark)


MATCHING = [
    ("plural alias", "the soviets met", [_entry("soviet", "soviets")], "the [soviets] met"),
    ("capitalised at a sentence start", "Soviet power", [_entry("soviet")], "[Soviet] power"),
    ("possessive", "the soviet’s call", [_entry("soviet")], "the [soviet]’s call"),
    ("not inside a longer word", "Sovietology", [_entry("soviet")], "Sovietology"),
    (
        "the longest form wins",
        "the Provisional Government fell",
        [_entry("Government"), _entry("Provisional Government")],
        "the [Provisional Government] fell",
    ),
    ("a name keeps its capital", "the bund of", [_entry("Bund")], "the bund of"),
    ("an acronym is exact", "SRs and srs", [_entry("SRs")], "[SRs] and srs"),
    (
        "metacharacters are text",
        "C++ and C+ and (SR) then SR",
        [_entry("C++"), _entry("(SR)")],
        "[C++] and C+ and [(SR)] then SR",
    ),
    ("once per chapter", "soviet and soviet", [_entry("soviet")], "[soviet] and soviet"),
    (
        "never inside an existing link",
        '<a href="#x">soviet</a> soviet',
        [_entry("soviet")],
        '<a href="#x">soviet</a> [soviet]',
    ),
    ("escaped text", "Marks &amp; Spencer", [_entry("Marks & Spencer")], "[Marks &amp; Spencer]"),
    ("inside emphasis", "<em>Iskra</em> appeared", [_entry("Iskra")], "<em>[Iskra]</em> appeared"),
]


@pytest.mark.parametrize(
    ("name", "text", "entries", "expected"), MATCHING, ids=[c[0] for c in MATCHING]
)
def test_matching(name: str, text: str, entries, expected: str) -> None:
    assert _link(text, *entries) == expected


WORDS = st.sampled_from(
    [
        "soviet",
        "Soviet",
        "soviets",
        "Bund",
        "C++",
        "(SR)",
        "the",
        "and",
        "Provisional",
        "Government",
        "Sovietology",
        "x",
        "Bund’s",
    ]
)


@settings(max_examples=200)
@given(
    st.lists(WORDS, max_size=40),
    st.lists(
        st.sampled_from(["soviet", "Bund", "C++", "(SR)", "Provisional Government", "Government"]),
        min_size=1,
        max_size=4,
        unique=True,
    ),
)
def test_linking_properties(words: list[str], terms: list[str]) -> None:
    from anthology.glossary import link_glossary  # noqa: F401  (the real stage uses the same code)

    text = " ".join(words)
    entries = [_entry(t) for t in terms]
    matcher = TermMatcher(index_entries(entries, ()))
    linked_ids: list[str] = []

    def mark(match: re.Match[str]) -> str:
        entry = matcher.entry_for(match.group(0))
        if entry.id in linked_ids:
            return match.group(0)
        linked_ids.append(entry.id)
        return f'<a class="glossary-term" href="#{entry.id}">{match.group(0)}</a>'

    out = link_fragment(text, matcher, mark)
    # The text outside the inserted links is unchanged.
    assert re.sub(r"<[^>]+>", "", out) == text
    # Links never nest, and each entry is linked at most once.
    assert "<a" not in "".join(re.findall(r"<a [^>]*>(.*?)</a>", out))
    assert len(linked_ids) == len(set(linked_ids))
    # A link never splits a word.
    for match in re.finditer(r"<a [^>]*>(.*?)</a>", out):
        before = out[: match.start()]
        after = out[match.end() :]
        assert not (before[-1:].isalnum() or after[:1].isalnum())


def test_page_ranges_collapse() -> None:
    assert page_ranges([9, 3, 4, 5, 12, 13, 4]) == "3\u20135, 9, 12\u201313"
    assert page_ranges([7]) == "7"
    assert page_ranges([]) == ""


def test_sort_order_folds_accents_and_articles() -> None:
    terms = ["Zinoviev", "the Bund", "Émile", "soviet", "Economists", "Bolsheviks"]
    assert sorted(terms, key=sort_key) == [
        "Bolsheviks",
        "the Bund",
        "Economists",
        "Émile",
        "soviet",
        "Zinoviev",
    ]


def _glossary(tmp_path: Path, text: str) -> Path:
    (tmp_path / "sources").mkdir(exist_ok=True)
    (tmp_path / "sources" / "glossary.toml").write_text(text, encoding="utf-8")
    return tmp_path


GOOD = '[[term]]\nterm = "soviet"\ndefinition = "A council."\n'
ERRORS = [
    (
        "unknown key",
        GOOD + 'colour = "red"\n',
        r'sources/glossary\.toml:4: \[\[term\]\]: unknown key "colour"',
    ),
    (
        "empty definition",
        '[[term]]\nterm = "soviet"\ndefinition = " "\n',
        r'sources/glossary\.toml:1: "soviet" has an empty definition',
    ),
    (
        "duplicate term",
        GOOD + GOOD,
        r'sources/glossary\.toml:5: "soviet" is defined twice \(first at line 1\)',
    ),
    (
        "duplicate alias",
        GOOD + '[[term]]\nterm = "council"\ndefinition = "x"\naliases = ["Soviet"]\n',
        r'sources/glossary\.toml:7: "Soviet" is already a term or alias of "soviet"',
    ),
    (
        "see pointing nowhere",
        GOOD + 'see = ["duma"]\n',
        r'sources/glossary\.toml:4: "soviet" has see = "duma", which is no entry',
    ),
    (
        "bad category",
        GOOD + 'category = "idea"\n',
        r"sources/glossary\.toml:4: \"soviet\": category must be one of term, person",
    ),
    ("syntax error", GOOD + 'see = ["x"\n', r"sources/glossary\.toml:\d+: not valid TOML"),
]


@pytest.mark.parametrize(("name", "text", "pattern"), ERRORS, ids=[c[0] for c in ERRORS])
def test_glossary_errors_name_file_and_line(
    tmp_path: Path, name: str, text: str, pattern: str
) -> None:
    with pytest.raises(ConfigError) as error:
        load_glossary(_glossary(tmp_path, text))
    assert re.search(pattern, error.value.message), error.value.message
    assert "\n" not in error.value.message


def test_default_glossary_is_big_enough_and_used() -> None:
    from tests.paths import ROOT

    entries = load_glossary(ROOT)
    assert len(entries) >= 30
    assert {e.category for e in entries} >= {"term", "person", "organisation", "event", "place"}


@pytest.mark.slow
def test_epub_glossary_links_and_backlinks_resolve(built) -> None:
    with zipfile.ZipFile(built["epub"]) as z:
        docs = {
            n.removeprefix("EPUB/"): z.read(n).decode()
            for n in z.namelist()
            if n.endswith(".xhtml")
        }
    ids = {name: set(re.findall(r'\sid="([^"]+)"', text)) for name, text in docs.items()}
    glossary = docs["glossary.xhtml"]
    assert 'epub:type="glossary"' in glossary and "<dl" in glossary
    assert glossary.count('epub:type="glossterm"') == len(built["book"].glossary)
    assert glossary.count('epub:type="glossdef"') == len(built["book"].glossary)
    links = 0
    for name, text in docs.items():
        for href in re.findall(r'<a [^>]*href="([^"]+)"', text):
            target, _, anchor = href.partition("#")
            target = target or name
            assert target in docs, (name, href)
            if anchor:
                assert anchor in ids[target], (name, href)
        for ref in re.findall(r'<a class="glossary-term"[^>]*href="#([^"]+)"', text):
            links += 1
            assert f'id="{ref}" epub:type="footnote"' in text  # the popup note is in the chapter
    assert links >= 60
    for chapter in built["book"].chapters:
        assert f'href="{chapter.id}.xhtml#t-{chapter.id}-' in glossary


@pytest.mark.slow
def test_pdf_glossary_pages_contain_the_terms(built) -> None:
    book = built["book"]
    pdf = built["pdf"]
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    glossary_start = next(
        i
        for i, p in enumerate(pages)
        if p.strip().startswith("Glossary") and "The words, people" in p
    )
    glossary_text = "\n".join(pages[glossary_start:])
    # Page references are printed page numbers (folios), which start at 1 with the first part.
    by_folio = {}
    for page in pages:
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        if lines and lines[-1].isdigit():
            by_folio[int(lines[-1])] = page
    checked = 0
    for entry in book.glossary:
        match = re.search(
            rf"^\s*{re.escape(entry.term)}\s*$.*?Pages? ([\d–, ]+)\.", glossary_text, re.M | re.S
        )
        assert match, entry.term
        numbers = []
        for piece in match.group(1).split(","):
            low, _, high = piece.strip().partition("–")
            numbers.extend(range(int(low), int(high or low) + 1))
        for number in numbers:
            page = " ".join(re.sub(r"[-\u00ad\u2010]\s*\n\s*", "", by_folio[number]).split())
            assert any(
                " ".join(form.split()).casefold() in page.casefold() for form in entry.forms
            ), (entry.term, number)
            checked += 1
    assert checked > 100


def test_suggest_prints_pasteable_toml_of_undefined_terms(tmp_path: Path) -> None:
    import shutil
    import tomllib

    from click.testing import CliRunner

    from anthology.cli import main
    from tests.paths import SOURCES

    root = tmp_path / "edition"
    shutil.copytree(SOURCES, root / "sources")
    (root / "sources" / "glossary.toml").unlink()
    result = CliRunner().invoke(main, ["glossary", "suggest", "--project", str(root), "-n", "30"])
    assert result.exit_code == 0, result.output
    terms = [t["term"] for t in tomllib.loads(result.output)["term"]]
    assert len(terms) == 30
    for wanted in (
        "Provisional Government",
        "Bolsheviks",
        "Petrograd Soviet",
        "Trotsky",
        "permanent revolution",
        "Military Revolutionary Committee",
    ):
        assert wanted in terms, wanted
    # Terms the glossary defines are not suggested again.
    shutil.copy(SOURCES / "glossary.toml", root / "sources" / "glossary.toml")
    again = CliRunner().invoke(main, ["glossary", "suggest", "--project", str(root)])
    defined = {t["term"] for t in tomllib.loads(again.output).get("term", [])}
    assert not defined & {"Provisional Government", "Bolsheviks", "Petrograd Soviet"}
