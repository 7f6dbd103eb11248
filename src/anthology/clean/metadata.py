"""Metadata helpers shared by the cleaners: dates written the many ways pages write them."""

from __future__ import annotations

import re
from datetime import date

from anthology.core.limits import TITLE_MAX_CHARS

# Month names as pages write them, January first: English, then the languages whose pages an
# edition is most likely to hold (Russian and Ukrainian in the genitive that follows a day
# number, and the nominative). Abbreviations are those without a trailing letter lost.
_MONTH_NAMES = (
    "january jan janvier janv januar jän enero janeiro gennaio januari"
    " января январь янв січня січень січ",
    "february feb février févr fevrier februar febrero fevereiro febbraio februari"
    " февраля февраль фев лютого лютий лют",
    "march mar mars märz maerz marzo março marco maart марта март мар березня березень бер",
    "april apr avril abril aprile апреля апрель апр квітня квітень квіт",
    "may mai mayo maio maggio mei мая май травня травень трав",
    "june jun juin juni junio junho giugno июня июнь июн червня червень черв",
    "july jul juillet juil juli julio julho luglio июля июль июл липня липень лип",
    "august aug août aout agosto augustus августа август авг серпня серпень серп",
    "september sep sept septembre septiembre setiembre setembro settembre"
    " сентября сентябрь сен сент вересня вересень вер",
    "october oct octobre oktober okt octubre outubro ottobre октября октябрь окт"
    " жовтня жовтень жовт",
    "november nov novembre noviembre novembro ноября ноябрь ноя нояб листопада листопад лист",
    "december dec décembre déc decembre dezember dez diciembre dezembro dicembre"
    " декабря декабрь дек грудня грудень груд",
)
_MONTHS = {
    name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names.split()
}


def is_month(word: str) -> bool:
    """Whether a word (in lower case) is a month's name or its abbreviation."""
    return word.rstrip(".") in _MONTHS


_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_SEP = r"[\s\u00a0]+"
# "29 October 2014", "29th of October 2014", "29. Oktober 2014", "29 de octubre de 2014",
# "29 октября 2014 г."
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\w)(\d{{1,2}})(?:st|nd|rd|th|er|\.)?{_SEP}(?:(?:de|of){_SEP})?({_MONTH})\.?,?{_SEP}"
    rf"(?:de{_SEP})?(\d{{4}})\b",
    re.I,
)
_MONTH_DAY_YEAR = re.compile(
    rf"(?<!\w)({_MONTH})\.?{_SEP}(\d{{1,2}})(?:st|nd|rd|th)?,?{_SEP}(\d{{4}})\b", re.I
)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?!\d)")


def parse_date(text: str) -> date | None:
    """The first calendar date written in ``text``, or None.

    Understands ``29 October 2014``, ``15 April, 2003``, ``October 29, 2014``, ``2014-10-29``
    and day-month-year dates in the languages of ``_MONTH_NAMES`` (``29. Oktober 2014``,
    ``29 de octubre de 2014``, ``29 октября 2014``).
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
