"""Find the CSS layers for an edition: the default look, a named look, the edition's own files.

Order (later layers win): the default ``base.css`` and ``<medium>.css``; the chosen look's
``base.css`` and ``<medium>.css`` (``--style NAME`` or ``style`` in book.toml: a folder in the
edition's ``styles/`` or the default ``styles/``, or a folder path); the edition's own
``styles/base.css`` and ``styles/<medium>.css``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from anthology.core.errors import BuildError


@dataclass(frozen=True)
class Stylesheet:
    """One CSS layer: a unique short name for the package, its text and where it came from."""

    name: str
    uid: str
    text: str
    path: Path


def default_styles_dir() -> Path:
    """The packaged default look (inside the wheel), or the repository's ``styles/``."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "styles"
    if packaged.is_dir():
        return packaged
    return here.parent.parent / "styles"


def style_layers(edition_root: Path, medium: str, style: str = "") -> list[Stylesheet]:
    """The stylesheets for ``medium`` ("epub" or "print"), in cascade order.

    Raises:
        BuildError: the named look does not exist.
    """
    default = default_styles_dir()
    own = edition_root / "styles"
    folders: list[tuple[str, Path]] = [("default", default)]
    if style:
        folders.append((_style_name(style), _find_style(style, edition_root, default)))
    if own.is_dir() and own.resolve() != default.resolve():
        folders.append(("edition", own))
    sheets = []
    for label, folder in folders:
        for file_name in ("base.css", f"{medium}.css"):
            path = folder / file_name
            if path.is_file():
                try:
                    text = path.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as exc:
                    raise BuildError(f"cannot read the stylesheet ({exc})", path) from None
                stem = file_name.removesuffix(".css")
                name = file_name if label == "default" else f"{label}-{file_name}"
                sheets.append(Stylesheet(name=name, uid=f"{label}-{stem}", text=text, path=path))
    return sheets


def _style_name(style: str) -> str:
    return Path(style).name or "style"


def _find_style(style: str, edition_root: Path, default: Path) -> Path:
    candidates = [Path(style)] if ("/" in style or style.startswith(".")) else []
    candidates += [edition_root / "styles" / style, default / style]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    known = sorted(p.name for p in default.iterdir() if p.is_dir()) if default.is_dir() else []
    hint = f" (looks available: {', '.join(known)})" if known else ""
    raise BuildError(f'no look named "{style}" in styles/{hint}', "--style")


def available_looks() -> list[str]:
    """The looks shipped with the tool (folders of the default styles/)."""
    default = default_styles_dir()
    return sorted(p.name for p in default.iterdir() if p.is_dir() and any(p.glob("*.css")))


def new_style(edition_root: Path, name: str, source: str = "") -> list[Path]:
    """Copy a look (or the default look's files) into ``styles/NAME/`` of the edition.

    Raises:
        BuildError: a bad name, an existing folder, or an unknown look to copy.
    """
    import re

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,40}", name):
        raise BuildError("a look's name is letters, digits, - and _ (up to 40)", name)
    target = edition_root / "styles" / name
    if target.exists():
        raise BuildError("already exists; choose another name or edit it", target)
    default = default_styles_dir()
    origin = _find_style(source, edition_root, default) if source else default
    target.mkdir(parents=True)
    created = []
    for file_name in ("base.css", "epub.css", "print.css"):
        path = origin / file_name
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        header = (
            f"/* styles/{name}/{file_name}: a look of its own, started from "
            f"{source or 'the default look'}. It is layered over the default stylesheets, so it "
            "need only say what differs; styles/README.md lists every class. */\n"
        )
        (target / file_name).write_text(header + text, encoding="utf-8")
        created.append(target / file_name)
    return created


_ROOT_RULE = re.compile(r":root\s*\{([^}]*)\}")
_CUSTOM = re.compile(r"(--[\w-]+)\s*:\s*([^;}]+)")
_VAR = re.compile(r"var\(\s*(--[\w-]+)\s*(?:,\s*([^()]*(?:\([^()]*\)[^()]*)*))?\)")


def resolve_variables(texts: list[str]) -> list[str]:
    """The stylesheets with every ``var(--name)`` replaced by its value on ``:root``.

    E-readers built on older engines (Adobe's, Kindle's) ignore custom properties, and with
    them the whole look; the EPUB gets plain values. Later layers override earlier ones, as
    in the cascade. Variables set on other selectors keep their ``var()``.
    """
    values: dict[str, str] = {}
    for text in texts:
        for block in _ROOT_RULE.findall(_without_comments(text)):
            for name, value in _CUSTOM.findall(block):
                values[name] = value.strip()

    def substitute(match: re.Match[str], depth: int = 0) -> str:
        name, fallback = match.group(1), match.group(2)
        value = values.get(name, fallback)
        if value is None or depth > 10:
            return match.group(0)
        return _VAR.sub(lambda m: substitute(m, depth + 1), value)

    return [_VAR.sub(substitute, text) for text in texts]


def _without_comments(text: str) -> str:
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)
