"""Read metadata from the whole page, in order of trust: JSON-LD, OpenGraph, ``<meta>``,
``<time>``, visible bylines. Nothing is guessed: a field the page does not state stays empty.

Two fields are read as a reader sees them: the title is the article's H1 (the stated titles
are written for search engines and carry the site's name), settled once the content is chosen
(``settle_title``); the byline names people, not the company, the site or a job title
(``person_byline``, words in ``rules/byline.toml``).
"""

from __future__ import annotations

import functools
import html
import json
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from urllib.parse import urlsplit

from lxml import etree

from anthology.clean.html.furniture import class_hint, class_words
from anthology.clean.html.tree import (
    CONTROL,
    WS,
    XML_FORBIDDEN,
    ancestors,
    is_inside,
    is_json_ld,
    node_text,
)
from anthology.clean.metadata import parse_date
from anthology.core.text import smarten
from anthology.sources import Page

_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")
BY_PREFIX = re.compile(r"^(?:by|from|written by|posted by|author:?)\s+", re.I)
_ARTICLE_TYPES = re.compile(r"(Article|BlogPosting|NewsArticle|Report|Posting|Review)$", re.I)
_LISTING_TYPES = re.compile(r"^(CollectionPage|SearchResultsPage|ItemList|WebSite|ProfilePage)$")


@dataclass
class Meta:
    """The page's metadata, as the metadata pass (and a site rule) found it."""

    title: str = ""
    standfirst: str = ""
    byline: str = ""
    date: date | None = None
    publication: str = ""
    url: str = ""
    language: str = ""
    is_article: bool = False  # the page says so (JSON-LD article type or og:type article)
    is_listing: bool = False  # the page says it is a collection, search results or home page
    # how the title was chosen, for ``settle_title`` (elements of one tree: not compared)
    title_choice: TitleChoice | None = field(default=None, compare=False, repr=False)


@dataclass
class TitleChoice:
    """The title read from the page before the content is chosen, and what else it could be."""

    provisional: str  # the title ``read_metadata`` chose
    headings: list[tuple[etree._Element, str]]  # the page's H1s that may be the title, and text
    stated: str  # the page's stated title (JSON-LD, OpenGraph or ``<title>``), site name removed
    agreed: bool  # an H1 agrees with the stated title: nothing left to settle


def _may_name_byline_or_date(classes: str) -> bool:
    """Whether ``_BYLINE_CLASS`` or ``_DATE_CLASS`` may match (a superset, cheap to test)."""
    lowered = classes.lower()
    return (
        "date" in lowered
        or "byline" in lowered
        or "author" in lowered
        or "publish" in lowered
        or "posted" in lowered
        # case-insensitive matching lets a few letters outside ASCII match ASCII ones
        or not classes.isascii()
    )


@dataclass
class _Found:
    """The elements the metadata pass looks at, collected in one walk over the page."""

    metas: list[etree._Element] = field(default_factory=list)
    scripts: list[etree._Element] = field(default_factory=list)
    links: list[etree._Element] = field(default_factory=list)
    times: list[etree._Element] = field(default_factory=list)
    bylines: list[etree._Element] = field(default_factory=list)
    dates: list[etree._Element] = field(default_factory=list)
    h1s: list[etree._Element] = field(default_factory=list)
    title: etree._Element | None = None
    html: etree._Element | None = None


_BYLINE_CLASS = re.compile(r"byline|author-?name", re.I)
_DATE_CLASS = re.compile(r"(^|\W|_)(date|dateline|published|byline|posted)", re.I)


def _collect(root: etree._Element) -> _Found:
    found = _Found()
    for element in root.iter(etree.Element):
        name = element.tag
        if name == "meta":
            found.metas.append(element)
        elif name == "script":
            if is_json_ld(element):
                found.scripts.append(element)
            continue
        elif name == "link":
            found.links.append(element)
        elif name == "time" and len(found.times) < 50:
            found.times.append(element)
        elif name == "h1" and len(found.h1s) < 20:
            found.h1s.append(element)
        elif name == "title" and found.title is None:
            found.title = element
        elif name == "html" and found.html is None:
            found.html = element
        names = element.keys()
        if not names:
            continue
        classes = (element.get("class") or "") if "class" in names else ""
        hinted = bool(classes) and _may_name_byline_or_date(classes)
        if len(found.bylines) < 6 and (
            ("itemprop" in names and element.get("itemprop") == "author")
            or ("rel" in names and "author" in element.get("rel", "").split())
            or (hinted and _BYLINE_CLASS.search(classes))
        ):
            found.bylines.append(element)
        if hinted and len(found.dates) < 5 and _DATE_CLASS.search(classes):
            found.dates.append(element)
    return found


# Meta names that state the publication date, in order of trust (after JSON-LD and
# article:published_time).
_DATE_KEYS = (
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


def read_metadata(root: etree._Element, page: Page) -> Meta:
    """Every field from the most trusted place that states it."""
    meta = Meta()
    found = _collect(root)
    ld = _json_ld(found.scripts)
    props = _meta_props(found.metas)
    meta.publication = _first(
        ld.get("publication"),
        props.get("og:site_name"),
        props.get("application-name"),
        props.get("dc.publisher"),
    )
    meta.url = _first(
        _http(ld.get("url")), _http(props.get("og:url")), _http(_canonical(found.links))
    )
    site = _Site.of(
        [
            ld.get("publication"),
            ld.get("site"),
            props.get("og:site_name"),
            props.get("application-name"),
            props.get("dc.publisher"),
        ],
        meta.url,
    )
    meta.title_choice = choose_title(
        found.h1s,
        [
            ld.get("title"),
            props.get("og:title"),
            props.get("twitter:title"),
            props.get("dc.title"),
            props.get("citation_title"),
        ],
        node_text(found.title) if found.title is not None else "",
        site,
    )
    meta.title = meta.title_choice.provisional
    meta.standfirst = _first(
        ld.get("description"),
        props.get("og:description"),
        props.get("twitter:description"),
        props.get("description"),
        props.get("dc.description"),
    )
    # The first source that names a person: a page signed by its company in JSON-LD may name
    # the writer in its <meta> or on the page.
    meta.byline = next(
        (
            name
            for text in (
                ld.get("author"),
                _not_url(props.get("article:author")),
                _not_url(props.get("author")),
                props.get("dc.creator"),
                props.get("citation_author"),
                props.get("parsely-author"),
                props.get("sailthru.author"),
                _visible_byline(found.bylines),
            )
            if (name := person_byline(plain(text or ""), site))
        ),
        "",
    )
    meta.date = _date(ld, props, found)
    lang = found.html.get("lang") if found.html is not None else None
    locale = props.get("og:locale", "")
    meta.language = _language(
        _first(
            ld.get("language"),
            locale,
            props.get("content-language"),
            props.get("dc.language"),
            lang if isinstance(lang, str) else "",
        )
    )
    meta.is_article = bool(ld.get("article")) or props.get("og:type", "").lower() == "article"
    meta.is_listing = bool(ld.get("listing")) and not meta.is_article
    return meta


def _meta_props(metas: list[etree._Element]) -> dict[str, str]:
    """The page's ``<meta>`` values by lower-case name (the first of each name wins)."""
    props: dict[str, str] = {}
    for tag in metas:
        key = tag.get("property") or tag.get("name") or tag.get("itemprop") or ""
        key = key.strip().lower() if isinstance(key, str) else ""
        content = tag.get("content")
        if key and isinstance(content, str) and content.strip() and key not in props:
            props[key] = content
        equiv = tag.get("http-equiv")
        if (
            isinstance(equiv, str)
            and equiv.lower() == "content-language"
            and isinstance(content, str)
        ):
            props.setdefault("content-language", content)
    return props


def _first(*values: str | None) -> str:
    """The first value that is not empty as metadata text."""
    for value in values:
        text = plain(value or "")
        if text:
            return text
    return ""


def _date(ld: dict[str, str], props: dict[str, str], found: _Found) -> date | None:
    """The publication date from the most trusted place that states it."""
    return (
        to_date(ld.get("date"))
        or to_date(props.get("article:published_time"))
        or _first_date(props, _DATE_KEYS)
        or _time_date(found.times)
        or _visible_date(found.dates)
    )


def _json_ld(scripts: list[etree._Element]) -> dict[str, str]:
    """The article's fields from its first article-typed JSON-LD object, and the site's name."""
    found: dict[str, str] = {}
    objects: list[dict] = []
    for script in scripts:
        text = node_text(script, "")
        try:
            data = json.loads(text.strip().rstrip(";"), strict=False)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack and len(objects) < 200:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                objects.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(reversed(graph))
    article = None
    page_date = ""  # the web page's own date, for pages whose JSON-LD types no article
    for item in objects:
        types = _types(item)
        if any(_ARTICLE_TYPES.search(t) for t in types) and article is None:
            article = item
        if not page_date and any(t.endswith("Page") for t in types):
            page_date = _ld_text(item.get("datePublished"))
        if any(_LISTING_TYPES.match(t) for t in types):
            found["listing"] = "yes"
        if "WebSite" in types and isinstance(item.get("name"), str):
            found.setdefault("site", item["name"])
    if article is None:
        if "site" in found:
            found["publication"] = found["site"]
        if page_date:
            found["date"] = page_date
        return found
    found["article"] = "yes"
    found["title"] = _ld_text(article.get("headline")) or _ld_text(article.get("name"))
    found["description"] = _ld_text(article.get("description")) or _ld_text(
        article.get("alternativeHeadline")
    )
    found["author"] = _ld_names(article.get("author") or article.get("creator"))
    found["date"] = (
        _ld_text(article.get("datePublished")) or _ld_text(article.get("dateCreated")) or page_date
    )
    publisher = article.get("publisher")
    if isinstance(publisher, list) and publisher:
        publisher = publisher[0]
    pub = _ld_text(publisher.get("name")) if isinstance(publisher, dict) else ""
    found["publication"] = pub or found.get("site", "")
    url = article.get("url") or article.get("mainEntityOfPage")
    if isinstance(url, dict):
        url = url.get("@id") or url.get("url")
    found["url"] = url if isinstance(url, str) else ""
    lang = article.get("inLanguage")
    found["language"] = lang if isinstance(lang, str) else ""
    return found


def _types(item: dict) -> list[str]:
    value = item.get("@type")
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _ld_text(value) -> str:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or ""
    return value if isinstance(value, str) else ""


# Authors that are not people: a page signed by its company or site (schema.org types).
_NOT_PERSON_TYPES = re.compile(
    r"(Organi[sz]ation|Corporation|Business|Brand|WebSite|WebPage|Store|Agency|School|"
    r"University|Company)$"
)


def _ld_names(value) -> str:
    items = value if isinstance(value, list) else [value]
    items = [
        item
        for item in items
        if not (isinstance(item, dict) and any(_NOT_PERSON_TYPES.search(t) for t in _types(item)))
    ]
    names = []
    for item in items[:6]:
        name = _ld_text(item)
        name = plain(name)
        if name and not _looks_like_url(name) and name not in names:
            names.append(name)
    return _join_names(names)


def _join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return names[0] if names else ""
    return ", ".join(names[:-1]) + " and " + names[-1]


def plain(text: str) -> str:
    """Metadata text: tags and entities gone, spaces collapsed, book typography applied."""
    if not isinstance(text, str):
        return ""
    text = XML_FORBIDDEN.sub("", text)
    text = html.unescape(re.sub(r"<[^>]*>", " ", text)) if "<" in text or "&" in text else text
    text = WS.sub(" ", text).strip()
    return smarten(text)[:1000] if text else ""


def _not_url(value: str | None) -> str:
    return "" if not value or _looks_like_url(value) else value


def _looks_like_url(value: str) -> bool:
    return bool(re.match(r"^\s*(https?:|www\.|/)", value)) or "@" in value


def _http(value) -> str:
    if not isinstance(value, str):
        return ""
    value = CONTROL.sub("", value)
    return value if urlsplit(value).scheme.lower() in ("http", "https") else ""


def _canonical(links: list[etree._Element]) -> str:
    for link in links:
        href = link.get("href")
        if href is not None and "canonical" in link.get("rel", "").lower().split():
            return href
    return ""


# ------------------------------------------------------------------------------ the title
# The reader sees the H1; the <title> and OpenGraph titles are written for search engines and
# share cards and carry the site's name ("How to fold a map | The Gazette"). The title is the
# article's H1 when the page has one that is not the site's own name, and the stated title with
# the site's name removed otherwise.

# Separators between a title and the site's name ("Title | Site", "Site – Title", "Title :: Site").
_SEPARATOR = re.compile(r"\s+(?:\||-|\u2013|\u2014|::|\u00bb|\u00b7|\u2022|~)\s+|\s*\|\s*")
# Characters a heading carries for its anchor link (Sphinx, MkDocs, rustdoc), not for the reader.
_ANCHOR_MARKS = re.compile(r"\s*[\u00b6#\u00a7\U0001f517]+\s*$")
# Inside an H1: widgets and machinery, whose text is not the title's ("Copy item path").
_NOT_HEADING_TEXT = frozenset(
    ["button", "script", "style", "noscript", "template", "svg", "select", "sup"]
)
# Parts of a host name that are no site's own name.
_HOST_NOISE = frozenset(
    ["www", "m", "amp", "en", "de", "fr", "es", "it", "ru", "blog", "blogs", "news", "docs"]
    + ["doc", "com", "org", "net", "edu", "gov", "co", "uk", "io", "dev", "info", "app", "ai"]
    + ["us", "ca", "au", "in"]
)


def _key(text: str) -> str:
    """Text compared as words: compatibility forms, case, quotes and punctuation set aside."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[\u2018\u2019\u201a\u201b\u201c\u201d\u201e'\"`\u00b4]", "", text)
    return re.sub(r"[\W_]+", " ", text).strip()


@dataclass(frozen=True)
class _Site:
    """What the site is called: its stated names and the words of its host name."""

    names: frozenset[str]  # ``_key`` forms
    hosts: tuple[str, ...]  # host labels, letters and digits only

    @classmethod
    def of(cls, names: list[str | None], url: str) -> _Site:
        keys = frozenset(k for n in names if isinstance(n, str) and (k := _key(n)))
        host = (urlsplit(url).hostname or "").lower() if url else ""
        labels = tuple(
            re.sub(r"[^a-z0-9]", "", label)
            for label in host.split(".")
            if label not in _HOST_NOISE and len(label) >= 3
        )
        return cls(keys, labels)

    def exactly(self, text: str) -> bool:
        """Whether ``text`` is one of the site's stated names, word for word."""
        return _key(text) in self.names

    def named(self, text: str) -> bool:
        """Whether ``text`` is the site's name (a stated name, or its host name in words)."""
        key = _key(text)
        if not key:
            return False
        if key in self.names:
            return True
        squashed = key.replace(" ", "")
        words = key.split()
        for label in self.hosts:
            if squashed == label or (len(squashed) >= 4 and squashed in label):
                return True
            if len(label) >= 4 and label in squashed and len(words) <= 4:
                return True  # "NASA SVS" on svs.nasa.gov, "Acme Blog" on acme.com
            if len(words) >= 2 and "".join(w[0] for w in words) == label:
                return True  # initials: "Rhode Island School of Design" on risd.edu
        return False


def _title_text(value: str | None) -> str:
    """A title as text: entities decoded (twice, for pages that escape them twice), spaces
    collapsed. Never parsed as markup: "<table>: The Table element" is a title."""
    if not isinstance(value, str):
        return ""
    text = XML_FORBIDDEN.sub("", value)
    for _ in range(2):
        if "&" in text:
            text = html.unescape(text)
    if re.search(r"</(em|i|b|strong|span|a|p|sup|sub)>", text):
        text = re.sub(r"<[^>]*>", "", text)  # a JSON-LD headline written as inline markup
    return _ANCHOR_MARKS.sub("", WS.sub(" ", text)).strip()[:1000]


def _heading_text(heading: etree._Element) -> str:
    """An H1's text, without the widgets inside it (copy buttons, anchor marks)."""
    parts: list[str] = []

    def walk(element: etree._Element) -> None:
        if element.text:
            parts.append(element.text)
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag and tag not in _NOT_HEADING_TEXT and "-" not in tag:
                walk(child)  # custom elements (tooltips, widgets) hold no title text
            if child.tail:
                parts.append(child.tail)

    walk(heading)
    return _title_text("".join(parts))


def _pieces(title: str) -> list[str]:
    return [p for p in _SEPARATOR.split(title) if p.strip()]


def strip_site_name(title: str, site: _Site) -> str:
    """``title`` without the site's name at its end or start ("Title | Site", "Site - Title")."""
    separators = _SEPARATOR.findall(title)
    pieces = _SEPARATOR.split(title)
    if len(pieces) < 2 or len(separators) != len(pieces) - 1:
        return title
    while len(pieces) > 1 and (not pieces[-1].strip() or site.named(pieces[-1])):
        pieces.pop()
        separators.pop()
    while len(pieces) > 1 and (not pieces[0].strip() or site.named(pieces[0])):
        pieces.pop(0)
        separators.pop(0)
    text = pieces[0]
    for separator, piece in zip(separators, pieces[1:], strict=True):
        text += separator + piece
    return text.strip()


def _agrees(heading: str, stated: str) -> bool:
    """Whether the H1 is the stated title, or the stated title is the H1 and other pieces."""
    key = _key(heading)
    if not key:
        return False
    if key == _key(stated):
        return True
    pieces = _pieces(stated)
    return any(
        _key(" ".join(pieces[:n])) == key or _key(" ".join(pieces[n:])) == key
        for n in range(1, len(pieces))
    )


def _in_site_chrome(heading: etree._Element) -> bool:
    """An H1 in the site's menus or logo: the site's name, not the article's title."""
    for parent in ancestors(heading, 30):
        if parent.tag in ("nav", "footer", "aside"):
            return True
    for parent in [heading, *ancestors(heading, 4)]:
        if class_words(parent) & {"logo", "brand", "branding", "masthead", "navbar", "sitename"}:
            return True
    for link in heading.iter("a"):
        href = (link.get("href") or "").strip()
        if href in ("/", "./", "../") or re.fullmatch(r"https?://[^/]+/?", href):
            return True  # a link to the home page
    return False


def choose_title(
    headings: list[etree._Element], stated: list[str | None], title_tag: str, site: _Site
) -> TitleChoice:
    """The article's title: its H1 when the page has one, the stated title otherwise.

    Args:
        headings: the page's H1 elements, in order.
        stated: the titles the page states (JSON-LD, OpenGraph, Twitter, Dublin Core), in order
            of trust.
        title_tag: the ``<title>``'s text.
        site: the site's names.
    """
    seo = next(
        (t for v in stated if (t := _title_text(v)) and not site.named(t)),
        "",
    )
    tag = _title_text(title_tag)
    stated_titles = [t for t in (seo, tag) if t]
    # An H1 that is the last piece of "Chapter - Book" or "Post | Blog" names the site, unless the
    # first piece is the site's name ("Site | Post").
    ends = {
        _key(pieces[-1])
        for t in stated_titles
        if len(pieces := _pieces(t)) > 1 and not site.named(pieces[0])
    }
    names = set(site.names)
    candidates: list[tuple[etree._Element, str]] = []
    for heading in headings:
        text = _heading_text(heading)
        if len(text) < 3 or len(text) > 300 or site.named(text):
            continue
        if _in_site_chrome(heading):
            names.add(_key(text))  # the logo's H1 tells the site's name
            continue
        if _key(text) in ends and not any(
            _agrees(text, " | ".join(_pieces(t)[:-1])) for t in stated_titles
        ):
            names.add(_key(text))
            continue
        candidates.append((heading, text))
    site = _Site(frozenset(names), site.hosts)
    fallback = strip_site_name(seo or tag, site)

    def choice(title: str, agreed: bool) -> TitleChoice:
        headings = [(heading, smarten(text)) for heading, text in candidates]
        return TitleChoice(smarten(title), headings, smarten(fallback), agreed)

    for _, text in candidates:
        if any(_agrees(text, t) for t in stated_titles):
            return choice(text, True)
    # An H1 that is a label or a date and then the stated title ("Blog: Title", "18 Dec 2025
    # Title"): the stated title without them.
    for _, text in candidates:
        key = _key(text)
        for t in stated_titles:
            core = strip_site_name(t, site)
            core_key = _key(core)
            extra = key[: len(key) - len(core_key)]
            if (
                core_key
                and key.endswith(" " + core_key)
                and len(core_key) >= 0.4 * len(key)
                and (
                    len(extra.split()) >= 2 or text[: len(text) - len(core)].rstrip().endswith(":")
                )
            ):
                return choice(core, True)
    # An H1 sharing no word with the stated titles is about something else (a promotion of
    # another story in the header): the stated title is the article's.
    stated_words = {w for t in stated_titles for w in _key(t).split() if len(w) > 3}
    related = [
        (heading, text)
        for heading, text in candidates
        if not stated_words or {w for w in _key(text).split() if len(w) > 3} & stated_words
    ]
    if related:
        return choice(related[0][1], False)
    return choice(fallback, not candidates)  # an H1 inside the article may still be the title


def settle_title(meta: Meta, chosen: list[etree._Element]) -> None:
    """Choose between the page's H1s by where the article is, once its content is chosen.

    Several H1s inside the article are its section headings (some pages mark every section so):
    the stated title is the article's. One H1 inside it is the title.
    """
    choice = meta.title_choice
    if choice is None or choice.agreed or meta.title != choice.provisional:
        return  # the H1 and the stated title agree, or a site rule set the title
    inside = [
        text for heading, text in choice.headings if any(is_inside(heading, c) for c in chosen)
    ]
    if len(inside) > 1 and choice.stated:
        meta.title = choice.stated
    elif len(inside) == 1:
        meta.title = inside[0]


# ----------------------------------------------------------------------------- the byline
# A byline names people. Pages sign with the company ("Acme Inc."), the site's name, a desk
# ("The Gazette Team") or the name with a job title or the publication ("Jane Roe, Staff
# Writer", "Jane Roe | The Gazette"); those parts go. The words are data: rules/byline.toml.


@dataclass(frozen=True)
class _BylineWords:
    jobs: frozenset[str]
    modifiers: frozenset[str]
    date_markers: frozenset[str]
    organisations: frozenset[str]
    not_names: frozenset[str]
    credentials: frozenset[str]
    given_names: frozenset[str]


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


def _is_person(name: str, site: _Site) -> bool:
    """Whether ``name`` may be a person: not a company, a desk, a degree or a placeholder."""
    words = _byline_words()
    tokens = [_word(t) for t in name.split()]
    if not tokens or not any(c.isalpha() for c in name) or _credential(name):
        return False
    if set(tokens) & words.organisations or name.lower() in words.not_names:
        return False
    if re.fullmatch(r"\S+\.(com|org|net|edu|gov|info|biz|io|co|in|uk|de|fr|us|ca|au|me)", name):
        return False  # a domain name: "example.com"
    return not _site_signs(name, site)


def _site_signs(text: str, site: _Site) -> bool:
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


def person_byline(text: str, site: _Site) -> str:
    """The people a byline names, joined as "A, B and C"; empty when it names none.

    "Jane Roe | The Gazette", "Jane Roe, Staff Writer" and "By Jane Roe Senior Editor" give
    "Jane Roe"; "The Gazette", "Acme Inc." and "Gazette Staff" give nothing.

    Args:
        text: the byline as the page states it.
        site: the site's names: a byline that is only the site's name names no person.
    """
    text = clean_byline(re.sub(r"^\S+(?:\s\S+){0,2}\s+by\s+", "", text, flags=re.I))
    if not text:
        return ""
    names: list[str] = []
    for piece in _SEPARATOR.split(text):
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
    return _join_names(names[:6])


def clean_byline(text: str) -> str:
    """A byline without its "By" and edge punctuation; empty when it is a URL or too long."""
    text = BY_PREFIX.sub("", text).strip(" ,|\u2014\u2013-")
    if not text or len(text) > 120 or _looks_like_url(text):
        return ""
    return text


def _in_furniture(element: etree._Element) -> bool:
    """Inside comments, sidebars, footers or lists of other articles (their dates and names)."""
    for parent in ancestors(element, 30):
        if parent.tag in ("aside", "nav", "footer") or (
            parent.tag not in ("body", "html", "article", "main")
            and class_hint(parent) < 0
            and not class_words(parent) & {"byline", "meta", "header", "dateline", "timestamp"}
        ):
            return True
    return False


def _visible_byline(candidates: list[etree._Element]) -> str:
    for element in candidates:
        if _in_furniture(element):
            continue
        name = element.find('.//*[@itemprop="name"]') if element.tag != "meta" else None
        text = node_text(element if name is None else name)
        text = WS.sub(" ", text).strip()
        if 3 <= len(text) <= 80:
            return text
    return ""


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
    times = [t for t in times if not _in_furniture(t)]
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
        if _in_furniture(element):
            continue
        text = node_text(element)
        if len(text) <= 200:
            value = parse_date(text)
            if value:
                return value
    return None


def _language(value: str) -> str:
    value = value.strip().replace("_", "-")
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        return ""
    head, *rest = value.split("-")
    return "-".join([head.lower(), *[r.upper() if len(r) == 2 else r for r in rest]])
