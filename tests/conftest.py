"""Shared fixtures: the repository's default edition, copies of it, and books built once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.paths import ROOT, SOURCES


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="write the golden outputs in tests/golden/ again from what the code makes now",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to write the golden outputs instead of comparing them."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def edition(tmp_path: Path) -> Path:
    """A private copy of the default edition (sources/ only), safe to break."""
    root = tmp_path / "edition"
    shutil.copytree(SOURCES, root / "sources")
    return root


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Path]:
    """The default edition built once for the session, both ways."""
    from anthology.build import run

    out = tmp_path_factory.mktemp("build")
    result = run(ROOT, targets=("epub", "pdf"), output=out)
    return {
        "epub": result.outputs["epub"],
        "pdf": result.outputs["pdf"],
        "book": result.book,
        "diagnostics": result.diagnostics,
    }
