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
