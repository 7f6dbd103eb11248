"""The saved HTML fixture pages (tests/fixtures/html) and what each must keep and drop."""

from __future__ import annotations

import tomllib

from anthology.config.edition import Edition
from tests.paths import FIXTURES

HTML = FIXTURES / "html"
EDITION = Edition(root=HTML, title="test")
EXPECTED = tomllib.loads((HTML / "expected.toml").read_text(encoding="utf-8"))
