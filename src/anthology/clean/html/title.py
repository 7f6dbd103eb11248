"""The title, as a reader sees it: the article's H1.

The ``<title>`` and OpenGraph titles are written for search engines and share cards and carry
the site's name ("How to fold a map | The Gazette"). The title is the article's H1 when the page
has one that is not the site's own name, and the stated title with the site's name removed
otherwise. It is chosen before the content is (``choose_title``) and settled between the page's
H1s once the content is chosen (``settled_title``).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from lxml import etree

from anthology.clean.html.furniture import class_words
from anthology.clean.html.sitename import SEPARATOR, SiteName, compare_key
from anthology.clean.html.tree import WS, XML_FORBIDDEN, ancestors, is_inside
from anthology.core.text import smarten

# Characters a heading carries for its anchor link (Sphinx, MkDocs, rustdoc), not for the reader.
_ANCHOR_MARKS = re.compile(r"\s*[\u00b6#\u00a7\U0001f517]+\s*$")
# Inside an H1: widgets and machinery, whose text is not the title's ("Copy item path").
_NOT_HEADING_TEXT = frozenset(
    ["button", "script", "style", "noscript", "template", "svg", "select", "sup"]
)


# Inside an H1, a line break or a block parts words ("WEEKEND<br>CODING AGENT").
_BREAKS = frozenset(["br", "div", "p", "h2", "h3", "h4", "h5", "h6"])
# A date or byline line nested in the H1 (a page that never closed it): not the title's text.
_LOWER_HEADINGS = frozenset(["h2", "h3", "h4", "h5", "h6", "time"])
_DATE_LINE_WORDS = frozenset(["byline", "author", "posted", "date", "dateline", "time"])


@dataclass
class TitleChoice:
    """The title read from the page before the content is chosen, and what else it could be."""

    provisional: str  # the title ``read_metadata`` chose
    headings: list[tuple[etree._Element, str]]  # the page's H1s that may be the title, and text
    stated: str  # the page's stated title (JSON-LD, OpenGraph or ``<title>``), site name removed
    agreed: bool  # an H1 agrees with the stated title: nothing left to settle


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
    """An H1's text, without the widgets inside it (copy buttons, anchor marks) and the date or
    byline line some pages put inside it; a line break or block inside it parts its words."""
    parts: list[str] = []

    def walk(element: etree._Element) -> None:
        if element.text:
            parts.append(element.text)
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in _BREAKS:
                parts.append(" ")
            if (
                tag
                and tag not in _NOT_HEADING_TEXT
                and "-" not in tag  # custom elements (tooltips, widgets) hold no title text
                and tag not in _LOWER_HEADINGS
                and not class_words(child) & _DATE_LINE_WORDS
            ):
                walk(child)
            if tag in _BREAKS:
                parts.append(" ")
            if child.tail:
                parts.append(child.tail)

    walk(heading)
    return _title_text("".join(parts))


def _pieces(title: str) -> list[str]:
    return [p for p in SEPARATOR.split(title) if p.strip()]


def strip_site_name(title: str, site: SiteName) -> str:
    """``title`` without the site's name at its end or start ("Title | Site", "Site - Title")."""
    separators = SEPARATOR.findall(title)
    pieces = SEPARATOR.split(title)
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


def _without_label(title: str) -> str:
    """A stated title without the short pieces after its last bars: "Title | Opinion",
    "Title | Newegg.com". A bar in a stated title parts the headline from the site, the section
    or the brand (an H1 is read as printed; this is for pages without one)."""
    while True:
        head, bar, tail = title.rpartition(" | ")
        if not bar or len(head.split()) < 3 or len(tail.split()) > 3:
            return title
        title = head.strip()


def _agrees(heading: str, stated: str) -> bool:
    """Whether the H1 is the stated title, or the stated title is the H1 and other pieces."""
    key = compare_key(heading)
    if not key:
        return False
    if key == compare_key(stated):
        return True
    pieces = _pieces(stated)
    return any(
        compare_key(" ".join(pieces[:n])) == key or compare_key(" ".join(pieces[n:])) == key
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
    headings: list[etree._Element], stated: list[str | None], title_tag: str, site: SiteName
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
        compare_key(pieces[-1])
        for t in stated_titles
        if len(pieces := _pieces(t)) > 1 and not site.named(pieces[0])
    }
    names = set(site.names)
    candidates: list[tuple[etree._Element, str]] = []
    for heading in headings:
        text = _heading_text(heading)
        if len(text) < 3 or len(text) > 300 or site.named(text):
            continue
        text = strip_site_name(text, site) or text  # "Title – Site" printed in the H1 too
        if _in_site_chrome(heading):
            names.add(compare_key(text))  # the logo's H1 tells the site's name
            continue
        if compare_key(text) in ends and not any(
            _agrees(text, " | ".join(_pieces(t)[:-1])) for t in stated_titles
        ):
            names.add(compare_key(text))
            continue
        candidates.append((heading, text))
    site = SiteName(frozenset(names), site.hosts)
    fallback = _without_label(strip_site_name(seo or tag, site))

    def choice(title: str, agreed: bool) -> TitleChoice:
        headings = [(heading, smarten(text)) for heading, text in candidates]
        return TitleChoice(smarten(title), headings, smarten(fallback), agreed)

    for _, text in candidates:
        if any(_agrees(text, t) for t in stated_titles):
            return choice(text, True)
    # An H1 that is a label or a date and then the stated title ("Blog: Title", "18 Dec 2025
    # Title"): the stated title without them.
    for _, text in candidates:
        key = compare_key(text)
        for t in stated_titles:
            core = strip_site_name(t, site)
            core_key = compare_key(core)
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
    stated_words = {w for t in stated_titles for w in compare_key(t).split() if len(w) > 3}
    related = [
        (heading, text)
        for heading, text in candidates
        if not stated_words or {w for w in compare_key(text).split() if len(w) > 3} & stated_words
    ]
    if related:
        return choice(related[0][1], False)
    return choice(fallback, not candidates)  # an H1 inside the article may still be the title


def settled_title(title: str, choice: TitleChoice, chosen: list[etree._Element]) -> str:
    """The title chosen between the page's H1s by where the article is, once its content is
    chosen (``title`` is the title as it stands).

    Several H1s inside the article are its section headings (some pages mark every section so):
    the stated title is the article's. One H1 inside it is the title.
    """
    if choice.agreed or title != choice.provisional:
        return title  # the H1 and the stated title agree, or a site rule set the title
    inside = [
        text for heading, text in choice.headings if any(is_inside(heading, c) for c in chosen)
    ]
    if len(inside) > 1 and choice.stated:
        return choice.stated
    if len(inside) == 1:
        return inside[0]
    return title
