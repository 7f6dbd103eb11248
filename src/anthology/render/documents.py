"""Book → XHTML: the documents both editions are made of, from one set of templates.

The EPUB wraps each document in its own file; the print edition joins the same pieces into one
HTML. Links are written through ``href(target, anchor)``, which each medium supplies.
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from pathlib import Path

from markupsafe import Markup

from anthology import __version__
from anthology.config.book import RUNNING_TITLE_MAX_CHARS
from anthology.core.model import (
    Article,
    Book,
    Chapter,
    Heading,
    Part,
    block_fragments,
    block_xhtml,
)
from anthology.core.text import language_direction, strip_tags, text_direction
from anthology.glossary import index_label
from anthology.render.labels import Labels


@dataclass(frozen=True)
class Document:
    """One XHTML document of the EPUB: its id, file name, title and body markup."""

    id: str
    file_name: str
    title: str
    kind: str  # titlepage | nav | part | chapter | colophon
    body: str
    lang: str = ""  # its language when not the book's (a chapter in its page's language)
    dir: str = ""  # "rtl" for a document written right to left


# The templates compiled to Python code, kept with this package's own compiled code (``setup.sh``
# fills it; each entry carries its template's checksum, so an edited template is compiled again).
TEMPLATES = Path(__file__).parent / "templates"
COMPILED_TEMPLATES = Path(__file__).parent / "__pycache__" / "templates"


@cache
def _environment():
    """The package's environment: templates it compiles are kept as Python keeps its bytecode
    (not under PYTHONDONTWRITEBYTECODE, when ``setup.sh`` has compiled them already)."""
    return _new_environment(COMPILED_TEMPLATES, write=not sys.dont_write_bytecode)


def _new_environment(compiled: Path, write: bool):
    """The templates' environment, reading compiled templates from ``compiled`` and, with
    ``write``, keeping there the ones it compiles (never an error when it cannot)."""
    import jinja2

    class CompiledTemplates(jinja2.FileSystemBytecodeCache):
        def load_bytecode(self, bucket) -> None:
            with suppress(OSError):  # unreadable: compiled again
                super().load_bytecode(bucket)

        def dump_bytecode(self, bucket) -> None:
            if write:
                with suppress(OSError):  # not writable: compiled again next time
                    compiled.mkdir(parents=True, exist_ok=True)
                    super().dump_bytecode(bucket)

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,  # the package's templates do not change while it runs
        bytecode_cache=CompiledTemplates(str(compiled)),
    )
    env.filters["markup"] = Markup
    env.globals.update(
        source_line=source_line,
        long_date=long_date,
        chapter_attributes=chapter_attributes,
        isolated=isolated,
        part_heading=part_heading,
        running_head=running_head,
        glossary_heading=index_label,
        version=__version__,
    )
    return env


def compile_templates(folder: Path = COMPILED_TEMPLATES) -> list[str]:
    """Compile every template into ``folder`` (``setup.sh`` runs it once); their names."""
    env = _new_environment(folder, write=True)
    names = env.list_templates(extensions=("html", "xhtml"))
    for name in names:
        env.get_template(name)
    return names


def render_template(name: str, **context) -> str:
    """Render one of the package's templates."""
    return _environment().get_template(name).render(**context)


def show_parts(book: Book) -> bool:
    """Part openers appear unless the book is a single, untitled run of articles."""
    return len(book.parts) > 1 or bool(book.parts and book.parts[0].intro)


def apparatus(book: Book) -> dict:
    """Template context for the glossary and index: entries by id and term, and their uses."""
    first_uses: dict[str, list] = {e.id: [] for e in book.index}
    all_uses: dict[str, list] = {e.id: [] for e in book.index}
    chapters = {c.id: c for c in book.chapters}
    seen: set[tuple[str, str]] = set()
    for o in book.occurrences:
        if o.first:
            first_uses[o.entry_id].append((chapters[o.chapter_id], o.anchor))
        if (o.entry_id, o.chapter_id) not in seen:
            seen.add((o.entry_id, o.chapter_id))
            all_uses[o.entry_id].append((chapters[o.chapter_id], o.anchor))
    return {
        "entries": {e.id: e for e in book.glossary},
        "entries_by_term": {e.term: e for e in book.glossary},
        "first_uses": first_uses,
        "all_uses": all_uses,
    }


def epub_doc_ids(book: Book) -> list[str]:
    """The ids of the EPUB's content documents in reading order (the cover aside)."""
    ids = ["titlepage", "toc"]
    for part in book.parts:
        if show_parts(book):
            ids.append(part.id)
        ids.extend(chapter.id for chapter in part.chapters)
    ids.extend(doc_id for doc_id, _ in book.back_matter)
    return ids


def epub_documents(
    book: Book,
    image_href: Callable[[str], str] | None = None,
    page_starts: list | None = None,
) -> list[Document]:
    """The EPUB's content documents in reading order (the nav document among them).

    ``page_starts`` (from the print layout) add a page list to the navigation document.
    """
    files = {"titlepage": "titlepage.xhtml", "toc": "nav.xhtml"}
    files.update({doc_id: f"{doc_id}.xhtml" for doc_id, _ in book.back_matter})
    for part in book.parts:
        files[part.id] = f"{part.id}.xhtml"
        for chapter in part.chapters:
            files[chapter.id] = f"{chapter.id}.xhtml"

    def href(target: str, anchor: str | None = None) -> str:
        return files[target] + (f"#{anchor}" if anchor else "")

    page_list = [(s.label, href(s.doc, f"page-{s.label}")) for s in page_starts or ()]
    t = labels(book)
    common = {
        "book": book,
        "href": href,
        "show_parts": show_parts(book),
        "t": t,
        **apparatus(book),
    }
    docs = [
        Document(
            "titlepage",
            files["titlepage"],
            t("title_page"),
            "titlepage",
            render_template("epub_body.xhtml", kind="titlepage", **common),
        ),
        Document(
            "toc",
            files["toc"],
            t("contents"),
            "nav",
            render_template("epub_body.xhtml", kind="nav", page_list=page_list, **common),
        ),
    ]
    for part in book.parts:
        if common["show_parts"]:
            docs.append(
                Document(
                    part.id,
                    files[part.id],
                    part_heading(part, t),
                    "part",
                    render_template("epub_body.xhtml", kind="part", part=part, **common),
                )
            )
        for chapter in part.chapters:
            docs.append(
                Document(
                    chapter.id,
                    files[chapter.id],
                    chapter.article.title,
                    "chapter",
                    render_template(
                        "epub_body.xhtml",
                        kind="chapter",
                        chapter=chapter,
                        blocks=blocks_html(chapter, image_href),
                        **common,
                    ),
                    chapter_language(chapter, book),
                    chapter_direction(chapter, book),
                )
            )
    for doc_id, _ in book.back_matter:
        docs.append(
            Document(
                doc_id,
                files[doc_id],
                t(doc_id),
                doc_id,
                render_template("epub_body.xhtml", kind=doc_id, **common),
            )
        )
    return docs


def epub_page(doc: Document, book: Book, stylesheets: list[str]) -> str:
    """A complete XHTML file for one EPUB document."""
    return render_template(
        "epub_document.xhtml",
        lang=doc.lang or book.language,
        dir=doc.dir or book_direction(book),
        title=doc.title,
        stylesheets=stylesheets,
        body_class=doc.kind,
        body=doc.body,
    )


def print_html(
    book: Book,
    fonts: str,
    pages: dict[str, str] | None = None,
    image_href: Callable[[str], str] | None = None,
    folios: dict[str, str] | None = None,
    context: dict | None = None,
) -> str:
    """The whole book as one HTML document for the print renderer.

    Args:
        book: the book.
        fonts: the faces, named in the colophon.
        pages: for each index entry id, its page references ("3–5, 9"), once the pages are
            known; without it every entry gets a placeholder of similar width
            (``placeholder_references``).
        folios: for each document the contents lists, its first page's folio, written on the
            contents entry as ``data-page`` (for a book laid out in parts, where
            ``target-counter()`` cannot see the page).
        context: ``print_context(book, fonts, image_href)``, if already made.
    """
    if pages is None:
        pages = placeholder_references(book)
    if context is None:
        context = print_context(book, fonts, image_href)
    return render_template("print.html", pages=pages, folios=folios, **context)


def placeholder_references(book: Book) -> dict[str, str]:
    """Each index entry's page references before the pages are known: of similar width."""
    return {e.id: "000, 000" for e in book.index}


def print_context(book: Book, fonts: str, image_href: Callable[[str], str] | None = None) -> dict:
    """What the print template is given, but the page references and folios."""
    from anthology.render.printing import for_print  # paper only: the EPUB never loads it

    # On paper a term's mark leads to its glossary entry (there are no popup notes); links,
    # code, formulas and citation numbers are set for paper (printing.py).
    blocks = {
        chapter.id: lead_in(
            last_words_joined(
                for_print(
                    blocks_html(chapter, image_href).replace(f'href="#n-{chapter.id}-', 'href="#')
                )
            )
        )
        for chapter in book.chapters
    }
    return {
        "book": book,
        "blocks": blocks,
        "fonts": fonts,
        "show_parts": show_parts(book),
        "href": lambda target, anchor=None: f"#{anchor or target}",
        "t": labels(book),
        "book_dir": book_direction(book),
        **apparatus(book),
    }


def with_page_references(html: str, context: dict, before: dict, pages: dict[str, str]) -> str:
    """``html`` (``print_html`` given ``context`` and the page references ``before``) with the
    glossary and index given ``pages`` instead: the same text as ``print_html`` given ``pages``,
    without rendering the whole book again."""
    book = context["book"]
    macros = _environment().get_template("_macros.xhtml").make_module(vars=context)
    for name in ("glossary", "index"):
        if not getattr(book, name):
            continue
        macro = getattr(macros, name)
        old, new = str(macro(book, before)), str(macro(book, pages))
        if html.count(old) != 1:
            raise ValueError(f"the print HTML's {name} is not the one its context renders")
        html = html.replace(old, new)
    return html


# A contents entry's folio before it is known (see ``folio_marks``).
_FOLIO_MARK = re.compile(r'data-page="@folio-(\d+)@"')


def folio_marks(doc_ids: Sequence[str]) -> dict[str, str]:
    """Stand-ins for the contents' folios, for ``print_html(folios=...)``: the print HTML is
    rendered once for the back matter (whose pages give the last folios) and the front matter,
    the folios written in afterwards by ``with_folios``."""
    return {doc: f"@folio-{number}@" for number, doc in enumerate(doc_ids)}


def with_folios(html: str, marks: dict[str, str], folios: dict[str, str]) -> str:
    """``html`` rendered with ``folio_marks``, each mark replaced by its document's folio: the
    same text as ``print_html`` given ``folios`` (folios are numbers, or "" for none)."""
    by_number = {mark[7:-1]: folios.get(doc, "") for doc, mark in marks.items()}
    return _FOLIO_MARK.sub(lambda m: f'data-page="{by_number[m.group(1)]}"', html)


_PARAGRAPH = re.compile(r"(<p\b[^>]*>)(.*?)(</p>)", re.S)
_TAG_OR_TEXT = re.compile(r"(<[^>]+>)")
# Joined only when the two words together stay short enough to fit any line.
_JOINED_AT_MOST = 18


def last_words_joined(body: str) -> str:
    """Paper: each paragraph's last two words joined by a no-break space, so that no paragraph
    ends on a lone short word ("week.") when the two fit together on a line."""

    def join(match: re.Match[str]) -> str:
        tokens = _TAG_OR_TEXT.split(match.group(2))
        text = "".join(t for t in tokens if not t.startswith("<"))
        words = text.split()
        if len(words) < 3 or len(words[-2]) + len(words[-1]) + 1 > _JOINED_AT_MOST:
            return match.group(0)
        seen_word = False  # the last space with a word after it, across inline tags
        for i in range(len(tokens) - 1, -1, -1):
            token = tokens[i]
            if token.startswith("<"):
                continue
            for k in range(len(token) - 1, -1, -1):
                if token[k] == " " and seen_word:
                    tokens[i] = token[:k] + "\u00a0" + token[k + 1 :]
                    return match.group(1) + "".join(tokens) + match.group(3)
                seen_word = seen_word or not token[k].isspace()
        return match.group(0)

    return _PARAGRAPH.sub(join, body)


_LEAD_IN_WORDS = 3
# A running head longer than this would wrap in the top margin of an A5 page.
RUNNING_HEAD_CHARS = RUNNING_TITLE_MAX_CHARS


def running_title(title: str, limit: int = RUNNING_HEAD_CHARS) -> str:
    """A chapter's running head: its title when short enough, else the title's part before a
    dash or colon ("The Russian Revolution was worth it"), else the title cut at a word with
    an ellipsis."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    head = re.split(r"\s*[\u2014:]\s*|\s+\u2013\s+", title, maxsplit=1)[0]
    if 12 <= len(head) <= limit:
        return head
    cut = title[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.\u2014\u2013-")
    return cut + "\u2026"


def running_head(chapter: Chapter) -> str:
    """A chapter's running head in print: the editor's ``running_title`` when book.toml gives
    one, else its title shortened to fit (``running_title``)."""
    return chapter.running_title or running_title(chapter.article.title)


def lead_in(body: str) -> str:
    """Paper: the first words of a chapter's first paragraph in a ``lead-in`` span (set in small
    capitals by print.css), up to three words and never across a tag or a sentence's end."""
    match = re.match(r"\s*<p>([^<]+)", body)
    if not match:
        return body
    text = match.group(1)
    taken = re.match(r"\s*", text).end()
    end = taken
    for count, word in enumerate(re.finditer(r"\S+", text), 1):
        end = word.end()
        if count == _LEAD_IN_WORDS or re.search(r"[.,;:!?)\u2014\u2013]", word.group()):
            break
    end = len(text[:end].rstrip(".,;:!?)\u2014\u2013 "))
    if end <= taken:
        return body
    start, end = match.start(1) + taken, match.start(1) + end
    return f'{body[:start]}<span class="lead-in">{body[start:end]}</span>{body[end:]}'


def blocks_html(chapter: Chapter, image_href: Callable[[str], str] | None = None) -> str:
    """The article body as XHTML, with ids on its section headings."""
    anchors = iter(anchor for anchor, _ in chapter.headings)
    return "\n".join(
        block_xhtml(block, image_href, next(anchors) if isinstance(block, Heading) else "")
        for block in chapter.article.body
    )


def labels(book: Book) -> Labels:
    """The words the book prints, in its language, with the editor's own (``[labels]``)."""
    return Labels(book.language, book.labels)


def book_direction(book: Book) -> str:
    """``"rtl"`` for a book in a language written right to left, else ``"ltr"``."""
    return language_direction(book.language)


def chapter_language(chapter: Chapter, book: Book) -> str:
    """The chapter's language: its page's, or the book's when the page stated none."""
    return chapter.article.language or book.language


def chapter_direction(chapter: Chapter, book: Book) -> str:
    """``"rtl"`` or ``"ltr"``: by the chapter's language, or by its letters when its language
    is written left to right but most of its text is not (a page that stated no language)."""
    language = chapter_language(chapter, book)
    if language_direction(language) == "rtl":
        return "rtl"
    return _letters_direction(_Same(chapter.article))


class _Same:
    """A value compared by identity: a frozen dataclass's own hash walks all its fields."""

    __slots__ = ("value",)

    def __init__(self, value: object):
        self.value = value

    def __hash__(self) -> int:
        return id(self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.value is self.value


@lru_cache(maxsize=1024)  # asked for by every template that names the chapter
def _letters_direction(same: _Same) -> str:
    """``"rtl"`` or ``"ltr"`` by the letters of the article's title and first blocks."""
    article = same.value
    text = " ".join(
        [article.title]
        + [strip_tags(f) for block in article.body for f in block_fragments(block)][:40]
    )
    return text_direction(text)


def chapter_attributes(chapter: Chapter, book: Book) -> Markup:
    """`` lang`` and `` dir`` for a chapter of the print edition where they differ from the
    book's (the root element holds the book's)."""
    attributes = ""
    language = chapter_language(chapter, book)
    if language != book.language:
        attributes += f' lang="{html.escape(language, quote=True)}"'
    direction = chapter_direction(chapter, book)
    if direction != book_direction(book):
        attributes += f' dir="{direction}"'
    return Markup(attributes)


def source_line(article: Article, language: str = "en", attributes: str = "") -> str:
    """Publication and date as one line: ``The Socialist, 29 October 2014``.

    With ``attributes`` (a chapter's ``lang`` and ``dir`` in a line of the book's language) the
    publication is set apart in a span that carries them, so that its direction stays its own.
    """
    date_text = long_date(article.date, language) if article.date else ""
    publication = isolated(article.publication, attributes) if article.publication else ""
    parts = [p for p in (publication, date_text) if p]
    return Markup(", ").join(parts) if attributes else ", ".join(parts)


def isolated(text: str, attributes: str) -> str:
    """``text`` in a span with ``attributes`` (``lang``, ``dir``), or as it is without any.

    Text of another direction is also wrapped in Unicode's first-strong isolate (U+2068 …
    U+2069): WeasyPrint ignores ``unicode-bidi``, and without it two right-to-left names
    separated by a full stop in a left-to-right line swap places.
    """
    if not attributes:
        return text
    if " dir=" in attributes:
        text = Markup("\u2068{}\u2069").format(text)
    return Markup("<span{}>{}</span>").format(Markup(attributes), text)


def long_date(value: date, language: str = "en") -> str:
    """``29 October 2014`` (with a non-breaking space between day and month) in English; in
    another language as its books write a long date (CLDR through Babel): ``14 mars 2025``."""
    head = language.replace("_", "-").split("-")[0].lower()
    if head in ("", "en"):
        return f"{value.day}\u00a0{value:%B} {value.year}"
    return _babel_date(value, language)


def _babel_date(value: date, language: str) -> str:
    from babel import Locale, UnknownLocaleError
    from babel.dates import format_date

    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        try:
            locale = Locale.parse(language.replace("_", "-").split("-")[0].lower())
        except (ValueError, UnknownLocaleError):
            return long_date(value, "en")
    return format_date(value, format="long", locale=locale)


def part_heading(part: Part, t: Labels) -> str:
    """``Part Two: Title`` for the contents and the document's title; ``Part Two. Title`` when
    the title has a colon of its own ("Part Two. Trotsky: A Revolutionary Life")."""
    separator = ". " if ":" in part.title else ": "
    return f"{t.part(part.number)}{separator}{part.title}"
