"""Glossary and index: find terms in the chapters, link the first use, mark every use.

``link_glossary(book, entries, extra)`` returns a new Book whose chapter bodies carry, for each
glossary entry, a link on its first use in the chapter (the EPUB shows it as a popup note)
and an anchor on every later use (for the index); names listed only for the index get anchors
alone. Text outside the inserted elements is left byte for byte as it was.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace

from anthology.core.model import (
    Block,
    Book,
    Chapter,
    GlossaryEntry,
    IndexEntry,
    ListBlock,
    Occurrence,
    Paragraph,
    Quote,
    map_fragments,
)
from anthology.core.text import localise, slugify

_TAG = re.compile(r"(<[^>]+>)")
_ARTICLES = re.compile(r"^(the|a|an)\s+", re.I)


def index_entries(glossary: Iterable[GlossaryEntry], extra: Iterable[str]) -> list[IndexEntry]:
    """The index headings: every glossary entry, then each extra name not already one."""
    labels = {e.term: index_label(e) for e in glossary}
    entries = [
        IndexEntry(
            e.id, e.term, e.forms, tuple(labels.get(t, t) for t in e.see), True, labels[e.term]
        )
        for e in glossary
    ]
    known = {form.casefold() for e in entries for form in e.forms}
    for name in extra:
        if name.casefold() not in known:
            entries.append(IndexEntry(f"i-{slugify(name, 40)}", name, (name,)))
            known.add(name.casefold())
    return entries


def index_label(entry: GlossaryEntry) -> str:
    """People are indexed by surname: "Leon Trotsky" → "Trotsky, Leon"."""
    words = entry.term.split()
    if entry.category == "person" and len(words) > 1 and "," not in entry.term:
        return f"{words[-1]}, {' '.join(words[:-1])}"
    return entry.term


def form_pattern(form: str) -> str:
    """A regular expression for one spelling, matched against escaped XHTML text.

    Terms are plain text, never patterns: "C++" and "(SR)" match themselves. Case is matched
    sensibly: an acronym exactly; a capitalised name with its first letter as written; a
    lower-case word also when capitalised at the start of a sentence.
    """
    escaped = html.escape(form, quote=False)
    letters = [c for c in form if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return re.escape(escaped)
    first, rest = escaped[0], escaped[1:]
    head = (
        f"[{re.escape(first)}{re.escape(first.upper())}]" if first.islower() else re.escape(first)
    )
    return head + (f"(?i:{re.escape(rest)})" if rest else "")


class TermMatcher:
    """Finds the earliest, longest use of any form of any entry in a run of text."""

    def __init__(self, entries: list[IndexEntry]):
        self.by_form = {form.casefold(): entry for entry in entries for form in entry.forms}
        forms = sorted(self.by_form, key=len, reverse=True)
        originals = {form.casefold(): form for entry in entries for form in entry.forms}
        if forms:
            alternatives = "|".join(form_pattern(originals[f]) for f in forms)
            self.regex: re.Pattern[str] | None = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
        else:
            self.regex = None

    def entry_for(self, matched: str) -> IndexEntry:
        """The entry a matched (escaped) text belongs to."""
        return self.by_form[html.unescape(matched).casefold()]


def link_glossary(
    book: Book, glossary: tuple[GlossaryEntry, ...], extra: tuple[str, ...] = ()
) -> Book:
    """Link and mark the uses of glossary terms (and index names) in every chapter.

    Args:
        book: the assembled book.
        glossary: the edition's glossary entries.
        extra: names to index besides the glossary (book.toml's [index] extra).

    Returns:
        A new Book with linked chapters, the glossary, the index headings and every use found.
    """
    entries = index_entries(glossary, extra)
    if not entries:
        return book
    # Definitions are written in the book's language: its quotation marks and spacing.
    glossary = tuple(replace(e, definition=localise(e.definition, book.language)) for e in glossary)
    matcher = TermMatcher(entries)
    occurrences: list[Occurrence] = []
    parts = []
    for part in book.parts:
        chapters = []
        for chapter in part.chapters:
            linked, found = _link_chapter(chapter, matcher)
            chapters.append(linked)
            occurrences.extend(found)
        parts.append(replace(part, chapters=tuple(chapters)))
    return replace(
        book,
        parts=tuple(parts),
        glossary=tuple(sorted(glossary, key=lambda e: sort_key(index_label(e)))),
        index=tuple(sorted(entries, key=lambda e: sort_key(e.heading))),
        occurrences=tuple(occurrences),
    )


def _link_chapter(chapter: Chapter, matcher: TermMatcher) -> tuple[Chapter, list[Occurrence]]:
    found: list[Occurrence] = []
    counts: dict[str, int] = {}

    def mark(match: re.Match[str]) -> str:
        entry = matcher.entry_for(match.group(0))
        n = counts.get(entry.id, 0) + 1
        counts[entry.id] = n
        text = match.group(0)
        if n == 1 and entry.linked:
            anchor = f"t-{chapter.id}-{entry.id}"
            found.append(Occurrence(entry.id, chapter.id, anchor, True))
            return (
                f'<a class="glossary-term" id="{anchor}" href="#n-{chapter.id}-{entry.id}" '
                f'epub:type="noteref" role="doc-noteref">{text}</a>'
            )
        anchor = f"x-{chapter.id}-{entry.id}-{n}"
        found.append(Occurrence(entry.id, chapter.id, anchor, False))
        return f'<span class="index-mark" id="{anchor}">{text}</span>'

    def link(fragment: str) -> str:
        return link_fragment(fragment, matcher, mark)

    body = tuple(_link_block(block, link) for block in chapter.article.body)
    terms = tuple(dict.fromkeys(o.entry_id for o in found if o.first))
    article = replace(chapter.article, body=body)
    return replace(chapter, article=article, terms=terms), found


def _link_block(block: Block, link) -> Block:
    if isinstance(block, Paragraph | Quote | ListBlock):
        return map_fragments(block, link)
    return block  # headings and figures are never linked


def link_fragment(fragment: str, matcher: TermMatcher, mark) -> str:
    """Apply ``mark`` to each term in the text of an inline XHTML fragment, outside links."""
    if matcher.regex is None:
        return fragment
    out: list[str] = []
    inside_link = 0
    for token in _TAG.split(fragment):
        if token.startswith("<"):
            if re.match(r"<(?:a|code|kbd|samp|var|math)[\s>]", token):
                inside_link += 1  # no term is linked inside a link, literal text or a formula
            elif re.match(r"</(?:a|code|kbd|samp|var|math)>", token):
                inside_link = max(0, inside_link - 1)
            out.append(token)
        elif inside_link or not token:
            out.append(token)
        else:
            out.append(matcher.regex.sub(mark, token))
    return "".join(out)


def sort_key(term: str) -> tuple[str, str]:
    """Alphabetical order for an index: accents folded, case ignored, a leading article too."""
    folded = unicodedata.normalize("NFKD", term)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = _ARTICLES.sub("", folded.replace("\u2018", "").replace("\u2019", "'"))
    return (re.sub(r"[^\w\s]", "", folded).casefold().strip(), term)


def page_ranges(pages: Iterable[int]) -> str:
    """``[3, 4, 5, 9, 12, 13]`` → ``"3–5, 9, 12–13"``."""
    numbers = sorted(set(pages))
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}\u2013{r[-1]}" for r in runs)
