"""Find the main content the way readability does, and hand it to BeautifulSoup.

Paragraphs of prose score their ancestors (commas and length), scores are damped by link
density and nudged by class hints, the best container wins and takes along siblings that look
like more of the same article.
"""

from __future__ import annotations

from bs4 import Tag
from lxml import etree

from anthology.clean.html.furniture import class_hint
from anthology.clean.html.tree import (
    HEADINGS,
    NUMBER,
    SENTENCE_END,
    Stats,
    all_tags,
    ancestors,
    make_soup,
    node_text,
)

MIN_BLOCK_CHARS = 25  # text shorter than this does not score its ancestors


def main_content(body: etree._Element, stats: dict[etree._Element, Stats]) -> list[etree._Element]:
    """The element holding the article, with sibling elements that continue it."""
    scores: dict[etree._Element, float] = {}
    for element in body.iterdescendants(etree.Element):
        s = stats.get(element)
        if s is None or s.own - s.own_links < MIN_BLOCK_CHARS:
            continue
        name = element.tag
        if name in HEADINGS or name in ("a", "li", "th", "dt", "caption", "figcaption"):
            continue
        if s.own_links > 0.5 * s.own:
            continue
        score = 1 + s.commas + min((s.own - s.own_links) // 100, 3)
        for level, ancestor in enumerate(ancestors(element, 5)):
            if ancestor not in scores:
                scores[ancestor] = _initial_score(ancestor, stats)
            divider = 1 if level == 0 else 2 if level == 1 else level * 3
            scores[ancestor] += score / divider
            if ancestor is body or ancestor.tag == "article":
                break  # an <article> is a composition of its own: its text scores no further
        # the text block itself is a candidate too (a lone long <div> of text)
        if name in ("div", "section", "article", "main", "center") and element not in scores:
            scores[element] = _initial_score(element, stats) + score
    if not scores:
        return [body]
    final: dict[etree._Element, float] = {}
    for element, score in scores.items():
        s = stats.get(element, Stats())
        density = s.links / s.length if s.length else 0
        final[element] = score * (1 - density)
    ranked = sorted(final, key=final.get, reverse=True)
    top = ranked[0]
    top_score = final[top]
    # several near-equal candidates under one ancestor: the ancestor is the article
    # (articles only as the top's siblings: a run of them is a listing, other ones are not
    # parts of this one)
    alternatives = [
        k
        for k in ranked[1:5]
        if final[k] >= 0.75 * top_score and (k.tag != "article" or k.getparent() is top.getparent())
    ]
    if len(alternatives) >= 3:
        for ancestor in ancestors(top, 50):
            if ancestor is body:
                break
            inside = sum(
                1 for alt in alternatives if any(p is ancestor for p in ancestors(alt, 50))
            )
            if inside >= 3:
                top = ancestor
                break
    # climb while the parent scores better (the article is split in several containers)
    last = final.get(top, top_score)
    threshold = last / 3
    for parent in ancestors(top, 50):
        if parent is body or parent.tag == "html":
            break
        if parent not in final:
            continue
        if final[parent] < threshold:
            break
        if final[parent] > last:
            top = parent
            break
        last = final[parent]
    while (parent := top.getparent()) is not None and parent is not body and len(parent) == 1:
        top = parent
    return _with_siblings(top, final, stats, body)


def _initial_score(tag: etree._Element, stats: dict[etree._Element, Stats]) -> float:
    base = {
        "div": 5,
        "article": 8,
        "main": 5,
        "section": 3,
        "pre": 3,
        "td": 3,
        "blockquote": 3,
        "address": -3,
        "ol": -3,
        "ul": -3,
        "dl": -3,
        "dd": -3,
        "dt": -3,
        "li": -3,
        "form": -3,
        "th": -5,
    }.get(tag.tag, 0)
    if tag.tag in HEADINGS:
        base = -5
    if tag.get("itemprop") == "articleBody":
        base += 50
    hint = class_hint(tag)
    if hint > 0:
        # a content class counts in proportion to the prose it holds, so that a small box called
        # "content-title" does not outscore the article
        s = stats.get(tag, Stats())
        return base + 25 * min(1.0, (s.length - s.links) / 1000)
    return base + 25 * hint


def _with_siblings(
    top: etree._Element,
    final: dict[etree._Element, float],
    stats: dict[etree._Element, Stats],
    body: etree._Element,
) -> list[etree._Element]:
    parent = top.getparent()
    if parent is None or top is body:
        return [top]
    top_score = final.get(top, 0)
    threshold = max(10.0, top_score * 0.2)
    top_class = " ".join(top.get("class", "").split())
    chosen = []
    for sibling in parent:
        if sibling is top:
            chosen.append(sibling)
            continue
        alike = bool(top_class) and " ".join(sibling.get("class", "").split()) == top_class
        bonus = top_score * 0.2 if alike else 0
        score = final.get(sibling)
        if score is None and alike and sibling.tag == top.tag != "article":
            # A section of the article laid out like the chosen one, its text too deep inside
            # to have scored it: it counts with the best block it holds. (Another <article>
            # is another composition.)
            score = max(
                (final.get(e, 0.0) for e in sibling.iterdescendants(etree.Element)), default=None
            )
        if score is not None and score + bonus >= threshold and class_hint(sibling) >= 0:
            chosen.append(sibling)
            continue
        if sibling.tag == "p":
            s = stats.get(sibling, Stats())
            density = s.links / s.length if s.length else 0
            text = node_text(sibling).strip()
            if (s.length > 80 and density < 0.25) or (
                0 < s.length <= 80 and density == 0 and SENTENCE_END.search(text)
            ):
                chosen.append(sibling)
    return chosen


def hand_over(
    root: etree._Element, chosen: list[etree._Element], stats: dict[etree._Element, Stats]
) -> tuple[list[Tag], dict[int, Stats]]:
    """The chosen containers as BeautifulSoup tags, with their stats keyed by the tags' ids.

    Only they, inside their ancestors (so that a cell is still in its row), are handed to
    BeautifulSoup: the rest of the page is dropped from lxml's tree first.
    """
    keep = set(chosen)
    chain: set[etree._Element] = set()
    for element in chosen:
        for parent in element.iterancestors():
            if parent in chain:
                break
            chain.add(parent)
    chain -= keep
    for parent in chain:
        parent.text = None
        parent.attrib.pop(NUMBER, None)
        for child in list(parent):
            if child in keep or child in chain:
                child.tail = None
            else:
                parent.remove(child)
    numbered: list[Stats | None] = []
    firsts: set[str] = set()
    for element in chosen:
        firsts.add(str(len(numbered)))
        for inner in element.iter(etree.Element):
            inner.set(NUMBER, str(len(numbered)))
            numbered.append(stats.get(inner))
    soup = make_soup(etree.tostring(root, encoding="unicode", method="html"))
    roots: list[Tag] = []
    soup_stats: dict[int, Stats] = {}
    for tag in all_tags(soup):
        n = tag.attrs.pop(NUMBER, None)
        if n is None:
            continue
        if n in firsts:
            roots.append(tag)
        s = numbered[int(n)]
        if s is not None:
            soup_stats[id(tag)] = s
    return roots, soup_stats
