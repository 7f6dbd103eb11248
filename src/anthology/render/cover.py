"""Covers: a generated front (the e-reader's library thumbnail) and a print cover with spine.

The front is drawn with Pillow in the look's accent colour and book face; an editor's own
``sources/cover.jpg`` (or ``.png``) replaces it. The print cover is a PDF one sheet wide:
back, spine and front, with the spine computed from the page count and the paper.
"""

from __future__ import annotations

import io
import math
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

from anthology.config.edition import PrintOptions
from anthology.config.units import paper_thickness_mm
from anthology.core.model import Book
from anthology.render.styles import Stylesheet

SIZE = (1600, 2400)  # 2:3, what the e-reader stores sell and show
_ACCENT = re.compile(r"--accent\s*:\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})")


def accent_colour(stylesheets: list[Stylesheet], default: str = "#7a1f1f") -> str:
    """The last ``--accent`` any layer sets (a look's colour wins over the default's)."""
    found = [m.group(1) for s in stylesheets for m in _ACCENT.finditer(s.text)]
    colour = found[-1] if found else default
    if len(colour) == 4:
        colour = "#" + "".join(c * 2 for c in colour[1:])
    return colour


def _font_file(family: str) -> str | None:
    if not shutil.which("fc-match"):
        return None
    done = subprocess.run(
        ["fc-match", "-f", "%{file}", family], capture_output=True, text=True, check=False
    )
    path = done.stdout.strip()
    return path if path and Path(path).is_file() else None


def _font(size: int, italic: bool = False):
    from PIL import ImageFont

    for family in (f"EB Garamond 12{':italic' if italic else ''}", "Charis SIL", "DejaVu Serif"):
        path = _font_file(family)
        if path:
            try:
                return ImageFont.truetype(path, size)
            except OSError:
                continue
    return ImageFont.load_default(size)


def own_cover(sources: Path) -> Path | None:
    """The editor's cover image in ``sources/``, if there is one."""
    for name in ("cover.jpg", "cover.jpeg", "cover.png"):
        if (sources / name).is_file():
            return sources / name
    return None


def front_cover(book: Book, accent: str) -> bytes:
    """A generated front cover as JPEG bytes: title, subtitle and editor on the accent colour."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", SIZE, accent)
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    margin = 150
    draw.rectangle(
        [margin // 2, margin // 2, width - margin // 2, height - margin // 2],
        outline="#f4efe6",
        width=6,
    )
    y = int(height * 0.24)
    title_font = _font(150)
    for line in textwrap.wrap(book.title, width=16):
        box = draw.textbbox((0, 0), line, font=title_font)
        draw.text(((width - (box[2] - box[0])) / 2, y), line, font=title_font, fill="#f4efe6")
        y += int((box[3] - box[1]) * 1.35)
    if book.subtitle:
        y += 60
        subtitle_font = _font(72, italic=True)
        for line in textwrap.wrap(book.subtitle, width=30):
            box = draw.textbbox((0, 0), line, font=subtitle_font)
            draw.text(
                ((width - (box[2] - box[0])) / 2, y), line, font=subtitle_font, fill="#f4efe6"
            )
            y += int((box[3] - box[1]) * 1.5)
    if book.editor:
        editor_font = _font(64)
        box = draw.textbbox((0, 0), book.editor, font=editor_font)
        draw.text(
            ((width - (box[2] - box[0])) / 2, height * 0.82),
            book.editor,
            font=editor_font,
            fill="#f4efe6",
        )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, optimize=True)
    return out.getvalue()


def spine_mm(pages: int, options: PrintOptions) -> float:
    """The spine's width: one leaf's thickness for every two pages (rounded up)."""
    leaf = paper_thickness_mm(options.paper) or 0.1
    return round(math.ceil(pages / 2) * leaf, 1)


def print_cover_html(book: Book, pages: int, options: PrintOptions, front_uri: str) -> str:
    """One-sheet print cover: back | spine | front, with bleed and crop marks."""
    import html

    width, height = options.size_mm
    spine = spine_mm(pages, options)
    sheet = 2 * width + spine
    title = html.escape(book.title)
    description = html.escape(book.description)
    return f"""<!DOCTYPE html><html lang="{book.language}"><head><meta charset="utf-8"/>
<title>{title}: cover</title><style>
@page {{ size: {sheet}mm {height}mm; margin: 0; bleed: {options.bleed_mm}mm; marks: crop; }}
body {{ margin: 0; font-family: "EB Garamond 12", "EB Garamond", serif; }}
.sheet {{ display: flex; width: {sheet}mm; height: {height}mm; }}
.back {{ width: {width}mm; padding: 25mm 18mm; box-sizing: border-box; font-size: 11pt; }}
.spine {{ width: {spine}mm; position: relative; overflow: hidden; }}
.spine p {{ position: absolute; top: 50%; left: 50%; white-space: nowrap; margin: 0;
  transform: translate(-50%, -50%) rotate(90deg); font-size: {min(12, spine * 2.2):.1f}pt; }}
.front {{ width: {width}mm; background: url("{front_uri}") center / cover no-repeat; }}
</style></head><body><div class="sheet">
<div class="back"><p>{description}</p></div>
<div class="spine"><p>{title}</p></div>
<div class="front" role="img" aria-label="{title}"></div>
</div></body></html>"""
