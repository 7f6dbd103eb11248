"""The newcomer's path: init, fetch from a local server, build, as the README tells it."""

from __future__ import annotations

import os
import tomllib
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from anthology.cli import main
from tests.paths import FIXTURES

pytestmark = pytest.mark.slow


@pytest.fixture
def site():
    """The HTML fixtures served on a free port of 127.0.0.1 (never the internet)."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(FIXTURES / "html" / "sources"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_init_fetch_build(site, tmp_path: Path) -> None:
    base = site
    folder = tmp_path / "river-reader"
    runner = CliRunner()
    made = runner.invoke(main, ["init", str(folder), "--title", "River Reader"])
    assert made.exit_code == 0, made.output
    assert "compile fetch" in made.output and "compile all" in made.output
    got = runner.invoke(
        main, ["fetch", "--project", str(folder), "--delay", "0", f"{base}/magazine-feature.html"]
    )
    assert got.exit_code == 0, got.output
    assert "fetch: 1 saved, 0 skipped, 0 failed" in got.output
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        built = runner.invoke(main, ["epub"])
    finally:
        os.chdir(cwd)
    assert built.exit_code == 0, built.output
    [book] = (folder / "build").glob("*.epub")
    assert book.name == "river-reader.epub"
    with zipfile.ZipFile(book) as z:
        colophon = z.read("EPUB/colophon.xhtml").decode()
        opf = z.read("EPUB/content.opf").decode()
    assert "River Reader" in opf
    record = tomllib.loads((folder / "sources" / "fetched.toml").read_text(encoding="utf-8"))
    assert record["page"][0]["url"] == f"{base}/magazine-feature.html"
    assert '<figure><img src="images/' in "".join(
        zipfile.ZipFile(book).read(n).decode()
        for n in zipfile.ZipFile(book).namelist()
        if n.endswith(".xhtml")
    )
    assert ", retrieved " in colophon
