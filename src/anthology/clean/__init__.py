"""Cleaning: one ``Page`` in, one ``Article`` out, with a record of what was dropped and why."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import TypeVar

from anthology.clean.rules import Rules, default_rules
from anthology.core.errors import Diagnostic, SourceError
from anthology.core.limits import Limits
from anthology.core.model import Article
from anthology.sources import Page

T = TypeVar("T")


def clean(page: Page, rules: Rules | None = None, *, limits: Limits | None = None) -> Article:
    """Clean a page of either kind into an ``Article``, within the time budget for a page.

    Args:
        page: the page as ``read_page`` gives it.
        rules: the cleaning rules (the package's own when None).
        limits: the edition's ``[limits]`` (the defaults when None): nesting depth, image
            sizes and ``clean_seconds``, the time one page may take.

    Raises:
        SourceError: no article can be found in the page, or it is over a limit.
    """
    rules = rules or default_rules()
    limits = limits or Limits()
    if page.kind == "html":
        from anthology.clean.html import clean_html

        return within_budget(lambda: clean_html(page, rules, limits), limits, page.shown)
    from anthology.clean.text import clean_text

    return within_budget(lambda: clean_text(page, rules), limits, page.shown)


# A kept article shorter than this share of the page's prose may have lost text (item: "no silent
# loss"); pages with less prose than LOSS_MIN_WORDS are too short to judge.
LOSS_SHARE = 0.5
LOSS_MIN_WORDS = 300


def doubtful_loss(article: Article, shown: str) -> Diagnostic | None:
    """A warning when the article kept much less than the prose its page shows, else None.

    Args:
        article: the cleaned article (``page_prose_words`` measured by the cleaner).
        shown: the page's name as the user knows it (``sources/…``).
    """
    prose = article.page_prose_words
    kept = article.word_count
    if prose < LOSS_MIN_WORDS or kept >= LOSS_SHARE * prose:
        return None
    return Diagnostic(
        "clean-010",
        "warning",
        shown,
        f"kept {kept:,} words of the page's {prose:,} words of prose: part of the article may "
        "be missing (compile clean --explain shows what was dropped)",
    )


class _OutOfTime(BaseException):
    """The page's time is up (a BaseException, so no ``except Exception`` swallows it)."""


def _expire(signum, frame) -> None:
    raise _OutOfTime


def within_budget(work: Callable[[], T], limits: Limits, shown: str) -> T:
    """Run ``work`` and stop it with a ``SourceError`` after ``limits.clean_seconds``.

    The budget needs SIGALRM, so it holds in the main thread of a process (the CLI's, and each
    worker's when pages are cleaned in parallel) and only when no other alarm is set; elsewhere
    the work runs without one.
    """
    seconds = limits.clean_seconds
    if not _alarm_free() or not seconds or seconds <= 0:
        return work()
    previous = signal.signal(signal.SIGALRM, _expire)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            return work()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _OutOfTime:
        raise SourceError(
            f"cleaning took over {limits.shown('clean_seconds')}, the limit for one page "
            "([limits] clean_seconds in book.toml)",
            shown,
        ) from None
    finally:
        signal.signal(signal.SIGALRM, previous)


def _alarm_free() -> bool:
    """True when this thread may use SIGALRM and nobody else is using it."""
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN)
    )
