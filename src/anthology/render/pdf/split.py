"""The print HTML cut into chunks to lay out apart: front matter, the body by part and by
size, back matter (see ``parts.py`` for how the chunks are made one book again)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from anthology.core.errors import BuildError

# A part with more text than this is laid out in several chunks (about 40 A5 pages each). After
# one page of a 290-page book changed, only its chunk and the back matter are laid out again:
# chunks of this size halved that rebuild's work against chunks three times as large, for about
# 0.1 s more work per extra chunk in a cold build.
CHUNK_CHARS = 100_000
_TARGET_COUNTER = re.compile(r"target-counter\(\s*attr\(\s*href\s*\)\s*,\s*page\s*(?:,[^)]*)?\)")
_LOCAL_HREF = re.compile(r'href="#([^"]+)"')
_ID = re.compile(r'\sid="([^"]+)"')


@dataclass(frozen=True)
class Chunk:
    """One separately laid-out document of the book."""

    name: str  # "front", "body-1" …, "back-8" …
    kind: str  # front | body | back
    html: str  # a whole HTML document

    @property
    def key(self) -> str:
        return hashlib.sha256(self.html.encode("utf-8")).hexdigest()


def split_html(
    html: str,
    back_ids: Sequence[str],
    chunk_chars: int = CHUNK_CHARS,
    even: bool = False,
    joined: bool = False,
) -> list[Chunk]:
    """The print HTML cut into chunks: front matter, body (by part, by size), back matter.

    The front matter runs up to the element marked ``body-start``; the back matter starts
    at the first section whose id is in ``back_ids``, a chunk for each of those sections.
    Links to anchors in another chunk become ``part_href`` links; every chunk but the last
    (and with ``even`` the last too) ends by starting a right-hand page, so that it has an
    even number of pages.

    ``joined``: the chunks' pages are to be made one WeasyPrint document again (which links
    them by anchor itself): the body is one chunk, the back matter one, and links stay as
    they are.
    """
    import lxml.html

    root = lxml.html.document_fromstring(html)
    body = root.find("body")
    children = list(body)
    start = next(
        (i for i, e in enumerate(children) if "body-start" in e.get("class", "").split()), None
    )
    if start is None:
        raise BuildError("the print HTML has no body-start section (a stylesheet template?)")
    back = next((i for i, e in enumerate(children) if e.get("id") in back_ids), len(children))
    groups: list[tuple[str, list, str]] = [("front", children[:start], "")]
    if joined:
        groups.append(("body", children[start:back], ""))
    else:
        groups += _body_groups(children[start:back], chunk_chars)
    if back < len(children):
        # Each back-matter section starts on a right-hand page, as a chapter does: apart from
        # the one-document path, each is a chunk of its own, laid out beside the others.
        cuts = [i for i in range(back, len(children)) if children[i].get("id") in back_ids]
        if joined:
            cuts = cuts[:1]
        for begin, end in zip(cuts, [*cuts[1:], len(children)], strict=True):
            groups.append(("back", children[begin:end], ""))
    for element in children:
        body.remove(element)
    head = root.find("head")
    front_head = lxml.html.tostring(head, encoding="unicode")
    # The joined book takes its metadata from the front matter: without the build's date,
    # the other chunks stay the same from one build to the next (and in the cache).
    for meta in head.findall("meta"):
        if meta.get("name", "").startswith("dcterms."):
            head.remove(meta)
    other_head = lxml.html.tostring(head, encoding="unicode")
    lang = root.get("lang", "")
    direction = root.get("dir", "")
    chunks = []
    for number, (kind, elements, css) in enumerate(groups):
        last = number == len(groups) - 1 and not even
        parts = [lxml.html.tostring(e, encoding="unicode") for e in elements]
        name = f"{kind}-{number}" if kind != "front" else kind
        head_html = front_head if kind == "front" else other_head
        document = _document(head_html, lang, parts, css, end=not last, direction=direction)
        chunks.append(Chunk(name, kind, document))
    return chunks if joined else [_linked(chunk) for chunk in chunks]


def _body_groups(elements: list, chunk_chars: int) -> list[tuple[str, list, str]]:
    """The body's sections grouped into chunks, with the CSS that carries each one on."""
    groups: list[tuple[str, list, str]] = []
    current: list = []
    size = 0
    parts_before = 0
    part_title = ""
    css = ""
    for element in elements:
        is_part = "part" in element.get("class", "").split()
        text = len(element.text_content())
        if current and (is_part or size + text > chunk_chars):
            groups.append(("body", current, css))
            current, size = [], 0
            css = _carried_css(parts_before, "" if is_part else part_title)
        if is_part:
            parts_before += 1
            title = element.find_class("part-title")
            part_title = title[0].text_content().strip() if title else ""
        current.append(element)
        size += text
    if current:
        groups.append(("body", current, css))
    return groups


def _carried_css(parts_before: int, part_title: str) -> str:
    """What a chunk needs from the chunks before it: the part counter, the running head."""
    rules = [f"counter-reset: part-number {parts_before};"] if parts_before else []
    if part_title:
        rules.append(f"string-set: part-title {css_string(part_title)};")
    return f"html {{ {' '.join(rules)} }}\n" if rules else ""


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string that is safe inside a ``<style>`` element."""
    unsafe = {"\\", '"', "<", ">", "\n", "\r", "\f"}
    return '"' + "".join(f"\\{ord(c):x} " if c in unsafe else c for c in text) + '"'


def _document(
    head: str, lang: str, parts: list[str], css: str, end: bool, direction: str = ""
) -> str:
    # A chunk ends so that the next starts on a recto: a right-hand page, or in a right-to-left
    # book (its root dir="rtl" class="rtl", carried into every chunk) a left-hand one.
    rtl = direction == "rtl"
    recto = "left" if rtl else "right"
    style = css + (f".chunk-end {{ break-before: {recto}; }}\n" if end else "")
    if style:
        head = head.replace("</head>", f"<style>{style}</style></head>", 1)
    ending = '<div class="chunk-end"></div>' if end else ""
    root = f' lang="{lang}"' + (' dir="rtl" class="rtl"' if rtl else "")
    return (
        f"<!DOCTYPE html>\n<html{root}>{head}<body>\n"
        + "\n".join(parts)
        + f"{ending}</body></html>\n"
    )


def _linked(chunk: Chunk) -> Chunk:
    """Links to an anchor that is not in the chunk point across chunks."""
    from anthology.render.pdf.join import part_href

    ids = set(_ID.findall(chunk.html))

    def href(match: re.Match[str]) -> str:
        anchor = match.group(1)
        return match.group(0) if anchor in ids else f'href="{part_href(anchor)}"'

    return Chunk(chunk.name, chunk.kind, _LOCAL_HREF.sub(href, chunk.html))


def without_target_counters(css: str) -> str:
    """A stylesheet for chunks: the page of a link's target is read from ``data-page``."""
    return _TARGET_COUNTER.sub("attr(data-page)", css)
