"""The clean stage for a whole edition: its pages → articles, keyed by source name.

Pages come from the cache where they have not changed, are cleaned in worker processes where
there are enough of them, lose the text repeated across a site's pages and gain the address
``compile fetch`` recorded for them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from anthology import messages
from anthology.clean import clean
from anthology.clean.repeated import drop_repeated_across
from anthology.clean.rules import edition_rules
from anthology.config.edition import Edition
from anthology.core.errors import BuildError, SourceError
from anthology.core.limits import Limits
from anthology.core.model import NEVER_CONSIDERED, Article
from anthology.messages import Reporter, as_reporter
from anthology.sources import PageFile, decode_page

PARALLEL_FROM = 24  # pages to clean before more processes pay for their start-up


class PageErrors(BuildError):
    """One or more pages could not be read or cleaned: one line per page."""

    def __init__(self, errors: list[SourceError]):
        self.errors = errors
        super().__init__(errors[0].message)
        self.message = "\n".join(e.message for e in errors)


@dataclass(frozen=True)
class Cleaned:
    """The articles of an edition's pages, and the pages left out (with ``keep_going``)."""

    articles: dict[str, Article]
    skipped: tuple[SourceError, ...] = ()


def clean_pages(
    pages: list[PageFile],
    edition: Edition,
    report: Reporter | Callable[[str], None] = lambda message: None,
    *,
    keep_going: bool = False,
    jobs: int = 0,
) -> Cleaned:
    """The clean stage: every page cleaned into an article, in the order of ``pages``.

    Args:
        pages: the pages, as ``sources.load`` gives them.
        edition: the edition (its site rules, limits, cache and fetch records).
        report: a ``Reporter``, or a function called with one line per stage.
        keep_going: leave out the pages that cannot be read or cleaned (listed in the
            result's ``skipped``) instead of stopping.
        jobs: processes for cleaning; 0 picks one per core for large editions.

    Raises:
        PageErrors: a page cannot be read or cleaned (or none can, with ``keep_going``).
    """
    report = as_reporter(report)
    articles, errors = _clean_all(pages, edition, report, jobs, keep_going)
    if errors and (not keep_going or not articles):
        raise PageErrors(errors)
    articles = drop_repeated_across(articles)
    articles = _with_fetch_records(articles, edition)
    for name, article in articles.items():
        for dropped in article.dropped:
            if dropped.reason.startswith(NEVER_CONSIDERED):
                continue  # what no rule decided: the --explain report lists it, -v does not
            source = f"{edition.sources.name}/{name}"
            report.decision(messages.dropped(source, dropped.text, dropped.reason))
    report.stage(messages.cleaned(articles))
    return Cleaned(articles, tuple(errors) if keep_going else ())


def clean_page(page: PageFile, rules, limits: Limits | None = None) -> Article:
    """One page file decoded and cleaned into an article.

    Args:
        page: the page, as ``sources.load_page`` gives it.
        rules: the cleaning rules (``clean.rules.edition_rules``).
        limits: book.toml's [limits] (None: the defaults).

    Raises:
        SourceError: the page cannot be read, is not an article, or is over ``[limits] words``.
    """
    limits = limits or Limits()
    article = clean(decode_page(page, limits), rules, limits=limits)
    if article.word_count > limits.words:
        what = f"article has {article.word_count:,} words"
        raise SourceError(limits.exceeded("words", what), page.shown)
    return article


def _clean_all(
    pages: list[PageFile], edition: Edition, report: Reporter, jobs: int, keep_going: bool
) -> tuple[dict[str, Article], list[SourceError]]:
    """Clean every page, from the cache where it can, in parallel where it pays."""
    from anthology.cache import ArticleCache, edition_fingerprint

    limits = repr(getattr(edition, "limits", ""))
    store = ArticleCache(
        edition.root / "build" / ".cache" / "articles", edition_fingerprint(edition.sources, limits)
    )
    found: dict[int, Article] = {}
    keys: dict[int, str] = {}
    for index, page in enumerate(pages):
        if page.problem:
            continue  # reported in order with the pages that cannot be cleaned
        keys[index] = store.key(page.name, page.data)
        cached = store.get(keys[index], page.name)
        if cached is not None:
            found[index] = cached
    todo = [index for index in range(len(pages)) if index not in found]
    rules = edition_rules(edition.sources) if todo else None
    workers = jobs or (min(os.cpu_count() or 1, 8) if len(todo) >= PARALLEL_FROM else 1)
    errors: list[SourceError] = []
    outcomes = _cleaned([pages[i] for i in todo], edition, rules, workers, report)
    for index, outcome in zip(todo, outcomes, strict=True):
        if isinstance(outcome, Article):
            found[index] = outcome
        else:
            errors.append(SourceError(outcome))
    if not errors or keep_going:
        # A build that stops leaves build/ as it was, the cache included.
        for index in todo:
            if index in found and index in keys:
                store.put(keys[index], found[index])
        store.prune()
    report.stage(messages.loaded(len(pages), edition.sources.name, store.hits))
    return {found[i].source: found[i] for i in range(len(pages)) if i in found}, errors


def _cleaned(todo: list[PageFile], edition: Edition, rules, workers: int, report: Reporter):
    """Each page cleaned (an Article) or its one-line error (a str), in order."""
    if not todo:
        return []
    task = partial(_clean_one, limits=edition.limits, rules=rules)
    if workers <= 1 or len(todo) < 2:
        return report.each("clean", map(task, todo), len(todo))
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=min(workers, len(todo))) as pool:
        chunk = max(1, len(todo) // (workers * 8))
        return list(report.each("clean", pool.map(task, todo, chunksize=chunk), len(todo)))


def _clean_one(page: PageFile, limits: Limits, rules) -> Article | str:
    """Decode and clean one page; a bad page gives its error line (a str crosses processes)."""
    try:
        return clean_page(page, rules, limits)
    except SourceError as exc:
        return exc.message


def _with_fetch_records(articles: dict[str, Article], edition: Edition) -> dict[str, Article]:
    """Add the address and retrieval date ``compile fetch`` recorded for each page."""
    if not (edition.sources / "fetched.toml").exists():
        return articles
    from anthology.fetch.records import load_fetched

    records = load_fetched(edition.sources)
    updated = {}
    for name, article in articles.items():
        record = records.get(name)
        if record:
            article = replace(
                article,
                url=article.url or record.get("final_url") or record.get("url", ""),
                retrieved=record["retrieved"].date() if record.get("retrieved") else None,
            )
        updated[name] = article
    return updated
