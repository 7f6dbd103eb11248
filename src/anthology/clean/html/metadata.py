"""Read metadata from the whole page, in order of trust: JSON-LD, OpenGraph, ``<meta>``,
``<time>``, visible bylines. Nothing is guessed: a field the page does not state stays empty.

Two fields are read as a reader sees them: the title is the article's H1 (the stated titles
are written for search engines and carry the site's name), settled once the content is chosen
(``settle_title``; module ``title``); the byline names people, not the company, the site or a
job title (module ``byline``, words in ``rules/byline.toml``). The date is read by ``dates``,
the site's own name recognised by ``sitename``.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from lxml import etree

from anthology.clean.html.byline import (
    join_names,
    line_bylines,
    looks_like_url,
    person_byline,
    visible_bylines,
)
from anthology.clean.html.dates import stated_date
from anthology.clean.html.sitename import SiteName
from anthology.clean.html.title import TitleChoice, choose_title, settled_title
from anthology.clean.html.tree import CONTROL, WS, XML_FORBIDDEN, is_json_ld, node_text
from anthology.core.text import smarten
from anthology.sources import Page

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
    # the page links to its own sections (a table of contents): a document, not a listing
    has_contents: bool = False
    # how the title was chosen, for ``settle_title`` (elements of one tree: not compared)
    title_choice: TitleChoice | None = field(default=None, compare=False, repr=False)


def _may_name_byline_or_date(classes: str) -> bool:
    """Whether ``_BYLINE_CLASS`` or ``_DATE_CLASS`` may match (a superset, cheap to test)."""
    lowered = classes.lower()
    return (
        "date" in lowered
        or "byline" in lowered
        or "author" in lowered
        or "publish" in lowered
        or "posted" in lowered
        or "writer" in lowered
        or "contributor" in lowered
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


# "byline", "author-name", "post_author__name" and an "author" word in a class ("post-author",
# "ArticleHeader_Author"); "authority" or "coauthoring" are not.
_BYLINE_CLASS = re.compile(
    r"byline|author[-_]*name|(?:^|[\W_])(?:author|writer|contributor)(?:$|[\W_])", re.I
)
_DATE_CLASS = re.compile(r"(^|\W|_)(date|dateline|published|byline|posted)", re.I)


# An "author" class on the page's frame ("single-author" on <body>) says nothing of a byline.
_FRAME_TAGS = frozenset(["html", "body", "main", "img"])


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
        if len(found.bylines) < 20 and (
            ("itemprop" in names and element.get("itemprop") == "author")
            or ("rel" in names and "author" in element.get("rel", "").split())
            or (hinted and _BYLINE_CLASS.search(classes) and element.tag not in _FRAME_TAGS)
        ):
            found.bylines.append(element)
        if hinted and len(found.dates) < 5 and _DATE_CLASS.search(classes):
            found.dates.append(element)
    return found


CONTENTS_MIN = 3  # links to this many of the page's own headings make a table of contents


def _links_to_own_sections(root: etree._Element) -> bool:
    """Whether ``#`` links lead to at least ``CONTENTS_MIN`` of the page's headings (the
    heading, an element in it or its section holding the id): a table of contents of the
    page's sections. Documents carry one (57 of 89 documentation pages of the development
    set, 109 of 709 articles); listings almost never do (3 of 93)."""
    targets = {
        href[1:]
        for href in root.xpath("//a/@href[starts-with(., '#')]")
        if isinstance(href, str) and len(href) > 1
    }
    if len(targets) < CONTENTS_MIN:
        return False
    found = set()
    for heading in root.xpath("//h1|//h2|//h3|//h4|//h5|//h6"):
        parent = heading.getparent()
        ids = [e.get("id") for e in heading.iter() if isinstance(e.tag, str)]
        ids.append(parent.get("id") if parent is not None else None)
        found.update(i for i in ids if i in targets)
        if len(found) >= CONTENTS_MIN:
            return True
    return False


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
    # An address is literal text: never typographed ("?ref=" is not a lost hyphen).
    urls = (_http(ld.get("url")), _http(props.get("og:url")), _http(_canonical(found.links)))
    meta.url = next((url[:2000] for url in urls if url), "")
    site = SiteName.of(
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
                _citation_authors(found.metas, site),  # each author, where dc.creator is one
                props.get("dc.creator"),
                props.get("parsely-author"),
                props.get("sailthru.author"),
                *visible_bylines(found.bylines),
                *line_bylines(_title_heading(meta.title_choice, found.h1s)),
            )
            if (name := person_byline(plain(text or ""), site))
        ),
        "",
    )
    meta.date = stated_date(ld, props, found.times, found.dates)
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
    meta.has_contents = _links_to_own_sections(root)
    return meta


def _title_heading(choice: TitleChoice | None, h1s: list[etree._Element]):
    """The H1 that may be the article's title (not the logo's), else the page's first."""
    if choice is not None and choice.headings:
        return choice.headings[0][0]
    return h1s[0] if h1s else None


def _citation_authors(metas: list[etree._Element], site: SiteName) -> str:
    """Scholarly pages state each author in a ``citation_author`` meta of its own."""
    names: list[str] = []
    for tag in metas:
        key = tag.get("name")
        if isinstance(key, str) and key.strip().lower() in ("citation_author", "citation_authors"):
            name = person_byline(plain(tag.get("content") or ""), site)
            if name and name not in names:
                names.append(name)
    return join_names(names[:6])


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
        if name and not looks_like_url(name) and name not in names:
            names.append(name)
    return join_names(names)


def plain(text: str) -> str:
    """Metadata text: tags and entities gone, spaces collapsed, book typography applied."""
    if not isinstance(text, str):
        return ""
    text = XML_FORBIDDEN.sub("", text)
    text = html.unescape(re.sub(r"<[^>]*>", " ", text)) if "<" in text or "&" in text else text
    text = WS.sub(" ", text).strip()
    return smarten(text)[:1000] if text else ""


def _not_url(value: str | None) -> str:
    return "" if not value or looks_like_url(value) else value


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


def settle_title(meta: Meta, chosen: list[etree._Element]) -> None:
    """Settle the title between the page's H1s once the content is chosen (``settled_title``)."""
    if meta.title_choice is not None:
        meta.title = settled_title(meta.title, meta.title_choice, chosen)


def _language(value: str) -> str:
    value = value.strip().replace("_", "-")
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", value):
        return ""
    head, *rest = value.split("-")
    return "-".join([head.lower(), *[r.upper() if len(r) == 2 else r for r in rest]])
