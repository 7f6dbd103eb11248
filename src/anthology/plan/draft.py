"""The ``book.toml`` draft ``compile plan`` writes, and the plan as a table to read.

The draft is TOML text written with tomlkit, which keeps a document's comments, order and
layout when it is read and written again. Planning again after new pages arrive therefore
changes only what is new: each new page joins the existing part it fits best, and the
editor's titles, order, introductions and comments stay as they were. This module turns
values into text; the caller reads and writes the file.
"""

from __future__ import annotations

from collections.abc import Iterable

from anthology.core.model import Article
from anthology.plan.themes import Plan, place

HEADER = """\
Drafted by `compile plan` from the pages in sources/: parts by theme, named from their
articles' shared words, the most general part first (the one nearest the whole edition),
chapters by date, undated ones last. Edit anything: titles, order, intros, comments.
Running `compile plan` again keeps your edits and adds new pages to the part they fit best."""


def draft(plan: Plan, articles: Iterable[Article], title: str, existing: str | None = None) -> str:
    """The ``book.toml`` text for a plan: a new draft, or ``existing`` with new pages added.

    Args:
        plan: the plan of the edition's articles.
        articles: the edition's articles (for chapter titles and for placing new pages).
        title: the book's title, used when the draft is new.
        existing: the current ``book.toml`` text, if there is one.

    Returns:
        TOML text. When ``existing`` has ``[[parts]]``, it is returned unchanged except that
        pages no part lists (and the plan does not leave out as copies) are appended to the
        best-fitting part, each with its title as a comment.
    """
    import tomlkit

    by_source = {a.source: a for a in articles}
    doc = tomlkit.parse(existing) if existing and existing.strip() else None
    if doc is None:
        doc = tomlkit.document()
        for line in HEADER.splitlines():
            doc.add(tomlkit.comment(line))
        doc.add("title", title)
    parts = doc.get("parts")
    if parts:
        _add_new_pages(doc, parts, plan, by_source)
        return tomlkit.dumps(doc)
    if "title" not in doc:
        doc.add("title", title)
    tables = tomlkit.aot()
    for part in plan.parts:
        table = tomlkit.table()
        table.add(tomlkit.comment("Why together: " + ", ".join(part.terms[:6]).lower()))
        table.add("title", part.title)
        table.add("articles", _entries(part.sources, by_source))
        tables.append(table)
    doc.add(tomlkit.nl())
    doc.add("parts", tables)
    _note_duplicates(doc, plan, existing or "")
    return tomlkit.dumps(doc)


def table(plan: Plan, articles: Iterable[Article]) -> str:
    """The plan as lines to read: each part, why, and its chapters with their dates."""
    by_source = {a.source: a for a in articles}
    lines = []
    for number, part in enumerate(plan.parts, start=1):
        lines.append(f"Part {number}: {part.title} ({_count(len(part.sources))})")
        lines.append(f"  why: {', '.join(part.terms[:6]).lower()}")
        for source in part.sources:
            article = by_source.get(source)
            when = article.date.isoformat() if article and article.date else "undated"
            name = article.title if article else ""
            lines.append(f"  {source:<32} {when:<10}  {name}")
    for duplicate in plan.duplicates:
        lines.append(f"Left out: {duplicate.source}, {duplicate.reason}")
    return "\n".join(lines) + "\n"


def _count(n: int) -> str:
    return f"{n} article" if n == 1 else f"{n} articles"


def _entries(sources: Iterable[str], by_source: dict[str, Article]):
    import tomlkit

    entries = tomlkit.array()
    for source in sources:
        article = by_source.get(source)
        entries.add_line(source, comment=_comment(article.title) if article else None)
    entries.add_line(indent="")
    return entries


def _comment(text: str) -> str | None:
    text = " ".join(text.split())
    return text[:80] or None


def _listed(entry) -> str | None:
    if isinstance(entry, str):
        return str(entry)
    if isinstance(entry, dict) and isinstance(entry.get("source"), str):
        return str(entry["source"])
    return None


def _add_new_pages(doc, parts, plan: Plan, by_source: dict[str, Article]) -> None:
    """Append the pages no part lists to the parts they fit best (in place)."""
    groups = [
        [s for s in map(_listed, part.get("articles", [])) if s]
        for part in parts
        if isinstance(part, dict)
    ]
    left_out = {d.source for d in plan.duplicates}
    wanted = [a for s, a in sorted(by_source.items()) if s not in left_out]
    placed = place(wanted, groups)
    for source, index in sorted(placed.items()):
        entries = parts[index].get("articles")
        if entries is None:
            import tomlkit

            parts[index]["articles"] = entries = tomlkit.array()
        if "\n" in entries.as_string():  # one entry a line: keep it so
            entries.add_line(source, comment=_comment(by_source[source].title))
        else:
            entries.append(source)
    _note_duplicates(doc, plan, doc.as_string())


def _note_duplicates(doc, plan: Plan, text: str) -> None:
    """A comment naming each copy the plan leaves out, unless the text names it already."""
    import tomlkit

    notes = [d for d in plan.duplicates if f"# Left out: {d.source}," not in text]
    if not notes:
        return
    doc.add(tomlkit.nl())
    for duplicate in notes:
        doc.add(tomlkit.comment(f"Left out: {duplicate.source}, {duplicate.reason}"))
