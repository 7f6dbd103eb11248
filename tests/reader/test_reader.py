"""The EPUB in a real reading engine: epub.js in headless Chromium, at e-ink and phone sizes.

One browser session (``check.mjs``) opens the default edition's EPUB, the same book in the
``modern`` and ``study-pack`` looks, and two copies with a deliberately broken stylesheet, and
reports what a reader would see. The tests judge the report: nothing wider than the page, the
title and part pages centred, a glossary link that shows and opens its note (and a note that
leads back), the page list read as written. The opening pages are kept as screenshots (in the
test's build folder, and a stable copy in ``build/reader-check/``) and compared with the
references in ``tests/reader/reference/`` (``--update-golden`` writes them again).

Needs Chromium (Debian's ``chromium``, or ``ANTHOLOGY_CHROMIUM``), Node and the packages of
``tests/reader/package-lock.json``: ``./setup.sh --test`` installs all three.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from tests.paths import ROOT

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
REFERENCE = HERE / "reference"
STABLE = ROOT / "build" / "reader-check"
LOOKS = ("modern", "study-pack")
SIZES = ("eink", "phone")
# The share of a screenshot that may differ from its reference: the same engine and faces
# give 0; a title moved off the centre gives about 0.008.
TOLERANCE = 0.004
# A wide block and left-aligned openers, as a careless edit of epub.css could bring them
# (epub.js sets the body's own width inline, so the body is not the one to widen).
BROKEN = {
    "wide": "section { width: 2000px; }",
    "uncentred": ".titlepage h1, .part-head h1 { text-align: left; }",
}


def _chromium() -> str | None:
    for candidate in (os.environ.get("ANTHOLOGY_CHROMIUM", ""), "chromium", "chromium-browser"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


def _engine_missing() -> str:
    if _chromium() is None:
        return "no Chromium (apt-get install chromium, or set ANTHOLOGY_CHROMIUM)"
    if shutil.which("node") is None:
        return "no Node.js"
    if not (HERE / "node_modules" / "epubjs" / "dist" / "epub.min.js").exists():
        return "no epub.js in tests/reader/node_modules (npm ci --prefix tests/reader)"
    return ""


MISSING = _engine_missing()
if MISSING:  # the whole module, as one line in the summary, before any build
    pytest.skip(
        f"reading engine not installed: {MISSING}; ./setup.sh --test installs it",
        allow_module_level=True,
    )


def _break_stylesheet(epub: Path, out: Path, rule: str) -> Path:
    """A copy of ``epub`` whose epub.css ends with ``rule``."""
    with zipfile.ZipFile(epub) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("styles/epub.css"):
                data += ("\n" + rule + "\n").encode()
            compress = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info, data, compress_type=compress)
    return out


@pytest.fixture(scope="module")
def reader(request, tmp_path_factory) -> dict:
    """Every book opened in one browser session: the report and where the screenshots are."""
    from anthology.build import run

    built = request.getfixturevalue("built")

    tmp = tmp_path_factory.mktemp("reader")
    books = {"default": built["epub"]}
    for look in LOOKS:
        books[look] = run(ROOT, targets=("epub",), output=tmp / look, style=look).outputs["epub"]
    for name, rule in BROKEN.items():
        books[f"broken-{name}"] = _break_stylesheet(built["epub"], tmp / f"{name}.epub", rule)
    shots = tmp / "screenshots"
    args = [f"{name}={path}" for name, path in books.items()]
    done = subprocess.run(
        ["node", str(HERE / "check.mjs"), _chromium(), str(shots), *args],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    shutil.rmtree(STABLE, ignore_errors=True)
    shutil.copytree(shots, STABLE)
    report = json.loads(done.stdout)
    return {"report": report, "shots": shots, "epub": built["epub"], "pdf": built["pdf"]}


def problems(result: dict) -> list[str]:
    """What a reader would notice in one book at one size (empty when all is well)."""
    found = [f"script error: {e}" for e in result["errors"]]
    for document in result["documents"]:
        found += [f"{document['target']}: wider than the page: {o}" for o in document["overflow"]]
        tolerance = max(3, document["column"] * 0.02)
        for line in document["centring"]:
            if line["offset"] > tolerance or line["blockShare"] < 80:
                found.append(
                    f"{document['target']}: {line['selector']} ({line['text']!r}) is not centred:"
                    f" {line['offset']} px off the middle"
                )
    centred = [d for d in result["documents"] if d["centring"]]
    if not any(d["target"] == "titlepage.xhtml" for d in centred):
        found.append("the title page was not measured")
    glossary = result.get("glossary")
    if not glossary:
        found.append("no glossary term found in any chapter")
    else:
        if not glossary["cues"]:
            found.append(f"the glossary term {glossary['text']!r} looks like the text around it")
        if not glossary.get("termOnScreen"):
            found.append(f"the glossary term {glossary['text']!r} did not come on screen")
        elif not glossary.get("noteOnScreen"):
            found.append(f"the glossary term {glossary['text']!r} did not open its note")
        elif not glossary.get("backOnScreen"):
            found.append("the note's back-link did not lead back to the term")
    targets = result["pageTargets"]
    found += [f"page {t['href']} is not on screen" for t in targets if not t["onScreen"]]
    return found


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("look", ("default", *LOOKS))
def test_the_book_reads_well_in_a_reading_engine(reader, look: str, size: str) -> None:
    assert problems(reader["report"][look][size]) == []


@pytest.mark.parametrize("broken", sorted(BROKEN))
def test_the_check_fails_on_a_broken_stylesheet(reader, broken: str) -> None:
    found = problems(reader["report"][f"broken-{broken}"]["eink"])
    expected = "wider than the page" if broken == "wide" else "is not centred"
    assert any(expected in line for line in found), found
    shot = reader["shots"] / f"broken-{broken}" / "eink-part-1.png"
    assert _difference(shot, REFERENCE / "default-eink-part-1.png") > TOLERANCE


def _page_list(epub: Path) -> list[str]:
    with zipfile.ZipFile(epub) as book:
        nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
    links = nav.xpath(
        "//x:nav[@epub:type='page-list']//x:a/@href",
        namespaces={"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"},
    )
    return [str(href) for href in links]


def test_the_engine_reads_the_page_list_of_the_print_edition(reader) -> None:
    from pypdf import PdfReader

    written = _page_list(reader["epub"])
    pages = len(PdfReader(reader["pdf"]).pages)
    for size in SIZES:
        read = reader["report"]["default"][size]["pageList"]
        assert [item["href"] for item in read] == written
        arabic = [item["page"] for item in read if item["page"] is not None]
        assert arabic == list(range(1, len(arabic) + 1))
    assert len(written) == pages


def _difference(a: Path, b: Path) -> float:
    """The share of the picture that differs, after a blur that forgives anti-aliasing."""
    from PIL import Image, ImageChops, ImageFilter

    first, second = (Image.open(p).convert("L") for p in (a, b))
    if first.size != second.size:
        return 1.0
    small = (first.width // 4, first.height // 4)
    first, second = (
        i.filter(ImageFilter.GaussianBlur(2)).resize(small, Image.Resampling.BOX)
        for i in (first, second)
    )
    changed = ImageChops.difference(first, second).point(lambda v: 255 if v > 40 else 0)
    return sum(1 for v in changed.getdata() if v) / (small[0] * small[1])


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("opening", ("titlepage", "nav", "part-1"))
def test_the_opening_pages_look_as_they_did(reader, update_golden, opening, size) -> None:
    shot = reader["shots"] / "default" / f"{size}-{opening}.png"
    reference = REFERENCE / f"default-{size}-{opening}.png"
    if update_golden or not reference.exists():
        REFERENCE.mkdir(exist_ok=True)
        shutil.copyfile(shot, reference)
        if not update_golden:
            pytest.fail(f"no reference for {reference.name}: written, look at it and commit it")
    assert _difference(shot, reference) < TOLERANCE, f"{shot} differs from {reference}"
