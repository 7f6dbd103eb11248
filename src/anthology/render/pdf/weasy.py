"""Our hooks into WeasyPrint: mended line breaking, and folios moved on in a chunk of a book.

Line breaking: a line that fits once its last space hangs is kept.

WeasyPrint (70.0 and earlier) measures a text box that fits on one line with its trailing
space included. When the text before an inline element (``the <span>Bolshevik</span>``) fits
only without that space, it decides the text cannot be split earlier and keeps just its first
word on the line: justified paragraphs then show a lone word, or a hyphenated syllable
("even-" / "tu-" / "ally the peasantry ...", the same word broken twice). CSS cannot avoid
it (``hyphenate-limit-*`` moves the fault, not the cause).

``install_linebreak`` wraps the function the inline layout calls: when WeasyPrint split a text that
would fit whole once its trailing spaces hang, the whole text is the line, as WeasyPrint
itself does when Pango wraps the line. Every other case gets WeasyPrint's own answer.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from functools import cache
from math import inf

_MARK = "_anthology_hanging_space"
# While a chunk of a book is laid out: what moves its page counter on (see ``moved_folios``).
_page_state: Callable | None = None


def install_linebreak() -> None:
    """Wrap ``weasyprint.layout.inline.split_first_line`` (once per process; idempotent)."""
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    original = getattr(inline, "split_first_line", None)
    needed = ("create_layout", "line_size", "first_line_metrics")
    if original is None or getattr(original, _MARK, False):
        return
    if not all(callable(getattr(line_break, name, None)) for name in needed):
        return  # a WeasyPrint we do not know: leave it as it is

    def split_first_line(
        text, style, context, max_width, justification_spacing, is_line_start=True, minimum=False
    ):
        result = original(
            text,
            style,
            context,
            max_width,
            justification_spacing,
            is_line_start=is_line_start,
            minimum=minimum,
        )
        resume_index = result[2]
        if (
            resume_index is None
            or max_width is None
            or max_width == inf
            or style["white_space"] not in ("normal", "pre-line")
            or not text.endswith(" ")
        ):
            return result
        stripped = text.rstrip(" ")
        if not stripped or resume_index >= len(stripped.encode()):
            return result  # broken inside the trailing spaces already
        if " " in text.encode()[:resume_index].decode("utf-8", "ignore").strip(" "):
            return result  # more than one word on the line: not the fault mended here
        layout = line_break.create_layout(
            stripped, style, context, max_width, justification_spacing
        )
        first_line, index = layout.get_first_line()
        if index is not None or line_break.line_size(first_line, style)[0] > max_width:
            return result  # does not fit even with its spaces hanging
        layout = line_break.create_layout(text, style, context, max_width, justification_spacing)
        first_line, index = layout.get_first_line()
        if index is not None:
            return result
        return line_break.first_line_metrics(first_line, text, layout, None, True, style)

    setattr(split_first_line, _MARK, True)
    inline.split_first_line = split_first_line
    install_hyphenation()


# Hyphenation: better patterns, exceptions kept as data, no runts, at most two in a row.
#
# WeasyPrint hyphenates through pyphen, one dictionary per language; ``install_hyphenation``
# gives it our own: the patterns ``hyphenation.toml`` names for the language, and the words it
# lists with their allowed breaks. Soft hyphens in the text cannot do this: WeasyPrint stops
# hyphenating a whole text run as soon as it holds one. It also wraps the line breaker once
# more (``_limit_hyphens``), so that a paragraph never ends on the tail of a hyphenated word
# ("coun-" / "try.") and never more than two lines in a row end in a hyphen: such a line is
# broken again with hyphenation off.
_HYPHENS_MARK = "_anthology_hyphen_limits"
_CONSECUTIVE = 2  # hyphenated line ends allowed in a row


@cache
def hyphenation_data() -> tuple[dict[str, str], dict[str, dict[str, tuple[int, ...]]]]:
    """``hyphenation.toml``: patterns by language, and each language's words → break points."""
    import tomllib
    from importlib.resources import files

    data = tomllib.loads(files("anthology.render.pdf").joinpath("hyphenation.toml").read_text())
    exceptions: dict[str, dict[str, tuple[int, ...]]] = {}
    for language, words in data.get("exceptions", {}).items():
        table = exceptions.setdefault(language.lower(), {})
        for marked in words:
            points, length = [], 0
            for piece in marked.split("-")[:-1]:
                length += len(piece)
                points.append(length)
            table[marked.replace("-", "").lower()] = tuple(points)
    patterns = {k.lower(): v for k, v in data.get("patterns", {}).items()}
    return patterns, exceptions


def _for_language(table: dict, lang: str):
    lang = (lang or "").replace("_", "-").lower()
    return table.get(lang, table.get(lang.split("-")[0]))


def install_hyphenation() -> None:
    """Give WeasyPrint's line breaker our hyphenation dictionaries and limits (idempotent)."""
    import pyphen
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    if getattr(line_break.pyphen, _HYPHENS_MARK, False):
        return
    patterns, exceptions = hyphenation_data()

    class Dictionary(pyphen.Pyphen):
        def __init__(self, filename=None, lang=None, left=2, right=2, cache=True):
            chosen = _for_language(patterns, lang or "")
            super().__init__(filename, chosen or lang, left, right, cache)
            self.exceptions = _for_language(exceptions, lang or "") or {}

        def positions(self, word):
            points = self.exceptions.get(word.lower().replace("\u2019", "'"))
            if points is None:
                return super().positions(word)
            right = len(word) - self.right
            return [pyphen.DataInt(i) for i in points if self.left <= i <= right]

    class Module:  # what line_break reads of pyphen
        Pyphen = Dictionary
        language_fallback = staticmethod(pyphen.language_fallback)
        LANGUAGES = pyphen.LANGUAGES

    setattr(Module, _HYPHENS_MARK, True)
    line_break.pyphen = Module
    inline.split_first_line = _limit_hyphens(inline.split_first_line)


def _limit_hyphens(split):
    state = {"run": 0}  # lines ended by a hyphen in a row, across the text's inline elements

    def split_first_line(
        text, style, context, max_width, justification_spacing, is_line_start=True, minimum=False
    ):
        args = (text, style, context, max_width, justification_spacing)
        result = split(*args, is_line_start=is_line_start, minimum=minimum)
        run = state["run"]
        if _hyphenated(text, result[2]) and style["hyphens"] == "auto":
            rest = text.encode()[result[2] :].decode("utf-8", "ignore")
            if run >= _CONSECUTIVE or _last_word(rest):
                plain = style.copy()
                plain["hyphens"] = "manual"
                result = split(text, plain, *args[2:], is_line_start=is_line_start, minimum=minimum)
        if result[2] is not None:  # a line ends here: hyphenated, or not
            state["run"] = run + 1 if _hyphenated(text, result[2]) else 0
        return result

    setattr(split_first_line, _HYPHENS_MARK, True)
    return split_first_line


def _last_word(rest: str) -> bool:
    """Whether what a hyphenated line leaves is a paragraph's last word: one word that ends a
    sentence ("try."). A word left before an inline element ("Bolshe-" / "<em>vik</em>") does
    not end one, and may be hyphenated as the same text without the element would be."""
    return not any(c.isspace() for c in rest) and rest.rstrip("\u201d\u2019\"')]*")[-1:] in (
        ".",
        "!",
        "?",
        "\u2026",
    )


def _hyphenated(text: str, resume: int | None) -> bool:
    """Whether a line that stops at byte ``resume`` of ``text`` stops inside a word."""
    if not resume:
        return False
    data = text.encode()
    before = data[:resume].decode("utf-8", "ignore")[-1:]
    after = data[resume:].decode("utf-8", "ignore")[:1]
    return before.isalpha() and after.isalpha() or before == "\u00ad"


def install_margin_hook() -> None:
    """Route WeasyPrint's margin boxes through ``moved_folios`` (once per process), and mend
    its line breaking as a whole-book layout does."""
    import weasyprint.layout as layout

    install_linebreak()

    original = layout.make_margin_boxes
    if getattr(original, "_anthology", False):
        return

    def make_margin_boxes(context, page, state):
        if _page_state is not None:
            state = _page_state(context, state)
        return original(context, page, state)

    make_margin_boxes._anthology = True
    layout.make_margin_boxes = make_margin_boxes


def margin_hook_available() -> bool:
    """Whether this WeasyPrint lets a chunk's folios be moved on (see ``install_margin_hook``)."""
    import weasyprint.layout as layout

    return callable(getattr(layout, "make_margin_boxes", None))


@contextmanager
def moved_folios(page_state: Callable):
    """Within the block, ``page_state(context, state)`` changes the counters (the page number
    among them) with which each page's margin boxes are made."""
    global _page_state
    _page_state = page_state
    try:
        yield
    finally:
        _page_state = None


class Numbering:
    """Moves a chunk's page counter on by its first folio, once its pages are known."""

    def __init__(self, first_folio: Callable[[int], int], has_end: bool):
        self.first_folio = first_folio  # given the chunk's page count
        self.has_end = has_end  # the last page is the chunk-end page, to be dropped
        self.delta: int | None = None

    def state(self, context, state):
        if self.delta is None:
            pages = len(context.page_maker) - 1 - self.has_end  # pagination is over
            self.delta = self.first_folio(pages) - 1
        if not self.delta:
            return state
        quote_depth, counters, *rest = state
        moved = dict(counters)
        moved["page"] = [value + self.delta for value in counters.get("page", [0])]
        return (quote_depth, moved, *rest)
