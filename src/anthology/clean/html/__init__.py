"""Clean a saved HTML page into an Article: metadata, the main content, and an allowlisted body.

The passes, in order, each a module of this package, with one lxml tree handed along:

1. ``parse``: parse with lxml and check that the parser lost no text (libxml2 drops content it
   cannot nest, silently); a page lxml's tree cannot be trusted for is parsed by BeautifulSoup
   and copied into an lxml tree. Passes 2 to 5 work on lxml's tree.
2. ``metadata``: read metadata from the whole page, in order of trust: JSON-LD, OpenGraph,
   ``<meta>``, ``<time>``, visible bylines (with ``title``, ``byline``, ``dates`` and
   ``sitename``). Nothing is guessed: a field the page does not state stays empty.
3. ``prune``: remove what is never content (scripts, styles, hidden elements, embeds); then
   ``site``: what the site's own rule drops or keeps.
4. ``furniture``: remove site furniture found by structure (``nav``/``aside``/``footer``/
   ``form``, class and id words). An element that holds most of the page's prose is never
   removed by a hint.
5. ``content``: find the main content the way readability does: paragraphs of prose score their
   ancestors (commas and length), scores are damped by link density and nudged by class hints,
   the best container wins and takes along siblings that look like more of the same article.
   ``vote``: our scorer's choice and trafilatura's extraction vote block by block, and a
   block classifier (``rules/vote-model.json``, retrained by ``bench/train_vote.py``) settles
   where they disagree; the voted blocks are walked, or our scorer's choice when they make
   no article. A page with a site rule skips the vote.
6. ``walker``: hand the winner to BeautifulSoup (its tree only: the rest of the page is dropped
   first) and walk it into model blocks through an allowlist: only ``Paragraph``, ``Heading``,
   ``Quote``, ``ListBlock`` and ``Figure``; inline markup only ``em strong a abbr q sup sub br``.
7. ``tidy``: short furniture lines (``rules.furniture``), link lists and everything after a tail
   marker are dropped, each with its reason in ``Article.dropped``; a page that is not an
   article is refused. Then ``anthology.clean.pagetype`` judges the whole page (features read
   before anything was removed, plus what was kept): a listing, product, collection, service
   or forum page is refused with its kind.

8. ``account``: the page's text blocks, read before anything was removed, that are neither
   kept nor dropped (outside the chosen content, hidden, furniture removed unrecorded) are
   recorded in ``Article.dropped`` as "never considered: …", so ``--explain`` shows all text.

``tree`` holds what the passes share. The word lists are data: ``clean/rules/html.toml``.
The cleaner must never fail with anything but ``SourceError``, whatever the page holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree

import anthology.clean.pagetype as pagetype
from anthology.clean.html import vote
from anthology.clean.html.account import placed, unaccounted
from anthology.clean.html.content import hand_over, main_content
from anthology.clean.html.furniture import strip_furniture
from anthology.clean.html.metadata import read_metadata, settle_title
from anthology.clean.html.parse import parse_page
from anthology.clean.html.prune import strip_never
from anthology.clean.html.site import apply_site_rule, drop_site_phrases
from anthology.clean.html.tidy import (
    ListingRefused,
    block_text,
    check_article,
    measured_texts,
    tidy_blocks,
    title_from_name,
)
from anthology.clean.html.tree import body_of, is_inside, measure
from anthology.clean.html.walker import Out, Walker
from anthology.clean.metadata import short_title
from anthology.clean.rules import Rules, default_rules
from anthology.core.errors import SourceError
from anthology.core.limits import Limits
from anthology.core.model import Article, Dropped
from anthology.sources import Page


@dataclass(frozen=True)
class Models:
    """The trained models the cleaner weighs a page with; a field left None is the packaged one.

    ``vote`` settles the block vote (``rules/vote-model.json``, ``bench/train_vote.py``);
    ``pagetype`` decides whether the page is an article (``rules/pagetype-model.json`` as
    data, ``bench/pagetype.py``). A benchmark cross-validated by site passes models that never
    saw the page's site.
    """

    vote: vote.Model | None = None
    pagetype: dict | None = None


def clean_html(
    page: Page,
    rules: Rules | None = None,
    limits: Limits | None = None,
    models: Models | None = None,
) -> Article:
    """Clean an HTML ``Page`` into an ``Article``.

    Args:
        page: the page.
        rules: the cleaning rules (the package's own when None).
        limits: the nesting depth and image sizes allowed (the defaults when None).
        models: the trained models to weigh the page with (the packaged ones when None).

    Raises:
        SourceError: the page is not an article, has no text, lost text while parsing, nests
            deeper than the limit or shows an image over the limits.
    """
    rules = rules or default_rules()
    try:
        return _clean(page, rules, limits or Limits(), models or Models())
    except SourceError:
        raise
    except RecursionError:
        raise SourceError(
            "is nested too deeply to clean (a broken or hostile page)", page.shown
        ) from None
    except Exception as exc:  # noqa: BLE001  the contract: a bad page is a SourceError, never a crash
        raise SourceError(
            f"could not be cleaned ({exc.__class__.__name__}: {exc})"[:200], page.shown
        ) from None


LISTING_LINK_SHARE = 0.3  # our scorer's choice this much links may be a listing: check it


def _walk(
    page: Page,
    meta,
    rules: Rules,
    limits: Limits,
    site,
    root: etree._Element,
    chosen: list[etree._Element],
    dropped: list[Dropped],
    stats=None,
) -> tuple[Out, list]:
    """Walk the chosen containers into blocks, tidy them and check they make an article."""
    roots, soup_stats = hand_over(root, chosen, stats if stats is not None else measure(root))
    out = Out(dropped=dropped)
    walker = Walker(page, meta, rules, soup_stats, out, limits)
    for tag in roots:
        if tag.name == "blockquote":
            walker.quote(tag, 0)  # an article's text found in a quote stays a quote
        else:
            walker.container(tag, 0)
    blocks = tidy_blocks(out, meta, rules)
    if site and site.phrases:
        blocks = drop_site_phrases(blocks, site, out)
    check_article(page, meta, blocks, out)
    return out, blocks


def _clean(page: Page, rules: Rules, limits: Limits, models: Models) -> Article:
    root = parse_page(page, limits)
    meta = read_metadata(root, page)
    # page type: read before anything is removed
    signs = pagetype.page_features(root, meta.url, models.pagetype)
    body = body_of(root)
    ballot = vote.Ballot(body)
    page_blocks = placed(ballot.blocks())  # read before anything is removed
    dropped: list[Dropped] = []
    strip_never(body)
    site = rules.site(urlsplit(meta.url).hostname or "") if meta.url else None
    kept: list[etree._Element] = []
    if site:
        kept = apply_site_rule(root, body, site, meta, dropped)
    stats = measure(body)
    strip_furniture(body, stats, dropped)
    stats = measure(body)
    chosen = [k for k in kept if is_inside(k, body)] or main_content(body, stats)
    settle_title(meta, chosen)
    outcome = None if site else ballot.count(page.text, chosen, models.vote)
    out = None
    if outcome is not None and outcome.ours_link_share >= LISTING_LINK_SHARE:
        # Whether the page is a listing is judged on our scorer's reading, as without the
        # vote: the vote picks an article's blocks, it does not make a listing an article.
        try:
            _walk(page, meta, rules, limits, site, root, chosen, list(dropped), stats)
        except ListingRefused:
            raise
        except SourceError:
            pass  # not a listing: the vote's blocks decide
    if outcome is not None:
        # The vote's blocks, walked from the page's own elements; when they make no article
        # (the walker finds no prose in them), our scorer's choice is walked instead.
        strip_never(outcome.body)
        voted = [
            Dropped(text[:300], reason)
            for text, reason in outcome.reasons([(d.text, d.reason) for d in dropped])
        ]
        try:
            out, blocks = _walk(
                page, meta, rules, limits, site, outcome.body, [outcome.body], voted
            )
        except SourceError:
            out = None
    if out is None:
        out, blocks = _walk(page, meta, rules, limits, site, root, chosen, dropped, stats)
    signs = pagetype.kept_features(signs, measured_texts(blocks))
    kind = pagetype.classify(signs, trained=models.pagetype)
    if kind.refused:
        raise SourceError(f"not an article: {kind.reason}", page.shown)
    # what the page shows that is neither kept (body or metadata) nor dropped is recorded too
    accounted = [block_text(b) for b in blocks] + [d.text for d in out.dropped]
    accounted += [meta.title, meta.standfirst, meta.byline, meta.publication, page.name]
    return Article(
        source=page.name,
        title=short_title(meta.title) or title_from_name(page.name),
        body=tuple(blocks),
        standfirst=meta.standfirst,
        byline=meta.byline,
        date=meta.date,
        publication=meta.publication,
        url=meta.url,
        language=meta.language,
        dropped=tuple(out.dropped) + tuple(unaccounted(page_blocks, accounted)),
        page_prose_words=ballot.prose_words(),
    )
