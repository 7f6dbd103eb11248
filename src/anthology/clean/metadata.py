"""Metadata helpers shared by the cleaners: dates written the many ways pages write them."""

from __future__ import annotations

import re
from datetime import date

from anthology.config import TITLE_MAX_CHARS

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_SEP = r"[\s\u00a0]+"
_DAY_MONTH_YEAR = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?{_SEP}({_MONTH})\.?,?{_SEP}(\d{{4}})\b", re.I
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b({_MONTH})\.?{_SEP}(\d{{1,2}})(?:st|nd|rd|th)?,?{_SEP}(\d{{4}})\b", re.I
)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def parse_date(text: str) -> date | None:
    """The first calendar date written in ``text``, or None.

    Understands ``29 October 2014``, ``15 April, 2003``, ``October 29, 2014`` and ``2014-10-29``.
    """
    candidates: list[tuple[int, date]] = []
    for pattern, order in ((_DAY_MONTH_YEAR, "dmy"), (_MONTH_DAY_YEAR, "mdy"), (_ISO, "ymd")):
        for match in pattern.finditer(text):
            parts = dict(zip(order, match.groups(), strict=True))
            month = parts["m"]
            month_number = int(month) if month.isdigit() else _MONTHS[month.lower()]
            try:
                value = date(int(parts["y"]), month_number, int(parts["d"]))
            except ValueError:
                continue
            candidates.append((match.start(), value))
            break
    return min(candidates)[1] if candidates else None


def short_title(title: str, limit: int = TITLE_MAX_CHARS) -> str:
    """``title``, or its first words up to ``limit`` characters and an ellipsis when longer.

    A running head, a table of contents entry and a file name all need a title of sane length.
    """
    if len(title) <= limit:
        return title
    cut = title[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.\u2013\u2014-")
    if len(cut) < limit // 2:
        cut = title[: limit - 1]
    return cut + "\u2026"
