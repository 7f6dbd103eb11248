"""Our own checks of what breaks on e-readers: Kindle's rules, navigation, metadata, images,
links, glossary and chapters."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

from lxml import etree

from anthology.check.archive import (
    BLOCKS,
    DC,
    DOCUMENT_SUFFIXES,
    IMAGE_SUFFIXES,
    KINDLE,
    MAX_IMAGE_BYTES,
    MAX_IMAGE_SIDES,
    MAX_MEMBERS,
    MIN_CHAPTER_WORDS,
    NOTE_TYPES,
    XHTML,
    Epub,
    Link,
    element_ids,
    epub_types,
    line_at,
    local_name,
    open_epub,
)
from anthology.check.fonts import check_fonts
from anthology.check.structure import STRUCTURE_CHECKS
from anthology.core.errors import Diagnostic

_DECLARATION = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml\s[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")
_COMMENT = re.compile(rb"<!--(.*?)-->", re.S)


def device_checks(
    archive: zipfile.ZipFile, done: Callable[[], None] = lambda: None
) -> list[Diagnostic]:
    """Every check but epubcheck, on an open archive; ``done`` is called after each."""
    if len(archive.infolist()) > MAX_MEMBERS:
        return [Diagnostic("epub-unreadable", "error", "", f"more than {MAX_MEMBERS} members")]
    epub = open_epub(archive)
    findings = []
    for check in CHECKS:
        findings += check(epub)
        done()
    return findings + epub.problems  # last: the checks parse more members as they go


def check_utf8(epub: Epub) -> list[Diagnostic]:
    """Every XHTML, OPF and NCX starts with an XML declaration naming UTF-8, and is UTF-8."""
    findings = []
    for name in epub.members((*DOCUMENT_SUFFIXES, ".opf", ".ncx"), ("application/xhtml+xml",)):
        data = epub.read(name)
        if data is None:
            continue
        problem = _utf8_problem(data)
        if problem:
            findings.append(Diagnostic("kindle-utf8", "error", name, f"{problem}: {KINDLE}"))
    return findings


def _utf8_problem(data: bytes) -> str:
    """What is wrong with a document's declared or actual encoding, or ""."""
    match = _DECLARATION.match(data)
    if not match:
        if data.lstrip(b"\xef\xbb\xbf").startswith(b"<?xml"):
            return "the XML declaration names no encoding"
        return 'no XML declaration (<?xml version="1.0" encoding="utf-8"?>)'
    if match.group(1).lower() not in (b"utf-8", b"utf8"):
        return f"declares encoding {match.group(1).decode('ascii', 'replace')}, not UTF-8"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not valid UTF-8 (byte {exc.start})"
    return ""


def check_comments(epub: Epub) -> list[Diagnostic]:
    """No comment holds ``--`` or ends with ``-`` (also invalid XML)."""
    findings = []
    suffixes = (*DOCUMENT_SUFFIXES, ".opf", ".ncx", ".xml", ".svg")
    for name in epub.members(suffixes, ("application/xhtml+xml",)):
        data = epub.read(name) or b""
        for match in _COMMENT.finditer(data):
            inner = match.group(1)
            if b"--" in inner or inner.endswith(b"-"):
                message = f'a comment holds "--": {KINDLE}; remove the comment'
                line = line_at(data, match.start())
                findings.append(Diagnostic("kindle-comment", "error", name, message, line))
    return findings


def check_nav(epub: Epub) -> list[Diagnostic]:
    """The navigation document has a ``nav epub:type="toc"`` with at least one entry."""
    navs = [p for p, (_, props) in epub.manifest.items() if "nav" in props.split()]
    if not navs:
        message = 'the package names no navigation document (properties="nav")'
        return [Diagnostic("nav-empty", "error", epub.opf, message)] if epub.opf else []
    findings = []
    for name in sorted(navs):
        root = epub.documents.get(name)
        if root is None:
            findings.append(
                Diagnostic("nav-empty", "error", name, "the navigation document is missing")
            )
            continue
        tocs = [n for n in root.iter(f"{{{XHTML}}}nav") if "toc" in epub_types(n)]
        entries = sum(len(n.findall(f".//{{{XHTML}}}li/{{{XHTML}}}a[@href]")) for n in tocs)
        if not tocs:
            findings.append(Diagnostic("nav-empty", "error", name, 'no <nav epub:type="toc">'))
        elif not entries:
            message = "the table of contents lists no entries"
            findings.append(Diagnostic("nav-empty", "error", name, message, tocs[0].sourceline))
    return findings


def check_metadata(epub: Epub) -> list[Diagnostic]:
    """The package has a non-empty dc:language and dc:date."""
    if epub.package is None:
        return []
    findings = []
    for field_name, code in (("language", "meta-language"), ("date", "meta-date")):
        values = [
            e.text for e in epub.package.iter(f"{{{DC}}}{field_name}") if (e.text or "").strip()
        ]
        if not values:
            message = f"the package has no dc:{field_name}: {KINDLE}"
            findings.append(Diagnostic(code, "error", epub.opf, message))
    return findings


# ------------------------------------------------------------------------------ fonts


def check_images(epub: Epub) -> list[Diagnostic]:
    """Images no larger than e-ink readers need, in pixels and in bytes."""
    findings = []
    for name in epub.members(IMAGE_SUFFIXES, ("image/",)):
        size = epub.archive.getinfo(name).file_size
        pixels = None if name.lower().endswith(".svg") else _pixels(epub.read(name))
        problems = []
        if pixels and (min(pixels) > MAX_IMAGE_SIDES[0] or max(pixels) > MAX_IMAGE_SIDES[1]):
            problems.append(f"{pixels[0]}×{pixels[1]} pixels")
        if size > MAX_IMAGE_BYTES:
            problems.append(f"{size / 1_000_000:.1f} MB")
        if problems:
            message = (
                f"{' and '.join(problems)}: more than e-ink readers need "
                f"({MAX_IMAGE_SIDES[0]}×{MAX_IMAGE_SIDES[1]} pixels, "
                f"{MAX_IMAGE_BYTES // 1_000_000} MB); they open it slowly or not at all"
            )
            findings.append(Diagnostic("image-size", "warning", name, message))
    return findings


def _pixels(data: bytes | None) -> tuple[int, int] | None:
    """An image's width and height from its header, or None if it cannot be read."""
    if not data:
        return None
    import warnings

    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                return image.size
        except Image.DecompressionBombError:
            return (1 << 20, 1 << 20)  # too large even to open: report it as huge
        except Exception:  # Pillow raises many kinds of error on a damaged image
            return None


# ------------------------------------------------------------------------------ links


def check_links(epub: Epub) -> list[Diagnostic]:
    """Every internal link leads to a member of the book and, with a fragment, to an id in it."""
    ids = {name: element_ids(root) for name, root in epub.documents.items()}
    names = set(epub.names)
    findings = []
    for link in epub.links:
        problem = ""
        if link.target not in names:
            problem = f"the book has no {link.target}"
        elif _missing_id(link, ids):
            problem = f'{link.target} has no id "{link.fragment}"'
        if problem:
            message = f'link to "{link.url}" leads nowhere: {problem}'
            findings.append(Diagnostic("link-broken", "error", link.source, message, link.line))
    return findings


def _missing_id(link: Link, ids: dict[str, set[str]]) -> bool:
    """Whether the link's fragment names no id of the (XHTML) document it leads to."""
    if not link.fragment or link.target not in ids or link.fragment.startswith("epubcfi("):
        return False
    return link.fragment not in ids[link.target]


# ------------------------------------------------------------------------------ glossary


def check_glossary(epub: Epub) -> list[Diagnostic]:
    """Every glossary entry is linked from the text (not only from the glossary, nav or index)."""
    findings = []
    for name, root in sorted(epub.documents.items()):
        entries = _glossary_entries(root)
        if not entries:
            continue
        listing = {name} | {n for n, r in epub.documents.items() if _is_listing(r)}
        used = {(link.target, link.fragment) for link in epub.links if link.source not in listing}
        for term, anchors, line in entries:
            if not any((name, anchor) in used for anchor in anchors):
                message = f'"{term}" is defined but no chapter links to it'
                findings.append(Diagnostic("glossary-unused", "warning", name, message, line))
    return findings


def _glossary_entries(root: etree._Element) -> list[tuple[str, set[str], int | None]]:
    """(term, ids, line) for each <dt> of a <dl> marked (or inside an element marked) glossary."""
    entries = []
    for dl in root.iter(f"{{{XHTML}}}dl"):
        marked = any("glossary" in epub_types(e) for e in (dl, *dl.iterancestors()))
        if not marked:
            continue
        for dt in dl.iterchildren(f"{{{XHTML}}}dt"):
            term = " ".join("".join(dt.itertext()).split())
            entries.append((term, element_ids(dt), dt.sourceline))
    return entries


def _is_listing(root: etree._Element) -> bool:
    """A document that lists terms rather than uses them: navigation or an index."""
    return any(
        epub_types(e) & {"toc", "index", "landmarks"} for e in root.iter() if isinstance(e.tag, str)
    )


# ------------------------------------------------------------------------------ chapters


def check_chapters(epub: Epub) -> list[Diagnostic]:
    """Chapters with too few words of text, a sign that cleaning lost the article."""
    findings = []
    for name, root in sorted(epub.documents.items()):
        chapters = [
            e
            for e in root.iter()
            if isinstance(e.tag, str)
            and ("chapter" in epub_types(e) or e.get("role") == "doc-chapter")
        ]
        chapters = [c for c in chapters if not any(a in chapters for a in c.iterancestors())]
        if not chapters:
            continue
        words = sum(len(_body_text(c).split()) for c in chapters)
        if words < MIN_CHAPTER_WORDS:
            title = _title(root) or name
            message = (
                f'"{title}" has only {words} words of text (fewer than {MIN_CHAPTER_WORDS}): '
                "did cleaning lose the article?"
            )
            findings.append(Diagnostic("chapter-short", "warning", name, message))
    return findings


def _body_text(element: etree._Element) -> str:
    """The text of an element, without notes, with spaces between blocks."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and not _is_note(child):
            parts.append(_body_text(child))
            if local_name(child) in BLOCKS:
                parts.append(" ")
        parts.append(child.tail or "")
    return "".join(parts)


def _is_note(element: etree._Element) -> bool:
    """A footnote, endnote or aside: not part of the running text."""
    return local_name(element) == "aside" or bool(epub_types(element) & NOTE_TYPES)


def _title(root: etree._Element) -> str:
    """The document's first h1, else its <title>."""
    for tag in ("h1", "title"):
        found = root.find(f".//{{{XHTML}}}{tag}")
        if found is not None:
            return " ".join("".join(found.itertext()).split())
    return ""


CHECKS: tuple[Callable[[Epub], list[Diagnostic]], ...] = (
    check_utf8,
    check_comments,
    check_nav,
    check_metadata,
    check_fonts,
    check_images,
    check_links,
    check_glossary,
    check_chapters,
    *STRUCTURE_CHECKS,
)
