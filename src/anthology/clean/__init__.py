"""Cleaning: one ``Page`` in, one ``Article`` out, with a record of what was dropped and why."""

from __future__ import annotations

from anthology.clean.rules import Rules, default_rules
from anthology.model import Article
from anthology.sources import Page


def clean(page: Page, rules: Rules | None = None) -> Article:
    """Clean a page of either kind into an ``Article``.

    Raises:
        SourceError: no article can be found in the page.
    """
    rules = rules or default_rules()
    if page.kind == "html":
        from anthology.clean.html import clean_html

        return clean_html(page, rules)
    from anthology.clean.text import clean_text

    return clean_text(page, rules)
