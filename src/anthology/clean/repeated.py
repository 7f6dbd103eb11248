"""Boilerplate learned across the edition: what several pages of one site share is the site's.

A footer, a "Donate to …" box or a "Read more from …" line that sits inside the article's
container escapes every rule that looks at one page; but the same paragraph on several pages
from the same site is the site talking, not the author. Quotations are never dropped this way
(two articles may quote the same speech), nor long paragraphs.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import replace
from urllib.parse import urlsplit

from anthology.core.model import Article, Dropped, ListBlock, Paragraph
from anthology.core.text import strip_tags

MAX_CHARS = 300  # longer paragraphs are the authors' even when repeated
MIN_PAGES_SAME_SITE = 2
MIN_PAGES_UNKNOWN_SITE = 3


def site_of(article: Article) -> str:
    """The site an article came from: its URL's host, else its publication, else ""."""
    host = urlsplit(article.url).hostname if article.url else None
    if host:
        return host.removeprefix("www.")
    return article.publication.casefold()


def _key(html_text: str) -> str:
    return re.sub(r"\W+", " ", strip_tags(html_text)).strip().casefold()


def drop_repeated_across(articles: dict[str, Article]) -> dict[str, Article]:
    """Remove short paragraphs and list items that recur across pages of the same site.

    Args:
        articles: every cleaned article of the edition, keyed by source name.

    Returns:
        The articles, with the shared furniture dropped and recorded in ``dropped``.
    """
    groups: dict[str, list[str]] = defaultdict(list)
    for name, article in articles.items():
        groups[site_of(article)].append(name)
    result = dict(articles)
    for site, names in groups.items():
        needed = MIN_PAGES_SAME_SITE if site else MIN_PAGES_UNKNOWN_SITE
        if len(names) < needed:
            continue
        seen: Counter[str] = Counter()
        for name in names:
            seen.update({_key(t) for t in _short_texts(articles[name]) if _key(t)})
        shared = {key for key, pages in seen.items() if pages >= needed}
        if not shared:
            continue
        for name in names:
            result[name] = _without(articles[name], shared, site or "this edition", seen)
    return result


def _short_texts(article: Article) -> list[str]:
    texts = []
    for block in article.body:
        if isinstance(block, Paragraph) and len(strip_tags(block.html)) <= MAX_CHARS:
            texts.append(block.html)
        elif isinstance(block, ListBlock):
            texts.extend(i for i in block.items if len(strip_tags(i)) <= MAX_CHARS)
    return texts


def _without(article: Article, shared: set[str], site: str, seen: Counter[str]) -> Article:
    body, dropped = [], list(article.dropped)

    def reason(text: str) -> str:
        return f"repeated on {seen[_key(text)]} pages from {site}"

    for block in article.body:
        if (
            isinstance(block, Paragraph)
            and _key(block.html) in shared
            and len(strip_tags(block.html)) <= MAX_CHARS
        ):
            dropped.append(Dropped(strip_tags(block.html), reason(block.html)))
            continue
        if isinstance(block, ListBlock):
            nested = block.nested or (None,) * len(block.items)
            kept = [
                (i, n)
                for i, n in zip(block.items, nested, strict=False)
                if _key(i) not in shared or n
            ]
            items = tuple(i for i, _ in kept)
            dropped += [Dropped(strip_tags(i), reason(i)) for i in block.items if i not in items]
            if not items:
                continue
            nested = tuple(n for _, n in kept) if block.nested else ()
            block = replace(block, items=items, nested=nested)
        body.append(block)
    if len(body) == len(article.body) and len(dropped) == len(article.dropped):
        return article
    return replace(article, body=tuple(body), dropped=tuple(dropped))
