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
    # People are shown as they are sorted: "Kamenev, Lev".
    from anthology.glossary import index_label

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
            rf"^\s*{re.escape(index_label(entry))}\s*$.*?Pages? ([\d–, ]+)\.",
            glossary_text,
            re.M | re.S,
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


def _suggest(root: Path, *args: str) -> str:
    from click.testing import CliRunner

    from anthology.cli import main

    result = CliRunner().invoke(main, ["glossary", "suggest", "--project", str(root), *args])
    assert result.exit_code == 0, result.output
    return result.output


def _edition_without_glossary(tmp_path: Path) -> Path:
    import shutil

    from tests.paths import SOURCES

    root = tmp_path / "edition"
    shutil.copytree(SOURCES, root / "sources")
    (root / "sources" / "glossary.toml").unlink()
    return root


def test_suggest_finds_the_hand_written_glossary_terms(tmp_path: Path) -> None:
    import tomllib

    from anthology.build import prepare
    from anthology.plan.terms import suggest_terms
    from tests.paths import SOURCES

    root = _edition_without_glossary(tmp_path)
    edition, book = prepare(root)
    suggestions = suggest_terms(book, edition.glossary, 60)
    written = tomllib.loads((SOURCES / "glossary.toml").read_text("utf-8"))["term"]
    found = set()
    for s in suggestions:
        forms = {f.casefold() for f in (s.term, *s.aliases)}
        for entry in written:
            if forms & {f.casefold() for f in (entry["term"], *entry.get("aliases", ()))}:
                found.add(entry["term"])
    assert len(found) >= 30, sorted(found)  # of 42 headwords
    by_term = {s.term: s for s in suggestions}
    # Spellings of one thing are one suggestion, with the others as aliases.
    assert {"Bolshevik"} <= set(by_term["Bolsheviks"].aliases)
    kornilov = next(s for s in suggestions if "Kornilov" in (s.term, *s.aliases))
    assert "General Kornilov" in (kornilov.term, *kornilov.aliases)
    soviets = next(s for s in suggestions if s.term.casefold() in ("soviet", "soviets"))
    assert {a.casefold() for a in soviets.aliases} & {"soviet", "soviets"}
    # Categories come from the text around the names.
    assert by_term["Leon Trotsky"].category == "person"
    assert by_term["Provisional Government"].category == "organisation"
    assert by_term["First World War"].category == "event"
    assert by_term["Petrograd"].category == "place"
    # Drafts are quoted from the articles, with their chapter.
    assert "one of the key figures" in by_term["Leon Trotsky"].definition
    assert by_term["Leon Trotsky"].source


def test_suggest_leaves_out_labels_initials_broken_words_and_code(tmp_path: Path) -> None:
    from datetime import date

    from anthology.core.model import Article, Book, Chapter, Paragraph, Part
    from anthology.plan.terms import suggest_terms

    text = (
        "The Mitochondrion, the powerhouse of the cell, makes energy for the body. "
        "I’ve read that the Mitochondrion divides often, as Schuch FB wrote in his paper. "
        "COMPILER ERROR appears when mitochondrial_dna() is misspelt in the Mach- "
        "line of the Mitochondrion notes, which Schuch FB kept."
    )
    paragraphs = tuple(Paragraph(p) for p in text.split(". ") if p)
    article = Article(source="a.html", title="Cells", body=paragraphs, language="en")
    chapter = Chapter(id="cells", article=article)
    part = Part(id="p", number=1, title="", intro=(), chapters=(chapter,))
    book = Book(
        title="T", subtitle="", editor="", language="en", description="", identifier="t",
        slug="t", parts=(part,), modified="2026-01-01T00:00:00Z", edition_date=date(2026, 1, 1),
    )  # fmt: skip
    terms = {s.term for s in suggest_terms(book, (), 30)}
    assert "Mitochondrion" in terms
    assert not terms & {"Schuch FB", "Schuch", "I’ve", "COMPILER ERROR", "Mach-", "Mach"}
    assert not any("_" in t or "(" in t for t in terms)


def test_suggest_prints_toml_that_builds_when_appended(tmp_path: Path) -> None:
    """The README's workflow: suggest >> sources/glossary.toml, then build."""
    import shutil
    import tomllib

    from anthology.build import run
    from anthology.config.glossary import load_glossary
    from tests.paths import SOURCES

    root = _edition_without_glossary(tmp_path)
    output = _suggest(root, "-n", "60")
    entries = tomllib.loads(output)["term"]
    assert 10 <= len(entries) <= 60  # drafted entries; the rest are commented out
    assert all(e["definition"] and e["category"] for e in entries)
    assert "# [[term]]" in output and 'definition = "TODO"' in output
    glossary = root / "sources" / "glossary.toml"
    glossary.write_text(output, "utf-8")
    assert len(load_glossary(root)) == len(entries)
    # Appended to a written glossary, too: terms it defines are not suggested again.
    shutil.copy(SOURCES / "glossary.toml", glossary)
    again = _suggest(root, "-n", "60")
    terms = {t["term"] for t in tomllib.loads(again).get("term", [])}
    assert not terms & {"Provisional Government", "Bolsheviks", "Petrograd Soviet"}
    with glossary.open("a", encoding="utf-8") as out:
        out.write(again)
    result = run(root, targets=("epub",))
    assert result.outputs["epub"].exists()
