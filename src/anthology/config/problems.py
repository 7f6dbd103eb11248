"""Problems in an edition file, collected with their line numbers and reported at once."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

from anthology.core.errors import ConfigError, display_path
from anthology.core.files import open_regular

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
    twice = _set_twice(message, text.splitlines(), line)
    return ConfigError(
        twice or f"not valid TOML: {message.strip().rstrip('.')}", display_path(path, root), line
    )


_PART = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""  # a bare or quoted key
_KEY = re.compile(rf"^\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=")  # a key, dotted or not
_TABLE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]")


def _set_twice(message: str, lines: list[str], line: int | None) -> str:
    """TOML's "Cannot overwrite a value" or "Cannot declare … twice" as a line naming the key
    or table set twice and where it was set first; "" for other errors."""
    if not line or line > len(lines):
        return ""
    if message.startswith("Cannot declare"):
        found = _TABLE.match(lines[line - 1])
        if not found:
            return ""
        table = found.group(1)
        first = next(
            (n for n, text in enumerate(lines[: line - 1], 1) if _is_table(text, table)), None
        )
        where = f" (first on line {first})" if first else ""
        return f"the table [{table}] appears twice{where}: merge the two into one"
    if message.startswith(("Cannot overwrite a value", "Duplicate inline table key")):
        found = _KEY.match(lines[line - 1])
        key = found.group(1) if found else ""
        inline = re.search(r"key '([^']+)'", message)
        key = inline.group(1) if inline else key
        if not key:
            return ""
        # The key's first setting: in the same table, between its header and this line.
        start = max(
            (n for n, text in enumerate(lines[: line - 1]) if _TABLE.match(text)), default=0
        )
        first = next(
            (
                n
                for n, text in enumerate(lines[start : line - 1], start + 1)
                if (m := _KEY.match(text)) and m.group(1) == key
            ),
            None,
        )
        where = f" (first on line {first})" if first else ""
        return f'the key "{key}" is set twice{where}: keep one'
    return ""


def _is_table(text: str, table: str) -> bool:
    found = _TABLE.match(text)
    return bool(found) and found.group(1) == table and not text.lstrip().startswith("[[")


def read_toml(path: Path, root: Path) -> tuple[str, dict]:
    """The text of a TOML file and what it holds; an unreadable file or bad TOML is one
    ``ConfigError`` naming the file (and the line, for bad TOML). A file whose real path is
    outside the edition folder ``root`` (a symlink out) is refused before it is opened."""
    if not path.resolve().is_relative_to(root.resolve()):
        raise ConfigError(
            "points outside the edition folder (a symlink?); refused", display_path(path, root)
        )
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
    """A TOML file's text; the byte order mark some editors write first is no error.

    Raises:
        OSError: the file cannot be read, or is a folder, a named pipe or a device.
    """
    with open_regular(path) as file:
        return file.read().decode("utf-8").removeprefix("\ufeff")


def reason(exc: BaseException) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "it is not UTF-8 text"
    return getattr(exc, "strerror", None) or exc.__class__.__name__
