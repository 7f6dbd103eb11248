"""The load stage: find the edition's pages, read their bytes once, decide their kind; and
decode them into ``Page``s for the cleaner."""

from __future__ import annotations

import codecs
import gzip
import io
import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from anthology.config.edition import Edition
from anthology.core.errors import Diagnostic, SourceError, did_you_mean, display_path, printable
from anthology.core.files import NotRegularFile, open_regular
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
    """The page files of the edition in a stable order: book.toml's order, or by name.

    Anything in sources/ named like a page but a folder is left out; named pipes, devices and
    symlinks are not: ``load_page`` refuses them by name.

    Raises:
        SourceError: sources/ holds no pages (the line names the edition and what is read).
    """
    if edition.configured and edition.parts:
        return [edition.sources / entry.source for part in edition.parts for entry in part.articles]
    pages = [
        p
        for p in sorted(edition.sources.iterdir(), key=lambda p: p.name)
        if not p.name.startswith(".") and page_kind(p) and not p.is_dir()
    ]
    if not pages:
        unread = _not_read(edition.sources)
        also = f"; {_unread_note(unread)}" if unread else ""
        raise SourceError(
            f"no pages to build from: pages are files ending in {READ_SUFFIXES}{also}",
            display_path(edition.sources, edition.root.parent),
        )
    return pages


# Text that is not a page this tool reads, but that someone may expect it to (Markdown).
NOT_READ_SUFFIXES = (".md", ".markdown", ".mdown", ".rst", ".adoc", ".org")
READ_SUFFIXES = ", ".join(TEXT_SUFFIXES + HTML_SUFFIXES[:-1]) + f" or {HTML_SUFFIXES[-1]}"


def _not_read(folder: Path) -> list[str]:
    """The files in ``folder`` that look like text to read but are not read (Markdown …)."""
    return sorted(
        printable(p.name)
        for p in folder.iterdir()
        if p.name.lower().endswith(NOT_READ_SUFFIXES) and not p.name.startswith(".")
    )


def _unread_note(names: list[str]) -> str:
    """``2 .md files (a.md, b.md) are not read: save as .txt (plain text) or .html …``."""
    shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
    suffixes = sorted({"." + n.rsplit(".", 1)[-1].lower() for n in names})
    noun = f"{' or '.join(suffixes)} file" + ("s" if len(names) > 1 else "")
    verb = "are" if len(names) > 1 else "is"
    return (
        f"{len(names)} {noun} ({shown}) {verb} not read: "
        "save as .txt (plain text) or .html to include"
    )


def not_read(edition: Edition) -> list[Diagnostic]:
    """One warning naming the files in sources/ that look like pages but are not read."""
    unread = _not_read(edition.sources) if edition.sources.is_dir() else []
    if not unread:
        return []
    note = _unread_note(unread)
    return [Diagnostic("load-002", "warning", f"{edition.sources.name}/", note)]


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

    Its real path is checked before it is opened: a symlink out of sources/ is refused and
    what it points to never opened; so are named pipes, devices and folders.
    A file that cannot be read as a page comes back with its ``problem``, not raised: a build
    with ``--keep-going`` goes on without it.
    """
    shown = display_path(path, edition.root)
    name = printable(
        str(path.relative_to(edition.sources))
        if path.is_relative_to(edition.sources)
        else path.name
    )
    kind = page_kind(path)
    try:
        if kind is None:
            raise SourceError(f"not a page this tool reads (pages end in {READ_SUFFIXES})", shown)
        data = _file_bytes(path, shown, edition.limits, edition.sources)
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
    # Words end at white space: a page with fewer spaces than the limit (most pages) is
    # judged in milliseconds; the others are counted, and refused before they are parsed (a
    # page of millions of words would take minutes to lay out).
    spaces = text.count(" ") + text.count("\n") + text.count("\t")
    words = estimated_words(text, file.kind) if spaces >= limits.words else 0
    if words > limits.words:
        raise SourceError(
            limits.exceeded("words", f"page has about {words:,} words of text"), file.shown
        )
    return Page(path=file.path, name=file.name, shown=file.shown, kind=file.kind, text=text)


def read_page(path: Path, edition: Edition) -> Page:
    """Read and decode one page, within the edition's ``[limits] page_size``.

    Raises:
        SourceError: the file is unreadable, empty, binary or too large.
    """
    return decode_page(load_page(path, edition), edition.limits)


def _file_bytes(path: Path, shown: str, limits: Limits, folder: Path) -> bytes:
    """The file's bytes as on disk, if it is a regular file inside ``folder`` no larger than
    the page size limit. Nothing is opened before its real path and kind are known."""
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        pages = [p.name for p in path.parent.iterdir()] if path.parent.is_dir() else []
        raise SourceError(f"no such file{did_you_mean(path.name, pages)}", shown) from None
    except (OSError, RuntimeError) as exc:  # a symlink loop, a folder that cannot be read
        raise SourceError(f"cannot be read ({_reason(exc)})", shown) from None
    if not resolved.is_relative_to(folder.resolve()):
        raise SourceError(f"points outside the {folder.name}/ folder (a symlink?); refused", shown)
    try:
        with open_regular(resolved) as file:
            size = os.fstat(file.fileno()).st_size
            if size > limits.page_size:
                raise SourceError(
                    limits.exceeded("page_size", f"page is {format_size(size)}"), shown
                )
            # One byte past the limit: a file that grows while it is read is still caught.
            data = file.read(limits.page_size + 1)
    except NotRegularFile as exc:
        raise SourceError(f"is {exc.kind}, not a page file; refused", shown) from None
    except OSError as exc:
        raise SourceError(f"cannot be read ({_reason(exc)})", shown) from None
    if len(data) > limits.page_size:
        raise SourceError(limits.exceeded("page_size", "page grew while it was read"), shown)
    return data


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or exc.__class__.__name__


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
            f"{edition.sources.name}/{printable(path.name)}",
            "not listed in book.toml's parts, so not in the book",
        )
        for path in sorted(edition.sources.iterdir())
        if path.is_file()
        and not path.name.startswith(".")
        and page_kind(path)
        and printable(path.name) not in listed
    ]


def image_problem(path: Path, limits: Limits) -> str:
    """What is wrong with the image at ``path`` for ``limits`` (bytes, pixels), or ``""``.

    Only the file's size and its header are read. A file that is not an image passes: the
    renderer says so when it converts it.
    """
    from PIL import Image

    bomb_check, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        with open_regular(path) as file:
            size = os.fstat(file.fileno()).st_size
            if size > limits.image_size:
                return limits.exceeded("image_size", f"image is {format_size(size)}")
            with Image.open(file) as image:
                width, height = image.size
    except NotRegularFile as exc:
        return f"is {exc.kind}, not an image file"
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
    own folder were an edition's ``sources/``. Either way, nothing outside that folder is
    opened (a symlink out of it is refused).
    """
    path = Path(os.path.abspath(path))
    parent = path.parent
    root = parent.parent if parent.name == "sources" else parent
    edition = Edition(root=root, title="")
    if parent.name != "sources":
        # A page outside any edition: its own folder plays the part of sources/.
        class _Loose(Edition):
            @property
            def sources(self) -> Path:
                return parent

        edition = _Loose(root=parent, title="")
    return load_page(path, edition)


def read_loose_page(path: Path) -> Page:
    """Read and decode a page given on the command line, wherever it lies.

    Raises:
        SourceError: as ``read_page``.
    """
    return decode_page(load_loose_page(path), Limits())


_TAG = re.compile(r"<[^<>]*>")  # never crosses a "<": linear on any input
_HIDDEN = re.compile(r"<(script|style|template)\b", re.I)


def estimated_words(text: str, kind: str) -> int:
    """The words of a page's text before it is parsed: for HTML, the words outside tags,
    scripts and stylesheets (more than the article will keep: menus and footers count too)."""
    if kind != "html":
        return len(text.split())
    lowered, words, at = text.lower(), 0, 0
    for match in _HIDDEN.finditer(text):
        if match.start() < at:
            continue  # inside a script skipped already
        words += len(_TAG.sub(" ", text[at : match.start()]).split())
        end = lowered.find(f"</{match.group(1).lower()}", match.end())
        at = len(text) if end < 0 else end
    return words + len(_TAG.sub(" ", text[at:]).split())


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
