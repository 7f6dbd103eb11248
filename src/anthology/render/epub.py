"""Book → EPUB 3 through ebooklib, then repacked so the same book gives the same bytes."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path

from anthology.core.limits import Limits
from anthology.core.model import Book, Figure
from anthology.render.documents import (
    Document,
    epub_documents,
    epub_page,
    render_template,
    show_parts,
)
from anthology.render.images import prepare_image
from anthology.render.pagemap import PageStart, mark_pages
from anthology.render.styles import Stylesheet, resolve_variables
from anthology.resources import ResourceGate

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
_COMMENT = re.compile(rb"<!--.*?-->", re.S)


class EpubRenderer:
    """Writes the EPUB edition."""

    name = "epub"
    suffix = ".epub"

    def __init__(
        self,
        stylesheets: list[Stylesheet],
        gate: ResourceGate,
        sources: Path,
        limits: Limits | None = None,
    ):
        self.stylesheets = stylesheets
        self.gate = gate
        self.sources = sources
        self.limits = limits or Limits()
        # Where the pages of the print edition start: page-break markers and a page list.
        self.page_starts: list[PageStart] = []

    def render(self, book: Book, out: Path) -> None:
        """Write ``book`` as an EPUB 3 file at ``out`` (the caller makes the write atomic)."""
        from ebooklib import epub

        class RawDocument(epub.EpubHtml):
            """A content document written byte for byte as we made it (ebooklib re-parses
            EpubHtml content through the HTML parser, which would drop our head and attributes)."""

            def get_content(self, default=None):
                return self.content

        package = epub.EpubBook()
        package.FOLDER_NAME = "EPUB"
        package.set_identifier(book.identifier)
        package.set_title(book.title)
        package.set_language(book.language)
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
        if self.page_starts:
            features += (
                ("schema:accessibilityFeature", "pageBreakMarkers"),
                ("schema:accessibilityFeature", "pageNavigation"),
            )
        for prop, value in features:
            package.add_metadata(None, "meta", value, {"property": prop})
        if self.page_starts:
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

        items: dict[str, epub.EpubHtml] = {}
        cover_data, cover_type = self._cover(book)
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
        cover = Document(
            "cover",
            "cover.xhtml",
            "Cover",
            "cover",
            render_template(
                "epub_body.xhtml", kind="cover", book=book, cover_src=cover_image.file_name
            ),
        )
        starts: dict[str, list[PageStart]] = {}
        for start in self.page_starts:
            starts.setdefault(start.doc, []).append(start)
        for doc in [cover, *epub_documents(book, images.__getitem__, self.page_starts)]:
            item = RawDocument(
                uid=doc.id, file_name=doc.file_name, title=doc.title, lang=book.language
            )
            page = mark_pages(epub_page(doc, book, css_names), starts.get(doc.id, []))
            item.content = _strip_comments(page.encode("utf-8"))
            if doc.kind == "nav":
                item.properties.append("nav")
            package.add_item(item)
            items[doc.id] = item
        package.add_item(epub.EpubNcx())
        package.toc = _ncx_toc(book, items, epub)
        package.spine = [items[d] for d in items]
        package.guide = [
            {"type": "cover", "title": "Cover", "href": "cover.xhtml"},
            {"type": "title-page", "title": "Title page", "href": "titlepage.xhtml"},
            {"type": "toc", "title": "Contents", "href": "nav.xhtml"},
        ]
        modified = datetime.strptime(book.modified, "%Y-%m-%dT%H:%M:%SZ")
        raw = out.with_name(out.name + ".raw")
        try:
            epub.write_epub(
                str(raw),
                package,
                {
                    "epub3_pages": False,
                    "mtime": modified,
                    "raise_exceptions": True,
                    "epub3_landmark": False,
                    "compresslevel": 0,  # a scratch file: _repack compresses, once
                },
            )
            _repack(raw, out, modified, book.language)
        finally:
            raw.unlink(missing_ok=True)

    def _cover(self, book: Book) -> tuple[bytes, str]:
        """The editor's sources/cover.jpg (or .png), else a generated front."""
        from anthology.render.cover import accent_colour, front_cover, own_cover

        own = own_cover(self.sources)
        if own is not None:
            prepared = prepare_image(own, self.gate, f"sources/{own.name}", self.limits)
            return prepared.data, prepared.media_type
        return front_cover(book, accent_colour(self.stylesheets)), "image/jpeg"


class EpubVariant:
    """An edition made from the EPUB edition (Kobo's, Kindle's) by ``render``-ing it first.

    The print page starts given to it, its warnings and its diagnostics are the EPUB's.
    """

    name = ""
    suffix = ""

    def __init__(self, epub: EpubRenderer):
        self.epub = epub

    @property
    def page_starts(self) -> list[PageStart]:
        return self.epub.page_starts

    @page_starts.setter
    def page_starts(self, starts: list[PageStart]) -> None:
        self.epub.page_starts = starts

    @property
    def warnings(self) -> list[str]:
        return getattr(self.epub, "warnings", [])

    @property
    def diagnostics(self) -> list:
        return getattr(self.epub, "diagnostics", [])


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

    toc: list = [
        epub.Link("titlepage.xhtml", "Title page", "nav-titlepage"),
        epub.Link("nav.xhtml", "Contents", "nav-contents"),
    ]
    for part in book.parts:
        chapters = [chapter_entry(c) for c in part.chapters]
        if show_parts(book):
            toc.append((epub.Section(part.title, items[part.id].file_name), chapters))
        else:
            toc.extend(chapters)
    toc.append(epub.Link("colophon.xhtml", "Sources and colophon", "nav-colophon"))
    return toc


def _strip_comments(data: bytes) -> bytes:
    # Send to Kindle rejects books with "--" inside comments; we keep none at all.
    return _COMMENT.sub(b"", data)


def _repack(raw: Path, out: Path, modified: datetime, language: str) -> None:
    """Rewrite the zip: mimetype first and stored, a fixed member order, fixed timestamps.

    ebooklib stamps members with the current time, so its own output differs between builds.
    """
    stamp = max(modified.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        order = ["mimetype", "META-INF/container.xml"] + sorted(
            n for n in names if n not in ("mimetype", "META-INF/container.xml")
        )
        for name in order:
            data = source.read(name)
            if name.endswith((".xhtml", ".opf", ".ncx")):
                data = _strip_comments(data)
            if name.endswith(".opf") and b"xml:lang=" not in data.split(b">", 2)[1]:
                # Accessibility checkers (Ace: epub-lang) want the package's language too.
                data = data.replace(b"<package ", f'<package xml:lang="{language}" '.encode(), 1)
            write_member(target, name, data, stamp)


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


__all__ = ["EpubRenderer", "EpubVariant", "Document"]
