"""Errors for people, and diagnostics that travel with values instead of being printed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click


class BuildError(click.ClickException):
    """A problem in the user's input: printed as one line, exit status 1, no traceback."""

    def __init__(self, message: str, file: Path | str | None = None, line: int | None = None):
        self.file = str(file) if file is not None else None
        self.line = line
        where = ""
        if self.file:
            where = f"{self.file}:{line}: " if line else f"{self.file}: "
        # One line, always: a message that spans lines would break the contract of the CLI.
        super().__init__(" ".join(f"{where}{message}".split()))


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
    """Show ``path`` relative to the edition root when it lies inside it."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
