"""The document model shared by every stage: blocks, articles, chapters, parts and the book.

Inline content (``Paragraph.html``, ``Heading.html`` …) is a fragment of clean XHTML: escaped
text with, at most, the inline elements ``em strong a abbr q sup sub br span`` and the literal
ones ``code kbd samp var`` (whose text is never typographed). The cleaners are the only
producers of it and guarantee it; later stages never parse pages again.

Blocks that are not running text keep their own structure: ``Code`` holds verbatim text,
``Table`` rows of cells, ``DefinitionList`` terms and definitions, ``Math`` a MathML element
built from an allowlist.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from anthology.core.text import strip_tags

# HTML's void elements: they hold no content, so nothing (text, a page-break marker) may be put
# inside one (https://html.spec.whatwg.org/#void-elements, plus the obsolete keygen and param).
VOID_ELEMENTS = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of running text."""

    html: str


@dataclass(frozen=True)
class Heading:
    """An in-article section heading; ``level`` 2 is the highest inside a chapter."""

    html: str
    level: int = 2


@dataclass(frozen=True)
class Quote:
    """A quotation set off from the text (one or more paragraphs), with its attribution (the
    page's ``<cite>`` or ``<footer>``) as inline XHTML."""

    paragraphs: tuple[str, ...]
    attribution: str = ""


@dataclass(frozen=True)
class ListBlock:
    """A bulleted or numbered list; each item is inline XHTML.

    A numbered list counts from ``start`` (down when ``reversed``). ``nested`` is empty, or holds
    for each item the list set inside it (None for an item without one).
    """

    items: tuple[str, ...]
    ordered: bool = False
    start: int = 1
    reversed: bool = False
    nested: tuple[ListBlock | None, ...] = ()


@dataclass(frozen=True)
class Figure:
    """An image with its alternative text, caption and credit (inline XHTML); ``src`` is a path
    inside the edition."""

    src: str
    alt: str = ""
    caption: str = ""
    credit: str = ""


@dataclass(frozen=True)
class Code:
    """Preformatted code or other literal text: kept verbatim (plain text, lines joined by
    ``\\n``; indentation, blank lines, straight quotes and ``--`` as written)."""

    text: str
    language: str = ""


@dataclass(frozen=True)
class Cell:
    """A table cell: inline XHTML, whether it is a header cell, and its spans."""

    html: str
    header: bool = False
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class Table:
    """A data table: rows of cells (header rows first when the page marks them) and a caption."""

    rows: tuple[tuple[Cell, ...], ...]
    caption: str = ""

    @property
    def columns(self) -> int:
        """The widest row's columns, spans counted."""
        return max((sum(c.colspan for c in row) for row in self.rows), default=0)


@dataclass(frozen=True)
class DefinitionList:
    """Terms and their definitions in page order: ``("dt" | "dd", inline XHTML)`` pairs, starting
    with a term and ending with a definition."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Math:
    """A displayed formula: a MathML ``<math>`` element (allowlisted elements and attributes,
    serialized with its namespace) and its text for readers that cannot show it."""

    mathml: str
    text: str = ""


Block = Paragraph | Heading | Quote | ListBlock | Figure | Code | Table | DefinitionList | Math

# Tables with more columns than this are set in smaller type (class ``table-wide``).
WIDE_TABLE_COLUMNS = 4


@dataclass(frozen=True)
class Dropped:
    """A line or block the cleaner removed, with the rule that removed it."""

    text: str
    reason: str


# The reason's start for a page's text the cleaner never looked at (outside the content it chose,
# hidden, or furniture removed before the choice): recorded so that all of a page's text is
# accounted for.
NEVER_CONSIDERED = "never considered: "


@dataclass(frozen=True)
class Article:
    """One cleaned page: metadata and a body of clean blocks."""

    source: str
    title: str
    body: tuple[Block, ...]
    standfirst: str = ""
    byline: str = ""
    date: date | None = None
    publication: str = ""
    url: str = ""
    language: str = ""
    kicker: str = ""
    retrieved: date | None = None  # when the page was fetched (compile fetch records it)
    dropped: tuple[Dropped, ...] = ()
    # words of prose the whole page shows (its sentence-like text blocks), as the cleaner
    # measured them; 0 when not measured. Far more than ``word_count`` means text may be lost.
    page_prose_words: int = 0

    @property
    def word_count(self) -> int:
        """Words in the body (text content only)."""
        words = 0
        for block in self.body:
            for fragment in block_fragments(block):
                words += len(strip_tags(fragment).split())
        return words


def block_fragments(block: Block) -> tuple[str, ...]:
    """The inline XHTML fragments of a block: its text, its paragraphs or items, a caption.

    Code and formulas give their text, escaped: they count as words but are never changed
    (``map_fragments`` leaves them alone).
    """
    if isinstance(block, Paragraph | Heading):
        return (block.html,)
    if isinstance(block, Quote):
        return block.paragraphs + ((block.attribution,) if block.attribution else ())
    if isinstance(block, ListBlock):
        inner = tuple(f for n in block.nested if n is not None for f in block_fragments(n))
        return block.items + inner
    if isinstance(block, Code):
        return (html.escape(block.text, quote=False),)
    if isinstance(block, Math):
        return (html.escape(block.text, quote=False),) if block.text else ()
    if isinstance(block, Table):
        cells = tuple(cell.html for row in block.rows for cell in row)
        return ((block.caption,) if block.caption else ()) + cells
    if isinstance(block, DefinitionList):
        return tuple(text for _, text in block.items)
    return tuple(f for f in (block.caption, block.credit) if f)


def map_fragments(block: Block, change) -> Block:
    """``block`` with ``change`` applied to each of its inline fragments (those of
    ``block_fragments``) and to a figure's alternative text; code and formulas stay as they
    are."""
    if isinstance(block, Paragraph | Heading):
        return replace(block, html=change(block.html))
    if isinstance(block, Quote):
        return replace(
            block,
            paragraphs=tuple(map(change, block.paragraphs)),
            attribution=change(block.attribution) if block.attribution else "",
        )
    if isinstance(block, ListBlock):
        nested = tuple(n if n is None else map_fragments(n, change) for n in block.nested)
        return replace(block, items=tuple(map(change, block.items)), nested=nested)
    if isinstance(block, Code | Math):
        return block
    if isinstance(block, Table):
        rows = tuple(tuple(replace(c, html=change(c.html)) for c in row) for row in block.rows)
        return replace(block, rows=rows, caption=change(block.caption) if block.caption else "")
    if isinstance(block, DefinitionList):
        return replace(block, items=tuple((kind, change(text)) for kind, text in block.items))
    return replace(
        block,
        caption=change(block.caption),
        alt=change(block.alt),
        credit=change(block.credit) if block.credit else "",
    )


def block_xhtml(
    block: Block, image_href: Callable[[str], str] | None = None, anchor: str = ""
) -> str:
    """A block as the XHTML both editions print: a heading (levels 2 to 4) takes ``anchor`` as
    its id, a figure's ``src`` goes through ``image_href`` when one is given."""
    if isinstance(block, Paragraph):
        return f"<p>{block.html}</p>"
    if isinstance(block, Heading):
        level = min(max(block.level, 2), 4)
        id_attribute = f' id="{anchor}"' if anchor else ""
        return f"<h{level}{id_attribute}>{block.html}</h{level}>"
    if isinstance(block, Quote):
        inner = "".join(f"<p>{p}</p>" for p in block.paragraphs)
        if block.attribution:
            inner += f'<footer class="quote-attribution">{block.attribution}</footer>'
        return f"<blockquote>{inner}</blockquote>"
    if isinstance(block, ListBlock):
        return _list_xhtml(block)
    if isinstance(block, Figure):
        src = image_href(block.src) if image_href else block.src
        caption = block.caption
        if block.credit:
            credit = f'<span class="figure-credit">{block.credit}</span>'
            caption += (" " if caption else "") + credit
        caption = f"<figcaption>{caption}</figcaption>" if caption else ""
        alt = html.escape(block.alt, quote=True)
        return f'<figure><img src="{html.escape(src, quote=True)}" alt="{alt}"/>{caption}</figure>'
    if isinstance(block, Code):
        language = html.escape(block.language, quote=True)
        attribute = f' class="language-{language}"' if language else ""
        text = html.escape(block.text, quote=False)
        return f'<pre class="code"><code{attribute}>{text}</code></pre>'
    if isinstance(block, Table):
        return _table_xhtml(block)
    if isinstance(block, DefinitionList):
        return "<dl>" + "".join(f"<{k}>{text}</{k}>" for k, text in block.items) + "</dl>"
    if isinstance(block, Math):
        return f'<div class="math-display">{block.mathml}</div>'
    raise TypeError(f"unknown block {block!r}")


def _list_xhtml(block: ListBlock) -> str:
    tag = "ol" if block.ordered else "ul"
    attributes = ""
    if block.ordered and block.start != 1:
        attributes += f' start="{block.start}"'
    if block.ordered and block.reversed:
        attributes += ' reversed="reversed"'
    nested = block.nested or (None,) * len(block.items)
    items = "".join(
        f"<li>{item}{_list_xhtml(inner) if inner is not None else ''}</li>"
        for item, inner in zip(block.items, nested, strict=False)
    )
    return f"<{tag}{attributes}>{items}</{tag}>"


def _table_xhtml(block: Table) -> str:
    wide = ' class="table-wide"' if block.columns > WIDE_TABLE_COLUMNS else ""
    caption = f"<caption>{block.caption}</caption>" if block.caption else ""
    head_rows = 0
    for row in block.rows[:-1]:
        if not all(cell.header for cell in row):
            break
        head_rows += 1

    def row_xhtml(row: tuple[Cell, ...], in_head: bool) -> str:
        cells = []
        for cell in row:
            tag = "th" if cell.header else "td"
            spans = ""
            if cell.colspan > 1:
                spans += f' colspan="{cell.colspan}"'
            if cell.rowspan > 1:
                spans += f' rowspan="{cell.rowspan}"'
            if cell.header:
                spans += ' scope="col"' if in_head else ' scope="row"'
            cells.append(f"<{tag}{spans}>{cell.html}</{tag}>")
        return "<tr>" + "".join(cells) + "</tr>"

    head = "".join(row_xhtml(r, True) for r in block.rows[:head_rows])
    body = "".join(row_xhtml(r, False) for r in block.rows[head_rows:])
    head = f"<thead>{head}</thead>" if head else ""
    return f"<table{wide}>{caption}{head}<tbody>{body}</tbody></table>"


@dataclass(frozen=True)
class Chapter:
    """An article placed in the book, with its stable id and file name."""

    id: str
    article: Article
    headings: tuple[tuple[str, str], ...] = ()  # (anchor id, heading text) for navigation
    terms: tuple[str, ...] = ()  # ids of the glossary entries linked here, in order of first use
    running_title: str = ""  # the editor's running head for print (book.toml); "" to shorten


@dataclass(frozen=True)
class Part:
    """A themed part: title, introduction (paragraphs of inline XHTML) and its chapters."""

    id: str
    number: int
    title: str
    intro: tuple[str, ...]
    chapters: tuple[Chapter, ...]


@dataclass(frozen=True)
class GlossaryEntry:
    """One glossary entry: headword, definition (inline XHTML), other forms, related entries."""

    id: str
    term: str
    definition: str
    aliases: tuple[str, ...] = ()
    see: tuple[str, ...] = ()
    category: str = "term"

    @property
    def forms(self) -> tuple[str, ...]:
        """Every spelling that links to this entry, the headword first."""
        return (self.term, *self.aliases)


@dataclass(frozen=True)
class Occurrence:
    """One use of an entry in a chapter: its anchor id, and whether it is the linked first use."""

    entry_id: str
    chapter_id: str
    anchor: str
    first: bool


@dataclass(frozen=True)
class IndexEntry:
    """A heading of the index: a glossary entry or a name listed in book.toml's [index] extra."""

    id: str
    term: str
    forms: tuple[str, ...]
    see: tuple[str, ...] = ()
    linked: bool = False  # True for glossary entries (linked from the text)
    label: str = ""  # as the index prints it: "Trotsky, Leon" for a person

    @property
    def heading(self) -> str:
        """The index heading."""
        return self.label or self.term


@dataclass(frozen=True)
class Book:
    """Everything the renderers need, in reading order."""

    title: str
    subtitle: str
    editor: str
    language: str
    description: str
    identifier: str
    slug: str
    parts: tuple[Part, ...]
    modified: str  # ISO 8601 UTC timestamp, seconds precision, ending in Z
    edition_date: date
    rights: str = ""
    glossary: tuple[GlossaryEntry, ...] = ()  # alphabetical
    index: tuple[IndexEntry, ...] = ()  # alphabetical
    occurrences: tuple[Occurrence, ...] = ()  # every use of every indexed term, in reading order
    labels: tuple[tuple[str, object], ...] = ()  # the editor's own labels ([labels] in book.toml)

    @property
    def chapters(self) -> tuple[Chapter, ...]:
        """All chapters in reading order."""
        return tuple(c for part in self.parts for c in part.chapters)

    @property
    def back_matter(self) -> tuple[tuple[str, str], ...]:
        """(id, title) of the documents after the last chapter, in order."""
        matter = []
        if self.glossary:
            matter.append(("glossary", "Glossary"))
        if self.index:
            matter.append(("index", "Index"))
        matter.append(("colophon", "Sources and colophon"))
        return tuple(matter)
