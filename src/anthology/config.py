"""Read and validate ``sources/book.toml`` into an ``Edition``.

Every problem in the file is collected before failing, and each one names the file and line, as
``sources/book.toml:14: part "October" lists "lenin.txt", which is not in sources/``.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from anthology.core.errors import ConfigError, display_path
from anthology.core.limits import MB, TITLE_MAX_CHARS, Limits
from anthology.core.model import GlossaryEntry
from anthology.core.text import slugify, smarten

BOOK_FILE = "book.toml"
GLOSSARY_FILE = "glossary.toml"
CATEGORIES = ("term", "person", "organisation", "place", "event")


@dataclass(frozen=True)
class ArticleEntry:
    """One article as the editor lists it in a part, with optional overrides of its metadata."""

    source: str
    title: str = ""
    author: str = ""
    date: date | None = None
    url: str = ""
    publication: str = ""
    standfirst: str = ""


@dataclass(frozen=True)
class PartConfig:
    """A themed part as configured: title, introduction and ordered articles."""

    title: str
    intro: str
    articles: tuple[ArticleEntry, ...]


# Trim sizes in millimetres (width, height).
PAGE_SIZES: dict[str, tuple[float, float]] = {
    "A5": (148, 210),
    "B-format": (129, 198),
    "Demy": (138, 216),
    "Royal": (156, 234),
    "US-trade": (152.4, 228.6),
    "A4": (210, 297),
    "Letter": (215.9, 279.4),
}
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3b", "pdf/x-4", "pdf/x-1a", "none")


@dataclass(frozen=True)
class PrintOptions:
    """How the PDF is made: ``[print]`` in book.toml, overridden by command-line options."""

    page: str = "A5"  # a name in PAGE_SIZES
    shop: bool = False  # bleed, crop marks, PDF/X, an even page count
    bleed_mm: float = 3.0
    variant: str = ""  # "" picks pdf/ua-1, or pdf/x-4 for the print shop
    paper: str = "80gsm"  # for the cover's spine: a paper weight or a thickness in mm
    cover: bool = False  # also write the print cover (back, spine, front) as <slug>-cover.pdf

    @property
    def pdf_variant(self) -> str | None:
        """The WeasyPrint PDF variant, or None for a plain PDF."""
        variant = self.variant or ("pdf/x-4" if self.shop else "pdf/ua-1")
        return None if variant == "none" else variant

    @property
    def size_mm(self) -> tuple[float, float]:
        """(width, height) of the trimmed page."""
        return PAGE_SIZES[self.page]


def parse_size(value: object) -> int | None:
    """Bytes from 52428800, "50 MB", "500 KB" or "1.5 GB"; None if it is not a size."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value > 0 else None
    if not isinstance(value, str):
        return None
    match = re.fullmatch(
        r"\s*(\d{1,9}(?:\.\d{1,6})?)\s*(bytes|b|kb|k|mb|m|gb|g)?\s*", value.lower()
    )
    if not match:
        return None
    scale = {"kb": 1024, "k": 1024, "mb": MB, "m": MB, "gb": 1024 * MB, "g": 1024 * MB}
    size = int(float(match.group(1)) * scale.get(match.group(2) or "b", 1))
    return size if size > 0 else None


def page_size_name(value: str) -> str | None:
    """The canonical name of a page size, accepting any case and spaces ("us trade")."""
    wanted = re.sub(r"[\s_]+", "-", value.strip()).casefold()
    return next((name for name in PAGE_SIZES if name.casefold() == wanted), None)


@dataclass(frozen=True)
class Edition:
    """The edition folder and everything ``book.toml`` says about it."""

    root: Path
    title: str
    subtitle: str = ""
    editor: str = ""
    language: str = "en"
    description: str = ""
    rights: str = ""
    date: date | None = None
    identifier: str = ""
    parts: tuple[PartConfig, ...] = ()
    configured: bool = False  # False when the folder has no book.toml
    style: str = ""
    glossary: tuple[GlossaryEntry, ...] = ()
    index_extra: tuple[str, ...] = ()
    print: PrintOptions = PrintOptions()
    limits: Limits = Limits()

    @property
    def sources(self) -> Path:
        """The folder holding the pages."""
        return self.root / "sources"


# key -> (type or tuple of types, docstring for editors)
BOOK_KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "title": (str, "The book's title, on the cover, title page and in metadata."),
    "subtitle": (str, "A subtitle shown under the title."),
    "editor": (str, "Who compiled the reader; the EPUB creator and PDF author."),
    "language": (str, "BCP 47 language tag of the book, such as en-GB."),
    "description": (str, "A sentence or two for the e-reader's library and the title verso."),
    "rights": (str, "A rights statement for the colophon."),
    "date": ((date, str), "The edition's date (YYYY-MM-DD); defaults to the build date."),
    "identifier": (str, "A stable identifier (urn:isbn:… or urn:uuid:…); derived if absent."),
    "style": (str, "The look to use from styles/ (a folder name)."),
    "parts": (list, "The themed parts, in reading order ([[parts]] tables)."),
    "index": (dict, "The back-of-book index: [index] extra = [names and terms to index]."),
    "print": (dict, "The print edition: [print] page, shop, bleed, variant, paper."),
    "limits": (dict, "What one page or image may cost: [limits] page_size, depth, …"),
}
PRINT_KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "page": (str, f"Trim size: {', '.join(PAGE_SIZES)}."),
    "shop": (bool, "true for a print-shop PDF: bleed, crop marks, PDF/X-4, even page count."),
    "bleed": ((int, float, str), "Bleed in millimetres (default 3)."),
    "variant": (str, f"PDF variant: {', '.join(PDF_VARIANTS)} (default pdf/ua-1)."),
    "paper": ((str, int, float), 'Paper for the cover spine: "80gsm" or a thickness in mm.'),
    "cover": (bool, "true to write the print cover (back, spine, front) beside the PDF."),
}
LIMIT_KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "page_size": ((int, str), 'Largest page, such as "50 MB" (or a number of bytes).'),
    "depth": ((int, float), "Deepest nesting of elements in a page (default 5000)."),
    "image_size": ((int, str), 'Largest image file, such as "40 MB" (or a number of bytes).'),
    "image_megapixels": ((int, float), "Largest image in millions of pixels (default 50)."),
    "clean_seconds": ((int, float), "Longest time to clean one page, in seconds (0: no limit)."),
}
INDEX_KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "extra": (list, "Names and terms to index besides the glossary's entries."),
}
TERM_KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "term": (str, "The headword as the glossary prints it."),
    "definition": (str, "A few sentences; *emphasis* is allowed."),
    "aliases": (list, "Other spellings, plurals and abbreviations that link to the entry."),
    "see": (list, "Related entries, by headword."),
    "category": (str, "One of term, person, organisation, place, event."),
}
PART_KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "title": (str, "The part's title."),
    "intro": (str, "A short introduction; blank lines separate paragraphs."),
    "articles": (list, "The part's articles in order: file names, or tables with overrides."),
}
ARTICLE_KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "source": (str, "The page's file name in sources/."),
    "title": (str, "Replaces the title found on the page."),
    "author": (str, "Replaces or supplies the byline."),
    "date": ((date, str), "Replaces or supplies the publication date (YYYY-MM-DD)."),
    "url": (str, "The page's original address, for the colophon."),
    "publication": (str, "The newspaper, magazine or site the article appeared in."),
    "standfirst": (str, "Replaces or supplies the standfirst."),
}

_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")


class _Problems:
    """Collects problems with their line numbers, then fails once with all of them."""

    def __init__(self, path: Path, text: str, root: Path):
        self.path = path
        self.lines = text.splitlines()
        self.shown = display_path(path, root)
        self.items: list[tuple[int | None, str]] = []

    def line_of(self, *needles: str, after: int = 0) -> int | None:
        """The first line (1-based) at or after ``after`` that contains every needle."""
        for number, line in enumerate(self.lines[after:], start=after + 1):
            code = line.split("#", 1)[0] if "#" in line and '"' not in line else line
            if all(n in code for n in needles):
                return number
        return None

    def add(self, message: str, line: int | None = None) -> None:
        self.items.append((line, message))

    def raise_if_any(self) -> None:
        if not self.items:
            return
        line, message = self.items[0]
        if len(self.items) > 1:
            others = "; ".join(f"line {n}: {m}" if n else m for n, m in self.items[1:4])
            more = f" (and {len(self.items) - 4} more)" if len(self.items) > 4 else ""
            message = f"{message}; also {others}{more}"
        raise ConfigError(message, self.shown, line)


def load_edition(root: Path) -> Edition:
    """Read ``root/sources/book.toml``; a folder without one gets a default edition.

    Args:
        root: the edition folder (the one holding ``sources/``).

    Returns:
        The validated ``Edition``.

    Raises:
        ConfigError: the folder has no sources, or book.toml is malformed or inconsistent.
    """
    root = root.resolve()
    sources = root / "sources"
    if not sources.is_dir():
        raise ConfigError(
            "no sources/ folder here; run compile in an edition folder or pass --project DIR",
            display_path(sources, root.parent),
        )
    path = sources / BOOK_FILE
    glossary = load_glossary(root)
    if not path.exists():
        return Edition(
            root=root, title=_title_from_folder(root), configured=False, glossary=glossary
        )
    try:
        text = _read_toml_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"cannot read the file ({_reason(exc)})", display_path(path, root)
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _toml_error(exc, path, root, text) from None
    return replace(_edition_from_data(root, path, text, data), glossary=glossary)


def _edition_from_data(root: Path, path: Path, text: str, data: dict) -> Edition:
    problems = _Problems(path, text, root)
    _check_keys(problems, data, BOOK_KEYS, "book.toml", section_line=0)
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.add(
            '"title" is required and must be a non-empty string', problems.line_of("title")
        )
    elif len(title.strip()) > TITLE_MAX_CHARS:
        problems.add(
            f'"title" is {len(title.strip())} characters long; '
            f"a book's title can have at most {TITLE_MAX_CHARS}",
            problems.line_of("title"),
        )
    language = data.get("language", "en")
    if isinstance(language, str) and not re.fullmatch(
        r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", language
    ):
        problems.add(
            f'"language" must be a language tag such as "en-GB", not "{language}"',
            problems.line_of("language"),
        )
    edition_date = _parse_date(problems, data.get("date"), "date", problems.line_of("date"))
    parts: list[PartConfig] = []
    raw_parts = data.get("parts", [])
    seen_sources: dict[str, int | None] = {}
    part_line = 0
    for index, raw in enumerate(raw_parts if isinstance(raw_parts, list) else []):
        part_line = problems.line_of("[[parts]]", after=part_line) or part_line
        if not isinstance(raw, dict):
            problems.add(f"part {index + 1} must be a table", part_line or None)
            continue
        _check_keys(problems, raw, PART_KEYS, f"part {index + 1}", section_line=part_line)
        part_title = raw.get("title")
        if not isinstance(part_title, str) or not part_title.strip():
            problems.add(f"part {index + 1} needs a title", part_line or None)
            part_title = f"Part {index + 1}"
        entries = []
        raw_articles = raw.get("articles", [])
        if isinstance(raw_articles, list) and not raw_articles:
            problems.add(f'part "{part_title}" lists no articles', part_line or None)
        for raw_article in raw_articles if isinstance(raw_articles, list) else []:
            entry = _article_entry(problems, raw_article, part_title, part_line)
            if entry is None:
                continue
            line = problems.line_of(f'"{entry.source}"', after=part_line)
            if _outside_sources(root, entry.source):
                problems.add(
                    f'part "{part_title}" lists "{entry.source}", which is outside sources/',
                    line,
                )
            elif not (root / "sources" / entry.source).is_file():
                problems.add(
                    f'part "{part_title}" lists "{entry.source}", which is not in sources/',
                    line,
                )
            elif entry.source in seen_sources:
                problems.add(f'"{entry.source}" is listed twice', line)
            seen_sources[entry.source] = line
            entries.append(entry)
        parts.append(
            PartConfig(
                title=part_title.strip(),
                intro=raw.get("intro", "").strip() if isinstance(raw.get("intro"), str) else "",
                articles=tuple(entries),
            )
        )
    index_extra: tuple[str, ...] = ()
    index_table = data.get("index", {})
    if isinstance(index_table, dict):
        index_line = problems.line_of("[index]") or 0
        _check_keys(problems, index_table, INDEX_KEYS, "[index]", section_line=index_line)
        extra = index_table.get("extra", [])
        if isinstance(extra, list):
            if not all(isinstance(x, str) and x.strip() for x in extra):
                problems.add("[index] extra must be a list of names", index_line or None)
            else:
                index_extra = tuple(x.strip() for x in extra)
    print_options = _print_options(problems, data.get("print", {}))
    limits = _limits(problems, data.get("limits", {}))
    problems.raise_if_any()
    return Edition(
        root=root,
        title=data["title"].strip(),
        subtitle=data.get("subtitle", "").strip(),
        editor=data.get("editor", "").strip(),
        language=language,
        description=data.get("description", "").strip(),
        rights=data.get("rights", "").strip(),
        date=edition_date,
        identifier=data.get("identifier", "").strip(),
        parts=tuple(parts),
        configured=True,
        style=data.get("style", "").strip(),
        index_extra=index_extra,
        print=print_options,
        limits=limits,
    )


def _print_options(problems: _Problems, table: object) -> PrintOptions:
    if not isinstance(table, dict):
        return PrintOptions()
    section = problems.line_of("[print]") or 0
    _check_keys(problems, table, PRINT_KEYS, "[print]", section_line=section)
    options = PrintOptions()
    page = table.get("page")
    if isinstance(page, str):
        name = page_size_name(page)
        if name is None:
            problems.add(
                f"[print] page must be one of {', '.join(PAGE_SIZES)}, not {page!r}",
                problems.line_of("page", after=section),
            )
        else:
            options = replace(options, page=name)
    if isinstance(table.get("shop"), bool):
        options = replace(options, shop=table["shop"])
    if isinstance(table.get("cover"), bool):
        options = replace(options, cover=table["cover"])
    bleed = table.get("bleed")
    if bleed is not None and not isinstance(bleed, bool):
        millimetres = parse_length_mm(bleed)
        if millimetres is None or not 0 <= millimetres <= 10:
            problems.add(
                f'[print] bleed must be a length up to 10 mm, such as 3 or "3mm", not {bleed!r}',
                problems.line_of("bleed", after=section),
            )
        else:
            options = replace(options, bleed_mm=millimetres)
    variant = table.get("variant")
    if isinstance(variant, str):
        if variant.lower() not in PDF_VARIANTS:
            problems.add(
                f"[print] variant must be one of {', '.join(PDF_VARIANTS)}, not {variant!r}",
                problems.line_of("variant", after=section),
            )
        else:
            options = replace(options, variant=variant.lower())
    paper = table.get("paper")
    if paper is not None and not isinstance(paper, bool):
        if paper_thickness_mm(paper) is None:
            problems.add(
                f'[print] paper must be a weight such as "80gsm" or a thickness in mm, '
                f"not {paper!r}",
                problems.line_of("paper", after=section),
            )
        else:
            options = replace(options, paper=str(paper))
    return options


def _limits(problems: _Problems, table: object) -> Limits:
    """``[limits]``: sizes as "50 MB" or bytes, the others as positive numbers."""
    if not isinstance(table, dict):
        return Limits()
    section = problems.line_of("[limits]") or 0
    _check_keys(problems, table, LIMIT_KEYS, "[limits]", section_line=section)
    limits = Limits()
    for key, value in table.items():
        if (
            key not in LIMIT_KEYS
            or isinstance(value, bool)
            or not isinstance(value, int | float | str)
        ):
            continue  # reported by _check_keys
        parsed, wanted = _limit_value(key, value)
        if parsed is None:
            problems.add(
                f"[limits] {key} must be {wanted}, not {value!r}",
                problems.line_of(key, after=section),
            )
        else:
            limits = replace(limits, **{key: parsed})
    return limits


def _limit_value(key: str, value: int | float | str) -> tuple[int | float | None, str]:
    """The value of one ``[limits]`` key, or None, with what the key wants."""
    if key in ("page_size", "image_size"):
        return parse_size(value), 'a size such as "50 MB" or a number of bytes'
    if isinstance(value, str) or not math.isfinite(value):
        return None, "a number"
    if key == "depth":
        return (value if isinstance(value, int) and value > 0 else None), "a whole number over 0"
    if key == "clean_seconds":
        return (value if value >= 0 else None), "a number of seconds (0 for no limit)"
    return (value if value > 0 else None), "a number over 0"


def parse_length_mm(value: object) -> float | None:
    """Millimetres from 3, 3.5, "3mm", "0.125in" or "9pt"; None if it is not a length."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, str):
        return None
    match = re.fullmatch(r"\s*([\d.]+)\s*(mm|cm|in|pt)?\s*", value)
    if not match:
        return None
    try:
        number = float(match.group(1))
    except ValueError:
        return None
    return number * {"mm": 1, None: 1, "cm": 10, "in": 25.4, "pt": 25.4 / 72}[match.group(2)]


def paper_thickness_mm(value: object) -> float | None:
    """The thickness of one leaf: from a weight ("80gsm": about 0.1 mm) or a length in mm."""
    if isinstance(value, str) and (match := re.fullmatch(r"\s*(\d+)\s*gsm\s*", value.lower())):
        # Uncoated book wove: bulk about 1.25 cm³/g, so thickness ≈ weight × 1.25 µm.
        return int(match.group(1)) * 1.25 / 1000
    length = parse_length_mm(value)
    return length if length is not None and 0.03 <= length <= 0.5 else None


def load_glossary(root: Path) -> tuple[GlossaryEntry, ...]:
    """Read ``sources/glossary.toml`` (if any) into entries, validating every one.

    Raises:
        ConfigError: unknown keys, empty definitions, duplicate terms or aliases, a ``see``
            that names no entry, an unknown category; all problems at once, with lines.
    """

    path = root / "sources" / GLOSSARY_FILE
    if not path.exists():
        return ()
    try:
        text = _read_toml_text(path)
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"cannot read the file ({_reason(exc)})", display_path(path, root)
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise _toml_error(exc, path, root, text) from None
    problems = _Problems(path, text, root)
    for key in data:
        if key != "term":
            problems.add(
                f'unknown table "{key}" (each entry is a [[term]] table)', problems.line_of(key)
            )
    raw_terms = data.get("term", [])
    if not isinstance(raw_terms, list) or not all(isinstance(t, dict) for t in raw_terms):
        problems.add('"term" must be [[term]] tables, one for each entry', problems.line_of("term"))
        raw_terms = (
            [t for t in raw_terms if isinstance(t, dict)] if isinstance(raw_terms, list) else []
        )
    entries: list[GlossaryEntry] = []
    seen_forms: dict[str, str] = {}
    section = 0
    lines: dict[str, int | None] = {}
    for raw in raw_terms:
        section = problems.line_of("[[term]]", after=section) or section
        _check_keys(problems, raw, TERM_KEYS, "[[term]]", section_line=section)
        term = raw.get("term")
        if not isinstance(term, str) or not term.strip():
            problems.add('an entry lacks its "term"', section or None)
            continue
        term = term.strip()
        where = f'"{term}"'
        earlier = next((t for t in lines if t.casefold() == term.casefold()), None)
        if earlier is not None:
            problems.add(
                f"{where} is defined twice (first at line {lines[earlier]})",
                problems.line_of("term", f'"{term}"', after=section),
            )
            continue
        definition = raw.get("definition", "")
        if not isinstance(definition, str) or not definition.strip():
            problems.add(f"{where} has an empty definition", section or None)
            definition = ""
        category = raw.get("category", "term")
        if category not in CATEGORIES:
            problems.add(
                f"{where}: category must be one of {', '.join(CATEGORIES)}, not {category!r}",
                problems.line_of("category", after=section),
            )
        aliases = raw.get("aliases", [])
        see = raw.get("see", [])
        for name, values in (("aliases", aliases), ("see", see)):
            if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
                problems.add(
                    f"{where}: {name} must be a list of strings",
                    problems.line_of(name, after=section),
                )
        aliases = tuple(a.strip() for a in aliases if isinstance(a, str) and a.strip())
        own: set[str] = set()
        for form in (term, *aliases):
            key = form.casefold()
            if key in seen_forms and seen_forms[key] != term:
                problems.add(
                    f'"{form}" is already a term or alias of "{seen_forms[key]}"',
                    problems.line_of(f'"{form}"', after=section),
                )
            elif form in own:
                problems.add(
                    f'{where} lists "{form}" twice', problems.line_of(f'"{form}"', after=section)
                )
            own.add(form)
            seen_forms[key] = term
        lines[term] = section or None
        entries.append(
            GlossaryEntry(
                id=_glossary_id(term),
                term=term,
                definition=_inline_markup(definition),
                aliases=aliases,
                see=tuple(s.strip() for s in see if isinstance(s, str)),
                category=category if category in CATEGORIES else "term",
            )
        )
    terms = {e.term for e in entries}
    for entry in entries:
        for target in entry.see:
            if target not in terms:
                problems.add(
                    f'"{entry.term}" has see = "{target}", which is no entry',
                    problems.line_of(f'"{target}"', after=(lines[entry.term] or 1) - 1),
                )
    ids = [e.id for e in entries]
    for entry in entries:
        if ids.count(entry.id) > 1:
            problems.add(
                f'"{entry.term}" makes the same anchor as another entry; rename one',
                lines[entry.term],
            )
            break
    problems.raise_if_any()
    return tuple(entries)


def _glossary_id(term: str) -> str:
    """The entry's anchor: from its letters, or from a hash when it has none ("C++" has)."""
    import hashlib

    slug = slugify(term, 40)
    return f"g-{slug}" if slug else f"g-{hashlib.sha1(term.encode()).hexdigest()[:8]}"


def _inline_markup(text: str) -> str:
    """Escape a definition and turn ``*emphasis*`` into ``<em>``."""
    import html

    escaped = html.escape(smarten(" ".join(text.split())), quote=False)
    return re.sub(r"\*([^*]+)\*", r"<em>\1</em>", escaped)


def _article_entry(
    problems: _Problems, raw: object, part_title: str, part_line: int
) -> ArticleEntry | None:
    if isinstance(raw, str):
        return ArticleEntry(source=raw)
    if not isinstance(raw, dict):
        problems.add(
            f'part "{part_title}": each article is a file name or a table with "source"',
            part_line or None,
        )
        return None
    source = raw.get("source")
    line = problems.line_of("source", f'"{source}"', after=part_line) if source else part_line
    _check_keys(problems, raw, ARTICLE_KEYS, f'article "{source}"', section_line=(line or 1) - 1)
    if not isinstance(source, str) or not source:
        problems.add(f'part "{part_title}": an article table lacks "source"', line or None)
        return None
    return ArticleEntry(
        source=source,
        title=_str(raw, "title"),
        author=_str(raw, "author"),
        date=_parse_date(problems, raw.get("date"), f'"{source}" date', line),
        url=_str(raw, "url"),
        publication=_str(raw, "publication"),
        standfirst=_str(raw, "standfirst"),
    )


def _str(raw: dict, key: str) -> str:
    value = raw.get(key, "")
    return value.strip() if isinstance(value, str) else ""


def _check_keys(
    problems: _Problems,
    data: dict,
    schema: dict[str, tuple[type | tuple[type, ...], str]],
    where: str,
    section_line: int,
) -> None:
    for key, value in data.items():
        line = problems.line_of(key, after=section_line)
        if key not in schema:
            known = ", ".join(sorted(schema))
            problems.add(f'{where}: unknown key "{key}" (known keys: {known})', line)
            continue
        expected = schema[key][0]
        allowed = expected if isinstance(expected, tuple) else (expected,)
        if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
            names = expected if isinstance(expected, tuple) else (expected,)
            wanted = " or ".join(_type_name(t) for t in names)
            problems.add(f'{where}: "{key}" must be {wanted}, not {_type_name(type(value))}', line)


def _type_name(kind: type) -> str:
    return {
        str: "a string",
        list: "a list",
        dict: "a table",
        date: "a date",
        int: "a number",
        bool: "true or false",
        float: "a number",
    }.get(kind, kind.__name__)


def _parse_date(problems: _Problems, value: object, what: str, line: int | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    problems.add(f"{what} must be a date such as 1917-10-25, not {value!r}", line)
    return None


def _toml_error(exc: tomllib.TOMLDecodeError, path: Path, root: Path, text: str) -> ConfigError:
    """A TOML syntax error as one line with the file and line number."""
    message = str(exc)
    match = _TOML_POSITION.search(message)
    line = int(match.group(1)) if match else None
    if line is None and "end of document" in message:
        line = max(1, len(text.splitlines()))
    message = _TOML_POSITION.sub("", message).replace("(at end of document)", "")
    return ConfigError(
        f"not valid TOML: {message.strip().rstrip('.')}", display_path(path, root), line
    )


def _outside_sources(root: Path, source: str) -> bool:
    """True for an article path that leaves sources/: absolute, ``..`` or a symlink out."""
    if Path(source).is_absolute() or ".." in Path(source).parts:
        return True
    sources = (root / "sources").resolve()
    try:
        return not (sources / source).resolve().is_relative_to(sources)
    except (OSError, RuntimeError, ValueError):
        return True


def _read_toml_text(path: Path) -> str:
    """A TOML file's text; the byte order mark some editors write first is no error."""
    return path.read_text(encoding="utf-8").removeprefix("\ufeff")


def _title_from_folder(root: Path) -> str:
    name = re.sub(r"[-_]+", " ", root.name).strip()
    return name[:1].upper() + name[1:] if name else "Reader"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "it is not UTF-8 text"
    return getattr(exc, "strerror", None) or exc.__class__.__name__
