"""The peers: what the same book costs with pandoc, and with WeasyPrint used the plain way.

    python bench/peers.py weasyprint FOLDER OUT.pdf RESULT.json

``export()`` (called by ``stages.py prepare`` once the book is assembled, untimed) writes into
FOLDER: one cleaned chapter per file (``chapters/0001.html`` …, the title as ``<h1>`` and the
article body as both editions have it), the whole book as the print renderer's one HTML
(``print.html``, page references still placeholders of their final width) and ``peers.json``
(title, language, the EPUB stylesheets and the print stylesheets in cascade order, the
generated page layer included).

``weasyprint`` lays out ``print.html`` once with the same stylesheets and writes the PDF, with
WeasyPrint's defaults (no tagging, no second layout for page references): the peer the
project's own PDF is measured against. It records the page count in RESULT.json.

``weasyprint-variant`` does the same but writes the PDF variant the edition's own PDF is
(PDF/UA-1, tagged, for the reading PDF): the same kind of file, for a like-for-like
comparison (tagging costs time when the file is written).
"""

from __future__ import annotations

import html
import json
import sys
from pathlib import Path


def pandoc_command(folder: Path, out: Path) -> list[str]:
    """The pandoc command that builds an EPUB 3 from the exported chapters and stylesheets."""
    meta = json.loads((folder / "peers.json").read_text(encoding="utf-8"))
    chapters = sorted(str(p) for p in (folder / "chapters").glob("*.html"))
    css = [arg for path in meta["epub_css"] for arg in ("--css", path)]
    return [
        "pandoc",
        "--from=html",
        "--to=epub3",
        "--toc",
        f"--metadata=title:{meta['title']}",
        f"--metadata=lang:{meta['language']}",
        *css,
        "--output",
        str(out),
        *chapters,
    ]


def export(edition, book, folder: Path) -> None:
    """Write the chapters, the print HTML and the stylesheets the peers read.

    Args:
        edition: the ``Edition`` (book.toml) the book was made from.
        book: the assembled ``Book``.
        folder: where to write.
    """
    from anthology.render.documents import blocks_html, print_html
    from anthology.render.pdf.renderer import FONTS, page_css
    from anthology.render.styles import style_layers

    def image_href(src: str) -> str:
        return (edition.sources / src).resolve().as_uri()

    chapters = folder / "chapters"
    chapters.mkdir(parents=True, exist_ok=True)
    for number, chapter in enumerate(book.chapters, start=1):
        page = _chapter_page(book.language, chapter.article.title, blocks_html(chapter, image_href))
        (chapters / f"{number:04d}.html").write_text(page, encoding="utf-8")
    (folder / "print.html").write_text(print_html(book, FONTS, image_href=image_href), "utf-8")
    words = sum(chapter.article.word_count for chapter in book.chapters)
    print_layers = [
        {"text": s.text, "base_url": s.path.resolve().as_uri(), "uid": s.uid}
        for s in style_layers(edition.root, "print", edition.style)
    ]
    # The generated page layer sits right after the default print.css, as PdfRenderer puts it.
    at = next((i + 1 for i, s in enumerate(print_layers) if s["uid"] == "default-print"), 0)
    generated = {"text": page_css(edition.print, words), "base_url": None, "uid": "page"}
    print_layers.insert(at or len(print_layers), generated)
    epub_layers = style_layers(edition.root, "epub", edition.style)
    meta = {
        "title": book.title,
        "language": book.language,
        "base_url": edition.sources.resolve().as_uri() + "/",
        "epub_css": [str(s.path.resolve()) for s in epub_layers],
        "print_css": print_layers,
        "pdf_variant": edition.print.pdf_variant,
    }
    (folder / "peers.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")


def _chapter_page(language: str, title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head><meta charset="utf-8"/>'
        f"<title>{html.escape(title)}</title></head>\n<body>\n<section>\n"
        f"<h1>{html.escape(title)}</h1>\n{body}\n</section>\n</body>\n</html>\n"
    )


def one_shot_weasyprint(folder: Path, out: Path, result: Path, variant: bool = False) -> None:
    """Lay out ``print.html`` once with the print stylesheets and write the PDF (with
    ``variant``, as the edition's PDF variant)."""
    import weasyprint

    meta = json.loads((folder / "peers.json").read_text(encoding="utf-8"))
    stylesheets = [
        weasyprint.CSS(string=layer["text"], base_url=layer["base_url"])
        for layer in meta["print_css"]
    ]
    document_html = (folder / "print.html").read_text(encoding="utf-8")
    # What HTML.write_pdf() does, split in two to count the pages.
    document = weasyprint.HTML(string=document_html, base_url=meta["base_url"]).render(
        stylesheets=stylesheets
    )
    document.write_pdf(out, pdf_variant=meta.get("pdf_variant") if variant else None)
    result.write_text(json.dumps({"pages": len(document.pages)}), encoding="utf-8")


def main(argv: list[str]) -> int:
    """``weasyprint FOLDER OUT RESULT`` (or ``weasyprint-variant …``)."""
    if len(argv) != 4 or argv[0] not in ("weasyprint", "weasyprint-variant"):
        raise SystemExit(__doc__)
    variant = argv[0] == "weasyprint-variant"
    one_shot_weasyprint(Path(argv[1]), Path(argv[2]), Path(argv[3]), variant)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
