"""Is it an article? A page's kind from signs in its structure, weighed by a trained model.

Two steps, both cheap:

1. ``page_features(root, url)`` reads the parsed page once, before anything is removed:
   schema.org types (JSON-LD and microdata), ``og:type``, words of the address's path, prices,
   forms and buttons, calls to action (``tel:``, ``mailto:``, links to contact or booking
   pages, addresses), repeated sibling cards (linked, or a heading and a blurb), the share of
   text in links and in headings, paragraphs of prose and how much of it one container holds,
   ``<time>`` elements, and words in class names (``rules/pagetype.toml``); and what the words
   of its furniture say (``page_words``: title, headings, link texts, buttons and labels, the
   address's path), read by a linear text model over hashed words, word pairs and character
   n-grams, whose probability of each kind is an input of the trees.
   ``kept_features(features, texts)`` adds what the cleaner kept of it, and how that text
   reads: in sentences or in labels, as "we" speaking to "you" or in the third person, asking
   the reader to act, with prices, or as posts with their furniture (who, when, "Reply").
2. ``classify(features)`` weighs them with the models in ``rules/pagetype-model.json``
   (gradient boosted trees trained by ``bench/pagetype.py`` on pages of many sites,
   cross-validated by site; the text model's probabilities they read were made out of fold,
   so the trees learned how far to trust them on unseen sites): one decides article or not
   against a threshold, a second, small one names the kind of a page refused. Inference is
   plain Python: no numpy or scikit-learn.

Articles, essays and documentation are kept; listing, product, collection, service and forum
pages are refused with the kind as the reason.
"""

from __future__ import annotations

import base64
import json
import math
import re
import tomllib
import zlib
from array import array
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
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
_DIGIT = re.compile(r"\d")
_LONG_NUMBER = re.compile(r"\d{5,}")
_PRICE = re.compile(
    r"(?:[$€£¥₹₽₩₺]|\b(?:USD|EUR|GBP|CHF|JPY|CAD|AUD|INR|SEK|NOK|DKK|PLN|BRL|RUB|CZK|zł|Kč|kr|R\$)\b)"
    r"\s?\d[\d.,\u00a0 ]*"
    r"|\d[\d.,\u00a0 ]*\s?(?:[€£¥₹₽₩₺]|\b(?:USD|EUR|GBP|CHF|SEK|NOK|DKK|PLN|CZK|zł|Kč|kr|руб)\b)"
)
_SENTENCE_SPLIT = re.compile(r"[.!?\u2026\u3002\uff01\uff1f]+(?:\s|$)")
_SENTENCE_END = re.compile(r"[.!?\u2026\u3002\uff01\uff1f][\u201d\u2019\"')\]\u300d]*\s*$")
_NEVER = frozenset(["script", "style", "noscript", "template", "svg", "math", "head", "title"])
_HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
_ACTION_TAGS = frozenset(["a", "input", "time", "address"])  # read by _Walk._actions
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
    actions: re.Pattern[str]  # a link to a call to action: one of the words, alone in its path
    we: frozenset[str]  # pronouns of the kept text: first person plural
    you: frozenset[str]  # second person
    me: frozenset[str]  # first person singular
    calls: frozenset[str]  # the first word of a line that asks the reader to act
    marks: re.Pattern[str]  # a line of a forum post's furniture ("Reply", "Joined:", "#12")


@cache
def _signs() -> _Signs:
    text = resources.files("anthology.clean").joinpath("rules/pagetype.toml").read_text("utf-8")
    data = tomllib.loads(text)

    def groups(table: str) -> dict[str, frozenset[str]]:
        return {k: frozenset(v) for k, v in data[table].items() if isinstance(v, list)}

    words = sorted(data["actions"]["words"], key=lambda w: (-len(w), w))
    actions = re.compile(r"(?<![^\W\d_])(?:" + "|".join(map(re.escape, words)) + r")(?![^\W\d_])")
    writing = data["writing"]
    return _Signs(
        schema=groups("schema"),
        url=groups("url"),
        classes=groups("classes"),
        actions=actions,
        we=frozenset(writing["we"]),
        you=frozenset(writing["you"]),
        me=frozenset(writing["me"]),
        calls=frozenset(writing["calls"]),
        marks=re.compile("|".join(f"(?:{m})" for m in data["posts"]["marks"]), re.IGNORECASE),
    )


@cache
def model() -> dict:
    """The packaged model (``rules/pagetype-model.json``), loaded once."""
    path = resources.files("anthology.clean").joinpath("rules/pagetype-model.json")
    return json.loads(path.read_text("utf-8"))


# ------------------------------------------------------------------------------- features


class _Frame:
    """What one open element has gathered so far, while the tree is walked."""

    __slots__ = (
        "chars", "last", "never", "kids", "blurbs", "prose", "has_link", "has_media",
        "has_heading",
    )  # fmt: skip

    def __init__(self, never: bool) -> None:
        self.chars = 0
        self.last = ""  # the last piece of text seen (does a paragraph end a sentence?)
        self.never = never
        self.kids: dict[tuple, int] | None = None  # linked children laid out alike
        self.blurbs: dict[tuple, int] | None = None  # children with a heading and a little text
        self.prose = 0  # characters of paragraphs that are this element's children
        self.has_link = False
        self.has_media = False
        self.has_heading = False


def page_features(
    root: etree._Element, url: str = "", trained: dict | None = None
) -> dict[str, float]:
    """Signs of the page's kind, from its parsed tree (read once, before anything is removed).

    Args:
        root: the page's lxml tree (the whole document: ``<head>`` holds JSON-LD and ``og:type``).
        url: the page's address, when known.
        trained: the models as ``bench/pagetype.py`` exports them (the packaged ones when
            None): their text model scores the page's words.

    Returns:
        Named counts and shares, the model's inputs (see ``model()["features"]``).
    """
    signs = _signs()
    walk = _Walk(signs)
    walk.run(root)
    f = walk.f
    visible = walk.stack[0].chars
    _add_schema(f, walk.types, signs)
    _add_url(f, url, signs)
    _add_layout(f, walk, visible)
    long_paras = _add_prose(f, walk, visible)
    _add_ratios(f, walk, visible, long_paras)
    f.update(word_scores(page_words(root, url), trained))
    return f


class _Walk:
    """One pass over a page's tree: the counts it makes on the way (in ``f``) and the sums the
    end turns into features."""

    __slots__ = (
        "signs", "f", "stack", "types", "named", "class_hits", "times", "links", "prices",
        "heading_chars", "para_chars", "para_ends", "most_prose", "cards", "card_groups",
        "card_media", "blurbs",
    )  # fmt: skip

    def __init__(self, signs: _Signs) -> None:
        self.signs = signs
        self.f: dict[str, float] = dict.fromkeys(_FEATURES, 0.0)
        self.stack: list[_Frame] = [_Frame(False)]  # the open elements, the page's root first
        self.types: set[str] = set()  # schema.org types (microdata and JSON-LD)
        self.named: dict[str, tuple[str, ...]] = {}  # class and id names seen, the groups they hit
        self.class_hits = dict.fromkeys(signs.classes, 0)
        self.times: set[str] = set()
        self.links = self.prices = self.heading_chars = 0  # characters in links and headings
        self.para_chars: list[int] = []
        self.para_ends = self.most_prose = 0
        self.cards = self.card_groups = self.card_media = self.blurbs = 0

    def run(self, root: etree._Element) -> None:
        """Walk the tree once, every element opened and closed."""
        stack, start, end = self.stack, self.start, self.end
        for event, el in etree.iterwalk(root, events=("start", "end")):
            tag = el.tag
            if not isinstance(tag, str):  # a comment or processing instruction: only its tail
                if event == "end" and el.tail and not stack[-1].never:
                    stack[-1].chars += len(el.tail.strip())
            elif event == "start":
                start(el, tag.lower())
            else:
                end(el, tag.lower())

    def start(self, el: etree._Element, tag: str) -> None:
        """An element opens: its attributes, what its tag says, and its own text."""
        f = self.f
        never = self.stack[-1].never or tag in _NEVER
        frame = _Frame(never)
        self.stack.append(frame)
        f["elements"] += 1
        attrib = el.attrib
        if attrib and ("itemprop" in attrib or "itemtype" in attrib):
            self._microdata(attrib)
        if tag == "meta":
            _read_meta(f, el)
            return
        if never:
            self._unseen(el, tag, attrib)
            return
        if attrib:
            self._class_names(attrib)
        if tag in _COUNTED:
            f[_COUNTED[tag]] += 1
        if tag in _ACTION_TAGS:
            self._actions(el, tag, attrib)
        self._text(frame, el.text)

    def _text(self, frame: _Frame, text: str | None) -> None:
        """Text met in ``frame``'s element: its characters, the last text seen, a price."""
        n = len(text.strip()) if text else 0
        if n:
            frame.chars += n
            frame.last = text
            if _has_price(text):
                self.prices += 1

    def _microdata(self, attrib: etree._Attrib) -> None:
        """schema.org microdata: the types an element declares, and the properties it holds."""
        f = self.f
        itemtype = attrib.get("itemtype")
        if itemtype:
            self.types.update(t.rstrip("/").rsplit("/", 1)[-1] for t in itemtype.split())
        itemprop = attrib.get("itemprop")
        if itemprop:
            if itemprop in ("price", "priceCurrency", "offers"):
                f["itemprop_price"] += 1
            elif itemprop == "datePublished":
                f["published"] = 1.0
            elif itemprop == "author":
                f["author"] = 1.0
            elif itemprop in _CONTACT_PROPS:
                f["addresses"] += 1

    def _unseen(self, el: etree._Element, tag: str, attrib: etree._Attrib) -> None:
        """An element no reader sees (in ``<head>``, a script): JSON-LD, the title, an author."""
        f = self.f
        if tag == "script":
            kind = attrib.get("type") or ""
            if "ld+json" in kind.lower():
                found, keys = _ld_types(el.text or "")
                self.types.update(found)
                f["published"] = max(f["published"], float("datePublished" in keys))
                f["author"] = max(f["author"], float("author" in keys))
        elif tag == "title" and not f["title_chars"]:
            title = (el.text or "").strip()
            f["title_chars"] = len(title)
            f["title_words"] = len(title.split())
        elif tag == "link" and attrib.get("rel") == "author":
            f["author"] = 1.0

    def _class_names(self, attrib: etree._Attrib) -> None:
        """Words of the element's class and id names (``rules/pagetype.toml``'s groups)."""
        names = attrib.get("class")
        ident = attrib.get("id")
        if ident:
            names = f"{names} {ident}" if names else ident
        if names:
            hit = self.named.get(names)
            if hit is None:
                hit = self.named[names] = _class_groups(names, self.signs)
            for group in hit:
                self.class_hits[group] += 1

    def _actions(self, el: etree._Element, tag: str, attrib: etree._Attrib) -> None:
        """Links and calls to action, form fields, dates and addresses."""
        f = self.f
        if tag == "a":
            href = attrib.get("href")
            if href:
                if href.startswith(("tel:", "TEL:", "Tel:")):
                    f["tel_links"] += 1
                elif href.startswith(("mailto:", "MAILTO:")):
                    f["mailto_links"] += 1
                elif _action_link(href, self.signs):
                    f["action_links"] += 1
            if attrib.get("rel") == "author":
                f["author"] = 1.0
        elif tag == "input":
            kind = (attrib.get("type") or "text").lower()
            if kind not in ("hidden", "search"):
                f["inputs"] += 1
                if kind in ("number", "radio"):
                    f["choices"] += 1
        elif tag == "time":
            self.times.add(attrib.get("datetime") or (el.text or "").strip())
        elif tag == "address":
            f["addresses"] += 1

    def end(self, el: etree._Element, tag: str) -> None:
        """An element closes: what it holds is measured, then handed to its parent with its tail."""
        frame = self.stack.pop()
        parent = self.stack[-1]
        if frame.never:
            if el.tail and not parent.never:
                parent.chars += len(el.tail.strip())
            return
        chars = frame.chars  # text of this element and everything inside it
        if tag == "a":
            self.links += chars
            frame.has_link = True
        elif tag in ("img", "picture", "video"):
            frame.has_media = True
        elif tag in _HEADINGS:
            self._heading(el, tag, frame, chars)
        elif tag == "p" and chars:
            self._paragraph(frame, parent, chars)
        if frame.prose > self.most_prose:
            self.most_prose = frame.prose
        if frame.kids or frame.blurbs:
            self._card_groups(frame)
        if tag in _BLOCKS:
            self._card(el, tag, frame, parent, chars)
        parent.chars += chars
        if frame.last:
            parent.last = frame.last
        parent.has_link |= frame.has_link
        parent.has_media |= frame.has_media
        parent.has_heading |= frame.has_heading
        self._text(parent, el.tail)

    def _heading(self, el: etree._Element, tag: str, frame: _Frame, chars: int) -> None:
        f = self.f
        frame.has_heading = True
        self.heading_chars += chars
        if tag == "h1" and not f["h1_chars"]:
            heading = " ".join("".join(el.itertext()).split())
            f["h1_chars"] = len(heading)
            f["h1_words"] = len(heading.split())
        if frame.has_link:
            f["linked_headings"] += 1

    def _paragraph(self, frame: _Frame, parent: _Frame, chars: int) -> None:
        """A paragraph: its length, whether it ends a sentence, the prose of its container."""
        self.para_chars.append(chars)
        if chars >= 80:
            parent.prose += chars
        if _SENTENCE_END.search(frame.last):
            self.para_ends += 1

    def _card_groups(self, frame: _Frame) -> None:
        """Children laid out alike, three or more: cards (linked) or blurbs (a heading, text)."""
        if frame.kids:
            best = max(frame.kids.values())
            if best >= 3:
                self.card_groups += 1
                self.cards += sum(n for n in frame.kids.values() if n >= 3)
            if best > self.f["max_cards"]:
                self.f["max_cards"] = best
        if frame.blurbs:
            self.blurbs += sum(n for n in frame.blurbs.values() if n >= 3)

    def _card(
        self, el: etree._Element, tag: str, frame: _Frame, parent: _Frame, chars: int
    ) -> None:
        """A short block with a link or a heading: counted in its parent, by tag and class."""
        if frame.has_link and chars < 600:
            key = (tag, el.get("class") or "")
            kids = parent.kids if parent.kids is not None else {}
            kids[key] = kids.get(key, 0) + 1
            parent.kids = kids
            if frame.has_media:
                self.card_media += 1
        if frame.has_heading and chars < 600:
            key = (tag, el.get("class") or "")
            kids = parent.blurbs if parent.blurbs is not None else {}
            kids[key] = kids.get(key, 0) + 1
            parent.blurbs = kids


def _add_layout(f: dict[str, float], walk: _Walk, visible: int) -> None:
    """Class words, text in links, prices, dates and cards."""
    for group, hits in walk.class_hits.items():
        f[f"class_{group}"] = hits
    f["visible_chars"] = visible
    f["link_share"] = walk.links / visible if visible else 0.0
    f["prices"] = walk.prices
    f["times"] = len(walk.times - {""})
    f["cards"] = walk.cards
    f["card_groups"] = walk.card_groups
    f["card_media"] = walk.card_media
    f["blurbs"] = walk.blurbs


def _add_prose(f: dict[str, float], walk: _Walk, visible: int) -> int:
    """Paragraphs: how many, how long, where; returns how many are long (150 characters)."""
    para_chars = walk.para_chars
    long_paras = [n for n in para_chars if n >= 150]
    prose = sum(para_chars)
    f["paragraphs"] = len(para_chars)
    f["long_paragraphs"] = len(long_paras)
    f["paragraph_chars"] = prose
    f["paragraph_share"] = prose / visible if visible else 0.0
    f["long_paragraph_chars"] = sum(long_paras)
    f["mean_paragraph"] = prose / len(para_chars) if para_chars else 0.0
    f["median_paragraph"] = sorted(para_chars)[len(para_chars) // 2] if para_chars else 0.0
    f["sentence_end_share"] = walk.para_ends / len(para_chars) if para_chars else 0.0
    # the article's body holds its prose in one place; a landing page spreads it over sections
    f["most_prose"] = walk.most_prose
    f["most_prose_share"] = walk.most_prose / prose if prose else 0.0
    f["heading_share"] = walk.heading_chars / visible if visible else 0.0
    f["heading_per_prose"] = walk.heading_chars / (prose + 100)
    return len(long_paras)


def _add_ratios(f: dict[str, float], walk: _Walk, visible: int, long_paras: int) -> None:
    """Ratios a tree cannot make of two counts."""
    f["headings_per_paragraph"] = (f["headings"] + f["h1"]) / (long_paras + 1)
    f["linked_heading_share"] = f["linked_headings"] / (f["headings"] + f["h1"] + 1)
    f["links_per_1000_chars"] = 1000 * f["links"] / (visible + 1000)
    f["cards_per_paragraph"] = walk.cards / (long_paras + 1)
    f["blurbs_per_paragraph"] = walk.blurbs / (long_paras + 1)
    f["actions_per_1000_chars"] = (
        1000 * (f["action_links"] + f["tel_links"] + f["mailto_links"]) / (visible + 1000)
    )


def _read_meta(f: dict[str, float], el: etree._Element) -> None:
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


def _class_groups(names: str, signs: _Signs) -> tuple[str, ...]:
    """The word groups of ``rules/pagetype.toml`` that class and id ``names`` use."""
    words = set(_CLASS_WORD.findall(_CAMEL.sub(" ", names).lower()))
    return tuple(g for g, vocabulary in signs.classes.items() if not vocabulary.isdisjoint(words))


def _action_link(href: str, signs: _Signs) -> bool:
    """Does a link lead to a call to action (contact, quote, booking, sign-up)?"""
    return signs.actions.search(href.lower()) is not None


def kept_features(features: dict[str, float], texts: list[str]) -> dict[str, float]:
    """``features`` with what the cleaner kept: its text blocks, measured against the page,
    and how they read (see ``_add_writing``)."""
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
    out["kept_longest"] = max((len(t) for t in texts), default=0)
    out["kept_median"] = sorted(len(t) for t in texts)[len(texts) // 2] if texts else 0
    _add_writing(out, texts, _signs())
    return out


def _add_writing(f: dict[str, float], texts: list[str], signs: _Signs) -> None:
    """How the kept text reads: sentences or labels, who it speaks to, what it asks for.

    An article is told in sentences, mostly in the third person; a service page speaks as
    "we" to "you" and asks the reader to act; a shop's page is labels, prices and buttons; a
    forum thread is short posts with who wrote them and when.
    """
    words = 0
    sentence_words = 0  # words of blocks that end a sentence
    sentences = 0
    long_blocks = 0  # blocks of 40 words or more
    longest = 0
    we = you = i = calls = questions = prices = marks = labels = digits = 0
    for text in texts:
        lower = text.lower()
        tokens = _WORD.findall(lower)
        n = len(tokens)
        words += n
        longest = max(longest, n)
        if n >= 40:
            long_blocks += 1
        for line in text.splitlines():
            line = line.strip()
            if not line:
                continue
            if _SENTENCE_END.search(line):
                sentence_words += len(_WORD.findall(line))
            elif len(line.split()) <= 4:
                labels += 1  # a label, a button, a name: no sentence
            if line.endswith(("?", "\uff1f")):
                questions += 1
            first = _WORD.match(line.lower())
            if first and first.group() in signs.calls:
                calls += 1
            if signs.marks.search(line):
                marks += 1
        sentences += len(_SENTENCE_SPLIT.findall(text)) or (1 if n else 0)
        for token in tokens:
            if token[0].isdigit():
                digits += 1
            elif token in signs.we:
                we += 1
            elif token in signs.you:
                you += 1
            elif token in signs.me:
                i += 1
        if _DIGIT.search(text):
            prices += len(_PRICE.findall(text))
    lines = sum(1 for t in texts for line in t.splitlines() if line.strip())
    f["kept_words"] = words
    f["kept_sentence_word_share"] = sentence_words / words if words else 0.0
    f["kept_words_per_sentence"] = words / sentences if sentences else 0.0
    f["kept_long_blocks"] = long_blocks
    f["kept_longest_words"] = longest
    f["kept_we_rate"] = 100 * we / (words + 50)
    f["kept_you_rate"] = 100 * you / (words + 50)
    f["kept_i_rate"] = 100 * i / (words + 50)
    f["kept_call_share"] = calls / lines if lines else 0.0
    f["kept_question_share"] = questions / lines if lines else 0.0
    f["kept_prices"] = prices
    f["kept_price_rate"] = 1000 * prices / (words + 100)
    f["kept_post_marks"] = marks
    f["kept_post_mark_share"] = marks / lines if lines else 0.0
    f["kept_label_share"] = labels / lines if lines else 0.0
    f["kept_number_share"] = digits / words if words else 0.0


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
    "section": "sections",
}
# microdata properties of a business's contact block
_CONTACT_PROPS = frozenset(["address", "telephone", "streetAddress", "postalCode", "openingHours"])
_SCHEMA_GROUPS = ("article", "product", "listing", "forum", "faq", "business", "breadcrumb")
_URL_GROUPS = ("product", "listing", "collection", "forum", "docs", "article", "service")
_FEATURES = (
    ["elements", "og_article", "og_product", "og_website", "itemprop_price", "inputs", "choices"]
    + sorted(set(_COUNTED.values()))
    + ["linked_headings", "max_cards", "tel_links", "mailto_links", "action_links", "addresses"]
    + ["title_chars", "title_words", "h1_chars", "h1_words", "published", "author"]
    + [f"schema_{g}" for g in _SCHEMA_GROUPS]
    + [f"url_{g}" for g in _URL_GROUPS]
    + ["url_known", "url_depth", "url_date", "url_number", "url_slug_words", "url_home"]
    + ["url_query", "url_page_file"]
)


def _has_price(text: str) -> bool:
    return _DIGIT.search(text) is not None and _PRICE.search(text) is not None


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
    f["url_query"] = float(bool(parts.query))
    f["url_page_file"] = float(bool(re.search(r"\.(?:s?html?|php|aspx?|jsp)$", path.lower())))


# ------------------------------------------------------------------------------ inference


def classify(
    features: dict[str, float], threshold: float | None = None, trained: dict | None = None
) -> PageType:
    """The page's kind, from ``features`` (see ``page_features`` and ``kept_features``).

    Two steps: the decision model's probability that the page is not an article, against the
    threshold chosen in cross-validation; then, for a page refused, the kind model names it.

    Args:
        features: the page's signs.
        threshold: refuse when the probability of not being an article reaches this (the
            model's own, chosen in cross-validation, when None).
        trained: the models as ``bench/pagetype.py`` exports them (the packaged ones when None).
    """
    m = trained or model()
    if (
        features.get("elements", 0.0) < m["min_elements"]
        or features.get("links", 0.0) < m["min_links"]
    ):
        # smaller, or with fewer links, than any page the model learned to judge: its layout
        # says nothing either way, and the cleaner's other checks (too little prose, only
        # links) still apply
        return PageType(ARTICLE, 0.0)
    row = [float(features.get(name, 0.0)) for name in m["features"]]
    p = _not_article(m, row)
    limit = m["threshold"] if threshold is None else threshold
    if p < limit:
        return PageType(ARTICLE, p)
    kinds = m["kinds"]
    scores = [
        bias + sum(_tree(t, row) for t in trees)
        for bias, trees in zip(kinds["bias"], kinds["trees"], strict=True)
    ]
    kind = kinds["classes"][max(range(len(scores)), key=scores.__getitem__)]
    return PageType(kind, p, REASONS[kind])


def not_article(features: dict[str, float]) -> float:
    """The decision model's probability that a page with ``features`` is not an article."""
    m = model()
    return _not_article(m, [float(features.get(name, 0.0)) for name in m["features"]])


def _not_article(m: dict, row: list[float]) -> float:
    decision = m["decision"]
    score = decision["bias"] + sum(_tree(t, row) for t in decision["trees"])
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, score))))


def _tree(tree: list, row: list[float]) -> float:
    """The value of the leaf ``row`` falls into: nodes are [feature, threshold, left, right]."""
    node = tree[0]
    while True:
        feature, threshold, left, right = node
        if feature < 0:
            return threshold  # a leaf: its value stands where a threshold would
        node = tree[left if row[feature] <= threshold else right]


# ----------------------------------------------------------------------------- the page's words

# What the words of a page's furniture say of its kind: its title, headings, link texts,
# buttons and labels, and its address's path. "Add to cart", "Reply", "Our services", "Get a
# quote", "Read more" and prices are broad signs in any site's design; a linear model over
# hashed word pairs and character n-grams (``rules/pagetype-model.json``'s ``words``) reads them
# in any language, and its class probabilities are inputs of the trees.
_FIELDS = {"title": "t", "button": "b", "label": "b", "a": "a", "option": "b"}
_FIELDS.update(dict.fromkeys(_HEADINGS, "h"))
_WORDS_TAGS = tuple(_FIELDS) + ("input",)
_MAX_ITEMS = 400  # of each field, in the page's order (a long listing says enough in its first)
_MAX_ITEM = 120  # characters of one item read


def page_words(root: etree._Element, url: str = "") -> list[tuple[str, str]]:
    """The page's words the text model reads, as (field, text) pairs: "t" its title, "h" a
    heading, "a" a link's text, "b" a button, label or choice, "u" its address's path."""
    out: list[tuple[str, str]] = []
    counts: dict[str, int] = {}
    for el in root.iter(_WORDS_TAGS):
        tag = el.tag
        if tag == "input":
            kind = (el.get("type") or "text").lower()
            text = el.get("value") if kind in ("submit", "button") else el.get("placeholder")
            field = "b"
        else:
            field = _FIELDS[tag]
            text = " ".join("".join(el.itertext()).split()[:20])
        if not text:
            continue
        n = counts.get(field, 0)
        if n >= _MAX_ITEMS:
            continue
        counts[field] = n + 1
        out.append((field, text[:_MAX_ITEM]))
    if url:
        try:
            path = unquote(urlsplit(url.strip()).path)
        except ValueError:
            path = ""
        out.append(("u", " ".join(re.split(r"[/\-_.+]+", path))))
    return out


def word_features(words: list[tuple[str, str]], size: int) -> dict[int, float]:
    """``words`` hashed into ``size`` buckets: each field's words and word pairs, a price in a
    field, and the character n-grams (3 and 4) of each word the page uses (once per word);
    counts dampened (log) and the whole scaled to length 1."""
    keys: dict[str, int] = {}
    seen: set[str] = set()
    for (field, text), n in Counter(words).items():
        tokens = ["0" if t[0].isdigit() else t for t in _WORD.findall(text.lower())]
        seen.update(tokens)
        item = [f"{field}:{t}" for t in tokens]
        item += [f"{field}:{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]
        if _DIGIT.search(text) and _PRICE.search(text):
            item.append(f"{field}:<price>")
        for key in item:
            keys[key] = keys.get(key, 0) + n
    counts: dict[int, float] = {}
    crc = zlib.crc32
    for key, n in keys.items():
        h = crc(key.encode("utf-8")) % size
        counts[h] = counts.get(h, 0.0) + n
    for t in seen:
        if len(t) > 2:
            for h in _grams(t, size):
                counts[h] = counts.get(h, 0.0) + 1.0
    for h, n in counts.items():
        counts[h] = 1.0 + math.log(n)
    norm = math.sqrt(sum(v * v for v in counts.values())) or 1.0
    return {h: v / norm for h, v in counts.items()}


@lru_cache(maxsize=1 << 16)
def _grams(token: str, size: int) -> tuple[int, ...]:
    """The buckets of a word's character n-grams (3 and 4, the word's ends marked)."""
    padded = f" {token} "
    grams = [padded[i : i + 3] for i in range(len(padded) - 2)]
    grams += [padded[i : i + 4] for i in range(len(padded) - 3)]
    return tuple(zlib.crc32(g.encode("utf-8")) % size for g in grams)


@cache
def _word_weights() -> tuple[list[str], int, list[array], list[float], float] | None:
    return _unpacked_words(model())


def _unpacked_words(trained: dict) -> tuple[list[str], int, list[array], list[float], float] | None:
    m = trained.get("words")
    if not m:
        return None
    weights = []
    for packed in m["weights"]:
        a = array("b")
        a.frombytes(base64.b64decode(packed))
        weights.append(a)
    return m["classes"], m["size"], weights, m["bias"], m["scale"]


def word_scores(words: list[tuple[str, str]], trained: dict | None = None) -> dict[str, float]:
    """The text model's probability of each kind for a page with ``words`` (empty without a
    text model), by the packaged model or the ``trained`` one."""
    packed = _word_weights() if trained is None else _unpacked_words(trained)
    if packed is None:
        return {}
    classes, size, weights, bias, scale = packed
    x = word_features(words, size)
    scores = [
        b + scale * sum(v * w[h] for h, v in x.items()) for w, b in zip(weights, bias, strict=True)
    ]
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return {f"words_{c}": e / total for c, e in zip(classes, exps, strict=True)}
