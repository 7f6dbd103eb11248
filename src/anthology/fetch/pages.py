"""Save a list of pages into ``sources/``: one worker per page, a line per URL, one result."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from anthology.core.errors import BuildError, display_path
from anthology.fetch.client import HTML_TYPES, Client, Fail, Skip, normalise_url
from anthology.fetch.images import save_images
from anthology.fetch.options import FetchOptions
from anthology.fetch.records import Record, SavedPage

MAX_WORKERS = 8


@dataclass(frozen=True)
class Problem:
    """A URL not saved, with a one-line reason."""

    url: str
    reason: str

    def __str__(self) -> str:
        return f"{self.url}: {self.reason}"


@dataclass(frozen=True)
class FetchResult:
    """What ``fetch_pages`` did with each URL, in the order given."""

    saved: tuple[SavedPage, ...] = ()
    skipped: tuple[Problem, ...] = ()  # not fetched on purpose: saved already, robots.txt, …
    failed: tuple[Problem, ...] = ()  # went wrong: HTTP errors, timeouts, refused connections

    @property
    def ok(self) -> bool:
        """True when no URL failed."""
        return not self.failed


def fetch_pages(
    urls: list[str],
    sources: Path,
    options: FetchOptions | None = None,
    report: Callable[[str], None] = lambda line: None,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> FetchResult:
    """Download each page in ``urls`` into ``sources/``, with its images.

    A page from ``https://www.example.com/2024/05/a-story/`` is saved as
    ``example-com-2024-05-a-story.html`` and its images in ``example-com-2024-05-a-story_files/``.
    A page whose file exists already is skipped unless ``options.refresh`` is true.

    Args:
        urls: http or https addresses; duplicates and #fragments are ignored.
        sources: the edition's ``sources/`` folder (created if missing).
        options: politeness, patience and limits (``FetchOptions()`` when None).
        report: called with one line per URL (saved, skipped or failed), from any thread.
        progress: told (pages done, pages to fetch) as each page is done, one call at a time.

    Returns:
        The pages saved, skipped (with reasons) and failed (with one-line reasons).

    Raises:
        BuildError: ``sources/fetched.toml`` is malformed, or ``sources/`` is not a folder.
    """
    options = (options or FetchOptions()).bounded()
    sources = Path(sources)
    if sources.exists() and not sources.is_dir():
        raise BuildError("is not a folder", sources)
    sources.mkdir(parents=True, exist_ok=True)
    lines = _Serialised(report)
    run = _Run(sources, Record(sources), options, lines)
    run.plan(urls)
    todo = [url for url in run.wanted if url not in run.outcomes]
    if todo:
        client = Client(options)
        pool = ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(todo)))
        done = 0

        def save(url: str) -> SavedPage | Problem:
            nonlocal done
            outcome = run.save(client, url)
            with lines.lock:  # one at a time, and never across a line being written
                done += 1
                progress(done, len(todo))
            return outcome

        try:
            for url, outcome in zip(todo, pool.map(save, todo), strict=True):
                run.outcomes[url] = outcome
        finally:
            # On Ctrl-C, pages not yet started are dropped; those under way finish.
            pool.shutdown(wait=True, cancel_futures=True)
            client.close()
    return run.result()


@dataclass
class _Run:
    """One call of ``fetch_pages``: the URLs wanted, their file names and their outcomes."""

    sources: Path
    record: Record
    options: FetchOptions
    reporter: Callable[[str], None]
    wanted: list[str] = field(default_factory=list)
    outcomes: dict[str, SavedPage | Problem] = field(default_factory=dict)
    skipped: set[str] = field(default_factory=set)
    names: dict[str, str] = field(default_factory=dict)

    def plan(self, urls: list[str]) -> None:
        """Each URL once, with its file name; bad addresses fail, saved pages are skipped."""
        root = self.sources.parent
        for raw in urls:
            url = normalise_url(raw)
            if url in self.wanted or raw in self.outcomes:
                continue
            if url is None:
                self.outcomes[raw] = Problem(raw, "not an http or https address")
                self.reporter(f"failed {raw}: not an http or https address")
                continue
            self.wanted.append(url)
            name = self.record.name_for(url, taken=set(self.names.values()))
            self.names[url] = name
            if (self.sources / name).exists() and not self.options.refresh:
                shown = display_path(self.sources / name, root)
                reason = f"saved already as {shown} (--refresh fetches it again)"
                self.outcomes[url] = Problem(url, reason)
                self.skipped.add(url)
                self.reporter(f"skipped {url}: {reason}")

    def save(self, client: Client, url: str) -> SavedPage | Problem:
        """Fetch and save one page (run in a worker thread)."""
        root = self.sources.parent
        try:
            page = _save_page(client, url, self.sources / self.names[url], self.options)
        except Skip as exc:
            self.skipped.add(url)
            self.reporter(f"skipped {url}: {exc}")
            return Problem(url, str(exc))
        except Fail as exc:
            self.reporter(f"failed {url}: {exc}")
            return Problem(url, str(exc))
        except OSError as exc:  # the disk, not the network
            shown = display_path(self.sources / self.names[url], root)
            reason = f"cannot write {shown}: {exc.strerror or exc}"
            self.reporter(f"failed {url}: {reason}")
            return Problem(url, reason)
        self.record.add(page)
        images = f" and {page.images} image{'s' * (page.images != 1)}" if page.images else ""
        self.reporter(f"saved {display_path(page.file, root)}{images} from {url}")
        for note in page.notes:
            self.reporter(f"  note: {note}")
        return page

    def result(self) -> FetchResult:
        """The outcomes in the order given: bad addresses first, then the pages wanted."""
        outcomes = self.outcomes
        ordered = [outcomes[key] for key in outcomes if key not in self.wanted] + [
            outcomes[url] for url in self.wanted
        ]
        skipped = self.skipped
        return FetchResult(
            saved=tuple(o for o in ordered if isinstance(o, SavedPage)),
            skipped=tuple(o for o in ordered if isinstance(o, Problem) and o.url in skipped),
            failed=tuple(o for o in ordered if isinstance(o, Problem) and o.url not in skipped),
        )


def read_url_list(text: str) -> list[str]:
    """The URLs in a list file: one per line; blank lines and ``#`` comments are ignored."""
    urls = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            urls.append(line)
    return urls


def _save_page(client: Client, url: str, target: Path, options: FetchOptions) -> SavedPage:
    body = client.get(url, accept=HTML_TYPES, max_bytes=options.max_bytes, what="page")
    data = body.data
    images, notes, data = save_images(client, body, data, target, options)
    temporary = target.with_name(target.name + ".part")
    temporary.write_bytes(data)
    temporary.replace(target)
    return SavedPage(
        url=url,
        file=target,
        final_url=body.url,
        status=body.status,
        retrieved=body.retrieved,
        images=images,
        notes=tuple(notes),
    )


class _Serialised:
    """A report callable safe to call from several threads."""

    def __init__(self, report: Callable[[str], None]):
        self.report = report
        self.lock = threading.Lock()

    def __call__(self, line: str) -> None:
        with self.lock:
            self.report(line)
