"""Put cleaned articles in the edition's order: parts by theme, chapters with stable ids."""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from anthology.config.edition import ArticleEntry, Edition
from anthology.core.model import Article, Book, Chapter, Heading, Part, map_fragments
from anthology.core.text import localise, needs_localising, slugify, smarten, strip_tags, to_html

if TYPE_CHECKING:
    from anthology.plan import Plan

# A fixed namespace so that the same edition always gets the same identifier.
_NAMESPACE = uuid.UUID("6f2a7c7e-3b1e-4f51-9a43-1c5b1f0e9d17")


# The ids of the book's own pages (render/templates), which no chapter or heading may take.
BOOK_IDS = frozenset(
    [
        "titlepage",
        "toc",
        "toc-title",
        "landmarks",
        "page-list",
        "colophon",
        "colophon-title",
        "glossary",
        "glossary-title",
        "index",
        "index-title",
    ]
)
# The ids the templates derive from a chapter's: its title's and its glossary notes'.
CHAPTER_ID_SUFFIXES = ("-title", "-terms")


def assemble(edition: Edition, articles: dict[str, Article], plan: Plan | None = None) -> Book:
    """Build the ``Book`` from the edition and its articles, keyed by source name.

    Args:
        edition: the validated edition.
        articles: every cleaned article, keyed by its source name (as in ``book.toml``).
        plan: the themed parts to use when ``book.toml`` lists none.

    Returns:
        The book in reading order, with stable ids for parts, chapters and headings.
    """
    if edition.configured and edition.parts:
        # A page left out by --keep-going leaves its part shorter (or out, when empty).
        layout = [
            (
                p.title,
                p.intro,
                [(e, articles[e.source]) for e in p.articles if e.source in articles],
            )
            for p in edition.parts
        ]
        layout = [entry for entry in layout if entry[2]]
    elif plan is not None and plan.parts:
        layout = [
            (
                p.title,
                "",
                [(ArticleEntry(source=s), articles[s]) for s in p.sources if s in articles],
            )
            for p in plan.parts
        ]
        layout = [entry for entry in layout if entry[2]]
    else:
        ordered = sorted(
            articles.values(), key=lambda a: (a.date is None, a.date or date.min, a.source)
        )
        layout = [("Articles", "", [(ArticleEntry(source=a.source), a) for a in ordered])]

    def typeset(text: str) -> str:
        return smarten(text, edition.language)

    # Ids the book's own pages and parts hold, so that no chapter or heading takes one (a
    # chapter titled "Index", a section headed "Title" in a chapter whose title id it would be).
    used_ids: set[str] = set(BOOK_IDS)
    for number in range(1, len(layout) + 1):
        used_ids.update((f"part-{number}", f"part-{number}-title"))
    parts = []
    for number, (title, intro, entries) in enumerate(layout, start=1):
        chapters = tuple(
            _chapter(_with_overrides(article, entry, edition), used_ids, entry.running_title)
            for entry, article in entries
        )
        parts.append(
            Part(
                id=f"part-{number}",
                number=number,
                title=typeset(title),
                intro=tuple(to_html(typeset(p)) for p in re.split(r"\n\s*\n", intro) if p.strip()),
                chapters=chapters,
            )
        )
    modified = build_time()
    return Book(
        title=typeset(edition.title),
        subtitle=typeset(edition.subtitle),
        editor=edition.editor,
        language=edition.language,
        description=typeset(edition.description),
        identifier=edition.identifier or _identifier(edition),
        slug=slugify(edition.title) or "reader",
        parts=tuple(parts),
        modified=modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
        edition_date=edition.date or modified.date(),
        rights=typeset(edition.rights),
        labels=edition.labels,
    )


def build_time() -> datetime:
    """The build's timestamp: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(tz=UTC).replace(microsecond=0)


def _with_overrides(article: Article, entry: ArticleEntry, edition: Edition) -> Article:
    changes: dict = {}
    if entry.title:
        changes["title"] = smarten(entry.title)
        changes["kicker"] = ""
    if entry.author:
        changes["byline"] = smarten(entry.author)
    if entry.date:
        changes["date"] = entry.date
    if entry.url:
        changes["url"] = entry.url
    if entry.publication:
        changes["publication"] = smarten(entry.publication)
    if entry.standfirst:
        changes["standfirst"] = smarten(entry.standfirst)
    if not article.language:
        changes["language"] = edition.language
    article = replace(article, **changes) if changes else article
    return _in_its_language(article, article.language)


def _in_its_language(article: Article, language: str) -> Article:
    """The article with its quotation marks, spacing and dashes set as books in its language
    set them (the cleaner writes the house style's, English; this is done once, here, where the
    chapter's language is final)."""
    if not needs_localising(language):
        return article  # the house style stands

    def local(text: str) -> str:
        return localise(text, language)

    return replace(
        article,
        title=local(article.title),
        standfirst=local(article.standfirst),
        kicker=local(article.kicker),
        byline=local(article.byline),
        body=tuple(map_fragments(block, local) for block in article.body),
    )


def _chapter(article: Article, used_ids: set[str], running_title: str = "") -> Chapter:
    base = slugify(article.title, 40) or "chapter"
    chapter_id = _unique(base, used_ids, CHAPTER_ID_SUFFIXES)
    headings = []
    for block in article.body:
        if isinstance(block, Heading):
            anchor = _unique(f"{chapter_id}-{slugify(strip_tags(block.html), 30)}", used_ids)
            headings.append((anchor, strip_tags(block.html)))
    if running_title:
        running_title = smarten(running_title)
        if needs_localising(article.language):
            running_title = localise(running_title, article.language)
    return Chapter(
        id=chapter_id, article=article, headings=tuple(headings), running_title=running_title
    )


def _unique(base: str, used: set[str], suffixes: tuple[str, ...] = ()) -> str:
    """An id from ``base`` not in ``used`` (nor, with each of ``suffixes``, the ids the
    templates derive from it: ``<chapter>-title``), added to ``used`` with those."""
    # XML ids must not start with a digit.
    base = base if base[:1].isalpha() else f"c-{base}"
    candidate = base
    n = 2
    while any(candidate + suffix in used for suffix in ("", *suffixes)):
        candidate = f"{base}-{n}"
        n += 1
    used.update(candidate + suffix for suffix in ("", *suffixes))
    return candidate


def _identifier(edition: Edition) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{edition.title}|{edition.editor}')}"
