"""Covers: a generated front (the e-reader's library thumbnail) and a print cover with spine.

The front is drawn with Pillow in the look's accent colour and book face; an editor's own
``sources/cover.jpg`` (or ``.png``) replaces it. The print cover is a PDF one sheet wide:
back, spine and front, with the spine computed from the page count and the paper.
"""

from __future__ import annotations

import gc
import io
import math
import os
import re
import shutil
import subprocess
import textwrap
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from anthology.config.edition import Edition, PrintOptions
from anthology.config.units import paper_thickness_mm
from anthology.core.model import Book
from anthology.core.text import smarten
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


@cache  # one fc-match per face and process (the title and the editor share one)
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
    return draw_front(FrontText(book.title, book.subtitle, book.editor), accent)


@dataclass(frozen=True)
class FrontText:
    """What a generated front cover says."""

    title: str
    subtitle: str = ""
    editor: str = ""


def draw_front(text: FrontText, accent: str) -> bytes:
    """The front cover for ``text`` on the ``accent`` colour, as JPEG bytes."""
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
    for line in textwrap.wrap(text.title, width=16):
        box = draw.textbbox((0, 0), line, font=title_font)
        draw.text(((width - (box[2] - box[0])) / 2, y), line, font=title_font, fill="#f4efe6")
        y += int((box[3] - box[1]) * 1.35)
    if text.subtitle:
        y += 60
        subtitle_font = _font(72, italic=True)
        for line in textwrap.wrap(text.subtitle, width=30):
            box = draw.textbbox((0, 0), line, font=subtitle_font)
            draw.text(
                ((width - (box[2] - box[0])) / 2, y), line, font=subtitle_font, fill="#f4efe6"
            )
            y += int((box[3] - box[1]) * 1.5)
    if text.editor:
        editor_font = _font(64)
        box = draw.textbbox((0, 0), text.editor, font=editor_font)
        draw.text(
            ((width - (box[2] - box[0])) / 2, height * 0.82),
            text.editor,
            font=editor_font,
            fill="#f4efe6",
        )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, optimize=True)
    return out.getvalue()


def front_text(edition: Edition) -> FrontText:
    """What the book's front will say, from book.toml, typeset as ``assemble`` sets the book's
    title and subtitle (a cover drawn ahead is used only if the book says the same)."""
    return FrontText(
        smarten(edition.title, edition.language),
        smarten(edition.subtitle, edition.language),
        edition.editor,
    )


def draw_apart(text: FrontText, accent: str) -> DrawingApart | None:
    """Start drawing the front cover in a child process, so that it is drawn on another core
    while this one cleans the pages (Pillow's drawing mostly holds the interpreter's lock, so a
    thread would not run beside the cleaning).

    None where there is no ``fork``, or where other threads run (a child of a threaded process
    may inherit a lock one of them held): the caller draws the cover itself.
    """
    import tempfile
    import threading

    if not hasattr(os, "fork") or threading.active_count() > 1:
        return None
    try:
        out = tempfile.TemporaryFile()  # noqa: SIM115 (DrawingApart closes it)
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        out.close()
        return None
    if pid == 0:  # the child: draw, write, and leave without running the parent's exit work
        status = 1
        try:
            # A collection would touch every object the parent made, and so copy the pages
            # the two processes share; this short-lived child has no cycles worth it.
            gc.disable()
            data = draw_front(text, accent)
            view = memoryview(data)
            while view:
                view = view[os.write(out.fileno(), view) :]
            status = 0
        finally:
            os._exit(status)
    return DrawingApart(text, accent, pid, out)


class DrawingApart:
    """A front cover being drawn in a child process (``draw_apart``).

    Args:
        text: what the cover says.
        accent: its colour.
        pid: the child drawing it.
        out: the file the child writes the JPEG into.
    """

    def __init__(self, text: FrontText, accent: str, pid: int, out) -> None:
        import weakref

        self.text = text
        self.accent = accent
        self._pid = pid
        self._out = out
        self._data: bytes | None = None
        # A build that fails before its EPUB is written still collects the child.
        self._collect = weakref.finalize(self, _collect, pid, out, os.getpid())

    def result(self) -> bytes | None:
        """The JPEG bytes, once the child is done; None if it failed (draw it here, then)."""
        if self._collect.alive:
            try:
                _, status = os.waitpid(self._pid, 0)
            except ChildProcessError:  # collected by someone else (SIGCHLD ignored)
                status = -1
            self._collect.detach()
            if status == 0:
                size = os.fstat(self._out.fileno()).st_size
                self._data = os.pread(self._out.fileno(), size, 0)
            self._out.close()
        return self._data


def _collect(pid: int, out, parent: int) -> None:
    """Stop and collect a child whose cover nobody asked for (the build failed before); only
    in the process that started it (not in a worker forked from it later)."""
    import signal

    if os.getpid() != parent:
        return
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
    out.close()


def spine_mm(pages: int, options: PrintOptions) -> float:
    """The spine's width: one leaf's thickness for every two pages (rounded up)."""
    leaf = paper_thickness_mm(options.paper) or 0.1
    return round(math.ceil(pages / 2) * leaf, 1)


# A spine narrower than this carries no text: a printer cannot hold lettering on it.
SPINE_TEXT_FROM_MM = 6.0
_PAPER = "#f4efe6"  # the lettering on the accent colour


def print_cover_html(
    book: Book,
    pages: int,
    options: PrintOptions,
    front_uri: str | None,
    accent: str = "#7a1f1f",
    page_css: str = "",
) -> str:
    """One-sheet print cover laid out for the trim and the spine: back | spine | front.

    Vector throughout unless the editor gave a cover picture (``front_uri``): the accent
    colour fills the whole sheet and its bleed (the crop marks stay on white beyond it), so
    no colour break has to meet the spine's
    folds; the front has the title, subtitle and editor; the spine has the title and editor
    only when it is at least ``SPINE_TEXT_FROM_MM`` wide; the back has the description and
    the sources. ``page_css`` adds the page's bleed, marks and output profile.
    """
    import html

    width, height = options.size_mm
    spine = spine_mm(pages, options)
    sheet = 2 * width + spine
    bleed = options.bleed_mm
    title = html.escape(book.title)
    subtitle = html.escape(book.subtitle)
    editor = html.escape(book.editor)
    description = html.escape(book.description)
    sources = "".join(
        f"<li><i>{html.escape(c.article.title)}</i>"
        + (f", {html.escape(c.article.byline)}" if c.article.byline else "")
        + (f" ({html.escape(c.article.publication)})" if c.article.publication else "")
        + "</li>"
        for c in book.chapters
    )
    spine_text = (
        f'<p class="spine-text">{title}'
        + (f'<span class="spine-editor">{editor}</span>' if editor else "")
        + "</p>"
        if spine >= SPINE_TEXT_FROM_MM
        else ""
    )
    if front_uri:
        # The picture reaches into the bleed on the three outer sides.
        front = (
            f'<div class="front picture" role="img" aria-label="{title}" style="background: '
            f'url(&quot;{front_uri}&quot;) center / cover no-repeat"></div>'
        )
    else:
        front = (
            '<div class="front"><div class="frame">'
            f'<h1 class="title">{title}</h1>'
            + (f'<p class="subtitle">{subtitle}</p>' if subtitle else "")
            + (f'<p class="editor">{editor}</p>' if editor else "")
            + "</div></div>"
        )
    size = max(9.0, min(12.0, width / 14))
    return f"""<!DOCTYPE html><html lang="{book.language}"><head><meta charset="utf-8"/>
<title>{title}: cover</title><style>
@page {{ size: {sheet:g}mm {height:g}mm; margin: 0; }}
{page_css}
html {{ font-family: "EB Garamond 12", "EB Garamond", "Charis SIL", serif; color: {_PAPER};
  font-size: {size:.1f}pt; line-height: 1.35; }}
body {{ margin: 0; }}
.sheet {{ position: relative; width: {sheet:g}mm; height: {height:g}mm; }}
.ground {{ position: absolute; top: -{bleed:g}mm; left: -{bleed:g}mm; background: {accent};
  width: {sheet + 2 * bleed:g}mm; height: {height + 2 * bleed:g}mm; }}
.back, .spine, .front {{ position: absolute; top: 0; height: {height:g}mm;
  box-sizing: border-box; }}
.back {{ left: 0; width: {width:g}mm; padding: {height * 0.12:.1f}mm {width * 0.13:.1f}mm; }}
.back p {{ margin: 0 0 1.2em; font-size: 1.15em; }}
.back h2 {{ font-size: 0.85em; font-weight: normal; font-variant: small-caps;
  letter-spacing: 0.08em; margin: 2em 0 0.5em; }}
.back ol {{ margin: 0; padding: 0 0 0 1.2em; font-size: 0.9em; }}
.back li {{ margin: 0 0 0.35em; }}
.spine {{ left: {width:g}mm; width: {spine:g}mm; }}
.spine-text {{ position: absolute; top: 50%; left: 50%; margin: 0; white-space: nowrap;
  transform: translate(-50%, -50%) rotate(90deg); font-size: {min(11.0, spine * 1.6):.1f}pt;
  letter-spacing: 0.04em; }}
.spine-editor {{ margin-left: 2em; font-variant: small-caps; }}
.front {{ left: {width + spine:g}mm; width: {width:g}mm; padding: {width * 0.07:.1f}mm; }}
.front.picture {{ top: -{bleed:g}mm; width: {width + bleed:g}mm;
  height: {height + 2 * bleed:g}mm; }}
.frame {{ height: 100%; box-sizing: border-box; border: 0.8mm solid {_PAPER};
  padding: {height * 0.2:.1f}mm {width * 0.08:.1f}mm 0; text-align: center; position: relative; }}
.title {{ font-size: {width / 5.2:.1f}pt; font-weight: normal; line-height: 1.15; margin: 0; }}
.subtitle {{ font-style: italic; font-size: 1.45em; margin: 1.2em 0 0; }}
.editor {{ position: absolute; left: 0; right: 0; bottom: {height * 0.1:.1f}mm; margin: 0;
  font-variant: small-caps; letter-spacing: 0.08em; font-size: 1.3em; }}
</style></head><body><div class="sheet">
<div class="ground"></div>
<div class="back"><p>{description}</p><h2>The articles</h2><ol>{sources}</ol></div>
<div class="spine">{spine_text}</div>
{front}
</div></body></html>"""
