"""Is it an article? A page's kind from signs in its structure, weighed by a trained model.

Two steps, both cheap:

1. ``page_features(root, url)`` reads the parsed page once, before anything is removed:
   schema.org types (JSON-LD and microdata), ``og:type``, words of the address's path, prices,
   forms and buttons, repeated sibling cards, the share of text in links, paragraphs of prose,
   headings, ``<time>`` elements, and words in class names (``rules/pagetype.toml``).
   ``kept_features(features, texts)`` adds what the cleaner kept of it.
2. ``classify(features)`` weighs them with the model in ``rules/pagetype-model.json`` (gradient
   boosted trees trained by ``bench/pagetype.py`` on pages of many sites, cross-validated by
   site) and names the page's kind. Inference is plain Python: no numpy or scikit-learn.

Articles, essays and documentation are kept; listing, product, collection, service and forum
pages are refused with the kind as the reason.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import unquote, urlsplit

from lxml import etree

ARTICLE = "article"
# What a refusal says, per kind ("not an article: …").
REASONS = {
    "listing": "a list of links and headlines (a listing or home page)",
    "product": "a product page",
    "collection": "a collection of items",
    "service": "a company or service page",
    "forum": "a forum thread",
}

_WORD = re.compile(r"[^\W\d_]+|\d+")
_CLASS_WORD = re.compile(r"[a-z]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_DATE_PATH = re.compile(
    r"/(?:19|20)\d\d(?:/|-)(?:[01]?\d)(?:/|-|$)|/(?:19|20)\d\d(?:[01]\d)(?:[0-3]\d)?/"
)
_LONG_NUMBER = re.compile(r"\d{5,}")
_PRICE = re.compile(
    r"(?:[$€£¥₹₽₩₺]|\b(?:USD|EUR|GBP|CHF|JPY|CAD|AUD|INR|SEK|NOK|DKK|PLN|BRL|RUB|CZK|zł|Kč|kr|R\$)\b)"
    r"\s?\d[\d.,\u00a0 ]*"
    r"|\d[\d.,\u00a0 ]*\s?(?:[€£¥₹₽₩₺]|\b(?:USD|EUR|GBP|CHF|SEK|NOK|DKK|PLN|CZK|zł|Kč|kr|руб)\b)"
)
_SENTENCE_END = re.compile(r"[.!?\u2026\u3002\uff01\uff1f][\u201d\u2019\"')\]\u300d]*\s*$")
_NEVER = frozenset(["script", "style", "noscript", "template", "svg", "math", "head", "title"])
_HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
_BLOCKS = frozenset(
    ["div", "li", "article", "section", "tr", "td", "dd", "dt", "figure", "aside", "p", "span"]
)


@dataclass(frozen=True)
class PageType:
    """What a page is: its ``kind``, how likely it is not an article, and why it is refused."""

    kind: str  # "article" or one of REASONS' keys
    probability: float  # the model's probability that the page is not an article
    reason: str = ""  # what a refusal says ("a product page"); empty for an article

    @property
    def refused(self) -> bool:
        """True when the page is not an article."""
        return self.kind != ARTICLE


@dataclass(frozen=True)
class _Signs:
    schema: dict[str, frozenset[str]]
    url: dict[str, frozenset[str]]
    classes: dict[str, frozenset[str]]


@cache
def _signs() -> _Signs:
    text = resources.files("anthology.clean").joinpath("rules/pagetype.toml").read_text("utf-8")
    data = tomllib.loads(text)

    def groups(table: str) -> dict[str, frozenset[str]]:
        return {k: frozenset(v) for k, v in data[table].items() if isinstance(v, list)}

    return _Signs(schema=groups("schema"), url=groups("url"), classes=groups("classes"))


@cache
def model() -> dict:
    """The packaged model (``rules/pagetype-model.json``), loaded once."""
    path = resources.files("anthology.clean").joinpath("rules/pagetype-model.json")
    return json.loads(path.read_text("utf-8"))


# ------------------------------------------------------------------------------- features


class _Frame:
    """What one open element has gathered so far, while the tree is walked."""

    __slots__ = ("chars", "last", "never", "kids", "has_link", "has_media", "has_heading")

    def __init__(self, never: bool) -> None:
        self.chars = 0
        self.last = ""  # the last piece of text seen (does a paragraph end a sentence?)
        self.never = never
        self.kids: dict[tuple, int] | None = None
        self.has_link = False
        self.has_media = False
        self.has_heading = False


def page_features(root: etree._Element, url: str = "") -> dict[str, float]:
    """Signs of the page's kind, from its parsed tree (read once, before anything is removed).

    Args:
        root: the page's lxml tree (the whole document: ``<head>`` holds JSON-LD and ``og:type``).
        url: the page's address, when known.

    Returns:
        Named counts and shares, the model's inputs (see ``model()["features"]``).
    """
    signs = _signs()
    f: dict[str, float] = dict.fromkeys(_FEATURES, 0.0)
    types: set[str] = set()
    para_chars: list[int] = []
    para_ends = 0
    visible = links = prices = 0
    class_hits = dict.fromkeys(signs.classes, 0)
    cards = card_groups = card_media = 0
    times: set[str] = set()
    stack: list[_Frame] = [_Frame(False)]
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if not isinstance(tag, str):
            if event == "end" and el.tail and not stack[-1].never:
                n = len(el.tail.strip())
                stack[-1].chars += n
            continue
        tag = tag.lower()
        if event == "start":
            parent = stack[-1]
            never = parent.never or tag in _NEVER
            frame = _Frame(never)
            stack.append(frame)
            f["elements"] += 1
            if tag == "script":
                kind = el.get("type") or ""
                if "ld+json" in kind.lower():
                    found, keys = _ld_types(el.text or "")
                    types.update(found)
                    f["published"] = max(f["published"], float("datePublished" in keys))
                    f["author"] = max(f["author"], float("author" in keys))
            elif tag == "title" and not f["title_chars"]:
                title = (el.text or "").strip()
                f["title_chars"] = len(title)
                f["title_words"] = len(title.split())
            elif tag == "meta":
                prop = (el.get("property") or el.get("name") or "").lower()
                if prop in ("article:published_time", "date", "dc.date", "pubdate"):
                    f["published"] = 1.0
                elif prop in ("author", "article:author", "dc.creator"):
                    f["author"] = 1.0
                elif prop == "og:type":
                    og = (el.get("content") or "").lower()
                    f["og_article"] = float("article" in og)
                    f["og_product"] = float("product" in og)
                    f["og_website"] = float(og == "website")
            itemtype = el.get("itemtype")
            if itemtype:
                types.update(t.rstrip("/").rsplit("/", 1)[-1] for t in itemtype.split())
            itemprop = el.get("itemprop")
            if itemprop in ("price", "priceCurrency", "offers"):
                f["itemprop_price"] += 1
            elif itemprop == "datePublished":
                f["published"] = 1.0
            elif itemprop == "author" or (tag in ("a", "link") and el.get("rel") == "author"):
                f["author"] = 1.0
            if never:
                continue
            names = (el.get("class") or "") + " " + (el.get("id") or "")
            if names.strip():
                words = set(_CLASS_WORD.findall(_CAMEL.sub(" ", names).lower()))
                for group, vocabulary in signs.classes.items():
                    if not vocabulary.isdisjoint(words):
                        class_hits[group] += 1
            if tag in _COUNTED:
                f[_COUNTED[tag]] += 1
            if tag == "input" and (el.get("type") or "text").lower() not in ("hidden", "search"):
                f["inputs"] += 1
                if (el.get("type") or "").lower() in ("number", "radio"):
                    f["choices"] += 1
            elif tag == "a":
                href = (el.get("href") or "").lower()
                if href.startswith("tel:"):
                    f["tel_links"] += 1
                elif href.startswith("mailto:"):
                    f["mailto_links"] += 1
            elif tag == "time":
                times.add(el.get("datetime") or (el.text or "").strip())
            text = el.text
            if text:
                n = len(text.strip())
                if n:
                    frame.chars += n
                    frame.last = text
                    if _has_price(text):
                        prices += 1
        else:
            frame = stack.pop()
            parent = stack[-1]
            if frame.never:
                if el.tail and not parent.never:
                    parent.chars += len(el.tail.strip())
                continue
            chars = frame.chars  # text of this element and everything inside it
            if tag == "a":
                links += chars
                frame.has_link = True
            elif tag in ("img", "picture", "video"):
                frame.has_media = True
            elif tag in _HEADINGS:
                frame.has_heading = True
                if tag == "h1" and not f["h1_chars"]:
                    heading = " ".join("".join(el.itertext()).split())
                    f["h1_chars"] = len(heading)
                    f["h1_words"] = len(heading.split())
                if frame.has_link:
                    f["linked_headings"] += 1
            if tag == "p" and chars:
                para_chars.append(chars)
                if _SENTENCE_END.search(frame.last):
                    para_ends += 1
            if frame.kids:
                best = max(frame.kids.values())
                if best >= 3:
                    card_groups += 1
                    cards += sum(n for n in frame.kids.values() if n >= 3)
                f["max_cards"] = max(f["max_cards"], best)
            if tag in _BLOCKS and frame.has_link and chars < 600:
                key = (tag, el.get("class") or "")
                kids = parent.kids if parent.kids is not None else {}
                kids[key] = kids.get(key, 0) + 1
                parent.kids = kids
                if frame.has_media:
                    card_media += 1
            parent.chars += chars
            if frame.last:
                parent.last = frame.last
            parent.has_link |= frame.has_link
            parent.has_media |= frame.has_media
            parent.has_heading |= frame.has_heading
            tail = el.tail
            if tail:
                n = len(tail.strip())
                if n:
                    parent.chars += n
                    parent.last = tail
                    if _has_price(tail):
                        prices += 1
    visible = stack[0].chars
    _add_schema(f, types, signs)
    _add_url(f, url, signs)
    for group, hits in class_hits.items():
        f[f"class_{group}"] = hits
    f["visible_chars"] = visible
    f["link_share"] = links / visible if visible else 0.0
    f["prices"] = prices
    f["times"] = len(times - {""})
    f["cards"] = cards
    f["card_groups"] = card_groups
    f["card_media"] = card_media
    long_paras = [n for n in para_chars if n >= 150]
    f["paragraphs"] = len(para_chars)
    f["long_paragraphs"] = len(long_paras)
    f["paragraph_chars"] = sum(para_chars)
    f["paragraph_share"] = sum(para_chars) / visible if visible else 0.0
    f["long_paragraph_chars"] = sum(long_paras)
    f["mean_paragraph"] = sum(para_chars) / len(para_chars) if para_chars else 0.0
    f["sentence_end_share"] = para_ends / len(para_chars) if para_chars else 0.0
    # ratios a tree cannot make of two counts
    f["headings_per_paragraph"] = (f["headings"] + f["h1"]) / (len(long_paras) + 1)
    f["linked_heading_share"] = f["linked_headings"] / (f["headings"] + f["h1"] + 1)
    f["links_per_1000_chars"] = 1000 * f["links"] / (visible + 1000)
    f["cards_per_paragraph"] = cards / (len(long_paras) + 1)
    return f


def kept_features(features: dict[str, float], texts: list[str]) -> dict[str, float]:
    """``features`` with what the cleaner kept: its text blocks, measured against the page."""
    chars = sum(len(t) for t in texts)
    prose = [t for t in texts if len(t) >= 80 and _SENTENCE_END.search(t)]
    out = dict(features)
    out["kept_chars"] = chars
    out["kept_blocks"] = len(texts)
    out["kept_prose_chars"] = sum(len(t) for t in prose)
    out["kept_share"] = chars / features["visible_chars"] if features["visible_chars"] else 0.0
    out["kept_prose_share"] = out["kept_prose_chars"] / chars if chars else 0.0
    short = [t for t in texts if len(t) < 80]
    out["kept_short_share"] = len(short) / len(texts) if texts else 0.0
    out["kept_per_heading"] = chars / (features["headings"] + features["h1"] + 1)
    return out


_COUNTED = {
    "a": "links",
    "article": "articles",
    "main": "mains",
    "h1": "h1",
    "h2": "headings",
    "h3": "headings",
    "h4": "headings",
    "li": "items",
    "img": "images",
    "form": "forms",
    "button": "buttons",
    "select": "selects",
    "textarea": "textareas",
    "table": "tables",
    "pre": "code",
    "code": "code",
    "nav": "navs",
    "blockquote": "quotes",
    "dl": "definitions",
    "iframe": "iframes",
}
_SCHEMA_GROUPS = ("article", "product", "listing", "forum", "faq", "business", "breadcrumb")
_URL_GROUPS = ("product", "listing", "collection", "forum", "docs", "article", "service")
_FEATURES = (
    ["elements", "og_article", "og_product", "og_website", "itemprop_price", "inputs", "choices"]
    + sorted(set(_COUNTED.values()))
    + ["linked_headings", "max_cards", "tel_links", "mailto_links"]
    + ["title_chars", "title_words", "h1_chars", "h1_words", "published", "author"]
    + [f"schema_{g}" for g in _SCHEMA_GROUPS]
    + [f"url_{g}" for g in _URL_GROUPS]
    + ["url_known", "url_depth", "url_date", "url_number", "url_slug_words", "url_home"]
)


def _has_price(text: str) -> bool:
    return any(c.isdigit() for c in text) and _PRICE.search(text) is not None


def _ld_types(text: str) -> tuple[set[str], set[str]]:
    """The schema.org types a JSON-LD script names, and the keys its objects use."""
    try:
        data = json.loads(text.strip().rstrip(";"), strict=False)
    except (ValueError, RecursionError):
        return set(), set()
    types: set[str] = set()
    keys: set[str] = set()
    stack = [data]
    seen = 0
    while stack and seen < 500:
        item = stack.pop()
        seen += 1
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            keys.update(item)
            value = item.get("@type")
            if isinstance(value, str):
                types.add(value.rsplit("/", 1)[-1])
            elif isinstance(value, list):
                types.update(v.rsplit("/", 1)[-1] for v in value if isinstance(v, str))
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
    return types, keys


def _add_schema(f: dict[str, float], types: set[str], signs: _Signs) -> None:
    for group in _SCHEMA_GROUPS:
        hit = not signs.schema[group].isdisjoint(types)
        if group == "business":
            hit = hit or any(t.endswith(("Business", "Service")) for t in types)
        f[f"schema_{group}"] = float(hit)


def _add_url(f: dict[str, float], url: str, signs: _Signs) -> None:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return
    if not parts.netloc:
        return
    path = unquote(parts.path)
    segments = [s for s in path.lower().split("/") if s]
    host = parts.hostname or ""
    words = {w for s in segments for w in _WORD.findall(s)} | set(segments)
    words.add(host.split(".", 1)[0])
    f["url_known"] = 1.0
    for group in _URL_GROUPS:
        f[f"url_{group}"] = float(not signs.url[group].isdisjoint(words))
    f["url_depth"] = len(segments)
    f["url_date"] = float(bool(_DATE_PATH.search(path)))
    f["url_number"] = float(bool(_LONG_NUMBER.search(path)))
    last = re.sub(r"\.[a-z0-9]{2,5}$", "", segments[-1]) if segments else ""
    f["url_slug_words"] = len([w for w in re.split(r"[-_+\s]+", last) if w])
    f["url_home"] = float(not segments)


# ------------------------------------------------------------------------------ inference


def classify(features: dict[str, float], threshold: float | None = None) -> PageType:
    """The page's kind, from ``features`` (see ``page_features`` and ``kept_features``).

    Args:
        features: the page's signs.
        threshold: refuse when the probability of not being an article reaches this (the
            model's own, chosen in cross-validation, when None).
    """
    m = model()
    if (
        features.get("elements", 0.0) < m["min_elements"]
        or features.get("links", 0.0) < m["min_links"]
    ):
        # smaller, or with fewer links, than any page the model learned to judge: its layout
        # says nothing either way, and the cleaner's other checks (too little prose, only
        # links) still apply
        return PageType(ARTICLE, 0.0)
    row = [float(features.get(name, 0.0)) for name in m["features"]]
    scores = [
        m["bias"][k] + sum(_tree(t, row) for t in trees) for k, trees in enumerate(m["trees"])
    ]
    top = max(scores)
    weights = [math.exp(s - top) for s in scores]
    total = sum(weights)
    probabilities = dict(zip(m["classes"], (w / total for w in weights), strict=True))
    not_article = 1.0 - probabilities[ARTICLE]
    limit = m["threshold"] if threshold is None else threshold
    if not_article < limit:
        return PageType(ARTICLE, not_article)
    kind = max((k for k in probabilities if k != ARTICLE), key=lambda k: probabilities[k])
    return PageType(kind, not_article, REASONS[kind])


def _tree(tree: list, row: list[float]) -> float:
    """The value of the leaf ``row`` falls into: nodes are [feature, threshold, left, right]."""
    node = tree[0]
    while True:
        feature, threshold, left, right = node
        if feature < 0:
            return threshold  # a leaf: its value stands where a threshold would
        node = tree[left if row[feature] <= threshold else right]
