"""Read metadata from the whole page, in order of trust: JSON-LD, OpenGraph, ``<meta>``,
``<time>``, visible bylines. Nothing is guessed: a field the page does not state stays empty.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from lxml import etree

from anthology.clean.html.furniture import class_hint, class_words
from anthology.clean.html.tree import CONTROL, WS, XML_FORBIDDEN, ancestors, is_json_ld, node_text
from anthology.clean.metadata import parse_date
from anthology.clean.typography import smarten
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
    h1: etree._Element | None = None
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
        elif name == "h1" and found.h1 is None:
            found.h1 = element
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
)


def read_metadata(root: etree._Element, page: Page) -> Meta:
    """Every field from the most trusted place that states it."""
    meta = Meta()
    found = _collect(root)
    ld = _json_ld(found.scripts)
    props = _meta_props(found.metas)
    h1, title_tag = found.h1, found.title
    meta.publication = _first(
        ld.get("publication"),
        props.get("og:site_name"),
        props.get("application-name"),
        props.get("dc.publisher"),
    )
    meta.title = _first(
        ld.get("title"),
        props.get("og:title"),
        props.get("twitter:title"),
        props.get("dc.title"),
        props.get("citation_title"),
        node_text(h1) if h1 is not None else "",
        node_text(title_tag) if title_tag is not None else "",
    )
    meta.title = _strip_site_suffix(meta.title, meta.publication)
    meta.standfirst = _first(
        ld.get("description"),
        props.get("og:description"),
        props.get("twitter:description"),
        props.get("description"),
        props.get("dc.description"),
    )
    meta.byline = clean_byline(
        _first(
            ld.get("author"),
            _not_url(props.get("article:author")),
            _not_url(props.get("author")),
            props.get("dc.creator"),
            props.get("citation_author"),
            props.get("parsely-author"),
            props.get("sailthru.author"),
            _visible_byline(found.bylines),
        )
    )
    meta.date = _date(ld, props, found)
    meta.url = _first(
        _http(ld.get("url")), _http(props.get("og:url")), _http(_canonical(found.links))
    )
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
    for item in objects:
        types = _types(item)
        if any(_ARTICLE_TYPES.search(t) for t in types) and article is None:
            article = item
        if any(_LISTING_TYPES.match(t) for t in types):
            found["listing"] = "yes"
        if "WebSite" in types and isinstance(item.get("name"), str):
            found.setdefault("site", item["name"])
    if article is None:
        if "site" in found:
            found["publication"] = found["site"]
        return found
    found["article"] = "yes"
    found["title"] = _ld_text(article.get("headline")) or _ld_text(article.get("name"))
    found["description"] = _ld_text(article.get("description")) or _ld_text(
        article.get("alternativeHeadline")
    )
    found["author"] = _ld_names(article.get("author") or article.get("creator"))
    found["date"] = _ld_text(article.get("datePublished")) or _ld_text(article.get("dateCreated"))
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


def _ld_names(value) -> str:
    items = value if isinstance(value, list) else [value]
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


def _strip_site_suffix(title: str, publication: str) -> str:
    if publication and len(title) > len(publication) + 5:
        for sep in (" | ", " - ", " \u2013 ", " \u2014 ", " :: ", " \u00bb "):
            for tail in (publication, publication.split(" ")[0]):
                if title.endswith(sep + tail):
                    return title[: -len(sep + tail)].strip()
    return title


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


def to_date(value: str | None) -> date | None:
    """The date an ISO string or a written date states, or None."""
    if not value or not isinstance(value, str):
        return None
    match = _ISO_DATE.match(value)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
    return parse_date(value[:200])


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
