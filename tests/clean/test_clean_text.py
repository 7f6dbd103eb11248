"""The text-dump cleaner on the default edition's real pages, and on shapes of other sites."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from anthology.clean.text import clean_text
from anthology.config.edition import Edition
from anthology.core.errors import SourceError
from anthology.core.model import Heading, ListBlock, Paragraph, Quote
from anthology.core.text import smarten, strip_tags
from anthology.sources import read_page
from tests.paths import FIXTURES, SOURCES

EXPECTED = tomllib.loads((FIXTURES / "seeds.toml").read_text(encoding="utf-8"))
EDITION = Edition(root=SOURCES.parent, title="test")


def _article(name: str):
    return clean_text(read_page(SOURCES / name, EDITION))


def _texts(article) -> list[str]:
    texts = []
    for block in article.body:
        if isinstance(block, Paragraph | Heading):
            texts.append(strip_tags(block.html))
        elif isinstance(block, Quote):
            texts.extend(strip_tags(p) for p in block.paragraphs)
        elif isinstance(block, ListBlock):
            texts.extend(strip_tags(i) for i in block.items)
    return texts


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_article_starts_and_ends_where_the_author_did(name: str) -> None:
    texts = _texts(_article(name))
    expected = EXPECTED[name]
    assert texts[0].startswith(expected["first"])
    assert texts[-1].endswith(expected["last"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_line_of_the_article_survives(name: str) -> None:
    """Each line of the page between the first and last sentence is in the chapter, in order."""
    expected = EXPECTED[name]
    lines = [smarten(x) for x in (SOURCES / name).read_text(encoding="utf-8").splitlines()]
    lines = [x for x in lines if x]
    start = next(i for i, x in enumerate(lines) if x.startswith(expected["first"]))
    end = next(i for i, x in enumerate(lines) if x.endswith(expected["last"]))
    body = _texts(_article(name))
    assert body == lines[start : end + 1] or _same_allowing_dropped(body, lines[start : end + 1])


def _same_allowing_dropped(body: list[str], source: list[str]) -> bool:
    # Inside the article only short, sentence-less furniture lines (captions, teasers,
    # series notes) may go; every line that reads as a sentence must be kept, in order.
    kept = iter(body)
    for line in source:
        if line in body:
            assert next(kept) == line
        else:
            assert len(line.split()) < 12 or not re.search(r"[.!?”]$", line), line
    return True


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_furniture_survives(name: str) -> None:
    article = _article(name)
    text = "\n".join(_texts(article))
    for phrase in EXPECTED[name]["furniture"]:
        assert phrase.lower() not in text.lower(), phrase


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata_from_the_page(name: str) -> None:
    article = _article(name)
    expected = EXPECTED[name]
    assert article.title == expected["title"]
    for key in ("kicker", "byline", "standfirst", "publication", "date"):
        assert getattr(article, key) == expected.get(key, "" if key != "date" else None), key


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_structure(name: str) -> None:
    article = _article(name)
    headings = [strip_tags(b.html) for b in article.body if isinstance(b, Heading)]
    quotes = [b for b in article.body if isinstance(b, Quote)]
    assert headings == EXPECTED[name]["headings"]
    assert len(quotes) == EXPECTED[name]["quotes"]
    for phrase in EXPECTED[name].get("repairs", []):
        assert phrase in "\n".join(_texts(article))


def test_multi_paragraph_quotation_is_one_blockquote() -> None:
    article = _article("trotsky-from-prison-to-power.txt")
    last = [b for b in article.body if isinstance(b, Quote)][-1]
    assert len(last.paragraphs) == 2
    assert last.paragraphs[-1].endswith("into the dustbin of history!\u201d")


def test_dropped_lines_are_reported_with_a_reason() -> None:
    article = _article("trotsky-leader-who-armed-the-workers.txt")
    reasons = {d.reason for d in article.dropped}
    assert "furniture" in reasons
    assert any("repeated" in r for r in reasons)
    assert all(d.text and d.reason for d in article.dropped)


def _page(tmp_path: Path, text: str):
    (tmp_path / "sources").mkdir(exist_ok=True)
    path = tmp_path / "sources" / "page.txt"
    path.write_text(text, encoding="utf-8")
    return read_page(path, Edition(root=tmp_path, title="t"))


PROSE = (
    "The strike began on a Monday morning when the tram drivers walked out of the depot together. "
    "By the afternoon the bakers had joined them and the whole quarter was quiet."
)


def test_other_sites_furniture_goes_by_structure(tmp_path: Path) -> None:
    """Shapes of another site's dump: nav run, cookie notice, related links, archive months."""
    text = "\n".join(
        [
            "Home",
            "News",
            "Opinion",
            "Culture",
            "",
            "The tram strike of 1917",
            "",
            "By Anna Petrova",
            "",
            PROSE,
            "",
            "Why it mattered",
            "",
            PROSE.replace("Monday", "Tuesday"),
            "",
            PROSE.replace("Monday", "Friday"),
            "",
            "Related articles",
            "The bread riots",
            "A history of the depot",
            "",
            "We use cookies to improve your experience. By continuing to browse you accept this.",
            "March 2020",
            "April 2020",
            "May 2020",
        ]
    )
    article = clean_text(_page(tmp_path, text))
    body = "\n".join(_texts(article))
    assert article.title == "The tram strike of 1917"
    assert article.byline == "Anna Petrova"
    assert [strip_tags(b.html) for b in article.body if isinstance(b, Heading)] == [
        "Why it mattered"
    ]
    for phrase in ("Home", "Opinion", "Related articles", "bread riots", "cookies", "2020"):
        assert phrase not in body
    assert body.count("tram drivers walked out") == 3


def test_hard_wrapped_paragraphs_are_joined(tmp_path: Path) -> None:
    wrapped = (
        "The strike began on a Monday morning when the tram drivers\n"
        "walked out of the depot together and marched down to the\n"
        "river, where the bakers and the printers were waiting for\n"
        "them with banners."
    )
    article = clean_text(_page(tmp_path, f"A title\n\n{wrapped}\n\n{PROSE}"))
    assert _texts(article)[0].startswith(
        "The strike began on a Monday morning when the tram drivers walked"
    )


def test_bulleted_lines_become_a_list(tmp_path: Path) -> None:
    later = PROSE.replace("Monday", "Sunday")
    bullets = "\u2022 bread for the cities\n\u2022 land for the peasants"
    text = f"A title\n\n{PROSE}\n\n{bullets}\n\n{later}"
    article = clean_text(_page(tmp_path, text))
    lists = [b for b in article.body if isinstance(b, ListBlock)]
    assert lists and lists[0].items == ("bread for the cities", "land for the peasants")


def test_a_page_without_prose_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no article text found"):
        clean_text(_page(tmp_path, "Home\nNews\nContact us\n"))
