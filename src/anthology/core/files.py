"""Files written whole or not at all, and read only when they are regular files."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all: a temporary file beside it, then a rename."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_bytes(data)
    temp.replace(path)


class NotRegularFile(OSError):
    """A path names a folder, a named pipe, a device or a socket where a file was expected."""

    def __init__(self, kind: str):
        super().__init__(f"is {kind}, not a file")
        self.kind = kind
        self.strerror = f"{kind}, not a file"


def file_kind(mode: int) -> str:
    """What a ``stat`` mode names when it is not a regular file (``"a named pipe (FIFO)"``);
    ``""`` for a regular file."""
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading, never blocking and never following a last symlink.

    The path is checked with ``stat`` before it is opened, so a named pipe or a device is never
    opened (opening a pipe blocks; reading a device may never end), and checked again on the
    open file, in case it was swapped in between.

    Raises:
        NotRegularFile: ``path`` is a folder, a named pipe, a device or a socket.
        OSError: it cannot be opened (missing, no permission, a symlink).
    """
    kind = file_kind(os.stat(path).st_mode)
    if kind:
        raise NotRegularFile(kind)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    handle = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    try:
        kind = file_kind(os.fstat(handle).st_mode)
        if kind:
            raise NotRegularFile(kind)
        return os.fdopen(handle, "rb")
    except BaseException:
        os.close(handle)
        raise


def read_inside(path: Path, folder: Path) -> bytes:
    """The bytes of ``path`` if its real path lies inside ``folder`` and it is a regular file.

    Nothing is opened before both are known: a symlink out of the edition, a named pipe or a
    device is refused unopened.

    Raises:
        NotRegularFile: ``path`` is a folder, a named pipe, a device or a socket, or its real
            path is outside ``folder`` (``kind`` says which).
        OSError: it cannot be read.
    """
    resolved = path.resolve(strict=True)
    if not resolved.is_relative_to(folder.resolve()):
        raise NotRegularFile("outside the edition folder (a symlink?)")
    with open_regular(resolved) as file:
        return file.read()
