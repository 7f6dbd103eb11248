"""Make the pictures in the README: a spread of the print PDF and a page of the EPUB.

Builds the default edition (this repository's sources/) into a temporary folder, then writes

- docs/images/pdf-spread.png: two facing pages of the first chapter, as printed;
- docs/images/epub-page.png: the first chapter's opening on a 600 x 800 e-reader screen,
  its XHTML and CSS taken from the EPUB and laid out by WeasyPrint.

Needs poppler's pdftoppm and pdfinfo (Debian: poppler-utils). Run it from anywhere:

    .venv/bin/python docs/screenshots.py
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from PIL import Image, ImageOps

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
IMAGES = HERE / "images"
DPI = 100  # for the PDF spread: small files, text still readable
SCREEN = (600, 800)  # the e-reader's screen in CSS pixels (1px = 1/96 in)
# The e-reader's own settings, as a reader app applies them over the book's CSS.
READER_CSS = """
@page { size: 600px 800px; margin: 44px 40px 36px; }
html { font-size: 17px; }
"""
COLOURS = 96  # a palette this size keeps the accent colour and the grey of the text


def main() -> None:
    for tool in ("pdftoppm", "pdfinfo"):
        if shutil.which(tool) is None:
            sys.exit(f"error: {tool} not found (install poppler-utils)")
    IMAGES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="screenshots-") as temp:
        work = Path(temp)
        epub, pdf, chapter = build(work)
        pdf_spread(pdf, chapter, work, IMAGES / "pdf-spread.png")
        epub_page(epub, chapter, work, IMAGES / "epub-page.png")
    for image in ("pdf-spread.png", "epub-page.png"):
        path = IMAGES / image
        with Image.open(path) as picture:
            size = f"{picture.width}x{picture.height}"
        print(f"{path.relative_to(ROOT)}: {size}, {path.stat().st_size // 1024} KB")


def build(work: Path) -> tuple[Path, Path, str]:
    """Build both editions of a copy of the default edition; return them and chapter 1's id."""
    from anthology.build import run

    edition = work / "edition"
    shutil.copytree(ROOT / "sources", edition / "sources")
    result = run(edition, targets=("epub", "pdf"))
    return result.outputs["epub"], result.outputs["pdf"], result.book.chapters[0].id


def pdf_spread(pdf: Path, chapter: str, work: Path, out: Path) -> None:
    """The two facing pages after the chapter's opening page (a left page, then a right one)."""
    opening = destination_page(pdf, chapter)
    left = opening + 1 if opening % 2 else opening  # odd pages are right-hand pages
    pages = [render_page(pdf, number, DPI, work / f"page-{number}") for number in (left, left + 1)]
    gap, margin = 2, 24
    width = sum(page.width for page in pages) + gap + 2 * margin
    height = max(page.height for page in pages) + 2 * margin
    spread = Image.new("RGB", (width, height), (214, 210, 202))
    x = margin
    for page in pages:
        spread.paste(page, (x, margin))
        x += page.width + gap
    save(spread, out)


def destination_page(pdf: Path, name: str) -> int:
    """The page number of a named destination (WeasyPrint makes one for every id)."""
    listing = subprocess.run(
        ["pdfinfo", "-dests", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(rf'^\s*(\d+) \[.*\] "{re.escape(name)}"$', listing, re.M)
    if not match:
        sys.exit(f"error: no destination {name!r} in {pdf}")
    return int(match.group(1))


def render_page(pdf: Path, number: int, dpi: int, prefix: Path) -> Image.Image:
    """One page of ``pdf`` as an RGB image."""
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", str(number), "-l", str(number),
         "-singlefile", str(pdf), str(prefix)],
        check=True,
    )  # fmt: skip
    with Image.open(prefix.with_suffix(".png")) as image:
        return image.convert("RGB")


def epub_page(epub: Path, chapter: str, work: Path, out: Path) -> None:
    """The chapter's first screen: its XHTML with the book's CSS and an e-reader's page size."""
    import weasyprint

    from anthology.resources import ResourceGate

    unpacked = work / "epub"
    with zipfile.ZipFile(epub) as book:
        book.extractall(unpacked)
    [document] = unpacked.rglob(f"{chapter}.xhtml")
    gate = ResourceGate([unpacked])
    html = weasyprint.HTML(filename=document, url_fetcher=gate.weasyprint_fetcher())
    screen_pdf = work / "screen.pdf"
    html.write_pdf(screen_pdf, stylesheets=[weasyprint.CSS(string=READER_CSS)])
    screen = render_page(screen_pdf, 1, 96, work / "screen")
    screen = screen.resize(SCREEN) if screen.size != SCREEN else screen
    # A plain bezel around the screen, as on a reader.
    framed = ImageOps.expand(screen, border=1, fill=(160, 160, 160))
    framed = ImageOps.expand(framed, border=28, fill=(60, 60, 62))
    save(framed, out)


def save(image: Image.Image, out: Path) -> None:
    """A small PNG: a palette of a few dozen colours is plenty for text and one accent."""
    image.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)


if __name__ == "__main__":
    main()
