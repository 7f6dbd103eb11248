"""Where the tests find their inputs: the repository, its default edition, the fixtures."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
FIXTURES = ROOT / "tests" / "fixtures"
# The shared benchmark pages beside the repository (tests that read them skip without them).
BENCHMARKS = ROOT.parent / "shared" / "benchmarks"
