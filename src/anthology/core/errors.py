"""Errors for people, and diagnostics that travel with values instead of being printed."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import click

_CONTROL = re.compile("[\x00-\x1f\x7f]")
_UNPRINTABLE = re.compile("[\ud800-\udfff\x00-\x1f\x7f]")


class BuildError(click.ClickException):
    """A problem in the user's input: printed as one line, exit status 1, no traceback."""

    def __init__(self, message: str, file: Path | str | None = None, line: int | None = None):
        self.file = str(file) if file is not None else None
        self.line = line
        where = ""
        if self.file:
            where = f"{self.file}:{line}: " if line else f"{self.file}: "
        # One line, always: a message that spans lines would break the contract of the CLI.
        super().__init__(printable(" ".join(f"{where}{message}".split())))


class ConfigError(BuildError):
    """``book.toml`` (or another edition file) is malformed or inconsistent."""


class SourceError(BuildError):
    """A page cannot be read or cleaned."""


@dataclass(frozen=True)
class Diagnostic:
    """Something a stage or a check wants the user to know; only the CLI prints it.

    Codes are stable (``clean-001``, ``link-broken``) so editors and tests can refer to them.
    """

    code: str
    severity: str  # "error" | "warning" | "info"
    file: str  # a path; "" for the book as a whole
    message: str
    line: int | None = None

    def __str__(self) -> str:
        """One line: ``FILE[:LINE]: SEVERITY CODE: MESSAGE``."""
        where = f"{self.file}:{self.line}" if self.line else (self.file or "(book)")
        return f"{where}: {self.severity} {self.code}: {self.message}"


def display_path(path: Path, root: Path) -> str:
    """Show ``path`` relative to the edition root when it lies inside it (printable, as
    ``printable`` makes it)."""
    try:
        return printable(str(path.relative_to(root)))
    except ValueError:
        return printable(str(path))


def printable(name: str) -> str:
    """A file name that can be printed and written as UTF-8 on one line: bytes of the name
    that are not UTF-8 (which Python keeps as lone surrogates) and control characters are
    shown escaped, ``caf\\xe9.html``."""
    if not _UNPRINTABLE.search(name):
        return name
    try:
        name = os.fsencode(name).decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that no file name's byte stands for
        name = name.encode("utf-8", "backslashreplace").decode("ascii")
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", name)


def did_you_mean(name: str, choices) -> str:
    """`` (did you mean "article.html"?)`` when one of ``choices`` is close to ``name``."""
    import difflib

    close = difflib.get_close_matches(name, sorted(set(choices)), n=1, cutoff=0.75)
    return f' (did you mean "{close[0]}"?)' if close else ""
