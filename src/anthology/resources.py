"""The one gate through which every file or URL is read while rendering.

Scraped pages are untrusted: nothing they name may be read unless it lies inside the edition
(or the packaged styles), and nothing is ever fetched from the network. WeasyPrint's
``url_fetcher`` is this gate too, so the rule lives in one place.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit


class ResourceRefused(ValueError):
    """A resource outside the allowed folders, or on the network, was asked for."""


class ResourceGate:
    """Allows ``file:`` URLs and paths that resolve (symlinks followed) inside ``roots``."""

    def __init__(self, roots: list[Path]):
        self.roots = tuple(root.resolve() for root in roots)
        self.refused: list[str] = []

    def resolve(self, url: str) -> Path:
        """The local file behind ``url``.

        Raises:
            ResourceRefused: the URL is remote, not a file, or outside the allowed folders.
        """
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme != "file" or parts.netloc not in ("", "localhost"):
            self.refused.append(url[:200])
            raise ResourceRefused(f"refused to fetch {url[:200]!r}: only files inside the edition")
        from urllib.request import url2pathname  # it loads http, ssl and email: not at start

        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not any(path.is_relative_to(root) for root in self.roots) or not path.is_file():
            self.refused.append(url[:200])
            raise ResourceRefused(f"refused to read {path}: not a file inside the edition")
        return path

    def read(self, url: str) -> bytes:
        """The bytes of an allowed resource."""
        return self.resolve(url).read_bytes()

    def weasyprint_fetcher(self):
        """A WeasyPrint ``URLFetcher`` that asks this gate before reading anything."""
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        gate = self

        class GatedFetcher(URLFetcher):
            def __init__(self):
                super().__init__(allowed_protocols={"file"}, allow_redirects=False)

            def fetch(self, url, headers=None):
                path = gate.resolve(url)
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    path.as_uri(), body=path.read_bytes(), headers={"Content-Type": kind}
                )

        return GatedFetcher()
