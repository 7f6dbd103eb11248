"""Tidy the walked blocks and judge the result.

Short furniture lines (``rules.furniture``), link-only teasers, repeats, everything after a
tail marker and head lines restating the metadata are dropped, each with its reason; then a
page that is not an article is refused.
"""

from __future__ import annotations

import re

from anthology.clean.html.byline import BY_PREFIX, bio_name, metadata_only
from anthology.clean.html.inline import inline_text, same_text
from anthology.clean.html.metadata import Meta
from anthology.clean.html.tree import SENTENCE_END
from anthology.clean.html.walker import Out
from anthology.clean.metadata import parse_date
from anthology.clean.rules import Rules
from anthology.core.errors import SourceError
from anthology.core.model import (
    Block,
    Code,
    DefinitionList,
    Dropped,
    Figure,
    Heading,
    Paragraph,
    Quote,
    Table,
    block_fragments,
)
from anthology.sources import Page

MIN_ARTICLE_CHARS = 120  # less body text than this is not an article
SHORT_LINE = 160  # furniture phrases only ever drop lines up to this long
TAIL_LINES = 3  # metadata lines are looked for among this many last blocks
_ERROR_TITLE = re.compile(
    r"\b(404|not found|page not found|no longer available|access denied|forbidden|error \d{3}|"
    r"server error|search results?)\b",
    re.I,
)


def tidy_blocks(out: Out, meta: Meta, rules: Rules) -> list[Block]:
    """Drop furniture lines, repeats, link-only teasers and everything after a tail marker."""
    blocks: list[Block] = []
    seen: dict[str, tuple] = {}  # each block's text, with the section it first fell under
    # The headings the block falls under, by level, each with whether it was new there: a
    # section under no new heading is the page repeating itself.
    path: dict[int, tuple[str, bool]] = {}
    for block in out.blocks:
        text = block_text(block)
        key = re.sub(r"\W+", " ", text).strip().casefold()
        if not key and not isinstance(block, Figure):
            continue
        if isinstance(block, Heading):
            path = {level: h for level, h in path.items() if level < block.level}
            path[block.level] = (key, key not in seen)
        section = tuple(key for key, _ in path.values())
        fresh = any(new for _, new in path.values())
        if (
            len(text) <= SHORT_LINE
            and rules.furniture.matches(text)
            and not isinstance(block, Figure | Code | Table)
        ):
            out.dropped.append(Dropped(text, rules.furniture.name))
            continue
        if (
            isinstance(block, Paragraph | Heading)
            and len(text) < 200
            and (_link_only(block.html) or _link_share(block.html) >= 0.6)
        ):
            out.dropped.append(Dropped(text, "a link on its own (teaser or related link)"))
            continue
        if (
            key in seen
            and len(key) >= 80
            and not isinstance(block, Figure)
            # The same text in another section, under a new heading, is the article's own (a
            # menu for each day, a step in each recipe); a pull quote or a page repeated for
            # another screen repeats within one section, or repeats its headings too.
            and (isinstance(block, Quote) or seen[key] == section or not fresh)
        ):
            out.dropped.append(Dropped(text, "repeated text (pull quote or duplicate)"))
            continue
        seen.setdefault(key, section)
        blocks.append(block)
    blocks = _cut_tail(blocks, out, rules)
    blocks = _cut_bio(blocks, out, meta)
    return _drop_head_metadata(blocks, out, meta)


def block_text(block: Block) -> str:
    """A block's plain text (items and paragraphs one a line)."""
    if isinstance(block, Paragraph | Heading):
        return inline_text(block.html)
    if isinstance(block, Code):
        return block.text
    if isinstance(block, Figure):
        return inline_text(block.caption)
    return "\n".join(inline_text(f) for f in block_fragments(block))


def measured_texts(blocks: list[Block]) -> list[str]:
    """The kept text, block by block, as the page-type model measures it (and was trained on):
    a table row, a term or definition, a stretch of code between blank lines each count as a
    block of their own, as they did when the walker set them as paragraphs."""
    texts: list[str] = []
    for block in blocks:
        if isinstance(block, Table):
            for row in block.rows:
                cells = [inline_text(c.html) for c in row]
                texts.append(" | ".join(c for c in cells if c))
        elif isinstance(block, DefinitionList):
            texts.extend(inline_text(text) for _, text in block.items)
        elif isinstance(block, Code):
            texts.extend(" ".join(part.split()) for part in re.split(r"\n\s*\n", block.text))
        else:
            texts.append(block_text(block))
    return [text for text in texts if text]


def _link_only(inline: str) -> bool:
    stripped = inline.strip()
    return (
        bool(
            re.fullmatch(
                r"(<(em|strong)>)*<a href=\"[^\"]*\">.*</a>(</(em|strong)>)*", stripped, re.S
            )
        )
        and stripped.count("<a ") == 1
    )


def _link_share(inline: str) -> float:
    """The share of an inline fragment's text that is link text."""
    text = inline_text(inline)
    links = sum(len(inline_text(m)) for m in re.findall(r"<a [^>]*>(.*?)</a>", inline, re.S))
    return links / len(text) if text else 0.0


def _prose_chars(block: Block) -> int:
    """Characters of prose: sentence-like pieces (a table's rows, a list's paragraphs of code
    measured one by one, as ``measured_texts`` gives them)."""
    return sum(
        len(text)
        for text in measured_texts([block])
        if len(text) >= 80 and SENTENCE_END.search(text)
    )


def _cut_tail(blocks: list[Block], out: Out, rules: Rules) -> list[Block]:
    prose = [_prose_chars(b) for b in blocks]
    for index, block in enumerate(blocks):
        if index == 0 or isinstance(block, Figure):
            continue
        text = block_text(block)
        if (
            len(text) <= 80
            and rules.tail.matches(text)
            and sum(prose[:index]) >= sum(prose[index:])
        ):
            for later in blocks[index:]:
                later_text = block_text(later)
                if later_text:
                    out.dropped.append(
                        Dropped(later_text[:300], "after the article's end (tail marker)")
                    )
            return blocks[:index]
    return blocks


def _cut_bio(blocks: list[Block], out: Out, meta: Meta) -> list[Block]:
    """The writer's bio after the article: a paragraph that starts with the byline's name and a
    bio verb, with at most half as much prose from it to the end as before it, and the
    paragraphs just after it that name the writer again ("Karina holds an MBA …")."""
    prose = [_prose_chars(b) for b in blocks]
    for index, block in enumerate(blocks):
        if index == 0 or not isinstance(block, Paragraph):
            continue
        text = block_text(block)
        if sum(prose[:index]) < 2 * sum(prose[index:]):
            continue
        name = bio_name(text, meta.byline)
        if not name:
            continue
        names = [w for w in re.findall(r"\w+", name) if len(w) >= 3]
        end = index + 1
        while (
            end < len(blocks)
            and isinstance(blocks[end], Paragraph)
            and any(re.search(rf"\b{re.escape(w)}\b", block_text(blocks[end])) for w in names)
        ):
            end += 1
        for bio in blocks[index:end]:
            out.dropped.append(
                Dropped(block_text(bio)[:300], "the writer's bio (after the article)")
            )
        return blocks[:index] + blocks[end:]
    return blocks


def _drop_head_metadata(blocks: list[Block], out: Out, meta: Meta) -> list[Block]:
    """Short lines above the first paragraph of prose that restate the byline, date or title."""
    kept: list[Block] = []
    started = False
    for block in blocks:
        text = block_text(block)
        if (
            not started
            and isinstance(block, Paragraph)
            and len(text) <= 100
            and not _prose_chars(block)
        ):
            if same_text(text, meta.title):
                out.dropped.append(Dropped(text, "the article's title"))
                continue
            if same_text(text, meta.standfirst):
                out.dropped.append(Dropped(text, "metadata (standfirst)"))
                continue
            if (
                BY_PREFIX.match(text)
                and len(text) <= 80
                or (meta.byline and same_text(text, meta.byline))
            ):
                out.dropped.append(Dropped(text, "metadata (byline)"))
                continue
            if parse_date(text) and len(text) <= 60:
                out.dropped.append(Dropped(text, "metadata (date)"))
                continue
            if metadata_only(text, meta.byline):
                out.dropped.append(Dropped(text, "metadata (byline, date or reading time)"))
                continue
        if _prose_chars(block):
            started = True
        kept.append(block)
    return _drop_tail_metadata(kept, out, meta)


def _drop_tail_metadata(blocks: list[Block], out: Out, meta: Meta) -> list[Block]:
    """Short lines below the last paragraph of prose made only of the byline, dates and the
    words of those lines, with a label ("Updated March 19, 2025", "Last reviewed January 2023"),
    among the last ``TAIL_LINES`` blocks (a column of dates further up is a table's)."""
    end = len(blocks)
    while end > 0 and not _prose_chars(blocks[end - 1]):
        end -= 1
    if end == 0:
        return blocks
    start = max(end, len(blocks) - TAIL_LINES)
    kept = blocks[:start]
    for block in blocks[start:]:
        text = block_text(block)
        if (
            isinstance(block, Paragraph)
            and len(text) <= 100
            and metadata_only(text, meta.byline, labelled=True)
        ):
            out.dropped.append(Dropped(text, "metadata (byline, date or reading time)"))
            continue
        kept.append(block)
    return kept


class ListingRefused(SourceError):
    """The page was refused as a listing: lists of links and headlines, little prose."""


def check_article(page: Page, meta: Meta, blocks: list[Block], out: Out) -> None:
    """Refuse pages that are not articles: error pages, listings, pages with too little prose."""
    texts = [block_text(b) for b in blocks]
    chars = sum(len(t) for t in texts)
    prose = sum(_prose_chars(b) for b in blocks)
    teasers = sum(1 for d in out.dropped if d.reason.startswith(("a link on its own", "link list")))
    teasers += sum(
        int(m.group(1))
        for d in out.dropped
        if (m := re.match(r"a list of (\d+) linked headlines", d.reason))
    )
    if chars == 0:
        if teasers or any(d.reason.startswith("link list") for d in out.dropped):
            raise ListingRefused(
                "not an article: only lists of links and headlines (a listing or home page)",
                page.shown,
            )
        raise SourceError("not an article: no text found in the page", page.shown)
    if _ERROR_TITLE.search(meta.title) and prose < 600 and not meta.is_article:
        raise SourceError(
            f"not an article: looks like an error or search page ({meta.title[:60]!r})", page.shown
        )
    if chars < MIN_ARTICLE_CHARS and not meta.is_article:
        raise SourceError(
            f"not an article: too little prose ({chars} characters of text)", page.shown
        )
    if (
        not meta.is_article
        and not meta.has_contents  # a document's links under its own sections' headings
        and teasers >= 8
        and prose < 1500
        and (meta.is_listing or prose < 400 * max(1, teasers // 8))
    ):
        raise ListingRefused(
            f"not an article: a listing of {teasers} links with little prose", page.shown
        )


def title_from_name(name: str) -> str:
    """A title made from a page's file name, for a page that states none."""
    stem = re.sub(r"(\.[A-Za-z]+)+$", "", name.rsplit("/", 1)[-1])
    words = re.sub(r"[-_]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else name
