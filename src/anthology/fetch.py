"""Save web pages into an edition's ``sources/``, politely, as a browser would save them.

Each page is saved with its original bytes (the cleaner detects encodings), except that the
``<img>`` tags it shows point to copies of their images in ``<name>_files/`` beside it.
Where and when each page was retrieved is kept in ``sources/fetched.toml`` for the colophon.

Politeness: robots.txt is obeyed for our User-Agent (RFC 9309), requests to one host are
spaced by ``delay`` seconds (or the site's Crawl-delay, if longer) and at most ``per_host``
run at once, and the User-Agent names the tool. One URL's network problem never stops the
others: it is recorded in the ``FetchResult`` with a one-line reason.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import re
import shutil
import threading
import time
import tomllib
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import requests

from anthology import __version__
from anthology.errors import BuildError, display_path
from anthology.init import toml_string

USER_AGENT = f"anthology/{__version__} (+https://example.invalid/anthology)"
FETCHED_FILE = "fetched.toml"
HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECTS = (301, 302, 303, 307, 308)
MAX_ROBOTS_BYTES = 500 * 1024  # RFC 9309 §2.5: crawlers must parse at least 500 KiB
MAX_CRAWL_DELAY = 60.0  # a Crawl-delay above this is taken as this
MAX_RETRY_AFTER = 60.0
MAX_WORKERS = 8
# How long one response may take in all, as a multiple of ``timeout`` (which bounds each
# wait for the next bytes): stops a server that trickles a byte at a time.
TOTAL_TIME_FACTOR = 10
# Attributes a page may keep an image's address in, in the order the cleaner reads them
# (anthology.clean.html.walker._image_url); all but the one chosen are dropped when rewriting.
IMAGE_ATTRS = (
    "data-src",
    "data-original",
    "data-lazy-src",
    "data-url",
    "data-hi-res-src",
    "src",
    "data-srcset",
    "srcset",
)
IMAGE_TYPES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/avif": ".avif",
    "image/svg+xml": ".svg",
    "image/bmp": ".bmp",
    "image/x-icon": ".ico",
    "image/vnd.microsoft.icon": ".ico",
}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg", ".bmp", ".ico"}


@dataclass(frozen=True)
class SavedPage:
    """A page written to ``sources/``."""

    url: str  # as asked for
    file: Path  # the saved page
    final_url: str  # after redirects
    status: int
    retrieved: datetime  # UTC
    images: int = 0  # images saved in <name>_files/
    notes: tuple[str, ...] = ()  # images that could not be saved, and why


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


@dataclass(frozen=True)
class _Options:
    delay: float
    per_host: int
    timeout: float
    max_bytes: int
    max_redirects: int
    retries: int
    backoff: float
    max_images: int
    max_image_bytes: int
    user_agent: str


@dataclass(frozen=True)
class _Body:
    url: str  # the final URL
    status: int
    content_type: str
    data: bytes
    retrieved: datetime


class _Skip(Exception):
    """Not fetched on purpose; the message is the reason."""


class _Fail(Exception):
    """Went wrong; the message is the reason."""


def fetch_pages(
    urls: list[str],
    sources: Path,
    *,
    refresh: bool = False,
    delay: float = 1.0,
    per_host: int = 1,
    timeout: float = 20.0,
    max_bytes: int = 20_000_000,
    max_redirects: int = 5,
    retries: int = 3,
    backoff: float = 1.0,
    max_images: int = 100,
    max_image_bytes: int = 10_000_000,
    user_agent: str = USER_AGENT,
    report: Callable[[str], None] = lambda line: None,
) -> FetchResult:
    """Download each page in ``urls`` into ``sources/``, with its images.

    A page from ``https://www.example.com/2024/05/a-story/`` is saved as
    ``example-com-2024-05-a-story.html`` and its images in ``example-com-2024-05-a-story_files/``.
    A page whose file exists already is skipped unless ``refresh`` is true.

    Args:
        urls: http or https addresses; duplicates and #fragments are ignored.
        sources: the edition's ``sources/`` folder (created if missing).
        refresh: fetch pages again even when their file exists.
        delay: seconds between the starts of two requests to the same host.
        per_host: how many requests to one host may run at once.
        timeout: seconds to wait for a connection or for the next bytes of a response.
        max_bytes: the largest page saved; reading stops past it.
        max_redirects: redirects followed before giving up.
        retries: further attempts after a 5xx/429 answer, a dropped connection or a timeout.
        backoff: seconds before the first retry, doubled for each next one.
        max_images: images saved per page at most.
        max_image_bytes: the largest image saved.
        user_agent: the User-Agent header, also the name robots.txt rules are matched to.
        report: called with one line per URL (saved, skipped or failed), from any thread.

    Returns:
        The pages saved, skipped (with reasons) and failed (with one-line reasons).

    Raises:
        BuildError: ``sources/fetched.toml`` is malformed, or ``sources/`` is not a folder.
    """
    options = _Options(
        delay=max(0.0, delay),
        per_host=max(1, per_host),
        timeout=timeout,
        max_bytes=max_bytes,
        max_redirects=max(0, max_redirects),
        retries=max(0, retries),
        backoff=max(0.0, backoff),
        max_images=max(0, max_images),
        max_image_bytes=max_image_bytes,
        user_agent=user_agent,
    )
    sources = Path(sources)
    if sources.exists() and not sources.is_dir():
        raise BuildError("is not a folder", sources)
    sources.mkdir(parents=True, exist_ok=True)
    record = _Record(sources)
    client = _Client(options)
    reporter = _Serialised(report)
    root = sources.parent

    wanted: list[str] = []
    outcomes: dict[str, SavedPage | Problem] = {}
    skipped: set[str] = set()
    names: dict[str, str] = {}
    for raw in urls:
        url = _normalise(raw)
        if url in wanted or raw in outcomes:
            continue
        if url is None:
            outcomes[raw] = Problem(raw, "not an http or https address")
            reporter(f"failed {raw}: not an http or https address")
            continue
        wanted.append(url)
        name = record.name_for(url, taken=set(names.values()))
        names[url] = name
        if (sources / name).exists() and not refresh:
            reason = (
                f"saved already as {display_path(sources / name, root)} (refresh to fetch again)"
            )
            outcomes[url] = Problem(url, reason)
            skipped.add(url)
            reporter(f"skipped {url}: {reason}")

    def task(url: str) -> SavedPage | Problem:
        try:
            page = _save_page(client, url, sources / names[url], options)
        except _Skip as exc:
            skipped.add(url)
            reporter(f"skipped {url}: {exc}")
            return Problem(url, str(exc))
        except _Fail as exc:
            reporter(f"failed {url}: {exc}")
            return Problem(url, str(exc))
        except OSError as exc:  # the disk, not the network
            reason = (
                f"cannot write {display_path(sources / names[url], root)}: {exc.strerror or exc}"
            )
            reporter(f"failed {url}: {reason}")
            return Problem(url, reason)
        record.add(page)
        images = f" and {page.images} image{'s' * (page.images != 1)}" if page.images else ""
        reporter(f"saved {display_path(page.file, root)}{images} from {url}")
        for note in page.notes:
            reporter(f"  note: {note}")
        return page

    todo = [url for url in wanted if url not in outcomes]
    if todo:
        pool = ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(todo)))
        try:
            for url, outcome in zip(todo, pool.map(task, todo), strict=True):
                outcomes[url] = outcome
        finally:
            # On Ctrl-C, pages not yet started are dropped; those under way finish.
            pool.shutdown(wait=True, cancel_futures=True)
            client.close()

    ordered = [outcomes[key] for key in outcomes if key not in wanted] + [
        outcomes[url] for url in wanted
    ]
    return FetchResult(
        saved=tuple(o for o in ordered if isinstance(o, SavedPage)),
        skipped=tuple(o for o in ordered if isinstance(o, Problem) and o.url in skipped),
        failed=tuple(o for o in ordered if isinstance(o, Problem) and o.url not in skipped),
    )


def page_file_name(url: str) -> str:
    """The file name a page is saved under: a slug of its host and path, ending ``.html``.

    ``https://www.example.com/news/2024/a-story.html?id=3`` gives
    ``example-com-news-2024-a-story-id-3.html``. Long or non-Latin addresses get a short
    hash of the URL so that different pages keep different names.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "page").lower().removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host += f"-{parts.port}"
    path = re.sub(r"(?i)(/index)?\.(s?html?|php\d?|aspx?|jsp|cgi)$", "", unquote(parts.path))
    text = " ".join(x for x in (host, path, unquote(parts.query)) if x)
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-") or "page"
    # Letters with no Latin spelling (Cyrillic, Greek, CJK) vanish from the slug: add a hash.
    lost = any(
        c.isalnum() and not unicodedata.normalize("NFKD", c).encode("ascii", "ignore") for c in text
    )
    if lost or len(slug) > 100:
        slug = f"{slug[:90].rstrip('-')}-{_short_hash(url)}"
    return f"{slug}.html"


def load_fetched(sources: Path) -> dict[str, dict]:
    """The records of ``sources/fetched.toml`` by file name (``{}`` when there is none).

    Each record has ``file``, ``url``, ``final_url``, ``retrieved`` (an aware UTC datetime)
    and ``status``.

    Raises:
        BuildError: the file is not valid TOML or its records are malformed.
    """
    path = Path(sources) / FETCHED_FILE
    shown = display_path(path, Path(sources).parent)
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise BuildError(f"cannot read the file ({exc.__class__.__name__})", shown) from None
    except tomllib.TOMLDecodeError as exc:
        raise BuildError(f"not valid TOML: {exc}", shown) from None
    pages = data.get("page", [])
    if not isinstance(pages, list) or not all(
        isinstance(p, dict) and isinstance(p.get("file"), str) and isinstance(p.get("url"), str)
        for p in pages
    ):
        raise BuildError('each record must be a [[page]] table with "file" and "url"', shown)
    return {p["file"]: p for p in pages}


def read_url_list(text: str) -> list[str]:
    """The URLs in a list file: one per line; blank lines and ``#`` comments are ignored."""
    urls = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            urls.append(line)
    return urls


# ------------------------------------------------------------------------------ one page


def _save_page(client: _Client, url: str, target: Path, options: _Options) -> SavedPage:
    body = client.get(url, accept=HTML_TYPES, max_bytes=options.max_bytes, what="page")
    data = body.data
    images, notes, data = _save_images(client, body, data, target, options)
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


def _save_images(
    client: _Client, body: _Body, data: bytes, target: Path, options: _Options
) -> tuple[int, list[str], bytes]:
    """Fetch the page's images into ``<stem>_files/`` and point its tags at them."""
    tags = list(_image_tags(data, body.url))
    wanted: list[str] = []
    for _, _, url in tags:
        if url and url not in wanted and _image_allowed(url, body.url):
            wanted.append(url)
    notes: list[str] = []
    if len(wanted) > options.max_images:
        notes.append(
            f"{len(wanted) - options.max_images} images left on the web "
            f"(at most {options.max_images} per page)"
        )
        wanted = wanted[: options.max_images]
    folder_name = f"{target.stem}_files"
    folder = target.with_name(folder_name)
    staging = target.with_name(folder_name + ".part")
    local: dict[str, str] = {}
    if wanted:
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
    used: set[str] = set()
    for url in wanted:
        try:
            image = client.get(
                url, accept=("image/",), max_bytes=options.max_image_bytes, what="image"
            )
        except (_Skip, _Fail) as exc:
            notes.append(f"image {url[:200]} not saved: {exc}")
            continue
        name = _image_name(image.url, image.content_type, used)
        (staging / name).write_bytes(image.data)
        local[url] = f"{folder_name}/{name}"
    if folder.exists():  # a refresh: the page's images are replaced, not mixed
        shutil.rmtree(folder)
    if local:
        staging.replace(folder)
    elif wanted:
        shutil.rmtree(staging, ignore_errors=True)
    if not local:
        return 0, notes, data
    return len(local), notes, _rewrite_images(data, tags, local)


def _image_allowed(url: str, page_url: str) -> bool:
    scheme = urlsplit(url).scheme
    # An https page does not load http images (mixed content), so neither do we.
    return scheme in ("http", "https") and not (scheme == "http" and page_url.startswith("https:"))


# A tag's attributes: name, then an optional value, quoted or not.
_ATTR = re.compile(rb"""([^\s"'<>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
# Comments and raw-text elements are passed over: an <img> there is not an image.
_TAGS = re.compile(
    rb"""(?P<skip><!--.*?-->|<(?P<raw>script|style|template|textarea|title|xmp)\b[^>]*>.*?</(?P=raw)\s*>)"""
    rb"""|(?P<tag><(?P<name>img|base)\b(?:[^>"']|"[^"]*"|'[^']*')*>)""",
    re.IGNORECASE | re.DOTALL,
)


def _attributes(tag: bytes) -> list[tuple[str, str | None, bytes]]:
    """(lower-case name, unescaped value or None, raw bytes) for each attribute of a tag."""
    inner = re.sub(rb"^<\w+", b"", tag).removesuffix(b">").removesuffix(b"/")
    attributes = []
    for match in _ATTR.finditer(inner):
        name = match.group(1).decode("ascii", "replace").lower()
        raw_value = match.group(2)
        value = None
        if raw_value is not None:
            raw_value = raw_value[1:-1] if raw_value[:1] in (b'"', b"'") else raw_value
            value = html.unescape(raw_value.decode("utf-8", "replace")).strip()
        attributes.append((name, value, match.group(0)))
    return attributes


def _image_tags(data: bytes, page_url: str) -> list[tuple[int, int, str]]:
    """(start, end, absolute image URL or "") for every ``<img>`` outside comments and scripts.

    Relative addresses are resolved against the first ``<base href>``, wherever it is, as
    browsers do (HTML Living Standard, "document base URL").
    """
    tags = [m for m in _TAGS.finditer(data) if m.group("tag")]
    base = page_url
    for match in tags:
        if match.group("name").lower() == b"base":
            href = dict((n, v) for n, v, _ in _attributes(match.group("tag"))).get("href")
            if href:
                base = urljoin(page_url, href)
                break
    found = []
    for match in tags:
        if match.group("name").lower() == b"img":
            chosen = _chosen_image(_attributes(match.group("tag")))
            found.append((match.start(), match.end(), urljoin(base, chosen) if chosen else ""))
    return found


def _chosen_image(attributes: list[tuple[str, str | None, bytes]]) -> str:
    values = {name: value for name, value, _ in attributes if value}
    for attr in IMAGE_ATTRS:
        value = values.get(attr, "")
        if attr.endswith("srcset"):
            value = value.split(",")[0].strip().split(" ")[0] if value else ""
        if value and not value.lower().startswith(("data:", "javascript:")):
            return value
    return ""


def _rewrite_images(data: bytes, tags: list[tuple[int, int, str]], local: dict[str, str]) -> bytes:
    """The page with each ``<img>`` whose image was saved pointing at the local copy."""
    pieces: list[bytes] = []
    position = 0
    for start, end, url in tags:
        if url not in local:
            continue
        tag = data[start:end]
        kept = [raw for name, _, raw in _attributes(tag) if name not in IMAGE_ATTRS + ("sizes",)]
        closing = b" />" if tag.rstrip(b">").rstrip().endswith(b"/") else b">"
        src = b'src="' + html.escape(local[url]).encode("ascii") + b'"'
        pieces += [data[position:start], b" ".join([b"<img", src, *kept]), closing]
        position = end
    pieces.append(data[position:])
    return b"".join(pieces)


def _image_name(url: str, content_type: str, used: set[str]) -> str:
    stem = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^a-z0-9._-]+", "-", folded.lower()).strip(".-")[:80] or "image"
    suffix = Path(name).suffix
    if suffix not in IMAGE_SUFFIXES:
        name += IMAGE_TYPES.get(content_type, "")
    candidate, n = name, 1
    while candidate in used:
        n += 1
        candidate = f"{Path(name).stem}-{n}{Path(name).suffix}"
    used.add(candidate)
    return candidate


# ------------------------------------------------------------------------------- network


class _Host:
    """One host's share of politeness: a concurrency limit and spaced request starts."""

    def __init__(self, per_host: int, delay: float):
        self.slots = threading.BoundedSemaphore(per_host)
        self.lock = threading.Lock()
        self.delay = delay
        self.next_start = 0.0

    def acquire(self) -> None:
        """Wait for a free slot, then for ``delay`` after the last request started."""
        self.slots.acquire()
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next_start)
            self.next_start = start + self.delay
        time.sleep(start - now)

    def release(self) -> None:
        self.slots.release()


class _Client:
    """HTTP for all pages of one run: one session per thread, robots.txt and hosts shared."""

    def __init__(self, options: _Options):
        self.options = options
        self.local = threading.local()
        self.lock = threading.Lock()
        self.hosts: dict[str, _Host] = {}
        self.robots: dict[str, RobotFileParser | _Fail] = {}
        self.robot_locks: dict[str, threading.Lock] = {}
        self.sessions: list[requests.Session] = []

    def close(self) -> None:
        for session in self.sessions:
            session.close()

    def get(self, url: str, *, accept: tuple[str, ...], max_bytes: int, what: str) -> _Body:
        """GET ``url``, following redirects, checking robots.txt before every hop.

        Raises:
            _Skip: robots.txt disallows it, the type is not one of ``accept``, it is too big.
            _Fail: an HTTP error, too many redirects, a timeout or a connection problem.
        """
        current = url
        for hop in range(self.options.max_redirects + 1):
            if not self.allowed(current):
                where = "it" if hop == 0 else f"{current} (where it redirects)"
                raise _Skip(f"robots.txt disallows {where} for {self.agent}")
            with self.request(current, accept=accept) as response:
                location = response.headers.get("Location")
                if response.status_code in REDIRECTS and location:
                    current = _normalise(urljoin(current, location)) or ""
                    if not current:
                        raise _Fail(f"redirects to {location[:200]!r}, not an http(s) address")
                    continue
                return self.body(response, accept=accept, max_bytes=max_bytes, what=what)
        raise _Fail(f"more than {self.options.max_redirects} redirects (the last to {current})")

    @property
    def agent(self) -> str:
        return self.options.user_agent.split("/")[0].split()[0]

    def session(self) -> requests.Session:
        session = getattr(self.local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers["User-Agent"] = self.options.user_agent
            self.local.session = session
            with self.lock:
                self.sessions.append(session)
        return session

    def host(self, url: str) -> _Host:
        key = urlsplit(url).netloc.lower()
        with self.lock:
            if key not in self.hosts:
                self.hosts[key] = _Host(self.options.per_host, self.options.delay)
            return self.hosts[key]

    @contextlib.contextmanager
    def request(self, url: str, *, accept: tuple[str, ...]) -> Iterator[requests.Response]:
        """One GET without following redirects, retried on 5xx, 429 and connection errors.

        The response is streamed; the host's slot is held until the caller has read it.
        """
        host = self.host(url)
        headers = {"Accept": _accept_header(accept)}
        attempts = self.options.retries + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            wait = self.options.backoff * 2**attempt
            host.acquire()
            try:
                response = self.session().get(
                    url,
                    headers=headers,
                    timeout=self.options.timeout,
                    allow_redirects=False,
                    stream=True,
                )
            except requests.RequestException as exc:
                host.release()
                if last or not _retryable(exc):
                    raise _Fail(_network_reason(exc, self.options.timeout, attempts)) from None
                time.sleep(wait)
                continue
            status = response.status_code
            if status >= 500 or status == 429:
                response.close()
                host.release()
                if last:
                    tries = f" after {attempts} tries" if attempts > 1 else ""
                    raise _Fail(f"HTTP {status} {response.reason or ''}".strip() + tries)
                time.sleep(max(wait, _retry_after(response.headers.get("Retry-After"))))
                continue
            try:
                yield response
            finally:
                response.close()
                host.release()
            return

    def body(
        self, response: requests.Response, *, accept: tuple[str, ...], max_bytes: int, what: str
    ) -> _Body:
        """Read a response up to ``max_bytes``, checking its status and type."""
        status = response.status_code
        if status >= 300:
            raise _Fail(f"HTTP {status} {response.reason or ''}".strip())
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        sniff = content_type in ("", "application/octet-stream")
        if not sniff and not content_type.startswith(accept):
            raise _Skip(f"is {content_type}, not {'a web page' if what == 'page' else 'an image'}")
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > max_bytes:
            raise _Skip(f"is {_size(int(length))}, over the {_size(max_bytes)} limit for {what}s")
        retrieved = datetime.now(UTC).replace(microsecond=0)
        deadline = time.monotonic() + self.options.timeout * TOTAL_TIME_FACTOR
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(64 * 1024):
                chunks.append(chunk)
                size += len(chunk)
                if size > max_bytes:
                    raise _Skip(
                        f"is over the {_size(max_bytes)} limit for {what}s; stopped reading"
                    )
                if time.monotonic() > deadline:
                    raise _Fail(
                        f"took over {self.options.timeout * TOTAL_TIME_FACTOR:g} s to arrive"
                    )
        except requests.RequestException as exc:
            raise _Fail(_network_reason(exc, self.options.timeout, 1)) from None
        data = b"".join(chunks)
        if sniff and not _sniffed(data, what):
            kind = content_type or "of no stated type"
            raise _Skip(
                f"is {kind} and does not look like {'HTML' if what == 'page' else 'an image'}"
            )
        if not data:
            raise _Fail("the server sent an empty response")
        if sniff:
            content_type = "text/html" if what == "page" else _sniffed_image_type(data)
        return _Body(response.url, status, content_type, data, retrieved)

    def allowed(self, url: str) -> bool:
        """True when robots.txt lets us fetch ``url``; its Crawl-delay slows the host down."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc.lower()}"
        with self.lock:
            lock = self.robot_locks.setdefault(origin, threading.Lock())
        with lock:
            if origin not in self.robots:
                self.robots[origin] = self.read_robots(origin)
        robots = self.robots[origin]
        if isinstance(robots, _Fail):
            raise _Fail(str(robots))  # a new exception: threads must not share a traceback
        return robots.can_fetch(self.options.user_agent, url)

    def read_robots(self, origin: str) -> RobotFileParser | _Fail:
        robots_url = f"{origin}/robots.txt"
        parser = RobotFileParser(robots_url)
        current = robots_url
        try:
            for _ in range(self.options.max_redirects + 1):
                with self.request(current, accept=("text/plain",)) as response:
                    location = response.headers.get("Location")
                    if response.status_code in REDIRECTS and location:
                        current = urljoin(current, location)
                        if urlsplit(current).scheme not in ("http", "https"):
                            parser.allow_all = True  # not a robots.txt we can read: no rules
                            break
                        continue
                    status = response.status_code
                    if status in (401, 403):  # as urllib.robotparser: a closed door
                        parser.disallow_all = True
                    elif status == 200:
                        data = b"".join(_limited(response, MAX_ROBOTS_BYTES))
                        parser.parse(data.decode("utf-8", "replace").splitlines())
                    else:  # RFC 9309 §2.3.1.3: no robots.txt (4xx), no rules
                        parser.allow_all = True
                    break
            else:
                parser.allow_all = True  # RFC 9309 §2.3.1.2: too many redirects, none
        except _Fail as exc:
            if not str(exc).startswith("HTTP"):
                return exc  # the host is unreachable: the page would fail the same way
            # RFC 9309 §2.3.1.4: when robots.txt is unreachable, assume complete disallow.
            return _Fail(f"{robots_url} answered {exc}; not fetching without it")
        except requests.RequestException as exc:
            return _Fail(f"cannot read {robots_url} ({_network_reason(exc, 0, 1)})")
        crawl_delay = parser.crawl_delay(self.options.user_agent)
        if crawl_delay:
            host = self.host(origin)
            host.delay = max(host.delay, min(float(crawl_delay), MAX_CRAWL_DELAY))
        return parser


def _limited(response: requests.Response, limit: int) -> Iterator[bytes]:
    size = 0
    for chunk in response.iter_content(64 * 1024):
        yield chunk[: max(0, limit - size)]
        size += len(chunk)
        if size >= limit:
            return


def _retryable(exc: requests.RequestException) -> bool:
    return isinstance(exc, requests.ConnectionError | requests.Timeout) and not isinstance(
        exc, requests.exceptions.SSLError
    )


def _network_reason(exc: requests.RequestException, timeout: float, attempts: int) -> str:
    tries = f" ({attempts} tries)" if attempts > 1 else ""
    # A timeout while reading the body reaches us as a ConnectionError (requests wraps it).
    if isinstance(exc, requests.Timeout) or "timed out" in str(exc).lower():
        return f"no answer within {timeout:g} s{tries}"
    if isinstance(exc, requests.exceptions.SSLError):
        return "the TLS certificate or handshake failed"
    if isinstance(exc, requests.ConnectionError):
        text = str(exc)
        if "Name or service not known" in text or "nodename nor servname" in text:
            return "no such host"
        if "refused" in text.lower():
            return f"the connection was refused{tries}"
        return f"the connection failed{tries}"
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
        return "not a valid address"
    return f"the request failed ({exc.__class__.__name__})"


def _retry_after(value: str | None) -> float:
    if value and value.strip().isdigit():
        return min(float(value.strip()), MAX_RETRY_AFTER)
    return 0.0


def _accept_header(accept: tuple[str, ...]) -> str:
    if accept == HTML_TYPES:
        return "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
    if accept == ("image/",):
        return "image/avif,image/webp,image/png,image/jpeg,image/gif,image/*;q=0.8,*/*;q=0.1"
    return "text/plain,*/*;q=0.1"


def _sniffed(data: bytes, what: str) -> bool:
    if what == "page":
        head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        return head.startswith((b"<!doctype html", b"<html", b"<head", b"<!--", b"<body"))
    return bool(_sniffed_image_type(data))


def _sniffed_image_type(data: bytes) -> str:
    signatures = {
        b"\xff\xd8\xff": "image/jpeg",
        b"\x89PNG\r\n\x1a\n": "image/png",
        b"GIF87a": "image/gif",
        b"GIF89a": "image/gif",
    }
    for signature, kind in signatures.items():
        if data.startswith(signature):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if b"<svg" in data[:1024]:
        return "image/svg+xml"
    return ""


def _size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:g} MB"
    if n >= 1000:
        return f"{n / 1000:g} kB"
    return f"{n} bytes"


def _normalise(url: str) -> str | None:
    """``url`` without its fragment, or None if it is not an http(s) address with a host."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


class _Serialised:
    """A report callable safe to call from several threads."""

    def __init__(self, report: Callable[[str], None]):
        self.report = report
        self.lock = threading.Lock()

    def __call__(self, line: str) -> None:
        with self.lock:
            self.report(line)


# --------------------------------------------------------------------------- fetched.toml


@dataclass
class _Record:
    """``sources/fetched.toml``: read once, rewritten (atomically) after every saved page."""

    sources: Path
    pages: dict[str, dict] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.pages = load_fetched(self.sources)

    def name_for(self, url: str, taken: set[str]) -> str:
        """The file for ``url``: the one it was saved as before, else a fresh unique name."""
        for name, page in sorted(self.pages.items()):
            if page.get("url") == url:
                return name
        name = page_file_name(url)
        if name in taken or (name in self.pages and self.pages[name].get("url") != url):
            name = f"{name.removesuffix('.html')}-{_short_hash(url)}.html"
        return name

    def add(self, page: SavedPage) -> None:
        with self.lock:
            self.pages[page.file.name] = {
                **self.pages.get(page.file.name, {}),
                "file": page.file.name,
                "url": page.url,
                "final_url": page.final_url,
                "retrieved": page.retrieved,
                "status": page.status,
            }
            path = self.sources / FETCHED_FILE
            temporary = path.with_name(path.name + ".part")
            temporary.write_text(fetched_toml(self.pages.values()), encoding="utf-8")
            temporary.replace(path)


FETCHED_HEADER = """\
# Where and when each page in this folder was fetched, for the colophon. compile fetch
# rewrites this file (sorted by file name) each time it saves a page; edit with care.
"""


def fetched_toml(pages) -> str:
    """The text of ``fetched.toml`` for these records, sorted by file name."""
    order = ("file", "url", "final_url", "retrieved", "status")
    chunks = [FETCHED_HEADER]
    for page in sorted(pages, key=lambda p: p["file"]):
        keys = [k for k in order if k in page] + sorted(k for k in page if k not in order)
        lines = ["[[page]]"] + [f"{key} = {_toml_value(page[key])}" for key in keys]
        chunks.append("\n".join(lines) + "\n")
    return "\n".join(chunks)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
            return value.isoformat() + "Z"
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{toml_string(str(k))} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    return toml_string(str(value))
