"""Walk the chosen containers (BeautifulSoup's tree) into model blocks through an allowlist.

Only ``Paragraph``, ``Heading``, ``Quote``, ``ListBlock`` and ``Figure``; inline markup only
``em strong a abbr q sup sub br``. Link lists and teasers inside the article are dropped, each
with its reason.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urljoin, urlsplit

from bs4 import Tag
from bs4.element import NavigableString, PreformattedString

from anthology.clean.html.furniture import class_hint
from anthology.clean.html.inline import (
    NBSP_BY_SPACE,
    SPACE_RUN,
    inline_text,
    same_text,
    smarten_piece,
    split_at_double_breaks,
    trim_breaks,
)
from anthology.clean.html.metadata import Meta, plain
from anthology.clean.html.tree import (
    BLOCK_TAGS,
    CONTROL,
    HEADINGS,
    WS,
    XML_FORBIDDEN,
    Stats,
    record_drop,
)
from anthology.clean.rules import Rules
from anthology.core.errors import SourceError
from anthology.core.limits import Limits
from anthology.core.model import Block, Dropped, Figure, Heading, ListBlock, Paragraph, Quote
from anthology.core.text import smarten
from anthology.sources import Page, image_problem

_INLINE_MAP = {
    "em": "em",
    "i": "em",
    "cite": "em",
    "dfn": "em",
    "var": "em",
    "strong": "strong",
    "b": "strong",
    "abbr": "abbr",
    "acronym": "abbr",
    "q": "q",
    "sup": "sup",
    "sub": "sub",
}
_SAFE_SCHEMES = ("http", "https", "mailto")


@dataclass
class Out:
    """What the block walker produces."""

    blocks: list[Block] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)  # found inside inline content


class Walker:
    """Turns content elements into model blocks through the allowlist."""

    MAX_DEPTH = 120  # below this many levels, a container is read as one paragraph of text

    def __init__(
        self,
        page: Page,
        meta: Meta,
        rules: Rules,
        stats: dict[int, Stats],
        out: Out,
        limits: Limits,
    ):
        self.page = page
        self.meta = meta
        self.rules = rules
        self.stats = stats
        self.out = out
        self.sources = _sources_root(page)
        self.base_url = meta.url
        self.limits = limits
        # the prose of the largest container walked: a furniture hint never drops most of it
        self.prose = max((s.length - s.links for s in stats.values()), default=0)

    # blocks

    def container(self, tag: Tag, depth: int) -> None:
        """Read a block container: its children become blocks; loose inline content paragraphs."""
        if depth > self.MAX_DEPTH:
            self.paragraph_from_text(tag.get_text(" "))
            return
        run: list = []
        for child in list(tag.children):
            if isinstance(child, Tag) and (child.name in BLOCK_TAGS or self._has_blocks(child)):
                self.flush(run)
                run = []
                self.block(child, depth + 1)
            elif isinstance(child, Tag) and child.name == "br":
                if run and isinstance(run[-1], Tag) and run[-1].name == "br":
                    run.pop()
                    self.flush(run)
                    run = []
                else:
                    run.append(child)
            else:
                run.append(child)
        self.flush(run)

    def _has_blocks(self, tag: Tag) -> bool:
        s = self.stats.get(id(tag))
        return bool(s and s.blocks)

    def block(self, tag: Tag, depth: int) -> None:
        name = tag.name
        if self._conditionally_dropped(tag):
            return
        if name in HEADINGS:
            self.heading(tag)
        elif name == "p" and not self._has_blocks(tag):
            self.emit_paragraph(tag.contents)
        elif name == "blockquote":
            self.quote(tag, depth)
        elif name in ("ul", "ol", "menu"):
            self.list_(tag, depth)
        elif name in ("figure", "picture", "img"):
            self.figure(tag)
        elif name == "table":
            self.table(tag, depth)
        elif name == "pre":
            self.emit_paragraph(tag.contents, preformatted=True)
        elif name == "hr":
            return
        else:
            self.container(tag, depth)

    def _conditionally_dropped(self, tag: Tag) -> bool:
        """Readability's conditional cleaning: link-heavy containers inside the article go."""
        if tag.name not in ("div", "section", "ul", "ol", "table", "dl", "span", "center", "menu"):
            return False
        s = self.stats.get(id(tag))
        if s is None or s.length == 0:
            return False
        density = s.links / s.length
        if density > 0.5 and s.length - s.links < 400:
            record_drop(self.out.dropped, tag, "link list (most of its text is links)")
            return True
        if s.teasers >= 2 and (s.length - s.links) < 300 * s.teasers:
            record_drop(self.out.dropped, tag, f"a list of {s.teasers} linked headlines (teasers)")
            return True
        if class_hint(tag) < 0 and density > 0.25 and s.length - s.links < 0.5 * self.prose:
            record_drop(self.out.dropped, tag, "furniture by class or id, with many links")
            return True
        return False

    def heading(self, tag: Tag) -> None:
        inline = self.inline(tag.contents)
        text = inline_text(inline)
        if not text:
            return
        if tag.name == "h1" or same_text(text, self.meta.title):
            self.out.dropped.append(Dropped(text, "the article's title"))
            return
        self.out.blocks.append(Heading(inline, level=HEADINGS[tag.name]))

    def quote(self, tag: Tag, depth: int) -> None:
        inner = Out(dropped=self.out.dropped)
        Walker(self.page, self.meta, self.rules, self.stats, inner, self.limits).container(
            tag, depth
        )
        paragraphs: list[str] = []
        for block in inner.blocks:
            if isinstance(block, Paragraph | Heading):
                paragraphs.append(block.html)
            elif isinstance(block, Quote):
                paragraphs.extend(block.paragraphs)
            elif isinstance(block, ListBlock):
                paragraphs.extend(block.items)
            else:
                self.out.blocks.append(block)
        if paragraphs:
            self.out.blocks.append(Quote(tuple(paragraphs)))

    def list_(self, tag: Tag, depth: int) -> None:
        items: list[str] = []
        for li in tag.find_all("li"):
            if depth + 1 > self.MAX_DEPTH:
                break
            parts = [c for c in li.contents if not (isinstance(c, Tag) and c.name in ("ul", "ol"))]
            parts = [
                c
                for c in parts
                if not (isinstance(c, Tag) and c.name in BLOCK_TAGS and c.find("li") is not None)
            ]
            inline = self.inline_blocks(parts)
            if inline_text(inline):
                items.append(inline)
        if items:
            self.out.blocks.append(ListBlock(tuple(items), ordered=tag.name == "ol"))

    def table(self, tag: Tag, depth: int) -> None:
        # Layout tables hold paragraphs: read their cells as containers; data tables row by row.
        if tag.find(["p", "div", "table", "blockquote", "ul", "ol", "h2", "h3", "br"]) is not None:
            for cell in tag.find_all(["td", "th", "caption"]):
                if cell.find_parent("table") is tag:
                    self.container(cell, depth + 1)
            return
        for row in tag.find_all("tr"):
            if row.find_parent("table") is not tag:
                continue
            cells = [self.inline(c.contents) for c in row.find_all(["td", "th"], recursive=False)]
            cells = [c for c in cells if inline_text(c)]
            if cells:
                self.emit_html(" | ".join(cells))

    def figure(self, tag: Tag) -> None:
        img = tag if tag.name == "img" else tag.find("img")
        caption_tag = tag.find("figcaption") if tag.name == "figure" else None
        caption = self.inline(caption_tag.contents) if caption_tag else ""
        if img is None:
            src = _image_url(tag.find("source")) if tag.find("source") else ""
            alt = ""
        else:
            src, alt = _image_url(img), plain(img.get("alt") or "")
        self.add_figure(src, alt, caption, tag)

    def add_figure(self, src: str, alt: str, caption: str, tag: Tag | None = None) -> None:
        if not src:
            if tag is not None and caption:
                self.out.dropped.append(Dropped(inline_text(caption), "figure without an image"))
            return
        local = self.local_image(src)
        if local is None:
            reason = (
                "remote image not fetched: "
                if _is_remote(src)
                else "image not found inside the sources folder: "
            ) + src[:200]
            self.out.dropped.append(Dropped(inline_text(caption) or alt or src[:200], reason))
            return
        self.out.blocks.append(Figure(src=local, alt=alt, caption=caption))

    def local_image(self, src: str) -> str | None:
        """The image's path inside the sources folder, or None when it lies elsewhere.

        Raises:
            SourceError: the image is over the size limits (named, with the limit).
        """
        parts = urlsplit(src)
        if parts.scheme or parts.netloc or src.startswith(("/", "\\")) or not parts.path:
            return None
        try:
            path = (self.page.path.parent / unquote(parts.path)).resolve()
            root = self.sources.resolve()
            if not path.is_relative_to(root) or not path.is_file():
                return None
            relative = path.relative_to(root).as_posix()
        except (OSError, ValueError):
            return None
        shown = self.page.shown[: len(self.page.shown) - len(self.page.name)] + relative
        problem = image_problem(path, self.limits)
        if problem:
            raise SourceError(problem, shown)
        return relative

    # paragraphs

    def flush(self, run: list) -> None:
        if run:
            self.emit_paragraph(run)

    def emit_paragraph(self, nodes: list, preformatted: bool = False) -> None:
        # A <p> with <br><br> inside is several paragraphs, and so is preformatted text with a
        # blank line. The breaks are counted in the cleaned markup, where what stood between
        # them (spaces, comments, an image) is gone, so that cleaning the result again finds
        # the same paragraphs.
        inline = self.inline(nodes, preformatted=preformatted)
        for piece in split_at_double_breaks(inline):
            self.emit_html(piece)
        figures, self.out.figures = self.out.figures, []
        for figure in figures:
            self.add_figure(*figure)

    def emit_html(self, inline: str) -> None:
        inline = trim_breaks(inline)
        if inline_text(inline):
            self.out.blocks.append(Paragraph(inline))

    def paragraph_from_text(self, text: str) -> None:
        text = WS.sub(" ", XML_FORBIDDEN.sub("", text)).strip()
        if text:
            self.out.blocks.append(Paragraph(html.escape(smarten(text), quote=False)))

    def inline_blocks(self, nodes: list) -> str:
        """Inline XHTML for nodes that may hold blocks (a list item with paragraphs)."""
        return trim_breaks(self.inline(nodes))

    def inline(self, nodes: list, preformatted: bool = False) -> str:
        """Inline XHTML (escaped, typographed text and allowed elements) for ``nodes``."""
        texts: list[tuple[int, str]] = []  # (index into pieces, raw text) to smarten with context
        pieces: list[str] = []
        self._inline(nodes, pieces, texts, 0, preformatted)
        flat = [t for _, t in texts]
        for n, (index, raw) in enumerate(texts):
            before = flat[n - 1][-1:] if n else ""
            after = flat[n + 1][:1] if n + 1 < len(flat) else ""
            pieces[index] = html.escape(smarten_piece(raw, before, after), quote=False)
        result = "".join(pieces)
        # Preformatted text keeps its line breaks; its spaces are set like any paragraph's. A run
        # of spaces is one space, a no-break one only when no breaking space was in the run.
        result = SPACE_RUN.sub(lambda m: " " if " " in m.group() else "\u00a0", result)
        result = NBSP_BY_SPACE.sub(lambda m: m.group(1) or m.group(2), result)
        return re.sub(r" ?<br/> ?", "<br/>", result).strip()

    def _inline(self, nodes, pieces, texts, depth, preformatted) -> None:
        for node in nodes:
            if isinstance(node, NavigableString):
                if isinstance(node, PreformattedString):
                    continue
                text = str(node)
                if preformatted:
                    for i, line in enumerate(text.split("\n")):
                        if i:
                            pieces.append("<br/>")
                        texts.append((len(pieces), WS.sub(" ", line)))
                        pieces.append("")
                else:
                    texts.append((len(pieces), WS.sub(" ", text)))
                    pieces.append("")
                continue
            if not isinstance(node, Tag):
                continue
            name = node.name
            if depth > self.MAX_DEPTH:
                texts.append((len(pieces), WS.sub(" ", node.get_text(" "))))
                pieces.append("")
                continue
            if name == "br":
                pieces.append("<br/>")
                continue
            if name in ("img", "picture", "figure"):
                img = node if name == "img" else node.find("img")
                if img is not None and _image_url(img):
                    self.out.figures.append(
                        (_image_url(img), plain(img.get("alt") or ""), "", None)
                    )
                continue
            if name == "a":
                href = self._href(node.get("href"))
                inner: list[str] = []
                inner_texts: list[tuple[int, str]] = []
                self._inline(node.contents, inner, inner_texts, depth + 1, preformatted)
                if href:
                    # No link inside a link: the outer one wins, the inner ones keep their text.
                    inner = ["" if p.startswith("<a ") or p == "</a>" else p for p in inner]
                    pieces.append(f'<a href="{html.escape(href, quote=True)}">')
                self._splice(pieces, texts, inner, inner_texts)
                if href:
                    pieces.append("</a>")
                continue
            cluster = self.stats.get(id(node))
            if cluster and cluster.length >= 150 and cluster.links >= 0.8 * cluster.length:
                # a pop-up card or a run of links set inside a sentence, not part of it
                record_drop(
                    self.out.dropped, node, "links inside a paragraph (a pop-up or link cluster)"
                )
                continue
            element = _INLINE_MAP.get(name)
            if element:
                pieces.append(f"<{element}>")
                self._inline(node.contents, pieces, texts, depth + 1, preformatted)
                pieces.append(f"</{element}>")
            else:
                if name in BLOCK_TAGS:
                    pieces.append(" ")
                self._inline(
                    node.contents,
                    pieces,
                    texts,
                    depth + 1,
                    preformatted or name == "pre",
                )
                if name in BLOCK_TAGS:
                    pieces.append(" ")

    @staticmethod
    def _splice(pieces, texts, inner, inner_texts) -> None:
        offset = len(pieces)
        pieces.extend(inner)
        texts.extend((offset + i, t) for i, t in inner_texts)

    def _href(self, value) -> str:
        if not isinstance(value, str):
            return ""
        href = CONTROL.sub("", value)
        if not href or href.startswith("#"):
            return ""
        scheme = urlsplit(href).scheme.lower() if ":" in href else ""
        if not scheme:
            if not self.base_url or href.startswith("//") and not self.base_url:
                return ""
            href = urljoin(self.base_url, href)
            scheme = urlsplit(href).scheme.lower()
        if scheme not in _SAFE_SCHEMES:
            return ""
        if scheme != "mailto" and not _valid_host(urlsplit(href)):
            return ""
        # Spaces and other characters a URL may not hold are escaped as a browser would
        # (an EPUB with them fails epubcheck, RSC-020).
        return _UNSAFE_IN_URL.sub(lambda m: quote(m.group()), href)[:2000]


# ASCII characters a URL may not hold as they are (RFC 3986); other scripts stay as IRIs.
_UNSAFE_IN_URL = re.compile(r'[\x00-\x20"<>\\^`{|}\x7f]')
# A host name: dot-separated labels of letters (any script), digits and hyphens, or an IP
# literal. "http://Best%20of%202025:%20Fiction%20Books" (a title pasted as a link) is not one.
_HOST = re.compile(r"^(?:[^\W_](?:[\w-]*[^\W_])?\.?)+$|^\[[0-9a-f:.]+\]$", re.I)


def _valid_host(parts) -> bool:
    """Whether a split http(s) URL names a host (and a numeric port, if any)."""
    try:
        parts.port  # noqa: B018  raises ValueError for a port that is not a number
    except ValueError:
        return False
    host = parts.netloc.rpartition("@")[2].rsplit(":", 1)[0] if parts.netloc else ""
    if host.startswith("["):
        host = parts.netloc.rpartition("@")[2].split("]")[0] + "]"
    return bool(host) and bool(_HOST.match(unquote(host)))


def _image_url(img: Tag | None) -> str:
    if img is None:
        return ""
    for attr in (
        "data-src",
        "data-original",
        "data-lazy-src",
        "data-url",
        "data-hi-res-src",
        "src",
        "data-srcset",
        "srcset",
    ):
        value = img.get(attr)
        if not isinstance(value, str):
            continue
        value = value.strip()
        if attr.endswith("srcset"):
            value = value.split(",")[0].strip().split(" ")[0]
        if value and not value.startswith("data:") and not value.lower().startswith("javascript:"):
            return value
    return ""


def _is_remote(src: str) -> bool:
    parts = urlsplit(src)
    return bool(parts.scheme in ("http", "https") or src.startswith("//") or parts.netloc)


def _sources_root(page: Page) -> Path:
    root = page.path
    for _ in PurePosixPath(page.name.replace("\\", "/")).parts:
        root = root.parent
    return root if page.path.is_relative_to(root) else page.path.parent
