"""Read and validate ``sources/book.toml`` into an ``Edition``.

Every problem in the file is collected before failing, and each one names the file and line, as
``sources/book.toml:14: part "October" lists "lenin.txt", which is not in sources/``.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

from anthology.config.edition import ArticleEntry, Edition, PartConfig, PrintOptions
from anthology.config.glossary import load_glossary
from anthology.config.problems import Problems, check_keys, parse_date, read_toml, read_toml_text
from anthology.config.units import (
    PAGE_SIZES,
    PDF_VARIANTS,
    page_size_name,
    paper_thickness_mm,
    parse_length_mm,
    parse_size,
)
from anthology.core.errors import ConfigError, did_you_mean, display_path, printable
from anthology.core.files import file_kind
from anthology.core.limits import TITLE_MAX_CHARS, Limits
from anthology.render.labels import catalogue, label_keys

BOOK_FILE = "book.toml"


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
    "print": (dict, "The print edition: [print] page, shop, bleed, variant, paper, icc."),
    "limits": (dict, "What one page or image may cost: [limits] page_size, depth, …"),
    "labels": (dict, "The book's own words in place of its language's: [labels] contents = …"),
    "fetch": (dict, "How compile fetch introduces itself: [fetch] contact."),
}
FETCH_KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "contact": (str, "An e-mail address or web page where sites can reach you (User-Agent)."),
}
PRINT_KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "page": (str, f"Trim size: {', '.join(PAGE_SIZES)}."),
    "shop": (bool, "true for a print-shop PDF: bleed, crop marks, PDF/X-4, even page count."),
    "bleed": ((int, float, str), "Bleed in millimetres (default 3)."),
    "variant": (str, f"PDF variant: {', '.join(PDF_VARIANTS)} (default pdf/ua-1)."),
    "paper": ((str, int, float), 'Paper for the cover spine: "80gsm" or a thickness in mm.'),
    "cover": (bool, "true to write the print cover (back, spine, front) beside the PDF."),
    "icc": (str, "The printer's CMYK profile (an .icc file beside book.toml) for PDF/X."),
}
LIMIT_KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "page_size": ((int, str), 'Largest page, such as "50 MB" (or a number of bytes).'),
    "depth": ((int, float), "Deepest nesting of elements in a page (default 5000)."),
    "image_size": ((int, str), 'Largest image file, such as "40 MB" (or a number of bytes).'),
    "image_megapixels": ((int, float), "Largest image in millions of pixels (default 50)."),
    "clean_seconds": ((int, float), "Longest time to clean one page, in seconds (0: no limit)."),
    "words": ((int, float), "Most words in one article (default 300,000); more is refused."),
}
INDEX_KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "extra": (list, "Names and terms to index besides the glossary's entries."),
}
PART_KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "title": (str, "The part's title."),
    "intro": (str, "A short introduction; blank lines separate paragraphs."),
    "articles": (list, "The part's articles in order: file names, or tables with overrides."),
}
# Longest running head set on one line in the top margin of an A5 page (8.5 pt small capitals
# over about 110 mm of measure); the shortened titles keep to it too.
RUNNING_TITLE_MAX_CHARS = 52
ARTICLE_KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "source": (str, "The page's file name in sources/."),
    "title": (str, "Replaces the title found on the page."),
    "author": (str, "Replaces or supplies the byline."),
    "date": ((date, str), "Replaces or supplies the publication date (YYYY-MM-DD)."),
    "url": (str, "The page's original address, for the colophon."),
    "publication": (str, "The newspaper, magazine or site the article appeared in."),
    "standfirst": (str, "Replaces or supplies the standfirst."),
    "running_title": (str, "The running head in print, instead of the shortened title."),
}


def load_edition(root: Path) -> Edition:
    """Read ``root/sources/book.toml``; a folder without one gets a default edition.

    Args:
        root: the edition folder (the one holding ``sources/``).

    Returns:
        The validated ``Edition``.

    Raises:
        ConfigError: the folder has no sources, or book.toml is malformed or inconsistent.
    """
    given, root = root, root.resolve()
    sources = root / "sources"
    if not root.is_dir():
        siblings = [p.name for p in root.parent.iterdir() if p.is_dir()]
        hint = did_you_mean(root.name, siblings)
        problem = "is not a folder" if root.exists() else "no such folder"
        raise ConfigError(
            f"{problem}{hint}; give --project the edition folder "
            f"(compile init {printable(str(given))} starts a new one)",
            printable(str(given)),
        )
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
    text, data = read_toml(path, root)
    return replace(_edition_from_data(root, path, text, data), glossary=glossary)


def key_error(root: Path, key: str, message: str) -> ConfigError:
    """An error about the top-level ``key`` of the edition's book.toml, at the key's line:
    for what a later stage finds wrong with a value (a look ``style`` names that is missing)."""
    path = root / "sources" / BOOK_FILE
    try:
        text = read_toml_text(path)
    except (OSError, UnicodeDecodeError):
        text = ""
    line = Problems(path, text, root).line_of(f"{key} ") or Problems(path, text, root).line_of(
        f"{key}="
    )
    return ConfigError(f'"{key}": {message}', display_path(path, root), line)


def _edition_from_data(root: Path, path: Path, text: str, data: dict) -> Edition:
    problems = Problems(path, text, root)
    check_keys(problems, data, BOOK_KEYS, "book.toml", section_line=0)
    _check_title(problems, data.get("title"))
    language = data.get("language", "en")
    if isinstance(language, str) and not re.fullmatch(
        r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", language
    ):
        problems.add(
            f'"language" must be a language tag such as "en-GB", not "{language}"',
            problems.line_of("language"),
        )
    edition_date = parse_date(problems, data.get("date"), "date", problems.line_of("date"))
    parts = _parts(problems, root, data.get("parts", []))
    index_extra = _index_extra(problems, data.get("index", {}))
    print_options = _print_options(problems, data.get("print", {}))
    limits = _limits(problems, data.get("limits", {}))
    labels = _labels(problems, data.get("labels", {}))
    _fetch_contact(problems, data.get("fetch", {}))
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
        parts=parts,
        configured=True,
        style=data.get("style", "").strip(),
        index_extra=index_extra,
        print=print_options,
        limits=limits,
        labels=labels,
    )


def _check_title(problems: Problems, title: object) -> None:
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


def _parts(problems: Problems, root: Path, raw_parts: object) -> tuple[PartConfig, ...]:
    """``[[parts]]``: each a table with a title and the articles, every one in sources/ once."""
    parts: list[PartConfig] = []
    seen_sources: dict[str, int | None] = {}
    part_line = 0
    for index, raw in enumerate(raw_parts if isinstance(raw_parts, list) else []):
        part_line = problems.line_of("[[parts]]", after=part_line) or part_line
        if not isinstance(raw, dict):
            problems.add(f"part {index + 1} must be a table", part_line or None)
            continue
        check_keys(problems, raw, PART_KEYS, f"part {index + 1}", section_line=part_line)
        part_title = raw.get("title")
        if not isinstance(part_title, str) or not part_title.strip():
            problems.add(f"part {index + 1} needs a title", part_line or None)
            part_title = f"Part {index + 1}"
        entries = _part_articles(problems, root, raw, part_title, part_line, seen_sources)
        parts.append(
            PartConfig(
                title=part_title.strip(),
                intro=raw.get("intro", "").strip() if isinstance(raw.get("intro"), str) else "",
                articles=tuple(entries),
            )
        )
    return tuple(parts)


def _part_articles(
    problems: Problems,
    root: Path,
    raw: dict,
    part_title: str,
    part_line: int,
    seen_sources: dict[str, int | None],
) -> list[ArticleEntry]:
    """The articles a part lists, each checked to be a page in sources/ listed only once."""
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
                f'part "{part_title}" lists "{entry.source}", which '
                + _not_a_page(root / "sources", entry.source),
                line,
            )
        elif entry.source in seen_sources:
            problems.add(f'"{entry.source}" is listed twice', line)
        seen_sources[entry.source] = line
        entries.append(entry)
    return entries


def fetch_contact(root: Path) -> str:
    """``[fetch] contact`` of the edition's book.toml, or "" (no book.toml, or none set).

    Raises:
        ConfigError: the book.toml cannot be read, or the contact is not an address.
    """
    path = root / "sources" / BOOK_FILE
    if not path.exists():
        return ""
    text, data = read_toml(path, root)
    problems = Problems(path, text, root)
    contact = _fetch_contact(problems, data.get("fetch", {}))
    problems.raise_if_any()
    return contact


def _fetch_contact(problems: Problems, table: object) -> str:
    if not isinstance(table, dict):
        return ""
    section = problems.line_of("[fetch]") or 0
    check_keys(problems, table, FETCH_KEYS, "[fetch]", section_line=section)
    contact = table.get("contact", "")
    if not isinstance(contact, str):
        return ""
    contact = contact.strip()
    if contact and not re.fullmatch(r"[^@\s]+@[^@\s]+\.\w+|https?://\S+", contact):
        problems.add(
            f'[fetch] contact must be an e-mail address or an http(s) address, not "{contact}"',
            problems.line_of("contact", after=section),
        )
    return contact


def _index_extra(problems: Problems, index_table: object) -> tuple[str, ...]:
    """``[index] extra``: the names to index besides the glossary's entries."""
    if not isinstance(index_table, dict):
        return ()
    index_line = problems.line_of("[index]") or 0
    check_keys(problems, index_table, INDEX_KEYS, "[index]", section_line=index_line)
    extra = index_table.get("extra", [])
    if isinstance(extra, list):
        if not all(isinstance(x, str) and x.strip() for x in extra):
            problems.add("[index] extra must be a list of names", index_line or None)
        else:
            return tuple(x.strip() for x in extra)
    return ()


def _labels(problems: Problems, table: object) -> tuple[tuple[str, object], ...]:
    """``[labels]``: the editor's words for the book's own labels (keys of the catalogue)."""
    if not isinstance(table, dict):
        return ()
    section = problems.line_of("[labels]") or 0
    keys = label_keys()
    schema = {key: (kind, "") for key, kind in keys.items()}
    check_keys(problems, table, schema, "[labels]", section_line=section)
    labels = []
    for key, value in sorted(table.items()):
        if key not in keys or not isinstance(value, keys[key]):
            continue  # reported by check_keys
        if isinstance(value, list):
            if not value or not all(isinstance(v, str) and v.strip() for v in value):
                problems.add(
                    f'[labels] "{key}" must be a list of words',
                    problems.line_of(key, after=section),
                )
                continue
            labels.append((key, tuple(v.strip() for v in value)))
            continue
        fields = set(re.findall(r"\{(\w*)\}", catalogue("en")[key]))
        used = set(re.findall(r"\{(\w*)\}", value))
        if used - fields or "{}" in value or not _balanced_braces(value):
            allowed = ", ".join("{" + f + "}" for f in sorted(fields)) or "none"
            problems.add(
                f'[labels] "{key}" may use only these fields: {allowed}',
                problems.line_of(key, after=section),
            )
            continue
        labels.append((key, value))
    return tuple(labels)


def _balanced_braces(text: str) -> bool:
    return re.fullmatch(r"(?:[^{}]|\{\w+\})*", text) is not None


def _print_options(problems: Problems, table: object) -> PrintOptions:
    if not isinstance(table, dict):
        return PrintOptions()
    section = problems.line_of("[print]") or 0
    check_keys(problems, table, PRINT_KEYS, "[print]", section_line=section)
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
            options = replace(options, page=name, book_page=name)
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
    if isinstance(table.get("icc"), str) and table["icc"].strip():
        options = replace(options, icc=table["icc"].strip())
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


def _limits(problems: Problems, table: object) -> Limits:
    """``[limits]``: sizes as "50 MB" or bytes, the others as positive numbers."""
    if not isinstance(table, dict):
        return Limits()
    section = problems.line_of("[limits]") or 0
    check_keys(problems, table, LIMIT_KEYS, "[limits]", section_line=section)
    limits = Limits()
    for key, value in table.items():
        if (
            key not in LIMIT_KEYS
            or isinstance(value, bool)
            or not isinstance(value, int | float | str)
        ):
            continue  # reported by check_keys
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
    if key in ("depth", "words"):
        return (value if isinstance(value, int) and value > 0 else None), "a whole number over 0"
    if key == "clean_seconds":
        return (value if value >= 0 else None), "a number of seconds (0 for no limit)"
    return (value if value > 0 else None), "a number over 0"


def _article_entry(
    problems: Problems, raw: object, part_title: str, part_line: int
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
    check_keys(problems, raw, ARTICLE_KEYS, f'article "{source}"', section_line=(line or 1) - 1)
    if not isinstance(source, str) or not source:
        problems.add(f'part "{part_title}": an article table lacks "source"', line or None)
        return None
    return ArticleEntry(
        source=source,
        title=_str(raw, "title"),
        author=_str(raw, "author"),
        date=parse_date(problems, raw.get("date"), f'"{source}" date', line),
        url=_str(raw, "url"),
        publication=_str(raw, "publication"),
        standfirst=_str(raw, "standfirst"),
        running_title=_running_title(problems, raw, source, line),
    )


def _running_title(problems: Problems, raw: dict, source: str, line: int | None) -> str:
    """An article's ``running_title``: one line of text, short enough for the top margin."""
    value = raw.get("running_title", "")
    if not isinstance(value, str):
        return ""  # reported by check_keys
    at = problems.line_of("running_title", after=(line or 1) - 1) or line or None
    if "\n" in value.strip() or "\r" in value.strip():
        problems.add(f'"{source}" running_title must be one line', at)
        return ""
    value = " ".join(value.split())
    if value and len(value) > RUNNING_TITLE_MAX_CHARS:
        problems.add(
            f'"{source}" running_title is {len(value)} characters long; '
            f"a running head can have at most {RUNNING_TITLE_MAX_CHARS}",
            at,
        )
        return ""
    return value


def _str(raw: dict, key: str) -> str:
    value = raw.get(key, "")
    return value.strip() if isinstance(value, str) else ""


def _outside_sources(root: Path, source: str) -> bool:
    """True for an article path that leaves sources/: absolute, ``..`` or a symlink out."""
    if Path(source).is_absolute() or ".." in Path(source).parts:
        return True
    sources = (root / "sources").resolve()
    try:
        return not (sources / source).resolve().is_relative_to(sources)
    except (OSError, RuntimeError, ValueError):
        return True


def _not_a_page(sources: Path, source: str) -> str:
    """Why ``source`` is no page file in ``sources``: what it is instead, or a near name."""
    path = sources / source
    try:
        kind = file_kind(path.stat().st_mode)
    except OSError:
        kind = ""
    if kind:
        return f"is {kind}, not a page file"
    folder = path.parent
    names = [p.name for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []
    hint = did_you_mean(path.name, names)
    if hint and folder != sources:
        hint = hint.replace('"', f'"{Path(source).parent.as_posix()}/', 1)
    return f"is not in sources/{hint}"


def _title_from_folder(root: Path) -> str:
    name = re.sub(r"[-_]+", " ", root.name).strip()
    return name[:1].upper() + name[1:] if name else "Reader"
