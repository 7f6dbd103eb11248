"""The saved HTML fixture pages (tests/fixtures/html) and what each must keep and drop, and
a page made in a test."""

from __future__ import annotations

import tomllib
from pathlib import Path

from anthology.config.edition import Edition
from anthology.sources import Page
from tests.paths import FIXTURES

HTML = FIXTURES / "html"
EDITION = Edition(root=HTML, title="test")
EXPECTED = tomllib.loads((HTML / "expected.toml").read_text(encoding="utf-8"))


def saved_page(text: str, name: str = "page.html", kind: str = "html") -> Page:
    """A page named ``name`` in the ``sources/`` folder of an edition that is not on disk."""
    return Page(
        path=Path("/nonexistent/sources") / name,
        name=name,
        shown=f"sources/{name}",
        kind=kind,
        text=text,
    )
