"""Read and validate ``sources/glossary.toml`` into glossary entries."""

from __future__ import annotations

import re
from pathlib import Path

from anthology.config.problems import Problems, check_keys, read_toml
from anthology.core.model import GlossaryEntry
from anthology.core.text import slugify, smarten

GLOSSARY_FILE = "glossary.toml"
CATEGORIES = ("term", "person", "organisation", "place", "event")
TERM_KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "term": (str, "The headword as the glossary prints it."),
    "definition": (str, "A few sentences; *emphasis* is allowed."),
    "aliases": (list, "Other spellings, plurals and abbreviations that link to the entry."),
    "see": (list, "Related entries, by headword."),
    "category": (str, "One of term, person, organisation, place, event."),
}


def load_glossary(root: Path) -> tuple[GlossaryEntry, ...]:
    """Read ``sources/glossary.toml`` (if any) into entries, validating every one.

    Raises:
        ConfigError: unknown keys, empty definitions, duplicate terms or aliases, a ``see``
            that names no entry, an unknown category; all problems at once, with lines.
    """

    path = root / "sources" / GLOSSARY_FILE
    if not path.exists():
        return ()
    text, data = read_toml(path, root)
    problems = Problems(path, text, root)
    entries: list[GlossaryEntry] = []
    seen_forms: dict[str, str] = {}  # casefolded form -> the term it belongs to
    lines: dict[str, int | None] = {}  # term -> the line of its [[term]] table
    section = 0
    for raw in _raw_terms(problems, data):
        section = problems.line_of("[[term]]", after=section) or section
        entry = _entry(problems, raw, section, lines, seen_forms)
        if entry is not None:
            lines[entry.term] = section or None
            entries.append(entry)
    _check_references(problems, entries, lines)
    problems.raise_if_any()
    return tuple(entries)


def _raw_terms(problems: Problems, data: dict) -> list[dict]:
    """The ``[[term]]`` tables of the file; anything else is a problem."""
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
    return raw_terms


def _entry(
    problems: Problems,
    raw: dict,
    section: int,
    lines: dict[str, int | None],
    seen_forms: dict[str, str],
) -> GlossaryEntry | None:
    """One ``[[term]]`` table as an entry, or None when it has no term or repeats one."""
    check_keys(problems, raw, TERM_KEYS, "[[term]]", section_line=section)
    term = raw.get("term")
    if not isinstance(term, str) or not term.strip():
        problems.add('an entry lacks its "term"', section or None)
        return None
    term = term.strip()
    where = f'"{term}"'
    earlier = next((t for t in lines if t.casefold() == term.casefold()), None)
    if earlier is not None:
        problems.add(
            f"{where} is defined twice (first at line {lines[earlier]})",
            problems.line_of("term", f'"{term}"', after=section),
        )
        return None
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
    _check_forms(problems, term, aliases, section, seen_forms)
    return GlossaryEntry(
        id=_glossary_id(term),
        term=term,
        definition=_inline_markup(definition),
        aliases=aliases,
        see=tuple(s.strip() for s in see if isinstance(s, str)),
        category=category if category in CATEGORIES else "term",
    )


def _check_forms(
    problems: Problems,
    term: str,
    aliases: tuple[str, ...],
    section: int,
    seen_forms: dict[str, str],
) -> None:
    """Each spelling belongs to one entry only, and an entry lists it once."""
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
                f'"{term}" lists "{form}" twice', problems.line_of(f'"{form}"', after=section)
            )
        own.add(form)
        seen_forms[key] = term


def _check_references(
    problems: Problems, entries: list[GlossaryEntry], lines: dict[str, int | None]
) -> None:
    """Every ``see`` names an entry, and no two entries make the same anchor."""
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
