"""Fonts: embedded ones cover the characters the text uses; others are named."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator
from urllib.parse import unquote

from anthology.check.archive import (
    FONT_SUFFIXES,
    FONT_TYPES,
    GENERIC_FAMILIES,
    SAMPLE,
    XHTML,
    Epub,
    local_name,
    parse_member,
)
from anthology.core.errors import Diagnostic

_VAR = re.compile(r"var\(\s*(--[\w-]+)\s*(?:,([^()]*))?\)")


def check_fonts(epub: Epub) -> list[Diagnostic]:
    """Embedded fonts cover the characters of the text; fonts the CSS asks for are embedded."""
    characters = _text_characters(epub)
    findings = []
    encrypted = _encrypted(epub)
    for name in epub.members(FONT_SUFFIXES, FONT_TYPES):
        if name in encrypted:
            message = "obfuscated (META-INF/encryption.xml): glyph coverage not checked"
            findings.append(Diagnostic("font-unreadable", "info", name, message))
            continue
        cmap = _cmap(epub.read(name))
        if cmap is None:
            findings.append(Diagnostic("font-unreadable", "warning", name, "not a readable font"))
            continue
        missing = sorted(characters - cmap)
        if missing:
            findings.append(Diagnostic("font-glyphs", "warning", name, _missing_message(missing)))
    findings += _fonts_not_embedded(epub)
    return findings


def _text_characters(epub: Epub) -> set[int]:
    """The code points shown in the bodies of all XHTML documents, less spaces and controls."""
    text = "".join(
        "".join(root.xpath("//x:body//text()", namespaces={"x": XHTML}))
        for root in epub.documents.values()
    )
    return {ord(c) for c in set(text) if not _ignorable(c)}


def _ignorable(char: str) -> bool:
    """Spaces, controls, format characters (soft hyphen, joiners) and variation selectors."""
    return (
        char.isspace()
        or unicodedata.category(char) in ("Cc", "Cf")
        or 0xFE00 <= ord(char) <= 0xFE0F
    )


def _cmap(data: bytes | None) -> set[int] | None:
    """The code points a font maps, or None if it cannot be read."""
    if not data:
        return None
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(io.BytesIO(data), lazy=True, fontNumber=0)
        return set(font.getBestCmap() or {})
    except Exception:  # fontTools raises many kinds of error on a damaged font
        return None


def _missing_message(missing: list[int]) -> str:
    """``lacks 33 characters the text uses: "Б" (U+0411), …``."""
    shown = ", ".join(f'"{chr(c)}" (U+{c:04X})' for c in missing[:SAMPLE])
    more = ", …" if len(missing) > SAMPLE else ""
    plural = "s" * (len(missing) != 1)
    message = f"lacks {len(missing)} character{plural} the text uses: {shown}{more}"
    if any(unicodedata.name(chr(c), "").startswith("CYRILLIC") for c in missing):
        message += "; Cyrillic among them, which readers show as blanks or boxes"
    return message


def _encrypted(epub: Epub) -> set[str]:
    """Members listed in META-INF/encryption.xml (obfuscated fonts)."""
    if "META-INF/encryption.xml" not in epub.names:
        return set()
    root = parse_member(epub, "META-INF/encryption.xml")
    if root is None:
        return set()
    return {unquote(e.get("URI", "")) for e in root.iter() if local_name(e) == "CipherReference"}


def _fonts_not_embedded(epub: Epub) -> list[Diagnostic]:
    """An info finding per stylesheet that asks for families the book does not embed."""
    sheets = {name: list(_declarations(text)) for name, text in _stylesheets(epub).items()}
    variables, embedded = {}, set()
    for declarations in sheets.values():
        for declaration, at_rule in declarations:
            if declaration.name.startswith("--"):
                variables[declaration.name] = _serialize(declaration.value)
            elif at_rule == "font-face" and declaration.lower_name == "font-family":
                embedded.update(f.lower() for f in _families(_serialize(declaration.value)))
    findings = []
    for name, declarations in sorted(sheets.items()):
        asked = []
        for declaration, at_rule in declarations:
            if at_rule != "font-face" and declaration.lower_name in ("font-family", "font"):
                value = _resolve_vars(_css_family_value(declaration), variables)
                asked += [f for f in _families(value) if f.lower() not in embedded]
        asked = list(dict.fromkeys(asked))
        if asked:
            families = ", ".join(f'"{f}"' for f in asked)
            message = (
                f"asks for {families}, not embedded: the reader's own fonts decide "
                "(glyph coverage not checked)"
            )
            findings.append(Diagnostic("font-not-embedded", "info", name, message))
    return findings


def _stylesheets(epub: Epub) -> dict[str, str]:
    """CSS files and <style> elements, by the member they are in."""
    sheets = {
        name: (epub.read(name) or b"").decode("utf-8", "replace")
        for name in epub.members((".css",), ("text/css",))
    }
    for name, root in epub.documents.items():
        styles = ["".join(s.itertext()) for s in root.iter(f"{{{XHTML}}}style")]
        if styles:
            sheets[name] = "\n".join(styles)
    return sheets


def _declarations(css: str) -> Iterator[tuple[object, str]]:
    """(declaration, enclosing at-rule keyword or "") for every declaration in a stylesheet."""
    import tinycss2

    def walk(rules, at_rule: str):
        for rule in rules:
            if rule.type == "qualified-rule" and rule.content is not None:
                yield from pairs(rule.content, at_rule)
            elif rule.type == "at-rule" and rule.content is not None:
                keyword = rule.lower_at_keyword
                if keyword == "font-face":
                    yield from pairs(rule.content, keyword)
                else:
                    yield from walk(tinycss2.parse_rule_list(rule.content, True, True), keyword)

    def pairs(content, at_rule: str):
        for item in tinycss2.parse_declaration_list(content, True, True):
            if item.type == "declaration":
                yield item, at_rule

    yield from walk(tinycss2.parse_stylesheet(css, True, True), "")


def _serialize(tokens) -> str:
    import tinycss2

    return tinycss2.serialize(tokens).strip()


def _css_family_value(declaration) -> str:
    """The family list of a ``font-family`` or ``font`` declaration, as CSS text."""
    if declaration.lower_name == "font-family":
        return _serialize(declaration.value)
    # The font shorthand: the families follow the size (and line height), its last number.
    numeric = [
        i
        for i, token in enumerate(declaration.value)
        if token.type in ("dimension", "percentage", "number")
    ]
    return _serialize(declaration.value[numeric[-1] + 1 :]) if numeric else ""


def _resolve_vars(value: str, variables: dict[str, str]) -> str:
    """Replace ``var(--name, fallback)`` with the custom property's value, a few levels deep."""
    for _ in range(5):
        value, count = _VAR.subn(lambda m: variables.get(m.group(1), m.group(2) or ""), value)
        if not count:
            break
    return value


def _families(value: str) -> list[str]:
    """Named families in a CSS family list; generic families and keywords left out."""
    families = []
    for item in value.split(","):
        name = " ".join(item.strip().strip("\"'").split())
        if name and name.lower() not in GENERIC_FAMILIES and "(" not in name:
            families.append(name)
    return families


# ------------------------------------------------------------------------------ images
