"""Problems in an edition file, collected with their line numbers and reported at once."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

from anthology.core.errors import ConfigError, display_path

_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")


class Problems:
    """Collects problems with their line numbers, then fails once with all of them."""

    def __init__(self, path: Path, text: str, root: Path):
        self.path = path
        self.lines = text.splitlines()
        self.shown = display_path(path, root)
        self.items: list[tuple[int | None, str]] = []

    def line_of(self, *needles: str, after: int = 0) -> int | None:
        """The first line (1-based) at or after ``after`` that contains every needle."""
        for number, line in enumerate(self.lines[after:], start=after + 1):
            code = line.split("#", 1)[0] if "#" in line and '"' not in line else line
            if all(n in code for n in needles):
                return number
        return None

    def add(self, message: str, line: int | None = None) -> None:
        self.items.append((line, message))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        line, message = self.items[0]
        if len(self.items) > 1:
            others = "; ".join(f"line {n}: {m}" if n else m for n, m in self.items[1:4])
            more = f" (and {len(self.items) - 4} more)" if len(self.items) > 4 else ""
            message = f"{message}; also {others}{more}"
        raise ConfigError(message, self.shown, line)


def check_keys(
    problems: Problems,
    data: dict,
    schema: dict[str, tuple[type | tuple[type, ...], str]],
    where: str,
    section_line: int,
) -> None:
    for key, value in data.items():
        line = problems.line_of(key, after=section_line)
        if key not in schema:
            known = ", ".join(sorted(schema))
            problems.add(f'{where}: unknown key "{key}" (known keys: {known})', line)
            continue
        expected = schema[key][0]
        allowed = expected if isinstance(expected, tuple) else (expected,)
        if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
            names = expected if isinstance(expected, tuple) else (expected,)
            wanted = " or ".join(_type_name(t) for t in names)
            problems.add(f'{where}: "{key}" must be {wanted}, not {_type_name(type(value))}', line)


def _type_name(kind: type) -> str:
    return {
        str: "a string",
        list: "a list",
        dict: "a table",
        date: "a date",
        int: "a number",
        bool: "true or false",
        float: "a number",
    }.get(kind, kind.__name__)


def parse_date(problems: Problems, value: object, what: str, line: int | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    problems.add(f"{what} must be a date such as 1917-10-25, not {value!r}", line)
    return None


def toml_error(exc: tomllib.TOMLDecodeError, path: Path, root: Path, text: str) -> ConfigError:
    """A TOML syntax error as one line with the file and line number."""
    message = str(exc)
    match = _TOML_POSITION.search(message)
    line = int(match.group(1)) if match else None
    if line is None and "end of document" in message:
        line = max(1, len(text.splitlines()))
    message = _TOML_POSITION.sub("", message).replace("(at end of document)", "")
    return ConfigError(
        f"not valid TOML: {message.strip().rstrip('.')}", display_path(path, root), line
    )


def read_toml(path: Path, root: Path) -> tuple[str, dict]:
    """The text of a TOML file and what it holds; an unreadable file or bad TOML is one
    ``ConfigError`` naming the file (and the line, for bad TOML)."""
    try:
        text = read_toml_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"cannot read the file ({reason(exc)})", display_path(path, root)
        ) from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise toml_error(exc, path, root, text) from None


def read_toml_text(path: Path) -> str:
    """A TOML file's text; the byte order mark some editors write first is no error."""
    return path.read_text(encoding="utf-8").removeprefix("\ufeff")


def reason(exc: BaseException) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "it is not UTF-8 text"
    return getattr(exc, "strerror", None) or exc.__class__.__name__
