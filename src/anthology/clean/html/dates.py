"""The publication date: from the metadata, a ``<time>`` or a visible dateline."""

from __future__ import annotations

import re
from datetime import date

from lxml import etree

from anthology.clean.html.furniture import in_furniture
from anthology.clean.html.tree import ancestors, node_text
from anthology.clean.metadata import parse_date

_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")

# Meta names that state the publication date, in order of trust (after JSON-LD and
# article:published_time).
DATE_KEYS = (
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "dcterms.date",
    "citation_publication_date",
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
    "original-publish-date",
    "datepublished",
    "og:published_time",
    "published_time",
    "published-time",
    "published-date",
    "published_date",
    "published_at",
    "published",
    "release_date",
    "datecreated",
)


def stated_date(
    ld: dict[str, str],
    props: dict[str, str],
    times: list[etree._Element],
    candidates: list[etree._Element],
) -> date | None:
    """The publication date from the most trusted place that states it: JSON-LD, ``<meta>``,
    ``<time>`` (``times``) and the visible dates (``candidates``)."""
    return (
        to_date(ld.get("date"))
        or to_date(props.get("article:published_time"))
        or _first_date(props, DATE_KEYS)
        or _time_date(times)
        or _visible_date(candidates)
    )


# Dates in figures: "2025/09/25", "25.09.2025" (day first, as every dotted date is) and
# "09/25/2025" or "25/09/2025" when the day cannot be the month (over 12).
_YEAR_FIRST = re.compile(r"(?<!\d)(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?!\d)")
_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")
_SLASHED = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)")


def to_date(value: str | None) -> date | None:
    """The date an ISO string, a written date or a date in figures states, or None."""
    if not value or not isinstance(value, str):
        return None
    match = _ISO_DATE.match(value)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
    return parse_date(value[:200]) or _figures_date(value[:200])


def _figures_date(text: str) -> date | None:
    parts: tuple[int, int, int] | None = None
    if match := _YEAR_FIRST.search(text):
        parts = (int(match.group(1)), int(match.group(2)), int(match.group(3)))
    elif match := _DOTTED.search(text):
        parts = (int(match.group(3)), int(match.group(2)), int(match.group(1)))
    elif match := _SLASHED.search(text):
        first, second, year = (int(g) for g in match.groups())
        if first > 12 >= second:
            parts = (year, second, first)
        elif second > 12 >= first:
            parts = (year, first, second)
    if parts is None:
        return None
    try:
        return date(*parts)
    except ValueError:
        return None


def _first_date(props: dict[str, str], keys: tuple[str, ...]) -> date | None:
    for key in keys:
        value = to_date(props.get(key))
        if value:
            return value
    return None


def _time_date(times: list[etree._Element]) -> date | None:
    """A ``<time>`` that says it is the publication date, or the first one inside an article."""
    times = [t for t in times if not in_furniture(t)]
    preferred = [
        t
        for t in times
        if t.get("itemprop") == "datePublished"
        or t.get("pubdate") is not None
        or "publish" in t.get("class", "").lower()
    ]
    inside = [t for t in times if any(p.tag == "article" for p in ancestors(t, 30))]
    for element in preferred + inside:
        value = to_date(element.get("datetime")) or to_date(node_text(element))
        if value:
            return value
    return None


def _visible_date(candidates: list[etree._Element]) -> date | None:
    for element in candidates:
        if in_furniture(element):
            continue
        text = node_text(element)
        if len(text) <= 200:
            value = parse_date(text)
            if value:
                return value
    return None
