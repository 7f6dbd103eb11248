"""A site's own rule (``rules/sites/<host>.toml`` or the edition's): what to drop, where the
article and its metadata are, and phrases to drop from the body."""

from __future__ import annotations

from bs4 import Tag
from lxml import etree

from anthology.clean.html.byline import clean_byline
from anthology.clean.html.dates import to_date
from anthology.clean.html.metadata import Meta
from anthology.clean.html.tidy import block_text
from anthology.clean.html.tree import NUMBER, WS, make_soup, record_drop, remove_keeping_tail
from anthology.clean.html.walker import Out
from anthology.clean.rules import SiteRule
from anthology.core.model import Block, Dropped
from anthology.core.text import smarten


def apply_site_rule(
    root: etree._Element,
    body: etree._Element,
    site: SiteRule,
    meta: Meta,
    dropped: list[Dropped],
) -> list[etree._Element]:
    """Drop what the site rule names, read its metadata selectors; return its kept containers.

    The selectors are CSS as BeautifulSoup reads them: the page is handed to BeautifulSoup
    whole, each element numbered so that what a selector finds is found in lxml's tree too.
    """
    elements = list(root.iter(etree.Element))
    for n, element in enumerate(elements):
        element.set(NUMBER, str(n))
    soup = make_soup(etree.tostring(root, encoding="unicode", method="html"))
    for element in elements:
        element.attrib.pop(NUMBER, None)

    def element_of(tag: Tag) -> etree._Element | None:
        n = tag.get(NUMBER)
        return elements[int(n)] if isinstance(n, str) and n.isdigit() else None

    reason = f"site rule {site.host}: {site.why}"
    soup_body = soup.body or soup
    for selector in site.drop:
        for tag in soup_body.select(selector):
            if tag.parent is not None:
                element = element_of(tag)
                record_drop(dropped, tag, reason)
                tag.decompose()
                if element is not None:
                    remove_keeping_tail(element)
    for field_name in ("title", "byline"):
        selector = getattr(site, field_name)
        found = soup.select_one(selector) if selector else None
        if found is not None and found.get_text(strip=True):
            text = smarten(WS.sub(" ", found.get_text(" ")).strip())
            setattr(meta, field_name, clean_byline(text) if field_name == "byline" else text)
    if site.date and (found := soup.select_one(site.date)) is not None:
        meta.date = to_date(found.get("datetime") or found.get_text(" ")) or meta.date
    return [
        element
        for selector in site.keep
        for tag in soup_body.select(selector)
        if (element := element_of(tag)) is not None
    ]


def drop_site_phrases(blocks: list[Block], site: SiteRule, out: Out) -> list[Block]:
    """The blocks without those matching one of the site rule's phrases."""
    kept = []
    for block in blocks:
        text = block_text(block)
        if any(p.search(text) for p in site.phrases):
            out.dropped.append(Dropped(text[:300], f"site rule {site.host}: {site.why}"))
        else:
            kept.append(block)
    return kept
