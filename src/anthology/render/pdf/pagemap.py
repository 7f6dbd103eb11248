"""One set of page numbers for both editions: where each printed page starts, carried into the EPUB.

The print layout is read back from WeasyPrint's boxes: for every page, the first piece of text
on it, as a position both editions share: the document (chapter, part, glossary …), the
paragraph-like block within it (counted in document order) and how many non-space characters of
that block went onto earlier pages. The EPUB then gets a page-break marker at the same place in
its copy of that block (``epub/marks.py``), and its navigation document a page list.

Counting characters, not words or lines, makes the position independent of how each medium
breaks lines; generated text (footnote calls, list markers, contents leaders) and the footnote
area are left out on paper because the EPUB does not have them.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from functools import cache
from pathlib import Path

from anthology.core.files import write_atomic
from anthology.render.places import WHOLE, PageStart, local_name, text_blocks

FORMAT = 2  # 2: keyed by the layout's inputs (print_key), not by its print HTML


def roman(number: int) -> str:
    """Lower-case roman numerals, as the front matter is numbered."""
    numerals = (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    )  # fmt: skip
    out = []
    for value, letters in numerals:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def folio(index: int, body_start: int) -> str:
    """The printed number of page ``index`` (0-based): roman before the body, arabic from it."""
    return roman(index + 1) if index < body_start else str(index - body_start + 1)


def print_keys(root, doc_ids: set[str]) -> tuple[dict[int, str], dict[int, tuple[str, int]]]:
    """For the print HTML tree: the sections that are EPUB documents, and every text block's key.

    Returns two maps keyed by ``id(element)``: section → document id, block → (document id, n).
    """
    sections: dict[int, str] = {}
    blocks: dict[int, tuple[str, int]] = {}
    for element in root.iter():
        doc = element.get("id") if local_name(element.tag) in ("section", "nav") else None
        if doc not in doc_ids or doc is None:
            continue
        sections[id(element)] = doc
        if doc not in WHOLE:
            for number, block in enumerate(text_blocks(element)):
                blocks[id(block)] = (doc, number)
    return sections, blocks


def page_starts(document, root, doc_ids: set[str], body_start: int) -> list[PageStart]:
    """Where every page of a laid-out WeasyPrint ``document`` starts.

    Args:
        document: the rendered document.
        root: the HTML tree it was rendered from (``weasyprint.HTML(...).etree_element``).
        doc_ids: ids of the EPUB's documents; sections with these ids are followed.
        body_start: index of the page where arabic numbering starts.
    """
    return starts_from_places(page_places(document.pages, root, doc_ids), body_start)


Place = tuple[str, int, int]  # (document id, block index or -1, characters printed before)


def page_places(pages, root, doc_ids: set[str]) -> list[Place | None]:
    """For each laid-out page, where its first text is (None for a page without text)."""
    sections, blocks = print_keys(root, doc_ids)
    printed: dict[tuple[str, int], int] = defaultdict(int)
    found: list[Place | None] = []
    for page in pages:
        first = None
        for box, doc, key in _text_boxes(page._page_box, sections, blocks):
            chars = _characters(box)
            if not chars or doc is None:
                continue
            if first is None:
                first = (doc, key[1], printed[key]) if key and key[0] == doc else (doc, -1, 0)
            if key:
                printed[key] += chars
        found.append(first)
    return found


def starts_from_places(found: list[Place | None], body_start: int) -> list[PageStart]:
    """Page starts from the places of every page of the book, in order.

    A page with no text of its own (blank, half-title) points where the next page does.
    """
    starts: list[PageStart] = []
    following = None
    for index in range(len(found) - 1, -1, -1):
        following = found[index] or following
        place = following or next((f for f in reversed(found) if f), None)
        if place is not None:
            starts.append(PageStart(folio(index, body_start), *place))
    return starts[::-1]


def _text_boxes(box, sections, blocks, doc=None, key=None):
    """The text boxes of a page's main area, in order, with their document and block."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.MarginBox | boxes.FootnoteAreaBox):
        return
    tag = box.element_tag or ""
    pseudo = tag.partition("::")[2]
    if pseudo and pseudo not in ("first-letter", "first-line"):
        return  # generated content: footnote calls, markers, leaders
    if box.element is not None and not pseudo:
        doc = sections.get(id(box.element), doc)
        key = blocks.get(id(box.element), key)
    if isinstance(box, boxes.TextBox):
        yield box, doc, key
        return
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child, sections, blocks, doc, key)


def _characters(box) -> int:
    text = box.text
    hyphen = box.style["hyphenate_character"]
    if hyphen and text.endswith(hyphen):
        text = text[: -len(hyphen)]  # added where the line was hyphenated
    return sum(1 for c in text if not c.isspace() and c != "\u00ad")


def save(path: Path, key: str, starts: list[PageStart]) -> None:
    """Keep a print layout's page starts for the next EPUB build."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"format": FORMAT, "key": key, "pages": [list(vars(s).values()) for s in starts]}
    write_atomic(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def load(path: Path, key: str) -> list[PageStart] | None:
    """The page starts saved for the layout ``key``; None when missing, stale or damaged."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("key") != key:
            return None
        return [PageStart(str(n), str(d), int(b), int(o)) for n, d, b, o in data["pages"]]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def layout_key(*parts: str) -> str:
    """A fingerprint of everything the print layout depends on."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def print_key(book, options, stylesheets: Iterable[str], sources: Path) -> str:
    """A fingerprint of what the print layout is made from, taken without making it.

    The print HTML is a function of the book, the package's print code and where the images are;
    the layout adds the page options, the stylesheets and WeasyPrint. So this key changes
    whenever the pages could, yet needs no renderer and no print HTML (an EPUB-only build
    checks its saved page map with it).

    Args:
        book: the assembled book (its build time aside: it is on no page).
        options: book.toml's ``[print]`` (with any command-line overrides).
        stylesheets: the text of every print layer, in cascade order.
        sources: the sources folder (figures are linked from it).
    """
    return layout_key(
        _code_fingerprint(),
        repr(replace(book, modified="")),
        repr(options),
        str(sources.resolve()),
        *stylesheets,
    )


# The package's code that makes the print HTML and lays it out (the EPUB's own is not).
_PRINT_CODE = ("__init__.py", "core", "config", "glossary.py", "render")
_NOT_PRINT_CODE = ("render/epub",)


@cache
def _code_fingerprint() -> str:
    """A digest of the package's print code and of WeasyPrint's version (its ``__init__.py``)."""
    from importlib import resources
    from importlib.util import find_spec

    digest = hashlib.sha256()
    package = Path(str(resources.files("anthology")))
    files = [
        path
        for name in _PRINT_CODE
        for path in ([package / name] if name.endswith(".py") else (package / name).rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    ]
    for path in sorted(files):
        name = path.relative_to(package).as_posix()
        if not name.startswith(_NOT_PRINT_CODE):
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    spec = find_spec("weasyprint")  # found, not imported
    if spec is not None and spec.origin:
        digest.update(Path(spec.origin).read_bytes())
    return digest.hexdigest()
