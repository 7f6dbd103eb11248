"""Rebuild an edition whenever its pages, settings or stylesheets change.

The folders are polled: each file's modification time and size are compared with the last
look, which works the same on every system and needs no file-system events. A change is
built once the folders have been quiet for a moment, so saving several files at once (or an
editor that writes a file in two steps) makes one build, not several.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

Snapshot = dict[str, tuple[int, int, int]]  # relative path -> (mtime in ns, size, inode)

INTERVAL = 1.0  # seconds between two looks at the folders
SETTLE = 0.5  # seconds without a change before a build starts

# Files editors write beside the one being edited, which are never part of the book:
# Vim's swap files (.x.swp, .x.swo) and its write test "4913" (see `:help backupcopy`),
# Emacs' lock and autosave files (.#x, #x#), backups (x~, x.bak) and temporary files.
IGNORED_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".part", ".crdownload")
IGNORED_NAMES = {"4913", "__pycache__", "build", "Thumbs.db"}


def ignored(name: str) -> bool:
    """True for a file or folder name that is never part of the book (hidden, swap, backup)."""
    return name.startswith((".", "#")) or name.endswith(IGNORED_SUFFIXES) or name in IGNORED_NAMES


def watched_folders(root: Path, style: str = "") -> list[Path]:
    """The folders whose changes make a new book: ``sources/``, ``styles/`` and a look's folder.

    Args:
        root: the edition folder.
        style: the ``--style`` option; a folder path outside the edition is watched too.
    """
    folders = [root / "sources", root / "styles"]
    if style and ("/" in style or style.startswith(".")) and Path(style).is_dir():
        look = Path(style)
        if not any(_inside(look, folder) for folder in folders):
            folders.append(look)
    return folders


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


class Watcher:
    """Polls folders and calls ``build`` once per settled change.

    Args:
        folders: the folders to watch (those missing are watched for appearing).
        build: called with the changed paths (relative to ``base``, sorted); with an empty
            list for the first build.
        base: paths are reported relative to this folder.
        interval: seconds between two looks while nothing changes.
        settle: seconds the folders must stay unchanged before ``build`` is called.
    """

    def __init__(
        self,
        folders: Iterable[Path],
        build: Callable[[list[str]], object],
        base: Path | None = None,
        interval: float = INTERVAL,
        settle: float = SETTLE,
    ):
        self.folders = list(folders)
        self.build = build
        self.base = base
        self.interval = interval
        self.settle = settle

    def snapshot(self) -> Snapshot:
        """Every watched file's modification time, size and inode, by relative path."""
        found: Snapshot = {}
        for folder in self.folders:
            for directory, subfolders, files in os.walk(folder):
                subfolders[:] = sorted(d for d in subfolders if not ignored(d))
                for name in files:
                    if ignored(name):
                        continue
                    path = os.path.join(directory, name)
                    try:
                        stat = os.stat(path)
                    except OSError:  # removed between the listing and now
                        continue
                    found[self._shown(path)] = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        return found

    def _shown(self, path: str) -> str:
        if self.base is None:
            return path
        try:
            return Path(path).relative_to(self.base).as_posix()
        except ValueError:
            return path

    @staticmethod
    def changed(before: Snapshot, after: Snapshot) -> list[str]:
        """The paths added, removed or modified between two snapshots, sorted."""
        return sorted(
            path for path in before.keys() | after.keys() if before.get(path) != after.get(path)
        )

    def run(
        self,
        max_builds: int | None = None,
        stop: threading.Event | None = None,
        build_first: bool = False,
    ) -> int:
        """Watch until ``stop`` is set or ``max_builds`` builds are done; return the count.

        Args:
            max_builds: return after this many builds (the first one included).
            stop: set it (from another thread) to end the loop at its next look.
            build_first: build once before watching, so the book starts up to date.
        """
        stop = stop or threading.Event()
        builds = 0
        last = self.snapshot()
        if build_first:
            self.build([])
            builds += 1
        while not (max_builds is not None and builds >= max_builds):
            if stop.wait(self.interval):
                break
            now = self.snapshot()
            changes = set(self.changed(last, now))
            if not changes:
                continue
            # Debounce: build only once nothing has changed for `settle` seconds.
            while True:
                if stop.wait(self.settle):
                    return builds
                later = self.snapshot()
                more = self.changed(now, later)
                if not more:
                    break
                changes.update(more)
                now = later
            # Compare the next look with what this build read: edits made during the build
            # are not lost, they make the next one.
            last = now
            self.build(sorted(changes))
            builds += 1
        return builds


def describe(changes: list[str], shown: int = 3) -> str:
    """A short line naming what changed: ``sources/a.html, sources/b.html and 4 more changed``."""
    if not changes:
        return "nothing changed"
    names = changes[:shown]
    rest = len(changes) - len(names)
    if rest:
        return f"{', '.join(names)} and {rest} more changed"
    if len(names) == 1:
        return f"{names[0]} changed"
    return f"{', '.join(names[:-1])} and {names[-1]} changed"
