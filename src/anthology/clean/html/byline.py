"""The byline, as a reader reads it: the people who wrote the article.

A byline names people. Pages sign with the company ("Acme Inc."), the site's name, a desk
("The Gazette Team") or the name with a job title or the publication ("Jane Roe, Staff
Writer", "Jane Roe | The Gazette"); those parts go. The words are data: rules/byline.toml.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

from lxml import etree

from anthology.clean.html.furniture import in_furniture
from anthology.clean.html.sitename import SEPARATOR, SiteName
from anthology.clean.html.tree import WS, node_text
from anthology.clean.metadata import parse_date

BY_PREFIX = re.compile(r"^(?:by|from|written by|posted by|author:?)\s+", re.I)


@dataclass(frozen=True)
class _BylineWords:
    jobs: frozenset[str]
    modifiers: frozenset[str]
    date_markers: frozenset[str]
    organisations: frozenset[str]
    not_names: frozenset[str]
    credentials: frozenset[str]
    given_names: frozenset[str]
    labels: frozenset[str]


@functools.cache
def _byline_words() -> _BylineWords:
    text = resources.files("anthology.clean").joinpath("rules/byline.toml").read_text("utf-8")
    data = tomllib.loads(text)

    def words(table: str) -> frozenset[str]:
        return frozenset(w.lower() for entry in data.get(table, []) for w in entry["words"])

    return _BylineWords(
        words("job_title"),
        words("job_modifier"),
        words("date_marker"),
        words("organisation"),
        words("not_a_name"),
        words("credential"),
        words("given_name"),
        words("label"),
    )


# Between the parts of a byline: commas and semicolons; between names: "and" in a few languages.
_PART_SEPARATOR = re.compile(r"\s*[,;]\s*")
_AND_WORDS = ("and", "und", "et", "и", "og", "och")
_AND = re.compile(rf"\s*(?:[&+/]|\s(?:{'|'.join(_AND_WORDS)})\s)\s*", re.I)
_QUOTES = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e"
# Small words inside names ("Ludwig van Beethoven", "Gabriel García de la Torre").
_PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "dos",
        "das",
        "du",
        "la",
        "le",
        "bin",
        "ibn",
        "al",
        "el",
        "y",
        "e",
        "ten",
        "ter",
        "zu",
    ]
)


def _word(token: str) -> str:
    return token.strip(".,:;()[]" + _QUOTES).lower()


def _cut_at_job(tokens: list[str]) -> tuple[list[str], bool]:
    """The tokens before the first job title or date, and whether anything was cut."""
    words = _byline_words()
    for n, token in enumerate(tokens):
        word = _word(token)
        if word in words.jobs or word.split("-")[0] in words.jobs:  # "Editor-at-large"
            start = n
            while start > 0 and _word(tokens[start - 1]) in words.modifiers:
                start -= 1
            if start == 1 and n == 1:
                return tokens, False  # "Ann Writer": a surname, or nothing would be left
            return tokens[:start], True
        month_day = (
            n + 1 < len(tokens) and tokens[n + 1][:1].isdigit() and parse_date(f"1 {word} 2000")
        )
        if word in words.date_markers or token[:1].isdigit() or month_day:
            return tokens[:n], True  # the date line: "Jane Roe Updated 3 May", "Jane Roe May 3"
        if (
            n
            and tokens[0][:1].isupper()
            and word == token
            and word.isalpha()
            and word not in _PARTICLES
            and word not in _AND_WORDS
            and word not in words.organisations
        ):
            return tokens[:n], True  # "Jane Roe in Workshop": a lower-case word ends the name
    return tokens, False


def _cut_at_organisation(tokens: list[str]) -> list[str]:
    """The names before an organisation that follows them: "Jane Roe Associated Press" keeps
    "Jane Roe" (organisations are taken to be two words long); "Gazette Staff" is kept whole,
    for ``_is_person`` to refuse."""
    organisations = _byline_words().organisations
    for n, token in enumerate(tokens):
        if n >= 3 and _word(token) in organisations:
            return tokens[: n - 1]
    return tokens


def _employer(tokens: list[str]) -> bool:
    """A part after a name that names where the person works: one word ("Jane Roe, Futurism")
    or an acronym among ordinary words ("Jane Roe, CNN Business")."""
    words = [t for t in tokens if t.lower() not in _AND_WORDS]
    acronyms = [t for t in words if len(t) >= 2 and t.isupper()]
    return len(words) == 1 or (bool(acronyms) and len(acronyms) < len(words))


def _is_person(name: str, site: SiteName) -> bool:
    """Whether ``name`` may be a person: not a company, a desk, a degree or a placeholder."""
    words = _byline_words()
    tokens = [_word(t) for t in name.split()]
    if not tokens or not any(c.isalpha() for c in name) or _credential(name):
        return False
    if (
        set(tokens) & words.organisations
        or name.lower() in words.not_names
        or tokens[0] in words.not_names
    ):
        return False
    if re.fullmatch(r"\S+\.(com|org|net|edu|gov|info|biz|io|co|in|uk|de|fr|us|ca|au|me)", name):
        return False  # a domain name: "example.com"
    return not _site_signs(name, site)


def _site_signs(text: str, site: SiteName) -> bool:
    """Whether the byline is the site signing its own page (even as a JSON-LD Person, which
    sites misuse), and not a person whose site it is ("Ben Nadel" on bennadel.com)."""
    if not site.named(text):
        return False
    tokens = [_word(t) for t in text.split()]
    return not (len(tokens) > 1 and tokens[0] in _byline_words().given_names)


def _credential(name: str) -> bool:
    """A degree or licence after a name ("MS", "RD", "PhD"), not a name."""
    plain_name = name.replace(".", "").strip()
    return " " not in plain_name and (
        plain_name.lower() in _byline_words().credentials
        or (plain_name.isupper() and len(plain_name) <= 5)
    )


def person_byline(text: str, site: SiteName) -> str:
    """The people a byline names, joined as "A, B and C"; empty when it names none.

    "Jane Roe | The Gazette", "Jane Roe, Staff Writer" and "By Jane Roe Senior Editor" give
    "Jane Roe"; "The Gazette", "Acme Inc." and "Gazette Staff" give nothing.

    Args:
        text: the byline as the page states it.
        site: the site's names: a byline that is only the site's name names no person.
    """
    # "Recipe by Jane Roe", "Article by: Jane Roe", "By: Jane Roe"
    text = clean_byline(re.sub(r"^(?:\S+(?:\s\S+){0,2}\s+)?by:?\s+", "", text, flags=re.I))
    if not text:
        return ""
    names: list[str] = []
    for piece in SEPARATOR.split(text):
        if _site_signs(piece, site):
            continue
        parts = [p.strip(" " + _QUOTES) for p in _PART_SEPARATOR.split(piece)]
        if (
            len(parts) == 2
            and len(parts[0].split()) == 1
            and parts[0].isalpha()
            and 1 <= len(parts[1].split()) <= 2
        ):
            parts = [f"{parts[1]} {parts[0]}"]  # "Roe, Jane", as library catalogues write it
        for n, part in enumerate(parts):
            tokens = part.split()
            if tokens and tokens[0].endswith(":"):
                tokens = tokens[1:]  # a label: "text: Jane Roe"
            elif len(tokens) >= 3 and _word(tokens[0]) in _byline_words().labels:
                tokens = tokens[1:]  # "Author Jane Roe", "Par Jane Roe"
            tokens, cut = _cut_at_job(tokens)
            tokens = _cut_at_organisation(tokens)
            for k in range(1, len(tokens)):
                if site.exactly(" ".join(tokens[k:])):
                    tokens = tokens[:k]  # "Jane Roe The Gazette"
                    break
            if n and names and (cut or _employer(tokens)):
                break  # "Jane Roe, Director of Sales, Acme", "Jane Roe, CNN Business"
            for name in _AND.split(" ".join(tokens)):
                name = name.strip(" -\u2013\u2014:|" + _QUOTES)
                if name and name not in names and _is_person(name, site):
                    names.append(name)
    return join_names(names[:6])


def clean_byline(text: str) -> str:
    """A byline without its "By" and edge punctuation; empty when it is a URL or too long."""
    text = BY_PREFIX.sub("", text).strip(" ,|\u2014\u2013-")
    if not text or len(text) > 120 or looks_like_url(text):
        return ""
    return text


_BLOCK_TAGS = frozenset(["div", "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "section"])


def visible_bylines(candidates: list[etree._Element]) -> Iterator[str]:
    """The texts of the page's byline elements: those without blocks inside first (the name
    itself rather than the author's card, whose texts run together), each in page order."""
    boxes = [e for e in candidates if any(child.tag in _BLOCK_TAGS for child in e)]
    for element in [e for e in candidates if e not in boxes] + boxes:
        if in_furniture(element):
            continue
        name = element.find('.//*[@itemprop="name"]') if element.tag != "meta" else None
        text = node_text(element if name is None else name)
        text = WS.sub(" ", text).strip()
        if 3 <= len(text) <= 80:
            yield text


def join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return names[0] if names else ""
    return ", ".join(names[:-1]) + " and " + names[-1]


def looks_like_url(value: str) -> bool:
    return bool(re.match(r"^\s*(https?:|www\.|/)", value)) or "@" in value
