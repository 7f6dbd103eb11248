"""``sources/fetched.toml``: where and when each page was fetched, read by the build for the
colophon and rewritten by ``compile fetch``; and the file name a page is saved under."""

from __future__ import annotations

import hashlib
import re
import threading
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from anthology.core.errors import BuildError, display_path
from anthology.core.files import read_inside
from anthology.core.text import toml_string

FETCHED_FILE = "fetched.toml"


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
        slug = f"{slug[:90].rstrip('-')}-{short_hash(url)}"
    return f"{slug}.html"


def short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


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
        data = tomllib.loads(read_inside(path, Path(sources).parent).decode("utf-8"))
    except UnicodeDecodeError:
        raise BuildError("cannot read the file (it is not UTF-8 text)", shown) from None
    except OSError as exc:
        raise BuildError(f"cannot read the file ({exc.strerror or exc}); refused", shown) from None
    except tomllib.TOMLDecodeError as exc:
        raise BuildError(f"not valid TOML: {exc}", shown) from None
    pages = data.get("page", [])
    if not isinstance(pages, list) or not all(
        isinstance(p, dict) and isinstance(p.get("file"), str) and isinstance(p.get("url"), str)
        for p in pages
    ):
        raise BuildError('each record must be a [[page]] table with "file" and "url"', shown)
    return {p["file"]: p for p in pages}


@dataclass
class Record:
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
            name = f"{name.removesuffix('.html')}-{short_hash(url)}.html"
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
