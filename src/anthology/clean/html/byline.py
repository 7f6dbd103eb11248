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

from anthology.clean.html.furniture import class_words, name_hint
from anthology.clean.html.sitename import SEPARATOR, SiteName
from anthology.clean.html.tree import WS, ancestors, node_text
from anthology.clean.metadata import is_month, parse_date

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
    author_box: frozenset[str]
    line_labels: frozenset[str]
    not_writer: frozenset[str]
    metadata_line: frozenset[str]
    bio_verbs: frozenset[str]


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
        words("author_box_word"),
        words("line_label"),
        words("not_the_writer"),
        words("metadata_line"),
        words("bio_verb"),
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
    if _user_name(name):
        return False
    return not _site_signs(name, site)


def _user_name(name: str) -> bool:
    """A log-in name, not a name as a person writes it: digits ("jdoe77"), a dot or underscore
    between letters without a space ("jane.roe"), or no capital letter where the script has
    them and no space ("janeroe"; "jane roe" is a person writing in lower case)."""
    if any(c.isdigit() for c in name):
        return True
    if " " not in name and re.search(r"\w[._]\w", name):
        return True
    cased = [c for c in name if c.isalpha() and c.lower() != c.upper()]
    return bool(cased) and " " not in name and not any(c.isupper() for c in cased)


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
    credit = re.match(r"^(\S+(?:\s\S+){0,2}?)\s+by\b", text.strip(), re.I)
    if credit and {_word(w) for w in credit.group(1).split()} & _byline_words().not_writer:
        return ""  # "Reviewed by Jane Roe", "Photos by Jane Roe": not who wrote it
    text = re.sub(r"\s*\([^()]*\)\s*$", "", text.strip())  # "Jane Roe (JRoeWrites)"
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
            if (
                len(tokens) >= 3
                and tokens[0].isupper()
                and tokens[0] == "".join(t[:1] for t in tokens[1 : 1 + len(tokens[0])])
            ):
                tokens = tokens[1:]  # the avatar's initials: "JR Jane Roe"
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


# The header of a comment: "Jane Roe says:", "Jane Roe a écrit", "Jane Roe schrieb".
_COMMENT_HEADER = re.compile(r"\s(?:says|said|wrote|a écrit|schrieb|dice|disse|пишет):?$", re.I)

_BLOCK_TAGS = frozenset(["div", "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "section"])


def visible_bylines(candidates: list[etree._Element]) -> Iterator[str]:
    """The texts of the page's byline elements: those with neither blocks nor other byline
    elements inside first (the name itself rather than the author's card, whose texts run
    together), in page order; then the boxes, those holding fewer byline elements first.
    A name the page credits for other work ("Reviewed by Jane Roe") is passed over."""
    # an element holding only the label ("<span>By </span>") is no byline element inside
    named = [e for e in candidates if len(WS.sub(" ", node_text(e)).strip()) >= 3]
    inner = {id(a) for e in named for a in ancestors(e, 30)}
    boxes = [
        e for e in candidates if id(e) in inner or any(child.tag in _BLOCK_TAGS for child in e)
    ]
    lines = [e for e in candidates if e not in boxes]
    holds = {id(e): 0 for e in boxes}
    for e in candidates:
        for a in ancestors(e, 30):
            if id(a) in holds:
                holds[id(a)] += 1
    boxes.sort(key=lambda e: holds[id(e)])  # the smallest box first: the name's own line
    for element in lines + boxes:
        if around_byline_furniture(element) or _credited_for_other_work(element):
            continue
        name = element.find('.//*[@itemprop="name"]') if element.tag != "meta" else None
        text = node_text(element if name is None else name)
        text = WS.sub(" ", text).strip()
        if _COMMENT_HEADER.search(text):
            continue  # "Jane Roe says:": a comment's author
        if 3 <= len(text) <= 80:
            yield text


def join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return names[0] if names else ""
    return ", ".join(names[:-1]) + " and " + names[-1]


def looks_like_url(value: str) -> bool:
    return bool(re.match(r"^\s*(https?:|www\.|/)", value)) or "@" in value


def _credited_for_other_work(element: etree._Element) -> bool:
    """Whether the line holding a name says the person did other work than the writing:
    "Reviewed by <a>Jane Roe</a>"."""
    own = WS.sub(" ", node_text(element)).strip()
    for parent in ancestors(element, 3):
        text = WS.sub(" ", node_text(parent)).strip()
        if text != own:
            credit = re.match(r"^(\S+(?:\s\S+){0,2}?)\s+by\b", text, re.I)
            return bool(credit) and bool(
                {_word(w) for w in credit.group(1).split()} & _byline_words().not_writer
            )
    return False


def around_byline_furniture(element: etree._Element) -> bool:
    """Whether a byline element sits in comments, sidebars, menus or lists of other articles.

    An author box is not furniture here: an ancestor counts only by its class words other than
    those of bylines and author boxes (``author_box_word``), so "author-container" or
    "post-meta" do not hide the name. A ``<footer>`` inside an ``<article>`` is the article's
    own (where author boxes sit); other footers, ``<aside>`` and ``<nav>`` are furniture.
    Above the ``<article>`` or ``<main>`` that holds it, elements are the page's layout
    ("content-sidebar-wrap"), read no further.
    """
    box_words = _byline_words().author_box
    for parent in ancestors(element, 30):
        tag = parent.tag
        if tag in ("aside", "nav"):
            return True
        if tag in ("body", "html") or not isinstance(tag, str):
            continue
        words = class_words(parent)
        furniture = bool(words) and name_hint(" ".join(sorted(words - box_words))) < 0
        if tag == "footer":
            if any(a.tag == "article" for a in ancestors(parent, 30)):
                continue
            return True
        if tag in ("article", "main"):
            return furniture  # a comment's <article>, or what holds the article: its layout
        if furniture and not words & _BYLINE_WORDS:
            return True
    return False


# An element named for the byline itself ("blog-author short-display") is never furniture to it.
_BYLINE_WORDS = frozenset(
    ["author", "authors", "byline", "bylines", "writer", "writers", "contributor", "contributors"]
)


_LINE_LIMIT = 60  # a byline line is short
# "By Jane Roe" on one line: only the labels that cannot start a sentence of the article
# with a capitalised place or thing after them ("From New York" can).
_INLINE_LABEL = re.compile(
    r"^(?:by|written by|posted by|words by|story by|par|von|por|door|escrito por)\s*:?\s+", re.I
)


def line_bylines(h1: etree._Element | None, before: int = 12, after: int = 40) -> Iterator[str]:
    """Bylines printed as lines of text around the article's H1, for pages that mark none.

    A line that is only a label ("By", "Written by:", "Par", "Автор") gives the line after it
    ("By | Jane Roe"); a line starting with "By" and a name of two words or more gives itself
    ("By Jane Roe"). The ``before`` lines above the H1 and the ``after`` lines below it are read
    (dates and section names often sit above the title).
    """
    if h1 is None:
        return
    lines: list[tuple[str, etree._Element]] = []
    seen_h1 = -1
    root = h1.getroottree().getroot()
    body = root.find("body") if root.find("body") is not None else root
    for element in body.iter(etree.Element):
        if element is h1:
            seen_h1 = len(lines)
            lines = lines[-before:]
            seen_h1 = len(lines)
        if element.tag in ("script", "style", "noscript", "template"):
            continue
        for text in (element.text,) if element is not h1 else ():
            text = WS.sub(" ", text or "").strip()
            if text:
                lines.append((text, element))
        if element is not h1 and element.tail and element.getparent() is not None:
            text = WS.sub(" ", element.tail).strip()
            if text:
                lines.append((text, element.getparent()))
        if seen_h1 >= 0 and len(lines) - seen_h1 > after:
            break
    if seen_h1 < 0:
        return
    labels = _byline_words().line_labels
    for n, (text, element) in enumerate(lines):
        if len(text) > _LINE_LIMIT or around_byline_furniture(element):
            continue
        if text.lower().rstrip() in labels and n + 1 < len(lines):
            following = lines[n + 1][0]
            if len(following) <= _LINE_LIMIT and _name_like(following.split(",")[0]):
                yield following
        else:
            named = _INLINE_LABEL.match(text)
            rest = text[named.end() :] if named else ""
            if named and len(rest.split()) >= 2 and _name_like(rest.split(",")[0]):
                yield rest


def _name_like(text: str) -> bool:
    """Words that may be a name: each starts with a capital (particles and "and" aside), at
    most six, no digits."""
    words = [w.strip(".,:;|" + _QUOTES) for w in text.split()]
    words = [w for w in words if w]
    if not 1 <= len(words) <= 6 or any(c.isdigit() for c in text):
        return False
    for word in words:
        lower = word.lower()
        if lower in _PARTICLES or lower in _AND_WORDS or word in "&":
            continue
        if word[:1].isalpha() and word[:1].lower() != word[:1].upper() and not word[:1].isupper():
            return False
    return True


_TOKEN = re.compile(r"[^\W\d_]+(?:[.'\u2019-][^\W\d_]+)*|\d+(?:st|nd|rd|th|er|e|h)?", re.I)


def metadata_only(text: str, byline: str, labelled: bool = False) -> bool:
    """Whether a line is made only of the page's byline, dates and the words of byline and
    date lines ("By Jane Roe", "Jane Roe | March 3, 2025", "5 min read", "Updated 12:03 GMT",
    "Senior Contributor"): it restates the chapter's title block.

    Numbers alone are not metadata (a version, a score): the line needs a word of those kinds;
    when ``labelled``, one of the label words ("updated", "read"), not only a name or a month.
    """
    words = _byline_words()
    labels = words.metadata_line | words.date_markers | words.line_labels
    known = labels | words.jobs | words.modifiers
    names = {t.casefold() for t in _TOKEN.findall(byline)}
    has_word = has_label = False
    for token in (t.casefold() for t in _TOKEN.findall(text)):
        if token[0].isdigit():
            continue
        if token in names or token in known or is_month(token):
            has_word = True
            has_label = has_label or token in labels
            continue
        return False
    return has_label if labelled else has_word


def bio_name(text: str, byline: str) -> str:
    """The byline's name a paragraph starts with, followed by a bio verb ("Jane Roe is a
    reporter at …", "Jane Roe has covered …"): the start of the writer's bio; or ""."""
    if not byline:
        return ""
    verbs = _byline_words().bio_verbs
    for name in _AND.split(byline):
        for part in _PART_SEPARATOR.split(name):
            part = part.strip()
            if len(part.split()) < 2 or not text.startswith(part + " "):
                continue
            rest = text[len(part) :].split()
            if rest and rest[0].casefold() in verbs:
                return part
    return ""
