"""The document model shared by every stage: blocks, articles, chapters, parts and the book.

Inline content (``Paragraph.html``, ``Heading.html`` …) is a fragment of clean XHTML: escaped
text with, at most, the inline elements ``em strong a abbr q sup sub br span``. The cleaners
are the only producers of it and guarantee it; later stages never parse pages again.
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
    """A quotation set off from the text (one or more paragraphs)."""

    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class ListBlock:
    """A bulleted or numbered list; each item is inline XHTML."""

    items: tuple[str, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Figure:
    """An image with its alternative text and caption; ``src`` is a path inside the edition."""

    src: str
    alt: str = ""
    caption: str = ""


Block = Paragraph | Heading | Quote | ListBlock | Figure


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
    """The inline XHTML fragments of a block: its text, its paragraphs or items, a caption."""
    if isinstance(block, Paragraph | Heading):
        return (block.html,)
    if isinstance(block, Quote):
        return block.paragraphs
    if isinstance(block, ListBlock):
        return block.items
    return (block.caption,)


def map_fragments(block: Block, change) -> Block:
    """``block`` with ``change`` applied to each of its inline fragments (those of
    ``block_fragments``) and to a figure's alternative text."""
    if isinstance(block, Paragraph | Heading):
        return replace(block, html=change(block.html))
    if isinstance(block, Quote):
        return replace(block, paragraphs=tuple(map(change, block.paragraphs)))
    if isinstance(block, ListBlock):
        return replace(block, items=tuple(map(change, block.items)))
    return replace(block, caption=change(block.caption), alt=change(block.alt))


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
        return f"<blockquote>{inner}</blockquote>"
    if isinstance(block, ListBlock):
        tag = "ol" if block.ordered else "ul"
        return f"<{tag}>" + "".join(f"<li>{item}</li>" for item in block.items) + f"</{tag}>"
    if isinstance(block, Figure):
        src = image_href(block.src) if image_href else block.src
        caption = f"<figcaption>{block.caption}</figcaption>" if block.caption else ""
        alt = html.escape(block.alt, quote=True)
        return f'<figure><img src="{html.escape(src, quote=True)}" alt="{alt}"/>{caption}</figure>'
    raise TypeError(f"unknown block {block!r}")


@dataclass(frozen=True)
class Chapter:
    """An article placed in the book, with its stable id and file name."""

    id: str
    article: Article
    headings: tuple[tuple[str, str], ...] = ()  # (anchor id, heading text) for navigation
    terms: tuple[str, ...] = ()  # ids of the glossary entries linked here, in order of first use


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
