"""Book → EPUB 3 through ebooklib, its files zipped by us so the same book gives the same bytes."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TypeVar

from anthology.core.limits import Limits
from anthology.core.model import Book, Figure
from anthology.render.documents import (
    Document,
    book_direction,
    epub_documents,
    epub_page,
    labels,
    render_template,
    show_parts,
)
from anthology.render.images import prepare_image
from anthology.render.places import PageStart
from anthology.render.rendered import Rendered
from anthology.render.styles import Stylesheet, resolve_variables
from anthology.resources import ResourceGate

if TYPE_CHECKING:
    from anthology.config.edition import Edition
    from anthology.render.cover import DrawingApart

ACCESSIBILITY = (
    ("schema:accessMode", "textual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityHazard", "none"),
)
ACCESSIBILITY_SUMMARY = (
    "A reader with a navigable table of contents, headings in a logical order for parts, "
    "chapters and sections, and the reading order of the printed edition. Images (the cover "
    "and any figures) have text alternatives; there is no media and nothing hazardous."
)
XHTML_TYPE = "application/xhtml+xml"
_COMMENT = re.compile(rb"<!--.*?-->", re.S)
T = TypeVar("T")
Member = tuple[str, bytes]  # a file of the EPUB: its name in the zip, its bytes


@dataclass(frozen=True)
class EpubRenderer:
    """Writes the EPUB edition.

    Args:
        stylesheets: the EPUB layers, in cascade order.
        gate: what may be read for the book (images, stylesheets).
        sources: the sources folder (image paths are relative to it).
        limits: book.toml's [limits] for images.
        cover_ahead: the generated cover, drawn in another process since ``begin``.
    """

    name: ClassVar[str] = "epub"
    suffix: ClassVar[str] = ".epub"
    print_pages: ClassVar[bool] = True  # it marks where the print edition's pages start

    stylesheets: list[Stylesheet]
    gate: ResourceGate
    sources: Path
    limits: Limits = field(default_factory=Limits)
    cover_ahead: DrawingApart | None = field(default=None, compare=False, repr=False)

    def begin(self, edition: Edition) -> EpubRenderer:
        """This renderer with what needs only the edition under way: the generated cover is
        drawn in another process while the pages are cleaned (``render`` takes it if the book
        says what it was drawn with, and draws the cover itself otherwise)."""
        from anthology.render.cover import accent_colour, draw_apart, front_text, own_cover

        if own_cover(self.sources) is not None:
            return self
        drawing = draw_apart(front_text(edition), accent_colour(self.stylesheets))
        return replace(self, cover_ahead=drawing) if drawing else self

    def render(self, book: Book, out: Path, page_starts: Sequence[PageStart] = ()) -> Rendered:
        """Write ``book`` as an EPUB 3 file at ``out`` (the caller makes the write atomic).

        Args:
            book: the book.
            out: where to write it.
            page_starts: where the print edition's pages start: page-break markers and a
                page list (none: the EPUB has no print page numbers).
        """
        write_package(out, self.members(book, page_starts), stamp(book))
        return Rendered(out)

    def members(self, book: Book, page_starts: Sequence[PageStart] = ()) -> list[Member]:
        """The EPUB's files in the zip's order, as they are written (``render`` writes them).

        Args as for ``render``.
        """
        # The cover is drawn while the documents are made (Pillow and fc-match mostly run
        # outside the interpreter's lock); it joins the package in its usual place.
        cover_image = _in_background(self._cover, book)
        from ebooklib import epub

        package = _package(book, bool(page_starts))
        css_names = self._add_styles(package)
        images = self._add_images(package, book)
        documents = epub_documents(book, images.__getitem__, list(page_starts))
        documents.insert(0, self._add_cover(package, book, *cover_image()))
        items = _add_documents(package, book, documents, css_names, page_starts)
        package.add_item(epub.EpubNcx())
        package.toc = _ncx_toc(book, items, epub)
        package.spine = [items[d] for d in items]
        t = labels(book)
        package.guide = [
            {"type": "cover", "title": t("cover"), "href": "cover.xhtml"},
            {"type": "title-page", "title": t("title_page"), "href": "titlepage.xhtml"},
            {"type": "toc", "title": t("contents"), "href": "nav.xhtml"},
        ]
        return _members(package, book)

    def _add_styles(self, package) -> list[str]:
        """The stylesheets, their variables resolved; their names in the package."""
        from ebooklib import epub

        css_names = []
        texts = resolve_variables([sheet.text for sheet in self.stylesheets])
        for sheet, text in zip(self.stylesheets, texts, strict=True):
            name = f"styles/{sheet.name}"
            css_names.append(name)
            package.add_item(
                epub.EpubItem(
                    uid=f"css-{sheet.uid}",
                    file_name=name,
                    media_type="text/css",
                    content=text.encode(),
                )
            )
        return css_names

    def _add_images(self, package, book: Book) -> dict[str, str]:
        """Every figure's image, prepared once; the package name of each source image."""
        from ebooklib import epub

        images: dict[str, str] = {}
        for chapter in book.chapters:
            for block in chapter.article.body:
                if isinstance(block, Figure) and block.src not in images:
                    prepared = prepare_image(
                        self.sources / block.src, self.gate, f"sources/{block.src}", self.limits
                    )
                    images[block.src] = f"images/{prepared.name}"
                    if package.get_item_with_href(images[block.src]) is None:
                        package.add_item(
                            epub.EpubItem(
                                uid=prepared.name.split(".")[0],
                                file_name=images[block.src],
                                media_type=prepared.media_type,
                                content=prepared.data,
                            )
                        )
        return images

    def _add_cover(self, package, book: Book, cover_data: bytes, cover_type: str) -> Document:
        """The cover image (from ``_cover``) and the cover document that shows it."""
        from ebooklib import epub

        extension = "png" if cover_type == "image/png" else "jpg"
        cover_image = epub.EpubItem(
            uid="cover-image",
            file_name=f"images/cover.{extension}",
            media_type=cover_type,
            content=cover_data,
        )
        cover_image.properties = ["cover-image"]
        package.add_item(cover_image)
        # EPUB 2 readers (and Kindle's converter) look for the cover through this meta.
        package.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
        return Document(
            "cover",
            "cover.xhtml",
            labels(book)("cover"),
            "cover",
            render_template(
                "epub_body.xhtml",
                kind="cover",
                book=book,
                cover_src=cover_image.file_name,
                t=labels(book),
            ),
        )

    def _cover(self, book: Book) -> tuple[bytes, str]:
        """The editor's sources/cover.jpg (or .png), else a generated front (the one drawn
        ahead, if it says what the book does)."""
        from anthology.render.cover import FrontText, accent_colour, draw_front, own_cover

        own = own_cover(self.sources)
        if own is not None:
            prepared = prepare_image(own, self.gate, f"sources/{own.name}", self.limits)
            return prepared.data, prepared.media_type
        text = FrontText(book.title, book.subtitle, book.editor)
        accent = accent_colour(self.stylesheets)
        ahead = self.cover_ahead
        if ahead is not None and (ahead.text, ahead.accent) == (text, accent):
            data = ahead.result()
            if data is not None:
                return data, "image/jpeg"
        return draw_front(text, accent), "image/jpeg"


def _in_background(function: Callable[..., T], *args) -> Callable[[], T]:
    """Start ``function(*args)`` in a thread; the function returned waits for its result (and
    raises what it raised)."""
    import threading

    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = function(*args)
        except BaseException as exc:  # handed to the caller, who raises it
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="cover", daemon=True)
    thread.start()

    def result() -> T:
        thread.join()
        if "error" in outcome:
            raise outcome["error"]  # type: ignore[misc]
        return outcome["value"]  # type: ignore[return-value]

    return result


def _package(book: Book, paged: bool):
    """An ebooklib book with the metadata: Dublin Core, accessibility, the page source."""
    from ebooklib import epub

    package = epub.EpubBook()
    package.FOLDER_NAME = "EPUB"
    package.set_identifier(book.identifier)
    package.set_title(book.title)
    package.set_language(book.language)
    if book_direction(book) == "rtl":
        # The spine's page-progression-direction: a right-to-left book turns its pages leftwards.
        package.set_direction("rtl")
    if book.editor:
        package.add_author(book.editor, role="edt", uid="editor")
    if book.description:
        package.add_metadata("DC", "description", book.description)
    package.add_metadata("DC", "date", book.edition_date.isoformat())
    if book.rights:
        package.add_metadata("DC", "rights", book.rights)
    for chapter in book.chapters:
        source = chapter.article.publication
        if source:
            package.add_metadata("DC", "source", source)
    package.add_metadata("DC", "publisher", book.editor or book.title)
    features = ACCESSIBILITY
    if paged:
        features += (
            ("schema:accessibilityFeature", "pageBreakMarkers"),
            ("schema:accessibilityFeature", "pageNavigation"),
        )
    for prop, value in features:
        package.add_metadata(None, "meta", value, {"property": prop})
    if paged:
        # The page numbers are this edition's own print layout (EPUB Accessibility 1.1).
        source = f"{book.identifier} (print edition)"
        package.add_metadata(None, "meta", source, {"property": "pageBreakSource"})
    package.add_metadata(
        None, "meta", ACCESSIBILITY_SUMMARY, {"property": "schema:accessibilitySummary"}
    )
    package.add_metadata(
        None,
        "meta",
        "EPUB Accessibility 1.1 - WCAG 2.1 Level AA",
        {"property": "dcterms:conformsTo"},
    )
    return package


def _add_documents(
    package, book: Book, documents: list[Document], css_names: list[str], page_starts
) -> dict:
    """The content documents, with their page-break markers; the package items by id."""
    from ebooklib import epub

    class RawDocument(epub.EpubHtml):
        """A content document written byte for byte as we made it (ebooklib re-parses
        EpubHtml content through the HTML parser, which would drop our head and attributes)."""

        def get_content(self, default=None):
            return self.content

    starts: dict[str, list[PageStart]] = {}
    for start in page_starts:
        starts.setdefault(start.doc, []).append(start)
    if starts:
        from anthology.render.epub.marks import mark_pages
    items: dict[str, epub.EpubHtml] = {}
    for doc in documents:
        item = RawDocument(
            uid=doc.id,
            file_name=doc.file_name,
            media_type=XHTML_TYPE,  # named: ebooklib would read the system's MIME table for it
            title=doc.title,
            lang=doc.lang or book.language,
        )
        page = epub_page(doc, book, css_names)
        if doc.id in starts:
            page = mark_pages(page, starts[doc.id])  # spliced in: the rest keeps its bytes
        item.content = _strip_comments(page.encode("utf-8"))
        if doc.kind == "nav":
            item.properties.append("nav")
        if "http://www.w3.org/1998/Math/MathML" in doc.body:
            item.properties.append("mathml")  # a document holding MathML says so (OPF)
        package.add_item(item)
        items[doc.id] = item
    return items


def _ncx_toc(book: Book, items: dict, epub) -> list:
    """The NCX tree for EPUB 2 readers: parts → chapters → sections."""

    def chapter_entry(chapter):
        link = epub.Link(items[chapter.id].file_name, chapter.article.title, f"nav-{chapter.id}")
        if not chapter.headings:
            return link
        sections = [
            epub.Link(f"{items[chapter.id].file_name}#{anchor}", text, f"nav-{anchor}")
            for anchor, text in chapter.headings
        ]
        return (epub.Section(chapter.article.title, items[chapter.id].file_name), sections)

    t = labels(book)
    toc: list = [
        epub.Link("titlepage.xhtml", t("title_page"), "nav-titlepage"),
        epub.Link("nav.xhtml", t("contents"), "nav-contents"),
    ]
    for part in book.parts:
        chapters = [chapter_entry(c) for c in part.chapters]
        if show_parts(book):
            toc.append((epub.Section(part.title, items[part.id].file_name), chapters))
        else:
            toc.extend(chapters)
    toc.append(epub.Link("colophon.xhtml", t("colophon"), "nav-colophon"))
    return toc


def _strip_comments(data: bytes) -> bytes:
    # Send to Kindle rejects books with "--" inside comments; we keep none at all.
    return _COMMENT.sub(b"", data)


def _members(package, book: Book) -> list[Member]:
    """ebooklib's files for ``package``, taken as it makes them (no scratch zip), put in our
    order: ``mimetype`` first, the container next, then every other file by name."""
    from ebooklib import epub

    class Collector(epub.EpubWriter):
        """ebooklib's writer with the zip left out: it hands each file over instead.

        ``write`` is ebooklib's own (0.20, pinned) less the ``ZipFile``: its steps add every
        file with ``self.out.writestr``.
        """

        def write(self):
            self.out = self  # _write_container, _write_opf and _write_items call writestr
            self.files = {"mimetype": b"application/epub+zip"}
            self._write_container()
            self._write_opf()
            self._write_items()
            return self.files

        def writestr(self, name, data, compress_type=None):
            self.files[name] = data.encode("utf-8") if isinstance(data, str) else data

    modified = _modified(book)  # dcterms:modified
    options = {"epub3_pages": False, "mtime": modified, "epub3_landmark": False}
    writer = Collector("", package, options)
    writer.process()
    files = writer.write()
    order = ["mimetype", "META-INF/container.xml"] + sorted(
        n for n in files if n not in ("mimetype", "META-INF/container.xml")
    )
    members = []
    for name in order:
        data = files[name]
        if name.endswith((".xhtml", ".opf", ".ncx")):
            data = _strip_comments(data)
        if name.endswith(".opf") and b"xml:lang=" not in data.split(b">", 2)[1]:
            # Accessibility checkers (Ace: epub-lang) want the package's language too.
            data = data.replace(b"<package ", f'<package xml:lang="{book.language}" '.encode(), 1)
        members.append((name, data))
    return members


def stamp(book: Book) -> tuple[int, ...]:
    """The time every file of the book's zip carries: its modification time, 1980 at the
    earliest (the zip format's first year)."""
    return max(_modified(book).timetuple()[:6], (1980, 1, 1, 0, 0, 0))


def _modified(book: Book) -> datetime:
    """``book.modified`` (``2026-01-01T00:00:00Z``) as a time in UTC without a zone, as
    ebooklib writes it (fromisoformat: strptime would load its own module and patterns)."""
    return datetime.fromisoformat(book.modified.removesuffix("Z"))


def write_package(out: Path, members: list[Member], date_time: tuple) -> None:
    """Write an EPUB's files at ``out`` in the order given, in one pass, each dated
    ``date_time`` (``stamp(book)``)."""
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members:
            write_member(archive, name, data, date_time)


def write_member(archive: zipfile.ZipFile, name: str, data: bytes, stamp: tuple) -> None:
    """Add one member as every EPUB of ours has it: a fixed time and mode, ``mimetype`` stored
    and everything else deflated, so that the same content gives the same bytes."""
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.external_attr = 0o644 << 16
    info.create_system = 3
    if name == "mimetype":
        info.compress_type = zipfile.ZIP_STORED
        archive.writestr(info, data)
    else:
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, data, compresslevel=6)


__all__ = ["EpubRenderer", "Document"]
