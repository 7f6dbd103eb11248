"""Which blocks of a page are its article: a vote of two extractors, settled by a classifier.

Our scorer (the containers ``_main_content`` chose) and trafilatura each give an opinion on
every text block of the page; where they agree the answer is clear, where they disagree a small
block classifier trained on the broad development set decides from what the block looks like
(text and link density, tag, position, class and id words of its ancestors, how its neighbours
voted). Independent extractors voting block by block beat each single one (Bevendorff et al.,
"An Empirical Comparison of Web Content Extraction Algorithms", SIGIR 2023).

When our scorer's choice already holds most of the page's text (``sure_share`` in the model),
the vote is not asked and that choice stands: cross-validated by site it changes little there,
and trafilatura is most of the vote's time.

The vote only decides WHICH blocks are content. Our walker still builds the article from the
page's own elements (structure, figures and site rules stay ours).

The model is data: ``rules/vote-model.json``, gradient-boosted trees read without scikit-learn
(all of a page's blocks scored at once with numpy; deterministic). ``bench/train_vote.py``
retrains it from ``wcxb-dev`` and the ScrapingHub set, cross-validated by site.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from anthology.clean.html.furniture import name_hint
from anthology.clean.html.tree import BLOCK_TAGS as WALKER_BLOCKS
from anthology.clean.rules import markup_rules

# The walker's block elements, and a button: the vote reads its text as a block of its own
# (the classifier weighs it), where the walker never keeps one.
BLOCK_TAGS = WALKER_BLOCKS | {"button"}
# Never text a reader sees (a hidden or button element is kept: the classifier weighs it).
_SILENT = frozenset(
    ["script", "style", "noscript", "template", "svg", "math", "iframe", "object", "head", "title"]
)
_FURNITURE_TAGS = frozenset(["nav", "aside", "footer", "header", "form", "menu"])
_CONTENT_TAGS = frozenset(["main", "article"])
_CODE_TAGS = frozenset(["code", "kbd", "samp", "pre", "tt", "var", "listing", "xmp"])
_TAG_GROUPS = ("p", "li", "h", "td", "div", "pre", "blockquote", "dt", "other")
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?\u2026:;\u3002\uff01\uff1f][\u201d\u2019\"')\]\u300d]*$")
MODEL_PATH = Path(__file__).resolve().parents[1] / "rules" / "vote-model.json"


@dataclass
class TextBlock:
    """A run of text in the page's flow: an element's own text, its block children left out."""

    element: etree._Element
    text: str
    tokens: list[str]
    links: int  # characters of the text inside links
    index: int = 0
    code: int = 0  # characters of the text inside code (<code>, <kbd>, <samp>, <pre>…)
    anchors: int = 0  # characters of the text inside links to the page itself (href="#…")


def blocks_of(body: etree._Element) -> list[TextBlock]:
    """Every text block under ``body`` in document order (script, style and the like left out)."""
    blocks: list[TextBlock] = []

    def visit(element: etree._Element, in_code: bool) -> None:
        parts: list[str] = []
        links = code = anchors = 0
        in_code = in_code or element.tag in _CODE_TAGS
        anchor = element.tag == "a" and (element.get("href") or "").startswith("#")
        if element.text:
            parts.append(element.text)
            if element.tag == "a":
                links += len(element.text.strip())
                anchors += len(element.text.strip()) if anchor else 0
        children = []
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SILENT:
                if child.tail:
                    parts.append(child.tail)
                continue
            if tag in BLOCK_TAGS:
                children.append(child)
                parts.append(" ")
            else:
                text, inner = _inline_text(child)
                parts.append(text)
                chars = len(" ".join(text.split()))
                links += chars if tag == "a" or element.tag == "a" else inner[0]
                code += chars if in_code or tag in _CODE_TAGS else inner[1]
                anchors += chars if anchor else inner[2]
            if child.tail:
                parts.append(child.tail)
        text = " ".join("".join(parts).split())
        if text:
            code = len(text) if in_code else code
            blocks.append(TextBlock(element, text, _WORD.findall(text), links, 0, code, anchors))
        for child in children:
            visit(child, in_code)

    # explicit recursion depth is bounded by the parser (lxml nests at most 2048 levels)
    visit(body, False)
    for n, block in enumerate(blocks):
        block.index = n
    return blocks


def _inline_text(element: etree._Element) -> tuple[str, tuple[int, int, int]]:
    """The text inside an inline element (and any blocks wrongly nested in it), in order, and
    how much of it is inside links, inside code and inside links to the page itself."""
    parts: list[str] = []
    counts = [0, 0, 0]

    def visit(node: etree._Element, marks: tuple[bool, bool, bool]) -> None:
        tag = node.tag
        if tag == "a":
            marks = (True, marks[1], marks[2] or (node.get("href") or "").startswith("#"))
        elif tag in _CODE_TAGS:
            marks = (marks[0], True, marks[2])
        if node.text:
            parts.append(node.text)
            _count(counts, marks, node.text)
        for child in node:
            if isinstance(child.tag, str) and child.tag not in _SILENT:
                visit(child, marks)
            if child.tail:
                parts.append(child.tail)
                _count(counts, marks, child.tail)

    visit(element, (False, False, False))
    return " ".join(parts), (counts[0], counts[1], counts[2])


def _count(counts: list[int], marks: tuple[bool, bool, bool], text: str) -> None:
    if any(marks):
        n = len(text.strip())
        for i, mark in enumerate(marks):
            if mark:
                counts[i] += n


def shingles(tokens: list[str], n: int = 4) -> Counter:
    """The multiset of ``n``-token shingles (a shorter text is one shingle), as scored."""
    if not tokens:
        return Counter()
    if len(tokens) < n:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def share_in(block: TextBlock, pool: Counter, joined: str) -> float:
    """How much of the block's text is found in another text (its shingles, or the whole of a
    short block)."""
    if not block.tokens:
        return 0.0
    if len(block.tokens) < 4:
        return 1.0 if f" {' '.join(block.tokens)} " in joined else 0.0
    own = shingles(block.tokens)
    found = sum(min(c, pool.get(s, 0)) for s, c in own.items())
    return found / sum(own.values())


class Pool:
    """Another extractor's text, ready to look blocks up in."""

    def __init__(self, text: str):
        tokens = _WORD.findall(text or "")
        self.counts = shingles(tokens)
        self.joined = f" {' '.join(tokens)} "
        self.empty = not tokens

    def share(self, block: TextBlock) -> float:
        return share_in(block, self.counts, self.joined)


# ----------------------------------------------------------------------------------- features


def _tag_group(tag: str) -> str:
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return "h"
    if tag in ("td", "th"):
        return "td"
    if tag in ("dt", "dd"):
        return "dt"
    if tag in ("div", "section", "article", "main", "center"):
        return "div"
    return tag if tag in _TAG_GROUPS else "other"


def _named(element: etree._Element) -> str:
    return " ".join(v for v in (element.get("class"), element.get("id")) if v)


FEATURES = (
    "ours",
    "theirs",
    "log_chars",
    "link_density",
    "sentence_end",
    "commas",
    "position",
    "depth",
    "furniture_tag",
    "content_tag",
    "hidden",
    "furniture_names",
    "content_names",
    "ours_near",
    "theirs_near",
    "ours_page",
    "theirs_page",
    "theirs_empty",
    "agree_page",
    "inside_ours",
    "inside_theirs",
    "siblings_ours",
    "siblings_theirs",
    "gap_ours",
    "gap_theirs",
    "code_share",
    "anchor_share",
    "prose_near",
    "heading_link",
) + tuple(f"tag_{g}" for g in _TAG_GROUPS)


def features(blocks: list[TextBlock], ours: list[bool], theirs: list[float]) -> list[list[float]]:
    """One row of ``FEATURES`` per block."""
    n = len(blocks)
    page = _page_totals(blocks, ours, theirs)
    ancestry = _ancestry_lookup()
    ours_f = [1.0 if o else 0.0 for o in ours]
    # how the blocks under the same parent voted (a block among kept siblings is likely kept)
    family: dict[etree._Element | None, list[int]] = {}
    for i, block in enumerate(blocks):
        family.setdefault(block.element.getparent(), []).append(i)
    ours_around = _surroundings(blocks, ours_f, family)
    theirs_around = _surroundings(blocks, theirs, family)
    prose = _prose_near([1.0 if _is_prose(b) else 0.0 for b in blocks])
    return [
        _row(block, i / n, ours_f[i], theirs[i], ancestry(block.element), page, mine, other, near)
        for i, (block, mine, other, near) in enumerate(
            zip(blocks, ours_around, theirs_around, prose, strict=True)
        )
    ]


def _prose_near(prose: list[float], reach: int = 3) -> list[float]:
    """For each block, the share of the blocks around it (``reach`` either side) that read as
    prose: a linked heading among paragraphs heads a section, among other linked headings
    it is a teaser."""
    n = len(prose)
    out = []
    for i in range(n):
        lo, hi = max(0, i - reach), min(n, i + reach + 1)
        around = hi - lo - 1
        out.append((sum(prose[lo:hi]) - prose[i]) / around if around else 0.0)
    return out


def _page_totals(
    blocks: list[TextBlock], ours: list[bool], theirs: list[float]
) -> tuple[float, float, float, float]:
    """The page-level features: (ours_page, theirs_page, theirs_empty, agree)."""
    total = sum(len(b.text) for b in blocks) or 1
    ours_chars = sum(len(b.text) for b, o in zip(blocks, ours, strict=True) if o)
    theirs_chars = sum(len(b.text) * t for b, t in zip(blocks, theirs, strict=True))
    both = sum(len(b.text) for b, o, t in zip(blocks, ours, theirs, strict=True) if o and t >= 0.5)
    agree = both / max(1.0, ours_chars, theirs_chars)
    theirs_empty = 1.0 if theirs_chars == 0 else 0.0
    return ours_chars / total, theirs_chars / total, theirs_empty, agree


_Ancestry = tuple[int, int, int, int, int, int]


def _ancestry_lookup() -> Callable[[etree._Element], _Ancestry]:
    """A lookup of what an element's ancestors (itself included) are, cached for one page:
    (depth, furniture tags, content tags, hidden, furniture names, content names)."""
    cache: dict[etree._Element, _Ancestry] = {}

    def ancestry(element: etree._Element) -> _Ancestry:
        if element in cache:
            return cache[element]
        parent = element.getparent()
        base = (0, 0, 0, 0, 0, 0) if parent is None else ancestry(parent)
        tag = element.tag
        hint = name_hint(_named(element)) if isinstance(tag, str) else 0
        attrs = element.attrib
        hidden = (
            "hidden" in attrs
            or attrs.get("aria-hidden") == "true"
            or "display:none" in (attrs.get("style") or "").replace(" ", "")
        )
        value = (
            base[0] + 1,
            base[1] + (tag in _FURNITURE_TAGS),
            base[2] + (tag in _CONTENT_TAGS),
            base[3] + hidden,
            base[4] + (hint < 0),
            base[5] + (hint > 0),
        )
        cache[element] = value
        return value

    return ancestry


def _surroundings(
    blocks: list[TextBlock],
    votes: list[float],
    family: dict[etree._Element | None, list[int]],
) -> list[tuple[float, float, float, float]]:
    """How one voter voted around each block: (near, inside its span, siblings, gap)."""
    n = len(blocks)
    marked = [i for i, v in enumerate(votes) if v >= 0.5]
    first, last = (marked[0], marked[-1]) if marked else (n, -1)
    gap = _gaps(votes)
    out = []
    for i, block in enumerate(blocks):
        lo, hi = max(0, i - 3), min(n, i + 3 + 1)
        others = [votes[j] for j in range(lo, hi) if j != i]
        near = sum(others) / len(others) if others else 0.0
        kin = [j for j in family[block.element.getparent()] if j != i]
        siblings = sum(votes[j] for j in kin) / len(kin) if kin else -1.0
        out.append((near, 1.0 if first <= i <= last else 0.0, siblings, gap[i]))
    return out


def _gaps(votes: list[float]) -> list[float]:
    """For each block, how many blocks away the nearest kept one is (0 if it is kept), as log1p."""
    n = len(votes)
    out = [float(n)] * n
    last = None
    for i in range(n):
        if votes[i] >= 0.5:
            last = i
        if last is not None:
            out[i] = float(i - last)
    last = None
    for i in reversed(range(n)):
        if votes[i] >= 0.5:
            last = i
        if last is not None:
            out[i] = min(out[i], float(last - i))
    return [math.log1p(g) for g in out]


def _row(
    block: TextBlock,
    position: float,
    ours: float,
    theirs: float,
    ancestry: _Ancestry,
    page: tuple[float, float, float, float],
    ours_around: tuple[float, float, float, float],
    theirs_around: tuple[float, float, float, float],
    prose_near: float,
) -> list[float]:
    """One block's row of ``FEATURES``."""
    chars = len(block.text)
    depth, f_tags, c_tags, hidden, f_names, c_names = ancestry
    ours_near, inside_ours, siblings_ours, gap_ours = ours_around
    theirs_near, inside_theirs, siblings_theirs, gap_theirs = theirs_around
    group = _tag_group(block.element.tag)
    row = [
        ours,
        theirs,
        math.log1p(chars),
        block.links / chars if chars else 0.0,
        1.0 if _SENTENCE_END.search(block.text) else 0.0,
        block.text.count(",") / (1 + chars / 100),
        position,
        float(depth),
        float(f_tags),
        float(c_tags),
        float(hidden),
        float(f_names),
        float(c_names),
        ours_near,
        theirs_near,
        *page,
        inside_ours,
        inside_theirs,
        siblings_ours,
        siblings_theirs,
        gap_ours,
        gap_theirs,
        block.code / chars if chars else 0.0,
        block.anchors / chars if chars else 0.0,
        prose_near,
        1.0 if group == "h" and block.links >= 0.8 * chars else 0.0,
    ]
    row.extend(1.0 if group == g else 0.0 for g in _TAG_GROUPS)
    return row


# --------------------------------------------------------------------------------------- model


class Model:
    """Gradient-boosted regression trees read from JSON; ``probability(row)`` is P(content)."""

    def __init__(self, data: dict):
        if list(data["features"]) != list(FEATURES):
            raise ValueError("the vote model was trained on other features: retrain it")
        self.bias = float(data["bias"])
        self.rate = float(data["rate"])
        # each tree as one list of nodes (feature, threshold, left, right, rate × value): the
        # loop below touches one tuple per node (inference is a fifth of the cleaning time)
        self.trees = [
            [
                (f, t, lo, hi, self.rate * v)
                for f, t, lo, hi, v in zip(
                    tree["feature"],
                    tree["threshold"],
                    tree["left"],
                    tree["right"],
                    tree["value"],
                    strict=True,
                )
            ]
            for tree in data["trees"]
        ]
        self.threshold = float(data.get("threshold", 0.5))
        # a block our scorer left out needs more to be added than one it chose needs to stay:
        # what only the other voter saw is where its precision errors are
        self.threshold_added = float(data.get("threshold_added", 0.7))
        # how the other voter runs: trafilatura's own fallback extractors (readability,
        # jusText) cost a third of its time; the model was trained on the votes it gives
        self.voter_fast = bool(data.get("voter_fast", False))
        # when our scorer's containers hold at least this share of the page's text, its choice
        # stands and the other voter (most of the vote's time) is not asked: cross-validated
        # by site, the vote changes little there (its gains are on pages where our scorer
        # chose little of the page)
        self.sure_share = float(data.get("sure_share", 2.0))

    def probability(self, row: list[float]) -> float:
        score = self.bias
        for nodes in self.trees:
            feature, threshold, left, right, value = nodes[0]
            while left >= 0:
                feature, threshold, left, right, value = (
                    nodes[left] if row[feature] <= threshold else nodes[right]
                )
            score += value
        return _sigmoid(score)

    def probabilities(self, rows: list[list[float]]) -> list[float]:
        """``probability`` of every row: all rows go down all trees at once, one level a step,
        and each row's tree values are summed in the same order (the same numbers, at a
        quarter of the time)."""
        if not rows:
            return []
        import numpy as np

        feature, threshold, left, right, value, depth = self.arrays
        trees = len(self.trees)
        width = feature.size // trees
        table = np.asarray(rows, dtype=np.float64).ravel()
        row_start = (np.arange(len(rows)) * len(rows[0]))[:, None]
        tree_start = np.arange(trees) * width
        # each row's node in each tree, as an index into the flattened (trees × nodes) arrays
        node = np.broadcast_to(tree_start, (len(rows), trees)).copy()
        for _ in range(depth):
            low = left.take(node)
            goes_left = table.take(row_start + feature.take(node)) <= threshold.take(node)
            step = np.where(goes_left, low, right.take(node)) + tree_start
            node = np.where(low < 0, node, step)
        # a running sum from the bias, tree after tree, as ``probability`` adds them
        bias = np.full((len(rows), 1), self.bias)
        score = np.cumsum(np.hstack([bias, value.take(node)]), axis=1)[:, -1]
        return [_sigmoid(s) for s in score.tolist()]

    @functools.cached_property
    def arrays(self) -> tuple:
        """The trees as flat arrays of (trees × nodes, padded): feature, threshold, left,
        right (a tree's own node numbers), rate × value; and the deepest tree's depth."""
        import numpy as np

        width = max(len(nodes) for nodes in self.trees)
        shape = (len(self.trees), width)
        feature = np.zeros(shape, dtype=np.intp)
        threshold = np.zeros(shape)
        left = np.full(shape, -1, dtype=np.intp)
        right = np.full(shape, -1, dtype=np.intp)
        value = np.zeros(shape)
        depth = 0
        for t, nodes in enumerate(self.trees):
            levels = [0] * len(nodes)
            for n, (f, th, lo, hi, v) in enumerate(nodes):
                feature[t, n], threshold[t, n], left[t, n], right[t, n], value[t, n] = (
                    max(f, 0),
                    th,
                    lo,
                    hi,
                    v,
                )
                for child in (lo, hi):
                    if child >= 0:
                        levels[child] = levels[n] + 1
            depth = max(depth, *levels)
        flat = (a.ravel() for a in (feature, threshold, left, right, value))
        return (*flat, depth)


def _sigmoid(score: float) -> float:
    """P(content) from the trees' summed score (a score past ±500 is as sure as can be: a model
    trained on few pages can give one, and ``math.exp`` would overflow on it)."""
    return 1.0 / (1.0 + math.exp(-min(500.0, max(-500.0, score))))


@functools.lru_cache(maxsize=1)
def default_model() -> Model | None:
    """The shipped model, or None when there is none."""
    if not MODEL_PATH.exists():
        return None
    return Model(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


# ---------------------------------------------------------------------------------- the ballot

_NUMBER = "data-anthology-v"
_HIDING = ("hidden", "aria-hidden", "style")
_HIDDEN_CLASSES = markup_rules().hidden_classes
# Tags our never-content pass removes which a parser can wrongly wrap around the article (an
# unclosed header <button> holding <main>): when kept blocks are inside one, it becomes a <div>.
# Sectioning furniture (header, nav…) holding kept blocks is a wrapper too: the vote has decided.
_WRAPPERS_TO_KEEP = frozenset(
    ["button", "label", "dialog", "header", "nav", "footer", "aside", "menu", "form"]
)
# A list never holds the page's main text: one that does was nested so by the parser.
_LISTS = frozenset(["ul", "ol", "li", "dl", "dd", "dt"])
MIN_REPORTED = 25  # dropped blocks shorter than this are not listed in the report


@dataclass
class Outcome:
    """What the vote decided: the tree to walk, its one root, and the blocks it left out."""

    body: etree._Element
    dropped: list[tuple[str, str]]  # (text, reason)
    kept_text: str  # the kept blocks' text, one block a line
    ours_link_share: float  # how much of the text our scorer chose is links
    kept_chars: int
    page_chars: int

    def reasons(self, ours: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """What was dropped and why: our passes' own reasons for what the vote also left out,
        then the vote's for the rest. ``ours`` are (text, reason) our passes recorded."""
        mine = [(t, r) for t, r in ours if t[:80] not in self.kept_text]
        seen = "\n".join(t for t, _ in mine)
        return mine + [(t, r) for t, r in self.dropped if t[:80] not in seen]


class Ballot:
    """The page as it was before any pass removed anything, to count the votes on.

    Open it right after parsing (``Ballot(body)`` numbers the elements and keeps a copy), run our
    passes on the original as always, then ``count`` with the containers they chose.
    """

    def __init__(self, body: etree._Element):
        import copy

        self._prose: int | None = None
        self._blocks: list[TextBlock] | None = None
        # the original's elements by number (the passes detach elements, never replace them);
        # the copy's elements carry their number (a copy walks in the original's order)
        self.numbers: dict[etree._Element, str] = {}
        self.full = copy.deepcopy(body)
        pairs = zip(body.iter(etree.Element), self.full.iter(etree.Element), strict=True)
        for n, (element, twin) in enumerate(pairs):
            self.numbers[element] = str(n)
            twin.set(_NUMBER, str(n))

    def count(
        self, page_text: str, chosen: list[etree._Element], model: Model | None = None
    ) -> Outcome | None:
        """Vote block by block; None when there is nothing to decide (no model, no blocks)."""
        model = model or default_model()
        if model is None:
            return None
        blocks = self.blocks()
        self._prose = prose_words(blocks)
        if not blocks:
            return None
        ours_numbers = {
            n for c in chosen for e in c.iter(etree.Element) if (n := self.numbers.get(e))
        }
        ours = [b.element.get(_NUMBER) in ours_numbers for b in blocks]
        alone = sure(blocks, ours, model.sure_share)
        if alone:
            # our scorer's choice stands, walked as the vote's blocks are; the other voter and
            # the classifier are not asked
            votes = [1.0 if o else 0.0 for o in ours]
            kept = list(ours)
        else:
            pool = Pool(theirs(page_text, fast=model.voter_fast))
            votes = [pool.share(b) for b in blocks]
            kept = self._classify(blocks, ours, votes, model)
        if not any(kept):
            return None
        dropped = [
            (b.text, _reason(b, o, v, alone))
            for b, k, o, v in zip(blocks, kept, ours, votes, strict=True)
            if not k and (len(b.text) >= MIN_REPORTED or (o and _is_link(b)))
        ]
        _prune(self.full, blocks, kept, ours_numbers)
        return Outcome(
            body=self.full,
            dropped=dropped,
            ours_link_share=sum(b.links for b, o in zip(blocks, ours, strict=True) if o)
            / max(1, sum(len(b.text) for b, o in zip(blocks, ours, strict=True) if o)),
            kept_text="\n".join(b.text for b, k in zip(blocks, kept, strict=True) if k),
            kept_chars=sum(len(b.text) for b, k in zip(blocks, kept, strict=True) if k),
            page_chars=sum(len(b.text) for b in blocks),
        )

    @staticmethod
    def _classify(
        blocks: list[TextBlock], ours: list[bool], votes: list[float], model: Model
    ) -> list[bool]:
        """Which blocks the classifier keeps, given both voters' votes."""
        rows = features(blocks, ours, votes)
        # An <article> is a composition of its own: when ours lies in one, another one's
        # blocks (teasers of other posts) are not added to it.
        homes = [_composition(b.element) for b in blocks]
        ours_homes = {h for h, o in zip(homes, ours, strict=True) if o and h is not None}
        chances = model.probabilities(rows)
        kept = [
            # a figure's caption is the walker's to judge (annotators rarely count captions)
            (o and b.element.tag == "figcaption")
            or (
                (o or not ours_homes or h is None or h in ours_homes)
                and p >= (model.threshold if o else model.threshold_added)
            )
            for b, o, h, p in zip(blocks, ours, homes, chances, strict=True)
        ]
        return with_headings(rows, kept)

    def blocks(self) -> list[TextBlock]:
        """The page's text blocks, read once (before ``count`` prunes the copy)."""
        if self._blocks is None:
            self._blocks = blocks_of(self.full)
        return self._blocks

    def prose_words(self) -> int:
        """Words of prose the whole page shows (measured before the vote prunes anything)."""
        if self._prose is None:
            self._prose = prose_words(self.blocks())
        return self._prose


def sure(blocks: list[TextBlock], ours: list[bool], share: float) -> bool:
    """Whether our scorer's choice holds at least ``share`` of the page's text (then the vote is
    not asked)."""
    total = sum(len(b.text) for b in blocks)
    chosen = sum(len(b.text) for b, o in zip(blocks, ours, strict=True) if o)
    return total > 0 and chosen >= share * total


def with_headings(rows: list[list[float]], kept: list[bool]) -> list[bool]:
    """``kept`` with every heading both voters chose kept when the text it heads is: a heading
    goes with its section. The classifier weighs each block alone, and a short heading with no
    sentence in it can fall under the threshold where its section's text does not; then the
    section reads as part of the one before (and the same text under a new heading reads as a
    repeat of it)."""
    ours, theirs, heading = (FEATURES.index(n) for n in ("ours", "theirs", "tag_h"))
    out = list(kept)
    section_kept = False  # whether the next block after the headings met so far is kept
    for i in range(len(rows) - 1, -1, -1):
        row = rows[i]
        if not row[heading]:
            section_kept = out[i]
        elif section_kept and row[ours] > 0 and row[theirs] >= 0.5:
            out[i] = True
    return out


PROSE_CHARS = 80  # a block shorter than this is not counted as prose


def prose_words(blocks: list[TextBlock]) -> int:
    """Words in the blocks that read as prose: long, few links, sentences."""
    return sum(len(b.tokens) for b in blocks if _is_prose(b))


def _is_prose(block: TextBlock) -> bool:
    text = block.text
    return (
        len(text) >= PROSE_CHARS
        and block.links < 0.25 * len(text)
        and bool(_SENTENCE_END.search(text) or text.count(",") >= 2)
    )


def _composition(element: etree._Element) -> etree._Element | None:
    """The nearest <article> holding the element, if any."""
    for e in (element, *element.iterancestors()):
        if e.tag == "article":
            return e
    return None


def _is_link(block: TextBlock) -> bool:
    return block.links >= 0.8 * len(block.text)


def _reason(block: TextBlock, ours: bool, theirs: float, alone: bool = False) -> str:
    if ours and _is_link(block):
        # named as the walker names it: inside our scorer's containers, links left out are what
        # tells a listing from an article (tidy.check_article counts them)
        return "a link on its own, left out by the block vote"
    if alone:
        return "not in our scorer's choice, which holds most of the page (the vote not asked)"
    return "not the article's text by the block vote" + _why(ours, theirs)


def _why(ours: bool, theirs: float) -> str:
    if ours and theirs < 0.5:
        return " (our scorer kept it, trafilatura did not, the classifier sided with trafilatura)"
    if not ours and theirs >= 0.5:
        return " (trafilatura kept it, our scorer did not, the classifier sided with our scorer)"
    return " (neither extractor kept it)"


def theirs(page_text: str, fast: bool = False) -> str:
    """trafilatura's main text for the page (the voter beside our scorer); ``fast`` leaves out
    its fallback extractors."""
    try:
        import trafilatura
    except ImportError:
        return ""
    try:
        return trafilatura.extract(page_text, include_comments=False, fast=fast) or ""
    except Exception:  # noqa: BLE001  a voter that fails abstains
        return ""


def _prune(
    body: etree._Element, blocks: list[TextBlock], kept: list[bool], ours: set[str | None]
) -> None:
    """Leave in ``body`` only the kept blocks' text, the elements holding them, and the images
    inside our scorer's containers."""
    holds: dict[etree._Element, int] = {}  # elements holding kept text: how many characters
    own: set[etree._Element] = set()  # kept blocks: their inline children are their text
    total = 0
    for block, keep in zip(blocks, kept, strict=True):
        element = block.element
        if keep:
            own.add(element)
            total += len(block.text)
            for e in (element, *element.iterancestors()):
                holds[e] = holds.get(e, 0) + len(block.text)
            continue
        # its own text goes; block children (which are blocks of their own) stay
        element.text = None
        for child in list(element):
            tag = child.tag
            if isinstance(tag, str) and tag in BLOCK_TAGS:
                child.tail = None
            elif not (isinstance(tag, str) and _has_image(child) and child.get(_NUMBER) in ours):
                element.remove(child)

    def sweep(element: etree._Element) -> None:
        for child in list(element):
            if not isinstance(child.tag, str):
                continue
            if child in holds:
                if child.tag in _LISTS and child.find(".//main") is not None:
                    child.tag = "div"
                # a hidden wrapper of most of the text is shown (a script shows it); a hidden
                # piece stays hidden, for the never-content pass to remove
                _unhide(child, show=holds[child] >= 0.5 * total)
                sweep(child)
            elif (
                (element in own and child.tag not in BLOCK_TAGS)
                or (_has_image(child) and child.get(_NUMBER) in ours)
                or child.tag == "math"  # a formula set between the kept paragraphs
            ):
                child.attrib.pop(_NUMBER, None)
            else:
                element.remove(child)  # its tail is its parent's text, pruned with it above

    sweep(body)
    _unhide(body, show=True)


def _unhide(element: etree._Element, show: bool) -> None:
    """An element holding kept text shows: a wrapper our never-content pass would remove is
    renamed, and what hides it goes (a page's script shows it; the classifier weighed that)."""
    parent = element.getparent()
    if element.tag in _WRAPPERS_TO_KEEP and not (
        element.tag == "footer" and parent is not None and parent.tag == "blockquote"
    ):  # a quotation's footer is its attribution
        element.tag = "div"
    attrs = element.attrib
    attrs.pop(_NUMBER, None)
    if not show:
        return
    for name in _HIDING:
        attrs.pop(name, None)
    classes = attrs.get("class")
    if classes and not _HIDDEN_CLASSES.isdisjoint(classes.split()):
        attrs["class"] = " ".join(c for c in classes.split() if c not in _HIDDEN_CLASSES)


def _has_image(element: etree._Element) -> bool:
    return element.tag in ("img", "picture", "figure") or element.find(".//img") is not None
