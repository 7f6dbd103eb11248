"""Dates as pages write them: the one parser both cleaners read visible dates with."""

from __future__ import annotations

from datetime import date

import pytest

from anthology.clean.metadata import parse_date

CASES = [
    ("29 October 2014", date(2014, 10, 29)),
    ("Published 5th Oct. 2019", date(2019, 10, 5)),
    ("10th of May 2020", date(2020, 5, 10)),
    ("October 29, 2014", date(2014, 10, 29)),
    ("15 April, 2003", date(2003, 4, 15)),
    ("2014-10-29T08:00:00Z", date(2014, 10, 29)),
    ("25 мая 2022", date(2022, 5, 25)),
    ("Опубликовано 7 ноября 1917 г.", date(1917, 11, 7)),
    ("12 листопада 2021", date(2021, 11, 12)),
    ("25. Mai 2022", date(2022, 5, 25)),
    ("1er janvier 2020", date(2020, 1, 1)),
    ("le 3 décembre 2019", date(2019, 12, 3)),
    ("segunda-feira, 22 de janeiro de 2018 às 0:13", date(2018, 1, 22)),
    ("29 de octubre de 2014", date(2014, 10, 29)),
    ("3 maggio 2021", date(2021, 5, 3)),
    ("7 mei 2020", date(2020, 5, 7)),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_written_date_is_read(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "In 1917 there were 25 in march",  # no year after the month
        "31 February 2020",  # no such day
        "Mr 25 May",
        "the 25 marchers of 2020",
        "page 12 of 2020",
    ],
)
def test_what_is_not_a_date_is_not_read(text: str) -> None:
    assert parse_date(text) is None
