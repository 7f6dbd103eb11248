"""A built EPUB opened as untrusted input: its members, package, documents and links."""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from lxml import etree

from anthology.core.errors import Diagnostic

# Thresholds are data: e-ink readers show about 1600×2400 pixels and open big files slowly.
MAX_IMAGE_SIDES = (2000, 3000)  # short side, long side, in pixels
MAX_IMAGE_BYTES = 1_000_000
MIN_CHAPTER_WORDS = 150
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # members larger than this are not read
MAX_MEMBERS = 10_000
SAMPLE = 6  # missing characters named in a font-glyphs message

SEVERITIES = ("error", "warning", "info")
XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
CONTAINER = "urn:oasis:names:tc:opendocument:xmlns:container"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
EPUB_TYPE = f"{{{OPS}}}type"

DOCUMENT_SUFFIXES = (".xhtml", ".html", ".htm")
FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2", ".ttc")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg")
FONT_TYPES = ("font/", "application/font", "application/x-font", "application/vnd.ms-opentype")
GENERIC_FAMILIES = frozenset(
    {
        *("serif", "sans-serif", "monospace", "cursive", "fantasy", "math", "emoji", "fangsong"),
        *("system-ui", "ui-serif", "ui-sans-serif", "ui-monospace", "ui-rounded", "default"),
        *("inherit", "initial", "unset", "revert", "revert-layer"),
    }
)
NOTE_TYPES = frozenset({"footnote", "footnotes", "endnote", "endnotes", "rearnote", "rearnotes"})
BLOCKS = frozenset({"p", "div", "section", "aside", "blockquote", "li", "dt", "dd", "br"})
BLOCKS |= {"h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "figcaption"}
KINDLE = "Send to Kindle rejects such books"

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass
class Epub:
    """What the checks read from the archive: members, the package, parsed documents."""

    archive: zipfile.ZipFile
    names: list[str]
    opf: str = ""
    package: etree._Element | None = None
    manifest: dict[str, tuple[str, str]] = field(default_factory=dict)  # path: (type, props)
    documents: dict[str, etree._Element] = field(default_factory=dict)  # XHTML documents
    problems: list[Diagnostic] = field(default_factory=list)
    _links: list[Link] | None = None

    def read(self, name: str) -> bytes | None:
        """A member's bytes, or None when it is missing or too large to read."""
        try:
            info = self.archive.getinfo(name)
        except KeyError:
            return None
        if info.file_size > MAX_MEMBER_BYTES:
            return None
        return self.archive.read(info)

    def members(self, suffixes: tuple[str, ...], types: tuple[str, ...] = ()) -> list[str]:
        """Members named ``*suffixes`` or whose manifest media type starts with ``types``."""
        found = {n for n in self.names if n.lower().endswith(suffixes)}
        found |= {p for p, (t, _) in self.manifest.items() if types and t.startswith(types)}
        return sorted(n for n in found if n in self.names and not n.startswith("META-INF/"))

    @property
    def links(self) -> list[Link]:
        """Every internal link of every XHTML document and the NCX, resolved."""
        if self._links is None:
            self._links = list(collect_links(self))
        return self._links


@dataclass(frozen=True)
class Link:
    """An internal reference: where it is, what it says, and the member and id it names."""

    source: str
    line: int | None
    url: str
    target: str
    fragment: str


def xml_parser(recover: bool = False) -> etree.XMLParser:
    # Never resolve entities, load DTDs or reach the network (TRAPS.md, lxml).
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=recover)


def open_epub(archive: zipfile.ZipFile) -> Epub:
    """Find the package document, read its manifest and parse every XHTML document."""
    epub = Epub(archive, archive.namelist())
    epub.opf = _package_path(epub)
    if not epub.opf:
        epub.problems.append(Diagnostic("opf-missing", "error", "", "no package document (.opf)"))
    else:
        epub.package = parse_member(epub, epub.opf)
        epub.manifest = _manifest(epub)
    xhtml = epub.members(DOCUMENT_SUFFIXES, ("application/xhtml+xml",))
    for name in xhtml:
        root = parse_member(epub, name)
        if root is not None:
            epub.documents[name] = root
    return epub


def _package_path(epub: Epub) -> str:
    """The OPF named by META-INF/container.xml, else the first .opf in the archive."""
    container = None
    if "META-INF/container.xml" in epub.names:
        container = parse_member(epub, "META-INF/container.xml")
    if container is not None:
        for rootfile in container.iter(f"{{{CONTAINER}}}rootfile"):
            name = rootfile.get("full-path", "")
            if name in epub.names:
                return name
    return next((n for n in sorted(epub.names) if n.lower().endswith(".opf")), "")


def parse_member(epub: Epub, name: str) -> etree._Element | None:
    """Parse a member as XML; a malformed one is reported and read as well as it can be."""
    data = epub.read(name)
    if data is None:
        epub.problems.append(Diagnostic("xml-malformed", "error", name, "too large to read"))
        return None
    try:
        return etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError as exc:
        message = " ".join(str(exc.msg).split()) or "not well-formed XML"
        epub.problems.append(
            Diagnostic("xml-malformed", "error", name, message, exc.lineno or None)
        )
    try:
        return etree.fromstring(data, xml_parser(recover=True))
    except etree.XMLSyntaxError:
        return None


def _manifest(epub: Epub) -> dict[str, tuple[str, str]]:
    """Manifest items as archive paths: {path: (media type, properties)}."""
    if epub.package is None:
        return {}
    base = posixpath.dirname(epub.opf)
    items = {}
    for item in epub.package.iter(f"{{{OPF}}}item"):
        href = unquote(urlsplit(item.get("href", "")).path)
        path = posixpath.normpath(posixpath.join(base, href)) if href else ""
        items[path] = (item.get("media-type", "").lower(), item.get("properties", ""))
    return items


def epub_types(element: etree._Element) -> set[str]:
    """The element's epub:type tokens."""
    return set(element.get(EPUB_TYPE, "").split())


def local_name(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


# Found by libxml2 rather than by visiting every element in Python.
_LINKING = etree.XPath(
    "descendant-or-self::*[@href or @src or @xlink:href]",
    namespaces={"xlink": XLINK_HREF[1:].partition("}")[0]},
)
_IDS = etree.XPath("descendant-or-self::*/@id | descendant-or-self::*/@xml:id", smart_strings=False)


def collect_links(epub: Epub) -> Iterator[Link]:
    """Internal href/src references in XHTML documents and the NCX, resolved to members."""
    sources = dict(epub.documents)
    for name in epub.members((".ncx",), ("application/x-dtbncx+xml",)):
        root = parse_member(epub, name)
        if root is not None:
            sources[name] = root
    for name, root in sorted(sources.items()):
        for element in _LINKING(root):
            for attribute in ("href", "src", XLINK_HREF):
                url = (element.get(attribute) or "").strip()
                if url and not (_SCHEME.match(url) or url.startswith("//")):
                    target, fragment = _resolve(name, url)
                    yield Link(name, element.sourceline, url, target, fragment)


def _resolve(base: str, url: str) -> tuple[str, str]:
    """(archive path, fragment) of a relative URL found in member ``base``."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(base), path)) if path else base
    return target, unquote(parts.fragment)


def element_ids(root: etree._Element) -> set[str]:
    """Every id (and xml:id) in a document."""
    return {value for value in _IDS(root) if value}
