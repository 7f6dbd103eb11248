"""``compile check``: the default edition's EPUB passes; hand-broken copies trip each code."""

from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from anthology.check import check_epub, summary
from anthology.check.epubcheck import epubcheck_findings
from anthology.cli import main
from anthology.core.errors import Diagnostic
from tests.paths import SOURCES

CHAPTER = "EPUB/what-do-we-mean-by-socialism-october.xhtml"
Change = Callable[[bytes], bytes] | bytes
PAGE_BREAK = '<span epub:type="pagebreak" role="doc-pagebreak" id="page-7" aria-label="7"/>'


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    """A copy of the default edition with its EPUB built once, in build/."""
    from anthology.build import run

    root = tmp_path_factory.mktemp("check") / "edition"
    shutil.copytree(SOURCES, root / "sources")
    run(root, targets=("epub",))
    return root


@pytest.fixture(scope="module")
def good(edition: Path) -> Path:
    """The default edition's EPUB."""
    (epub,) = (edition / "build").glob("*.epub")
    return epub


@pytest.fixture
def no_epubcheck(monkeypatch) -> None:
    """Skip the Java validator (seconds a run) where a test is about our own checks."""
    monkeypatch.setattr("anthology.check.run_epubcheck", lambda path: [])


def rewrite(epub: Path, out: Path, changes: dict[str, Change]) -> Path:
    """A copy of ``epub`` with members changed (a function of the old bytes) or added."""
    with zipfile.ZipFile(epub) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            change = changes.get(info.filename)
            if change is not None:
                data = change(data) if callable(change) else change
            target.writestr(info, data)
        for name, change in changes.items():
            if name not in source.namelist():
                target.writestr(name, change, zipfile.ZIP_DEFLATED)
    return out


def sub(pattern: str, replacement: str, count: int = 1) -> Callable[[bytes], bytes]:
    """A change that replaces a regular expression in a member's text, and insists it matched."""

    def change(data: bytes) -> bytes:
        text, done = re.subn(pattern, replacement, data.decode("utf-8"), count=count, flags=re.S)
        assert done, pattern
        return text.encode("utf-8")

    return change


def png(width: int, height: int, noise: bool = False) -> bytes:
    """A PNG of the given size: plain (small file) or noise (a file as large as its pixels)."""
    if noise:
        image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    else:
        image = Image.new("RGB", (width, height), "white")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def empty_body(data: bytes) -> bytes:
    """A chapter whose article text is gone but whose elements (and ids) all remain."""
    head, body = data.decode("utf-8").split('<div class="article-body">', 1)
    return (head + '<div class="article-body">' + re.sub(r">[^<]*<", "><", body)).encode()


def latin_font() -> bytes:
    """A TrueType font (family "Latin Only") with glyphs for printable ASCII and nothing else."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    cmap = {code: f"g{code:04X}" for code in range(0x20, 0x7F)}
    order = [".notdef", *cmap.values()]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap(cmap)
    builder.setupGlyf({name: TTGlyphPen(None).glyph() for name in order})
    builder.setupHorizontalMetrics({name: (500, 0) for name in order})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Latin Only", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()


FONT_CHANGES: dict[str, Change] = {
    "EPUB/fonts/latin.ttf": latin_font(),
    "EPUB/content.opf": sub(
        r"(<manifest>)",
        r'\1<item href="fonts/latin.ttf" id="font-latin" media-type="font/ttf"/>',
    ),
    "EPUB/styles/epub.css": lambda data: (
        data
        + b'@font-face { font-family: "Latin Only"; src: url(../fonts/latin.ttf); }\n'
        + b'body { font-family: "Latin Only", serif; }\n'
    ),
    CHAPTER: sub(r"<p>", "<p>Вся власть Советам! "),
}

# (name, changes, code, file, words the message must hold)
BROKEN = [
    (
        "no XML declaration",
        {CHAPTER: sub(r"^<\?xml[^>]*>\s*", "")},
        "kindle-utf8",
        CHAPTER,
        "no XML declaration",
    ),
    (
        "a declaration that is not UTF-8",
        {CHAPTER: sub(r'encoding="utf-8"', 'encoding="iso-8859-1"')},
        "kindle-utf8",
        CHAPTER,
        "iso-8859-1, not UTF-8",
    ),
    (
        "-- in a comment",
        {CHAPTER: sub(r"(<body[^>]*>)", r"\1<!-- old -- new -->")},
        "kindle-comment",
        CHAPTER,
        'holds "--"',
    ),
    (
        "an empty table of contents",
        {"EPUB/nav.xhtml": sub(r'(<nav[^>]*epub:type="toc"[^>]*>).*?(</nav>)', r"\1\2")},
        "nav-empty",
        "EPUB/nav.xhtml",
        "lists no entries",
    ),
    (
        "no navigation document",
        {"EPUB/content.opf": sub(r' properties="nav"', "")},
        "nav-empty",
        "EPUB/content.opf",
        "no navigation document",
    ),
    (
        "no dc:language",
        {"EPUB/content.opf": sub(r"<dc:language>[^<]*</dc:language>", "")},
        "meta-language",
        "EPUB/content.opf",
        "dc:language",
    ),
    (
        "no dc:date",
        {"EPUB/content.opf": sub(r"<dc:date>[^<]*</dc:date>", "")},
        "meta-date",
        "EPUB/content.opf",
        "dc:date",
    ),
    (
        "a link to a missing file",
        {CHAPTER: sub(r"(<p>)", r'\1<a href="nowhere.xhtml">gone</a> ')},
        "link-broken",
        CHAPTER,
        'link to "nowhere.xhtml" leads nowhere: the book has no EPUB/nowhere.xhtml',
    ),
    (
        "a link to a missing id",
        {CHAPTER: sub(r"(<p>)", r'\1<a href="nav.xhtml#no-such-id">gone</a> ')},
        "link-broken",
        CHAPTER,
        'EPUB/nav.xhtml has no id "no-such-id"',
    ),
    (
        "an image too large in pixels",
        {"EPUB/images/map.png": png(2100, 3100)},
        "image-size",
        "EPUB/images/map.png",
        "2100×3100 pixels",
    ),
    (
        "an image too large in bytes",
        {"EPUB/images/photo.png": png(620, 620, noise=True)},
        "image-size",
        "EPUB/images/photo.png",
        "1.2 MB",
    ),
    (
        "an unused glossary term",
        {
            "EPUB/glossary.xhtml": sub(
                r'(<dl class="glossary-list">)',
                r'\1<dt id="g-zemstvo" epub:type="glossterm"><dfn>Zemstvo</dfn></dt>'
                r"<dd><p>A rural council.</p></dd>",
            )
        },
        "glossary-unused",
        "EPUB/glossary.xhtml",
        '"Zemstvo" is defined but no chapter links to it',
    ),
    (
        "a short chapter",
        {CHAPTER: empty_body},
        "chapter-short",
        CHAPTER,
        '"What do we mean by socialism? October 1917" has only',
    ),
    (
        "a font without Cyrillic",
        FONT_CHANGES,
        "font-glyphs",
        "EPUB/fonts/latin.ttf",
        "Cyrillic among them",
    ),
] + [
    (name, {CHAPTER: sub(r'(<div class="article-body">)', r"\1\n" + markup)}, code, CHAPTER, words)
    for name, markup, code, words in [
        (
            "a page-break marker inside a line break",
            f"<p>One<br>{PAGE_BREAK}</br>two.</p>",
            "xhtml-content",
            '<br> holds <span epub:type="pagebreak">; it can hold nothing',
        ),
        (
            "text directly inside a list",
            "<ul>loose words<li>an item</li></ul>",
            "xhtml-content",
            '<ul> holds text ("loose words")',
        ),
        (
            "a page-break marker directly inside a list",
            f"<ol><li>an item</li>{PAGE_BREAK}</ol>",
            "xhtml-content",
            '<ol> holds <span epub:type="pagebreak">; it can hold only <li>',
        ),
        (
            "a block inside a paragraph",
            "<p><div>a block</div></p>",
            "xhtml-content",
            "<p> holds <div>; it can hold only text and inline elements",
        ),
        (
            "an id given twice",
            '<p><span id="twice">a</span><span id="twice">b</span></p>',
            "id-duplicate",
            'the id "twice" is given twice',
        ),
        (
            "an id that is not a name",
            '<p><span id="two words">a</span></p>',
            "id-invalid",
            'the id "two words" is not a valid id',
        ),
        (
            "a link to an address that is not a URL",
            '<p><a href="http://Best%20of%202025:%20Fiction%20Books">a list</a></p>',
            "url-invalid",
            'the host "Best%20of%202025" holds characters no host can',
        ),
    ]
]


@pytest.fixture(scope="module")
def good_findings(good: Path) -> list[Diagnostic]:
    """The default edition's findings, with the real epubcheck (run once: a JVM is slow)."""
    return check_epub(good)


@pytest.mark.slow
def test_the_default_edition_has_no_errors_or_warnings(good_findings) -> None:
    assert [f for f in good_findings if f.severity != "info"] == []
    # No font is embedded: the CSS's families are the reader's business, and it says so.
    (note,) = good_findings
    assert note.code == "font-not-embedded" and note.file == "EPUB/styles/base.css"
    assert '"EB Garamond"' in note.message


@pytest.mark.parametrize(
    ("changes", "code", "file", "words"), [case[1:] for case in BROKEN], ids=[c[0] for c in BROKEN]
)
def test_a_broken_copy_trips_its_code(good, tmp_path, changes, code, file, words) -> None:
    broken = rewrite(good, tmp_path / "broken.epub", changes)
    findings = check_epub(broken, epubcheck=False)
    hits = [f for f in findings if f.code == code]
    assert hits, findings
    assert any(f.file == file and words in f.message for f in hits), hits
    # Each breakage trips its own code and little else.
    others = {f.code for f in findings} - {code, "font-not-embedded", "xml-malformed"}
    assert others == set(), findings


def test_a_font_without_cyrillic_is_named_with_what_it_lacks(good, tmp_path) -> None:
    broken = rewrite(good, tmp_path / "font.epub", FONT_CHANGES)
    findings = check_epub(broken, epubcheck=False)
    (glyphs,) = [f for f in findings if f.code == "font-glyphs"]
    assert glyphs.severity == "warning"
    assert "Cyrillic" in glyphs.message and re.search(r"lacks \d+ characters", glyphs.message)
    # The embedded family no longer counts as one the reader must supply.
    notes = " ".join(f.message for f in findings if f.code == "font-not-embedded")
    assert "Latin Only" not in notes and "EB Garamond" in notes


def test_a_comment_with_dashes_is_reported_on_its_line(good, tmp_path) -> None:
    broken = rewrite(good, tmp_path / "c.epub", {CHAPTER: sub(r"(</head>)", r"\1\n<!-- a--b -->")})
    (found,) = [f for f in check_epub(broken, epubcheck=False) if f.code == "kindle-comment"]
    assert str(found).startswith(f"{CHAPTER}:10: error kindle-comment: ")


def test_a_file_that_is_not_a_zip_is_one_error(tmp_path) -> None:
    path = tmp_path / "not.epub"
    path.write_text("hello", encoding="utf-8")
    (found,) = check_epub(path, epubcheck=False)
    assert (found.code, found.severity, found.file) == ("epub-unreadable", "error", "")


def test_epubcheck_messages_become_findings() -> None:
    report = {
        "checker": {"filename": "book.epub"},
        "messages": [
            {
                "ID": "RSC-007",
                "severity": "ERROR",
                "message": 'Referenced resource "EPUB/x.xhtml" could not be found.',
                "suggestion": None,
                "locations": [
                    {"path": "EPUB/nav.xhtml", "line": 14, "column": 45},
                    {"path": "EPUB/nav.xhtml", "line": 59, "column": 51},
                ],
            },
            {
                "ID": "PKG-008",
                "severity": "FATAL",
                "message": "Unable to read file",
                "suggestion": "Check it",
                "locations": [{"path": "book.epub", "line": -1, "column": -1}],
            },
            {"ID": "OPF-090", "severity": "USAGE", "message": "m", "locations": []},
        ],
    }
    assert [str(f) for f in epubcheck_findings(report)] == [
        'EPUB/nav.xhtml:14: error epubcheck: RSC-007 Referenced resource "EPUB/x.xhtml" '
        "could not be found.",
        'EPUB/nav.xhtml:59: error epubcheck: RSC-007 Referenced resource "EPUB/x.xhtml" '
        "could not be found.",
        "(book): error epubcheck: PKG-008 Unable to read file (Check it)",
        "(book): info epubcheck: OPF-090 m",
    ]


def test_summary_counts_each_severity() -> None:
    findings = [Diagnostic("a", "error", "x", "m"), Diagnostic("b", "info", "x", "m")]
    assert summary(findings) == "1 error, 0 warnings, 1 info"


def test_cli_prints_one_line_a_finding_and_fails_only_when_strict(
    good, tmp_path, no_epubcheck
) -> None:
    broken = rewrite(
        good,
        tmp_path / "broken.epub",
        {"EPUB/content.opf": sub(r"<dc:date>[^<]*</dc:date>", "")},
    )
    result = CliRunner().invoke(main, ["check", str(broken)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "EPUB/content.opf: error meta-date: the package has no dc:date: " in result.output
    assert lines[-1] == "1 error, 0 warnings, 1 info"
    strict = CliRunner().invoke(main, ["check", "--strict", str(broken)])
    assert strict.exit_code == 1 and strict.output == result.output


def test_cli_strict_passes_the_default_edition_from_its_build_folder(edition, no_epubcheck) -> None:
    result = CliRunner().invoke(main, ["check", "--strict", "--project", str(edition)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "0 errors, 0 warnings, 1 info"


def test_cli_without_a_built_epub_says_so_in_one_line(tmp_path) -> None:
    result = CliRunner().invoke(main, ["check", "--project", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output == (
        f"Error: no EPUB in {tmp_path / 'build'}/: build one first with `compile epub`\n"
    )


STRUCTURE = [
    c for c in BROKEN if c[2] in ("xhtml-content", "id-duplicate", "id-invalid", "url-invalid")
]


@pytest.mark.slow
def test_epubcheck_finds_an_error_on_each_line_the_structure_checks_do(good, tmp_path) -> None:
    """Our checks stand in for epubcheck in every build: each error they find is one of its.

    Every breakage goes into one chapter, each on its own line, so one run of epubcheck (a
    JVM, seconds) judges them all.
    """
    changes = [case[1][CHAPTER] for case in STRUCTURE]

    def all_of_them(data: bytes) -> bytes:
        for change in changes:
            data = change(data)
        return data

    findings = check_epub(rewrite(good, tmp_path / "broken.epub", {CHAPTER: all_of_them}))
    ours = {f.line for f in findings if f.code in {case[2] for case in STRUCTURE}}
    theirs = {f.line for f in findings if f.code == "epubcheck" and f.severity == "error"}
    assert len(ours) == len(STRUCTURE), findings
    assert ours <= theirs, findings


def test_check_counts_its_checks_done_and_the_cli_shows_them_unless_quiet(
    good, no_epubcheck, monkeypatch
) -> None:
    from anthology.check import check_epub
    from anthology.check.device import CHECKS

    told: list[tuple[int, int]] = []
    check_epub(good, progress=lambda *d: told.append(d))
    total = len(CHECKS) + 1  # epubcheck (left out here), then our own
    assert told == [(n, total) for n in range(1, total + 1)]
    monkeypatch.setattr("anthology.cli.report.on_terminal", lambda: True)
    shown = CliRunner().invoke(main, ["check", str(good)])
    assert shown.exit_code == 0 and "check" in shown.stderr
    quiet = CliRunner().invoke(main, ["check", "-q", str(good)])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert quiet.stdout == shown.stdout


def test_an_unreadable_book_still_ends_its_count(tmp_path, no_epubcheck) -> None:
    from anthology.check import check_epub

    told: list[tuple[int, int]] = []
    (tmp_path / "not.epub").write_bytes(b"not a zip")
    check_epub(tmp_path / "not.epub", progress=lambda *d: told.append(d))
    assert told[-1][0] == told[-1][1]
