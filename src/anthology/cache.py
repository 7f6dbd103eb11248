"""A cache of cleaned articles, so that a rebuild cleans only the pages that changed.

An entry is keyed by the page's bytes and name, the cleaning rules (the package's and the
edition's site rules), the limits and the code of the cleaner itself; it holds the article as
JSON with a checksum. An entry that is missing, damaged, or does not decode into an article of
the same page is cleaned again: nothing in the cache is trusted (it is JSON, never pickle).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

from anthology import __version__
from anthology.core.files import read_inside, write_atomic
from anthology.core.model import (
    Article,
    Cell,
    Code,
    DefinitionList,
    Dropped,
    Figure,
    Heading,
    ListBlock,
    Math,
    Paragraph,
    Quote,
    Table,
)

FORMAT = 2  # 2: code, tables, definition lists and formulas; lists with numbering and nesting
_TYPES = {
    cls.__name__: cls
    for cls in (
        Paragraph,
        Heading,
        Quote,
        ListBlock,
        Figure,
        Code,
        Table,
        Cell,
        DefinitionList,
        Math,
        Dropped,
    )
}


@cache
def code_fingerprint() -> str:
    """A digest of the package's cleaning code and rules: a new cleaner invalidates the cache."""
    digest = hashlib.sha256(__version__.encode())
    package = resources.files("anthology")
    names: list[str] = []
    for name in ("sources.py", "config", "core", "clean"):
        names.extend(_files(package.joinpath(name), name))
    for name in sorted(names):
        digest.update(name.encode() + b"\0" + package.joinpath(name).read_bytes() + b"\0")
    return digest.hexdigest()


def _files(entry, name: str) -> list[str]:
    """``name`` if it is a file, else the files below it (compiled files left out)."""
    if entry.is_file():
        return [name]
    if not entry.is_dir() or entry.name == "__pycache__":
        return []
    return [path for child in entry.iterdir() for path in _files(child, f"{name}/{child.name}")]


def edition_fingerprint(sources: Path, extra: str = "") -> str:
    """A digest of what else decides how pages are cleaned: the edition's site rules, limits."""
    digest = hashlib.sha256(code_fingerprint().encode() + extra.encode())
    sites = sources / "sites"
    if sites.is_dir():
        for path in sorted(sites.glob("*.toml")):
            try:
                data = read_inside(path, sources.parent)
            except OSError:  # refused with its reason when the rules are read
                data = b"unreadable"
            digest.update(path.name.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


class ArticleCache:
    """Cleaned articles on disk, under ``folder``, one JSON file per page version."""

    def __init__(self, folder: Path, fingerprint: str):
        self.folder = folder
        self.fingerprint = fingerprint
        self.used: set[str] = set()
        self.hits = 0

    def key(self, name: str, data: bytes) -> str:
        """The key of page ``name`` with content ``data``."""
        digest = hashlib.sha256(self.fingerprint.encode())
        digest.update(name.encode() + b"\0" + data)
        return digest.hexdigest()

    def get(self, key: str, name: str) -> Article | None:
        """The article stored under ``key``, or None when absent or not to be trusted."""
        path = self.folder / f"{key}.json"
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            payload = stored["article"]
            text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
            if stored.get("format") != FORMAT or stored.get("sha256") != _sha(text):
                return None
            article = _article(payload)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        if article.source != name:
            return None
        self.used.add(key)
        self.hits += 1
        return article

    def put(self, key: str, article: Article) -> None:
        """Store ``article`` under ``key`` (atomically; a failed write leaves no entry)."""
        payload = _plain(article)
        text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
        record = {"format": FORMAT, "sha256": _sha(text), "article": payload}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            data = json.dumps(record, ensure_ascii=False).encode("utf-8")
            write_atomic(self.folder / f"{key}.json", data)
        except OSError:
            return  # a cache that cannot be written only makes the next build slower
        self.used.add(key)

    def prune(self) -> None:
        """Remove the entries this build did not use (old versions of pages)."""
        if not self.folder.is_dir():
            return
        for path in self.folder.glob("*.json"):
            if path.stem not in self.used:
                path.unlink(missing_ok=True)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(value):
    """A model value as JSON: dataclasses tagged with their type, dates as ISO strings."""
    if dataclasses.is_dataclass(value):
        fields = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"type": type(value).__name__, **fields}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return value


def _article(data: dict) -> Article:
    fields = {f.name for f in dataclasses.fields(Article)}
    if data.get("type") != "Article" or set(data) - {"type"} != fields:
        raise ValueError("not an article")
    values = {name: _value(data[name]) for name in fields}
    values["body"] = tuple(values["body"])
    values["dropped"] = tuple(values["dropped"])
    article = Article(**values)
    for name in ("source", "title", "standfirst", "byline", "publication", "url", "language"):
        if not isinstance(getattr(article, name), str):
            raise ValueError(f"{name} is not text")
    return article


def _value(data):
    if isinstance(data, list):
        return tuple(_value(v) for v in data)
    if isinstance(data, dict):
        if set(data) == {"date"}:
            return date.fromisoformat(data["date"])
        cls = _TYPES[data["type"]]
        names = {f.name for f in dataclasses.fields(cls)}
        if set(data) - {"type"} - names:
            raise ValueError("unknown fields")
        return cls(**{k: _value(v) for k, v in data.items() if k != "type"})
    return data
