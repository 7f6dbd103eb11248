"""Walk the chosen containers (BeautifulSoup's tree) into model blocks through an allowlist.

Running text becomes ``Paragraph``, ``Heading``, ``Quote`` (with its attribution), ``ListBlock``
(numbering and nested lists kept) and ``Figure`` (caption and credit); the page's structure
becomes ``Code`` (verbatim), ``Table`` and ``DefinitionList``. Inline markup only
``em strong a abbr q sup sub br`` and the literal ``code kbd samp var``, whose text (like URLs
and e-mail addresses in running text) is never typographed. Link lists and teasers inside the
article are dropped, each with its reason.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urljoin, urlsplit

from bs4 import Tag
from bs4.element import NavigableString, PreformattedString

from anthology.clean.html.furniture import class_hint, class_words
from anthology.clean.html.inline import (
    NBSP_BY_SPACE,
    SPACE_RUN,
    inline_text,
    neighbours,
    same_text,
    smarten_literal_aware,
    spaces_to_dashes,
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
from anthology.core.model import (
    Block,
    Cell,
    Code,
    DefinitionList,
    Dropped,
    Figure,
    Heading,
    ListBlock,
    Math,
    Paragraph,
    Quote,
    Table,
)
from anthology.core.text import smarten
from anthology.sources import Page, image_problem

_INLINE_MAP = {
    "em": "em",
    "i": "em",
    "cite": "em",
    "dfn": "em",
    "strong": "strong",
    "b": "strong",
    "abbr": "abbr",
    "acronym": "abbr",
    "q": "q",
    "sup": "sup",
    "sub": "sub",
}
_SAFE_SCHEMES = ("http", "https", "mailto")
# Inline elements whose text is literal (code, keys, program output, variables): kept as they
# are, in monospace, never typographed. ``tt`` is the old name of ``code``.
_LITERAL_MAP = {"code": "code", "tt": "code", "kbd": "kbd", "samp": "samp", "var": "var"}
# A ``<cite>`` this long is a whole reference (a list of references), not a title to italicise.
_CITE_WORDS = 12
# Tables past these sizes are read row by row as text, and spans are kept within them.
_TABLE_MAX_ROWS = 2000
_TABLE_MAX_COLUMNS = 40
_SPAN_LIMIT = 40
# Class words of a figure's credit line (photographer, agency, licence) inside its caption.
_CREDIT_WORDS = frozenset(
    ["credit", "credits", "copyright", "attribution", "photographer", "courtesy", "license"]
)
_CODE_LANGUAGE = re.compile(r"^(?:language|lang|highlight|brush:?)-?([a-z0-9+#_.-]{1,30})$", re.I)


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
        elif name == "pre" and not self._has_block_children(tag):
            self.code(tag)
        elif name == "pre":
            self.emit_paragraph(tag.contents, preformatted=True)
        elif name == "hr" or (name == "dl" and self.definitions(tag)):
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
        teasers = s.teasers - _self_linked_headings(tag) if s.teasers >= 2 else s.teasers
        if teasers >= 2 and (s.length - s.links) < 300 * teasers:
            record_drop(self.out.dropped, tag, f"a list of {teasers} linked headlines (teasers)")
            return True
        # a layout wrapper named for its sidebars that holds the page's <main> or <article> is
        # the article's frame, not furniture; nor is one holding half the page's prose
        if (
            class_hint(tag) < 0
            and density > 0.25
            and tag.find(("main", "article")) is None
            and s.length - s.links < 0.5 * self.prose
        ):
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
        attribution = ""
        source = _attribution(tag)
        if source is not None:
            attribution = re.sub(r"^[\u2014\u2013\u2015~-]+\s*", "", self.inline(source.contents))
            source.extract()  # read here, not again as a paragraph of the quotation
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
            self.out.blocks.append(Quote(tuple(paragraphs), attribution=attribution))
        elif attribution:
            self.emit_html(attribution)

    def list_(self, tag: Tag, depth: int) -> None:
        found = self.list_block(tag, depth)
        if found is not None:
            self.out.blocks.append(found)

    def list_block(self, tag: Tag, depth: int) -> ListBlock | None:
        """A list with its numbering and the lists set inside its items (to ``MAX_DEPTH``)."""
        items: list[str] = []
        nested: list[ListBlock | None] = []
        for li in tag.find_all("li"):
            if _nearest_list(li) is not tag:
                continue
            if depth + 1 > self.MAX_DEPTH:
                break
            sublists = [sub for sub in li.find_all(_LIST_TAGS) if _nearest_list(sub) is tag]
            inner: ListBlock | None = None
            for sub in sublists:
                found = self.list_block(sub, depth + 1)
                if found is None:
                    continue
                if inner is None:
                    inner = found
                else:  # two lists in one item read as one
                    inner = ListBlock(
                        inner.items + found.items,
                        inner.ordered,
                        inner.start,
                        inner.reversed,
                        _nested(inner) + _nested(found),
                    )
            parts = [c for c in li.contents if not (isinstance(c, Tag) and c.name in _LIST_TAGS)]
            parts = [
                c
                for c in parts
                if not (isinstance(c, Tag) and c.name in BLOCK_TAGS and c.find("li") is not None)
            ]
            inline = self.inline_blocks(parts)
            if inline_text(inline) or inner is not None:
                items.append(inline)
                nested.append(inner)
        if not items:
            return None
        ordered = tag.name == "ol"
        backwards = ordered and tag.has_attr("reversed")
        # a list counting down starts, unless it says otherwise, at its number of items
        start = _list_start(tag, len(items) if backwards else 1) if ordered else 1
        numbered = _numbered_items(items)
        if numbered is not None and not backwards:
            # Items that carry their own numbers ("1.", "2." …, set as text by the page): the
            # list is numbered from the first, and the numbers are the book's, not the text's.
            first, items = numbered
            ordered, start = True, first
        return ListBlock(
            tuple(items),
            ordered=ordered,
            start=start,
            reversed=backwards,
            nested=tuple(nested) if any(n is not None for n in nested) else (),
        )

    def definitions(self, tag: Tag) -> bool:
        """A definition list of terms and definitions; False (read as a container) when the
        list holds anything else."""
        found: list[Tag] = []
        for child in tag.children:
            if isinstance(child, NavigableString):
                if str(child).strip() and not isinstance(child, PreformattedString):
                    return False
                continue
            if not isinstance(child, Tag):
                continue
            # HTML lets a <div> wrap each group of terms and definitions
            group = child.find_all(True, recursive=False) if child.name == "div" else [child]
            for item in group:
                if item.name not in ("dt", "dd") or self._has_blocks_beyond_text(item):
                    return False
                found.append(item)
        entries: list[tuple[str, str]] = []
        for item in found:
            inline = self.inline_blocks(item.contents)
            if inline_text(inline):
                entries.append((item.name, inline))
        # The list starts with a term and ends with a definition; what stands outside that
        # is a paragraph of its own.
        while entries and entries[0][0] == "dd":
            self.emit_html(entries.pop(0)[1])
        trailing = []
        while entries and entries[-1][0] == "dt":
            trailing.insert(0, entries.pop()[1])
        if entries:
            self.out.blocks.append(DefinitionList(tuple(entries)))
        for text in trailing:
            self.emit_html(text)
        return True

    def _has_blocks_beyond_text(self, tag: Tag) -> bool:
        """Whether an element holds lists, tables or quotations (more than paragraphs)."""
        return tag.find(["ul", "ol", "table", "blockquote", "pre", "dl", "figure"]) is not None

    def _has_block_children(self, tag: Tag) -> bool:
        return tag.find(["p", "div", "table", "ul", "ol", "blockquote", "h2", "h3"]) is not None

    def code(self, tag: Tag) -> None:
        """Preformatted text as it stands: indentation, blank lines and characters kept."""
        pieces: list[str] = []
        _literal_text(tag, pieces)
        text = XML_FORBIDDEN.sub("", "".join(pieces)).replace("\r\n", "\n").replace("\r", "\n")
        lines = [line.rstrip() for line in text.split("\n")]
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        if lines:
            self.out.blocks.append(Code("\n".join(lines), language=_code_language(tag)))

    def table(self, tag: Tag, depth: int) -> None:
        # Layout tables hold paragraphs: read their cells as containers; data tables row by row.
        if tag.find(["p", "div", "table", "blockquote", "ul", "ol", "h2", "h3", "br"]) is not None:
            for cell in tag.find_all(["td", "th", "caption"]):
                if cell.find_parent("table") is tag:
                    self.container(cell, depth + 1)
            return
        rows = [row for row in tag.find_all("tr") if row.find_parent("table") is tag]
        table = self.data_table(tag, rows)
        if table is not None:
            self.out.blocks.append(table)
            return
        for row in rows:
            cells = [self.inline(c.contents) for c in row.find_all(["td", "th"], recursive=False)]
            cells = [c for c in cells if inline_text(c)]
            if cells:
                self.emit_html(" | ".join(cells))

    def data_table(self, tag: Tag, rows: list[Tag]) -> Table | None:
        """A table of data as a ``Table``: rows of cells, header cells marked (``<th>``, or any
        cell of ``<thead>``), spans kept within the table. None for a table of one cell, or one
        too large to set as a table (read row by row instead)."""
        if len(rows) > _TABLE_MAX_ROWS:
            return None
        out_rows: list[tuple[Cell, ...]] = []
        for row in rows:
            head = row.find_parent("thead") is not None and row.find_parent("table") is tag
            cells = []
            for cell in row.find_all(["td", "th"], recursive=False):
                cells.append(
                    Cell(
                        self.inline(cell.contents),
                        header=cell.name == "th" or head,
                        colspan=_span(cell.get("colspan")),
                        rowspan=_span(cell.get("rowspan")),
                    )
                )
            if any(inline_text(c.html) for c in cells):
                out_rows.append(tuple(cells))
        if not out_rows:
            return None
        # Spans may not reach past the table's rows or columns.
        out_rows = [
            tuple(
                Cell(
                    c.html,
                    c.header,
                    min(c.colspan, _TABLE_MAX_COLUMNS),
                    min(c.rowspan, len(out_rows) - n),
                )
                for c in row
            )
            for n, row in enumerate(out_rows)
        ]
        table = Table(tuple(out_rows))
        if table.columns > _TABLE_MAX_COLUMNS or sum(len(r) for r in out_rows) < 2:
            return None
        caption_tag = tag.find("caption")
        if caption_tag is not None and caption_tag.find_parent("table") is tag:
            table = Table(table.rows, caption=self.inline(caption_tag.contents))
        return table

    def figure(self, tag: Tag) -> None:
        img = tag if tag.name == "img" else tag.find("img")
        caption_tag = tag.find("figcaption") if tag.name == "figure" else None
        credit = ""
        if tag.name == "figure":
            found = _credit(tag)
            if found is not None:
                credit = self.inline(found.contents)
                found.extract()  # read as the credit, not again as part of the caption
        caption = self.inline(caption_tag.contents) if caption_tag else ""
        if img is None:
            src = _image_url(tag.find("source")) if tag.find("source") else ""
            alt = ""
        else:
            src, alt = _image_url(img), plain(img.get("alt") or "")
        self.add_figure(src, alt, caption, tag, credit)

    def add_figure(
        self, src: str, alt: str, caption: str, tag: Tag | None = None, credit: str = ""
    ) -> None:
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
        self.out.blocks.append(Figure(src=local, alt=alt, caption=caption, credit=credit))

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
        display = _DISPLAY_MATH.fullmatch(inline)
        if display:  # a formula set on its own
            self.out.blocks.append(Math(inline, html.unescape(display.group(1))))
            return
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
        texts = spaces_to_dashes(texts, pieces)
        around = neighbours([t for _, t in texts])
        for (index, raw), (before, after) in zip(texts, around, strict=True):
            pieces[index] = html.escape(smarten_literal_aware(raw, before, after), quote=False)
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
            if name == "math":
                mathml = mathml_of(node)
                if mathml:
                    pieces.append(mathml)
                continue
            literal = _LITERAL_MAP.get(name)
            if literal:
                # Literal text: as written (spaces aside), escaped, never typographed.
                raw: list[str] = []
                _literal_text(node, raw)
                text = WS.sub(" ", XML_FORBIDDEN.sub("", "".join(raw)))
                if text.strip():
                    pieces.append(f"<{literal}>{html.escape(text, quote=False)}</{literal}>")
                elif text:
                    pieces.append(" ")
                continue
            element = _INLINE_MAP.get(name)
            if name == "cite" and len(node.get_text(" ").split()) > _CITE_WORDS:
                element = None  # a whole reference, not a title
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


def _self_linked_headings(tag: Tag) -> int:
    """Headings inside ``tag`` that are links to the page itself (``<h2><a href="#usage">``, a
    section's permalink in documentation): measured as linked headlines, they head sections of
    this page, not teasers of other pages."""
    count = 0
    for heading in tag.find_all(list(HEADINGS)):
        links = heading.find_all("a")
        if not links or (heading.parent is not None and heading.parent.name == "a"):
            continue
        if not all((a.get("href") or "").startswith("#") for a in links):
            continue
        linked = sum(len(a.get_text(strip=True)) for a in links)
        if linked >= 0.8 * len(heading.get_text(strip=True)):
            count += 1
    return count


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


_LIST_TAGS = ("ul", "ol", "menu")


def _nearest_list(tag: Tag) -> Tag | None:
    return tag.find_parent(_LIST_TAGS)


def _nested(block: ListBlock) -> tuple[ListBlock | None, ...]:
    return block.nested or (None,) * len(block.items)


# An item's own number at its start: "1." or "1)" (perhaps inside <strong>), then its text.
_ITEM_NUMBER = re.compile(
    r"^((?:<(?:em|strong)>)*)\s*(\d{1,4})[.)](?:\s+|(?=[^\d\s]))((?:</(?:em|strong)>)*)\s*"
)
_EMPTY_ELEMENT = re.compile(r"<(em|strong)></\1>")


def _numbered_items(items: list[str]) -> tuple[int, list[str]] | None:
    """The first number and the items without their numbers, when every item of a list of two
    or more starts with the next number; None otherwise."""
    if len(items) < 2:
        return None
    matches = [_ITEM_NUMBER.match(item) for item in items]
    if not all(matches):
        return None
    numbers = [int(m.group(2)) for m in matches if m]
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return None
    stripped = []
    for item, match in zip(items, matches, strict=True):
        rest = match.group(1) + match.group(3) + item[match.end() :]
        stripped.append(_EMPTY_ELEMENT.sub("", rest).strip())
    if not all(inline_text(item) for item in stripped):
        return None
    return numbers[0], stripped


def _list_start(tag: Tag, default: int) -> int:
    value = tag.get("start")
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,6}\s*", value):
        return int(value)
    return default


def _span(value) -> int:
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,4}\s*", value):
        return max(1, min(int(value), _SPAN_LIMIT))
    return 1


def _literal_text(tag: Tag, pieces: list[str]) -> None:
    """The text of ``tag`` as written, a ``<br>`` as a line break (comments left out)."""
    for node in tag.descendants:
        if isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString):
                pieces.append(str(node))
        elif isinstance(node, Tag) and node.name == "br":
            pieces.append("\n")


def _code_language(tag: Tag) -> str:
    """The language a code block names in its class (``language-python``, ``lang-js``)."""
    for element in (tag.find("code"), tag):
        if not isinstance(element, Tag):
            continue
        classes = element.get("class") or []
        for name in classes if isinstance(classes, list) else [classes]:
            match = _CODE_LANGUAGE.match(name) if isinstance(name, str) else None
            if match and match.group(1).lower() not in ("none", "plain", "text", "plaintext"):
                return match.group(1).lower()
    return ""


def _attribution(quote: Tag) -> Tag | None:
    """The element naming a quotation's source: its ``<footer>``, or a ``<cite>`` standing as
    its last line (``— <cite>Name</cite>``); never one inside a nested quotation."""
    for footer in quote.find_all("footer"):
        if footer.find_parent("blockquote") is quote:
            return footer
    children = [c for c in quote.children if isinstance(c, Tag)]
    if not children:
        return None
    last = children[-1]
    if last.name == "cite":
        return last
    cite = last.find("cite") if last.name == "p" else None
    if cite is not None and len(children) > 1:
        rest = last.get_text(" ").replace(cite.get_text(" "), "")
        if not re.sub(r"[\s\u2014\u2013\u2015~,-]+", "", rest):
            return last
    return None


def _credit(figure: Tag) -> Tag | None:
    """The element of a figure holding its credit line (by its class words, or a ``<small>``
    in the caption)."""
    for element in figure.find_all(True):
        if element.name in ("img", "picture", "source"):
            continue
        if class_words(element) & _CREDIT_WORDS:
            return element
    caption = figure.find("figcaption")
    if caption is not None:
        small = caption.find("small")
        if small is not None and small.get_text(strip=True):
            return small
    return None


MATHML = "http://www.w3.org/1998/Math/MathML"
# The MathML elements kept (presentation markup, and the TeX annotation); any other element
# inside a formula is unwrapped, its text kept. https://www.w3.org/TR/mathml-core/
_MATH_ELEMENTS = frozenset(
    [
        "math",
        "mrow",
        "mi",
        "mn",
        "mo",
        "ms",
        "mtext",
        "mspace",
        "msub",
        "msup",
        "msubsup",
        "mfrac",
        "msqrt",
        "mroot",
        "mstyle",
        "merror",
        "mpadded",
        "mphantom",
        "mfenced",
        "menclose",
        "munder",
        "mover",
        "munderover",
        "mtable",
        "mtr",
        "mtd",
        "mlabeledtr",
        "mmultiscripts",
        "mprescripts",
        "none",
        "semantics",
        "annotation",
    ]
)
_MATH_DROPPED = frozenset(["annotation-xml", "maction", "script", "style"])
_MATH_ATTRIBUTES = frozenset(
    [
        "mathvariant",
        "mathsize",
        "fence",
        "separator",
        "stretchy",
        "symmetric",
        "largeop",
        "movablelimits",
        "accent",
        "accentunder",
        "form",
        "lspace",
        "rspace",
        "linethickness",
        "columnalign",
        "rowalign",
        "columnspan",
        "rowspan",
        "notation",
        "open",
        "close",
        "separators",
        "width",
        "height",
        "depth",
        "scriptlevel",
        "displaystyle",
        "encoding",
        "bevelled",
        "numalign",
        "denomalign",
        "columnlines",
        "rowlines",
        "frame",
    ]
)
_DISPLAY_MATH = re.compile(r'<math xmlns="[^"]+" display="block" alttext="([^"]*)">.*</math>', re.S)


def mathml_of(math: Tag) -> str:
    """A ``<math>`` element as allowlisted MathML with its namespace and ``alttext`` (its TeX
    annotation or its text, for readers and the print edition, which cannot show MathML)."""
    pieces: list[str] = []
    for child in math.children:
        _mathml_node(child, pieces, 0)
    body = "".join(pieces)
    if not body.strip():
        return ""
    alt = math.get("alttext")
    if not isinstance(alt, str) or not alt.strip():
        annotation = math.find("annotation", attrs={"encoding": "application/x-tex"})
        alt = annotation.get_text() if annotation is not None else _math_text(math)
    alt = html.escape(WS.sub(" ", XML_FORBIDDEN.sub("", alt)).strip()[:1000], quote=True)
    display = "block" if str(math.get("display", "")).lower() == "block" else "inline"
    return f'<math xmlns="{MATHML}" display="{display}" alttext="{alt}">{body}</math>'


def _mathml_node(node, pieces: list[str], depth: int) -> None:
    if isinstance(node, NavigableString):
        if not isinstance(node, PreformattedString):
            pieces.append(html.escape(XML_FORBIDDEN.sub("", str(node)), quote=False))
        return
    if not isinstance(node, Tag) or node.name in _MATH_DROPPED or depth > 60:
        return
    name = node.name.lower()
    if name not in _MATH_ELEMENTS or name == "math":
        for child in node.children:  # unknown: its content stays
            _mathml_node(child, pieces, depth + 1)
        return
    attributes = "".join(
        f' {key}="{html.escape(value, quote=True)}"'
        for key, value in sorted(node.attrs.items())
        if key in _MATH_ATTRIBUTES and isinstance(value, str) and len(value) < 100
    )
    pieces.append(f"<{name}{attributes}>")
    for child in node.children:
        _mathml_node(child, pieces, depth + 1)
    pieces.append(f"</{name}>")


def _math_text(math: Tag) -> str:
    parts = []
    for node in math.descendants:
        if (
            isinstance(node, NavigableString)
            and not isinstance(node, PreformattedString)
            and node.find_parent(["annotation", "annotation-xml"]) is None
        ):
            parts.append(str(node))
    return " ".join(part.strip() for part in parts if part.strip())
