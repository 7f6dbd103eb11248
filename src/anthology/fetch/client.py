"""HTTP for ``compile fetch``: robots.txt, politeness per host, retries, limits, redirects."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import requests

from anthology.fetch.options import FetchOptions

HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECTS = (301, 302, 303, 307, 308)
MAX_ROBOTS_BYTES = 500 * 1024  # RFC 9309 §2.5: crawlers must parse at least 500 KiB
MAX_CRAWL_DELAY = 60.0  # a Crawl-delay above this is taken as this
MAX_RETRY_AFTER = 60.0
# How long one response may take in all, as a multiple of ``timeout`` (which bounds each
# wait for the next bytes): stops a server that trickles a byte at a time.
TOTAL_TIME_FACTOR = 10
# Attributes a page may keep an image's address in, in the order the cleaner reads them
# (anthology.clean.html.walker._image_url); all but the one chosen are dropped when rewriting.


@dataclass(frozen=True)
class Body:
    url: str  # the final URL
    status: int
    content_type: str
    data: bytes
    retrieved: datetime


class Skip(Exception):
    """Not fetched on purpose; the message is the reason."""


class Fail(Exception):
    """Went wrong; the message is the reason."""


class Host:
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


class Client:
    """HTTP for all pages of one run: one session per thread, robots.txt and hosts shared."""

    def __init__(self, options: FetchOptions):
        self.options = options
        self.local = threading.local()
        self.lock = threading.Lock()
        self.hosts: dict[str, Host] = {}
        self.robots: dict[str, RobotFileParser | Fail] = {}
        self.robot_locks: dict[str, threading.Lock] = {}
        self.sessions: list[requests.Session] = []

    def close(self) -> None:
        for session in self.sessions:
            session.close()

    def get(self, url: str, *, accept: tuple[str, ...], max_bytes: int, what: str) -> Body:
        """GET ``url``, following redirects, checking robots.txt before every hop.

        Raises:
            Skip: robots.txt disallows it, the type is not one of ``accept``, it is too big.
            Fail: an HTTP error, too many redirects, a timeout or a connection problem.
        """
        current = url
        for hop in range(self.options.max_redirects + 1):
            if not self.allowed(current):
                where = "it" if hop == 0 else f"{current} (where it redirects)"
                raise Skip(f"robots.txt disallows {where} for {self.agent}")
            with self.request(current, accept=accept) as response:
                location = response.headers.get("Location")
                if response.status_code in REDIRECTS and location:
                    current = normalise_url(urljoin(current, location)) or ""
                    if not current:
                        raise Fail(f"redirects to {location[:200]!r}, not an http(s) address")
                    continue
                return self.body(response, accept=accept, max_bytes=max_bytes, what=what)
        raise Fail(f"more than {self.options.max_redirects} redirects (the last to {current})")

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

    def host(self, url: str) -> Host:
        key = urlsplit(url).netloc.lower()
        with self.lock:
            if key not in self.hosts:
                self.hosts[key] = Host(self.options.per_host, self.options.delay)
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
                    raise Fail(_network_reason(exc, self.options.timeout, attempts)) from None
                time.sleep(wait)
                continue
            status = response.status_code
            if status >= 500 or status == 429:
                response.close()
                host.release()
                if last:
                    tries = f" after {attempts} tries" if attempts > 1 else ""
                    raise Fail(f"HTTP {status} {response.reason or ''}".strip() + tries)
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
    ) -> Body:
        """Read a response up to ``max_bytes``, checking its status and type."""
        status = response.status_code
        if status >= 300:
            raise Fail(f"HTTP {status} {response.reason or ''}".strip())
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        sniff = content_type in ("", "application/octet-stream")
        if not sniff and not content_type.startswith(accept):
            raise Skip(f"is {content_type}, not {'a web page' if what == 'page' else 'an image'}")
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > max_bytes:
            raise Skip(
                f"is {shown_size(int(length))}, over the {shown_size(max_bytes)} limit for {what}s"
            )
        retrieved = datetime.now(UTC).replace(microsecond=0)
        deadline = time.monotonic() + self.options.timeout * TOTAL_TIME_FACTOR
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(64 * 1024):
                chunks.append(chunk)
                size += len(chunk)
                if size > max_bytes:
                    raise Skip(
                        f"is over the {shown_size(max_bytes)} limit for {what}s; stopped reading"
                    )
                if time.monotonic() > deadline:
                    raise Fail(
                        f"took over {self.options.timeout * TOTAL_TIME_FACTOR:g} s to arrive"
                    )
        except requests.RequestException as exc:
            raise Fail(_network_reason(exc, self.options.timeout, 1)) from None
        data = b"".join(chunks)
        if sniff and not _sniffed(data, what):
            kind = content_type or "of no stated type"
            raise Skip(
                f"is {kind} and does not look like {'HTML' if what == 'page' else 'an image'}"
            )
        if not data:
            raise Fail("the server sent an empty response")
        if sniff:
            content_type = "text/html" if what == "page" else _sniffed_image_type(data)
        return Body(response.url, status, content_type, data, retrieved)

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
        if isinstance(robots, Fail):
            raise Fail(str(robots))  # a new exception: threads must not share a traceback
        return robots.can_fetch(self.options.user_agent, url)

    def read_robots(self, origin: str) -> RobotFileParser | Fail:
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
        except Fail as exc:
            if not str(exc).startswith("HTTP"):
                return exc  # the host is unreachable: the page would fail the same way
            # RFC 9309 §2.3.1.4: when robots.txt is unreachable, assume complete disallow.
            return Fail(f"{robots_url} answered {exc}; not fetching without it")
        except requests.RequestException as exc:
            return Fail(f"cannot read {robots_url} ({_network_reason(exc, 0, 1)})")
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


def shown_size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:g} MB"
    if n >= 1000:
        return f"{n / 1000:g} kB"
    return f"{n} bytes"


def normalise_url(url: str) -> str | None:
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
