"""The load stage: find the edition's pages, read their bytes once, decide their kind; and
decode them into ``Page``s for the cleaner."""

from __future__ import annotations

import codecs
import gzip
import io
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from anthology.config.edition import Edition
from anthology.core.errors import Diagnostic, SourceError, display_path
from anthology.core.limits import Limits, format_size

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")

# Characters XML 1.0 forbids (C0 controls except tab, newline, carriage return; surrogates; FFFE/F).
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)


@dataclass(frozen=True)
class Page:
    """A source page read from disk: its name in the edition, kind and decoded text."""

    path: Path
    name: str  # the file name relative to sources/, as book.toml lists it
    shown: str  # the path to show in messages (relative to the edition root)
    kind: str  # "text" | "html"
    text: str


def page_kind(path: Path) -> str | None:
    """``"text"`` or ``"html"`` by file name, or None for files that are not pages."""
    name = path.name.lower()
    if name.endswith(TEXT_SUFFIXES):
        return "text"
    if name.endswith(HTML_SUFFIXES):
        return "html"
    return None


def discover(edition: Edition) -> list[Path]:
    """The page files of the edition in a stable order: book.toml's order, or by name."""
    if edition.configured and edition.parts:
        return [edition.sources / entry.source for part in edition.parts for entry in part.articles]
    pages = [
        p
        for p in sorted(edition.sources.iterdir(), key=lambda p: p.name)
        if p.is_file() and not p.name.startswith(".") and page_kind(p)
    ]
    if not pages:
        raise SourceError(
            "no pages found (expected .txt or .html files)",
            display_path(edition.sources, edition.root),
        )
    return pages


@dataclass(frozen=True)
class PageFile:
    """A page file as loaded: its bytes, read once (the cache's key, then the cleaner's input),
    or the line that says why it cannot be read."""

    path: Path
    name: str  # the file name relative to sources/, as book.toml lists it
    shown: str  # the path to show in messages (relative to the edition root)
    kind: str | None  # "text" | "html"
    data: bytes = b""  # as on disk (still gzipped for .gz pages)
    problem: str = ""  # the error line when the file cannot be read as a page


def load(edition: Edition) -> list[PageFile]:
    """The load stage: every page of the edition, in a stable order, its bytes read once.

    Raises:
        SourceError: sources/ holds no pages.
    """
    return [load_page(path, edition) for path in discover(edition)]


def load_page(path: Path, edition: Edition) -> PageFile:
    """Read one page file's bytes, within the edition's ``[limits] page_size``.

    A file that cannot be read as a page comes back with its ``problem``, not raised: a build
    with ``--keep-going`` goes on without it.
    """
    shown = display_path(path, edition.root)
    name = (
        str(path.relative_to(edition.sources))
        if path.is_relative_to(edition.sources)
        else path.name
    )
    kind = page_kind(path)
    try:
        if kind is None:
            raise SourceError("not a page this tool reads (use .txt or .html)", shown)
        resolved = path.resolve()
        if not resolved.is_relative_to(edition.sources.resolve()):
            raise SourceError("points outside the sources/ folder (a symlink?); refused", shown)
        data = _file_bytes(path, shown, edition.limits)
    except SourceError as exc:
        return PageFile(path, name, shown, kind, problem=exc.message)
    return PageFile(path, name, shown, kind, data)


def decode_page(file: PageFile, limits: Limits) -> Page:
    """The page's text: unpacked when gzipped, decoded.

    Raises:
        SourceError: the file could not be read, or is empty, binary or too large unpacked.
    """
    if file.problem:
        raise SourceError(file.problem)
    data = _unpacked(file.data, file.path, file.shown, limits)
    if not data.strip():
        raise SourceError("is empty", file.shown)
    text = decode(data, file.kind)
    if text is None:
        raise SourceError("looks like binary data, not a text or HTML page", file.shown)
    return Page(path=file.path, name=file.name, shown=file.shown, kind=file.kind, text=text)


def read_page(path: Path, edition: Edition) -> Page:
    """Read and decode one page, within the edition's ``[limits] page_size``.

    Raises:
        SourceError: the file is unreadable, empty, binary or too large.
    """
    return decode_page(load_page(path, edition), edition.limits)


def _file_bytes(path: Path, shown: str, limits: Limits) -> bytes:
    """The file's bytes as on disk, if it is no larger than the page size limit."""
    try:
        size = path.stat().st_size
        if size > limits.page_size:
            raise SourceError(limits.exceeded("page_size", f"page is {format_size(size)}"), shown)
        return path.read_bytes()
    except OSError as exc:
        raise SourceError(
            f"cannot be read ({exc.strerror or exc.__class__.__name__})", shown
        ) from None


def _unpacked(data: bytes, path: Path, shown: str, limits: Limits) -> bytes:
    """A gzipped page's bytes unpacked, never more than the page size limit; others as they are."""
    if not path.name.lower().endswith(".gz"):
        return data
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            # Read one byte past the limit: a small file can unpack to gigabytes.
            data = stream.read(limits.page_size + 1)
    except (EOFError, gzip.BadGzipFile, zlib.error):
        raise SourceError("is not a valid gzip file", shown) from None
    except OSError as exc:
        raise SourceError(
            f"cannot be read ({exc.strerror or exc.__class__.__name__})", shown
        ) from None
    if len(data) > limits.page_size:
        raise SourceError(
            f"page unpacks to more than {limits.shown('page_size')}, the limit "
            "([limits] page_size in book.toml)",
            shown,
        )
    return data


def unlisted(edition: Edition) -> list[Diagnostic]:
    """A warning for each page in sources/ that book.toml's parts leave out."""
    if not (edition.configured and edition.parts):
        return []
    listed = {entry.source for part in edition.parts for entry in part.articles}
    return [
        Diagnostic(
            "load-001",
            "warning",
            f"{edition.sources.name}/{path.name}",
            "not listed in book.toml's parts, so not in the book",
        )
        for path in sorted(edition.sources.iterdir())
        if path.is_file()
        and not path.name.startswith(".")
        and page_kind(path)
        and path.name not in listed
    ]


def image_problem(path: Path, limits: Limits) -> str:
    """What is wrong with the image at ``path`` for ``limits`` (bytes, pixels), or ``""``.

    Only the file's size and its header are read. A file that is not an image passes: the
    renderer says so when it converts it.
    """
    try:
        size = path.stat().st_size
    except OSError:
        return ""
    if size > limits.image_size:
        return limits.exceeded("image_size", f"image is {format_size(size)}")
    from PIL import Image

    bomb_check, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        with Image.open(path) as image:
            width, height = image.size
    except Exception:  # noqa: BLE001  anything Pillow cannot open is the renderer's to report
        return ""
    finally:
        Image.MAX_IMAGE_PIXELS = bomb_check
    megapixels = width * height / 1_000_000
    if megapixels > limits.image_megapixels:
        return limits.exceeded(
            "image_megapixels", f"image is {megapixels:.1f} megapixels ({width}\u00d7{height})"
        )
    return ""


def load_loose_page(path: Path) -> PageFile:
    """Load a page given on the command line, wherever it lies (for ``compile clean``).

    A page in a ``sources/`` folder is read as its edition reads it; any other page as if its
    own folder were an edition's ``sources/``.
    """
    path = Path(path)
    parent = path.resolve().parent
    root = parent.parent if parent.name == "sources" else parent
    edition = Edition(root=root, title="")
    if parent.name != "sources":
        # A page outside any edition: its own folder plays the part of sources/.
        class _Loose(Edition):
            @property
            def sources(self) -> Path:
                return parent

        edition = _Loose(root=parent, title="")
    return load_page(path.resolve(), edition)


def read_loose_page(path: Path) -> Page:
    """Read and decode a page given on the command line, wherever it lies.

    Raises:
        SourceError: as ``read_page``.
    """
    return decode_page(load_loose_page(path), Limits())


def page_stem(name: str) -> str:
    """The page's name without its suffixes: ``42.html.gz`` → ``42``."""
    lowered = name.lower()
    for suffix in (*HTML_SUFFIXES, *TEXT_SUFFIXES):
        if lowered.endswith(suffix):
            return name[: -len(suffix)]
    return name


def decode(data: bytes, kind: str) -> str | None:
    """Decode page bytes: BOM, then UTF-8, then a verified declared charset, then detection.

    Russian pages saved in windows-1251 or KOI8-R, with a missing or wrong declaration, are
    recognised by their letters (see ``_cyrillic``). Returns None for bytes that are not text.
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return repair(data[len(bom) :].decode(encoding, errors="replace"))
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return repair(utf16)
    if _looks_binary(data):
        return None
    try:
        return repair(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    cyrillic = _cyrillic(data)
    declared = _DECLARED_CHARSET.search(data[:4096]) if kind == "html" else None
    if declared:
        name = declared.group(1).decode("ascii", "replace").lower()
        # A declaration is believed only when the bytes bear it out.
        if cyrillic is None or codecs.lookup(cyrillic).name == _codec_name(name):
            try:
                return repair(data.decode(name))
            except (LookupError, UnicodeDecodeError):
                pass
    if cyrillic:
        return repair(data.decode(cyrillic, errors="replace"))
    western = _western(data)
    if western is not None:
        return repair(western)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return repair(str(best) if best is not None else data.decode("cp1252", errors="replace"))


def _codec_name(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return ""


# Any character beyond ASCII that is not a Western letter or mark.
_NOT_WESTERN = re.compile(
    "[^\x00-\x7f\u00a0-\u00ff\u2018-\u201e\u2013\u2014\u2026\u20ac\u0152\u0153]"
)


def _western(data: bytes) -> str | None:
    """The text as windows-1252 when every non-ASCII byte reads as a Western letter or mark."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return None if _NOT_WESTERN.search(text) else text


_HIGH_BYTES = bytes(range(0x80, 0x100))
_SAMPLE = 512 * 1024


def _sample(data: bytes) -> bytes:
    """Enough of a large page to judge its code page by: its start, middle and end."""
    if len(data) <= 2 * _SAMPLE:
        return data
    middle = len(data) // 2
    return data[:_SAMPLE] + data[middle : middle + _SAMPLE // 2] + data[-_SAMPLE // 2 :]


_LOWER_CYRILLIC = re.compile("[\u0430-\u044f\u0451]")
_UPPER_CYRILLIC = re.compile("[\u0410-\u042f\u0401]")
_MIXED_SCRIPT = re.compile("[A-Za-z][\u0400-\u04ff]|[\u0400-\u04ff][A-Za-z]")


def _cyrillic(data: bytes) -> str | None:
    """``"cp1251"`` or ``"koi8-r"`` when the bytes are Russian text in one of them, else None.

    The two code pages swap the halves for capital and small letters, so running text (mostly
    small letters) read with the wrong one comes out in capitals; the right one gives mostly
    small letters.
    """
    data = _sample(data)
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    if high < 20 or high < len(data) * 0.05:
        return None
    best, best_share = None, 0.0
    for encoding in ("cp1251", "koi8-r"):
        text = data.decode(encoding, errors="replace")
        lower = len(_LOWER_CYRILLIC.findall(text))
        upper = len(_UPPER_CYRILLIC.findall(text))
        letters = lower + upper
        # Western letters (é, ü, ñ) read as Cyrillic sit inside Latin words: "coыte".
        if len(_MIXED_SCRIPT.findall(text)) > letters * 0.1:
            continue
        if letters >= high * 0.8 and letters and lower / letters > best_share:
            best, best_share = encoding, lower / letters
    return best if best_share >= 0.6 else None


# Signs of UTF-8 read as Latin-1 or Windows-1252 ("â€™", "Ã©") or as Windows-1251 ("Ð°").
_MOJIBAKE = re.compile("[\u00c2\u00c3\u00e2\u00d0\u00d1][\u0080-\u00bf\u2013-\u2122\u0152-\u017e]")


def repair(text: str) -> str:
    """Remove characters XML forbids and undo mojibake (text decoded with the wrong charset)."""
    text = _XML_FORBIDDEN.sub("", text)
    if _MOJIBAKE.search(text):
        import ftfy

        text = ftfy.fix_encoding(text)
    return text


def _utf16_without_bom(data: bytes) -> str | None:
    """The text when ``data`` is UTF-16 without a byte order mark, else None.

    Text in UTF-16 has a NUL beside every ASCII character, always on the same side (odd bytes
    for little-endian, even for big-endian); binary data has them anywhere.
    """
    sample = data[:8192]
    if len(data) % 2 or len(sample) < 64:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) < len(sample) // 32 or min(even, odd) > max(even, odd) // 50:
        return None
    try:
        text = data.decode("utf-16-le" if odd > even else "utf-16-be")
    except UnicodeDecodeError:
        return None
    controls = sum(1 for c in text[:4096] if c < " " and c not in "\t\n\r")
    return text if controls <= len(text[:4096]) // 100 else None


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if sample.count(b"\x00") > max(1, len(sample) * 0.01):
        return True  # a stray NUL is damage to remove; many are a binary file
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > len(sample) * 0.05
