"""`compile watch`: one build per settled change, failed builds keep the last book, Ctrl-C ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from anthology.build import run
from anthology.core.errors import BuildError
from anthology.watch import Watcher, describe, ignored, watched_folders

INTERVAL = 0.05
SETTLE = 0.3
QUIET = 1.0  # how long to go on looking to be sure no other build comes


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("book.toml", False),
        ("lenin.html", False),
        ("photo.jpg", False),
        (".book.toml.swp", True),  # Vim
        (".book.toml.swx", True),
        ("4913", True),  # Vim's test whether it may write in the folder
        ("book.toml~", True),  # backups
        (".#book.toml", True),  # Emacs' lock
        ("#book.toml#", True),  # Emacs' autosave
        (".DS_Store", True),
        ("page.html.tmp", True),
        ("build", True),
    ],
)
def test_ignored(name: str, expected: bool) -> None:
    assert ignored(name) is expected


def test_describe() -> None:
    assert describe(["sources/book.toml"]) == "sources/book.toml changed"
    assert describe(["a", "b"]) == "a and b changed"
    assert describe(["a", "b", "c", "d", "e"]) == "a, b, c and 2 more changed"


def test_watched_folders(edition: Path, tmp_path: Path) -> None:
    look = tmp_path / "looks" / "night"
    look.mkdir(parents=True)
    assert watched_folders(edition) == [edition / "sources", edition / "styles"]
    assert watched_folders(edition, "modern") == [edition / "sources", edition / "styles"]
    assert watched_folders(edition, str(look))[-1] == look


def test_snapshot_sees_pages_settings_images_and_styles_only(edition: Path) -> None:
    watcher = Watcher(watched_folders(edition), lambda changes: None, base=edition)
    before = watcher.snapshot()
    assert "sources/book.toml" in before and "sources/glossary.toml" in before
    (edition / "build").mkdir()
    (edition / "build" / "the-book.epub").write_bytes(b"not watched")
    (edition / "sources" / ".book.toml.swp").write_bytes(b"swap")
    (edition / "sources" / "book.toml~").write_bytes(b"backup")
    (edition / "sources" / "4913").write_bytes(b"")
    assert watcher.changed(before, watcher.snapshot()) == []
    (edition / "sources" / "sites").mkdir()
    (edition / "sources" / "sites" / "example.org.toml").write_text('why = "test"\n')
    (edition / "sources" / "page_files").mkdir()
    (edition / "sources" / "page_files" / "photo.jpg").write_bytes(b"\xff\xd8")
    (edition / "styles").mkdir()
    (edition / "styles" / "base.css").write_text("body { color: black }\n")
    (edition / "sources" / "glossary.toml").unlink()
    assert watcher.changed(before, watcher.snapshot()) == [
        "sources/glossary.toml",
        "sources/page_files/photo.jpg",
        "sources/sites/example.org.toml",
        "styles/base.css",
    ]


def test_run_stops_after_max_builds_without_waiting(edition: Path) -> None:
    calls: list[list[str]] = []
    watcher = Watcher(watched_folders(edition), calls.append, base=edition, interval=60)
    assert watcher.run(max_builds=1, build_first=True) == 1
    assert calls == [[]]


class Builds:
    """The build a watcher calls: the real EPUB build, its results and errors kept in order."""

    def __init__(self, root: Path):
        self.root = root
        self.changes: list[list[str]] = []
        self.started: list[float] = []
        self.outcomes: list[str] = []  # "built" or the error line

    def __call__(self, changes: list[str]) -> None:
        self.started.append(time.monotonic())
        self.changes.append(changes)
        try:
            run(self.root, targets=("epub",))
        except BuildError as exc:
            self.outcomes.append(exc.message)
        else:
            self.outcomes.append("built")


@contextmanager
def watching(root: Path) -> Iterator[Builds]:
    """A watcher on ``root`` in a thread, built once; stopped (and its errors raised) on exit."""
    builds = Builds(root)
    watcher = Watcher(watched_folders(root), builds, base=root, interval=INTERVAL, settle=SETTLE)
    stop = threading.Event()
    failed: list[BaseException] = []

    def loop() -> None:
        try:
            watcher.run(stop=stop, build_first=True)
        except BaseException as exc:  # handed to the test below
            failed.append(exc)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        _until(lambda: len(builds.outcomes) == 1 or failed)
        yield builds
    finally:
        stop.set()
        thread.join(timeout=30)
    if failed:
        raise failed[0]
    assert not thread.is_alive()


def _until(condition: Callable[[], object], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


def _epub(root: Path) -> Path:
    [book] = (root / "build").glob("*.epub")
    return book


@pytest.mark.slow
def test_a_change_makes_one_build_after_the_folders_settle(edition: Path) -> None:
    with watching(edition) as builds:
        assert builds.outcomes == ["built"] and builds.changes == [[]]
        glossary = edition / "sources" / "glossary.toml"
        changed_at = time.monotonic()
        glossary.write_text(glossary.read_text(encoding="utf-8") + "\n# edited\n")
        _until(lambda: len(builds.outcomes) == 2)
        time.sleep(QUIET)
    assert builds.outcomes == ["built", "built"]
    assert builds.changes[1] == ["sources/glossary.toml"]
    assert builds.started[1] - changed_at >= SETTLE


@pytest.mark.slow
def test_several_quick_changes_make_one_build(edition: Path) -> None:
    sources = edition / "sources"
    with watching(edition) as builds:
        for name in ("glossary.toml", "book.toml", "what-do-we-mean-by-socialism.txt"):
            path = sources / name
            path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
            time.sleep(SETTLE / 4)
        _until(lambda: len(builds.outcomes) == 2)
        time.sleep(QUIET)
    assert builds.outcomes == ["built", "built"]
    assert builds.changes[1] == [
        "sources/book.toml",
        "sources/glossary.toml",
        "sources/what-do-we-mean-by-socialism.txt",
    ]


@pytest.mark.slow
def test_a_broken_book_toml_keeps_the_last_book_and_watching_goes_on(edition: Path) -> None:
    book_toml = edition / "sources" / "book.toml"
    good = book_toml.read_text(encoding="utf-8")
    with watching(edition) as builds:
        epub = _epub(edition)
        last_good = epub.read_bytes()
        book_toml.write_text(good + "\nbogus = [\n", encoding="utf-8")
        _until(lambda: len(builds.outcomes) == 2)
        assert builds.outcomes[1].startswith("sources/book.toml:")
        assert epub.read_bytes() == last_good
        assert [p.name for p in (edition / "build").iterdir() if p.suffix == ".tmp"] == []
        book_toml.write_text(good.replace("A study reader", "A reader"), encoding="utf-8")
        _until(lambda: len(builds.outcomes) == 3)
    assert builds.outcomes[2] == "built"
    assert epub.read_bytes() != last_good


@pytest.mark.slow
def test_build_folder_and_editor_files_trigger_nothing(edition: Path) -> None:
    sources = edition / "sources"
    with watching(edition) as builds:
        (edition / "build" / "notes.txt").write_text("not part of the book")
        _epub(edition).touch()
        for name in (".book.toml.swp", "book.toml~", ".#book.toml", "#book.toml#", "4913"):
            (sources / name).write_text("editor's file")
        (edition / "styles").mkdir()
        (edition / "styles" / ".base.css.swp").write_text("swap")
        time.sleep(QUIET)
    assert builds.outcomes == ["built"]


@pytest.mark.slow
def test_the_command_reports_errors_and_stops_cleanly_on_ctrl_c(edition: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "anthology", "watch", "--interval", "0.1"],
        cwd=edition,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out: list[str] = []
    err: list[str] = []
    readers = [
        threading.Thread(target=lambda: out.extend(process.stdout), daemon=True),
        threading.Thread(target=lambda: err.extend(process.stderr), daemon=True),
    ]
    for reader in readers:
        reader.start()
    try:
        _until(lambda: any(" built 5 chapters" in line for line in out), timeout=60)
        assert out[0].startswith("watching sources/, styles/ for changes")
        epub = _epub(edition)
        last_good = epub.read_bytes()
        book_toml = edition / "sources" / "book.toml"
        book_toml.write_text(book_toml.read_text(encoding="utf-8") + "\nbogus = [\n")
        _until(lambda: any("Error: sources/book.toml:" in line for line in err), timeout=60)
        assert any(line.endswith("] sources/book.toml changed\n") for line in out)
        assert epub.read_bytes() == last_good
        process.send_signal(signal.SIGINT)
        status = process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    for reader in readers:
        reader.join(timeout=10)
    assert status == 0, "".join(err)
    assert out[-1] == "stopped watching\n"
    assert "Traceback" not in "".join(out + err)
