"""WeasyPrint's line breaking, mended: an inline element never changes where a line breaks."""

from __future__ import annotations

import re

import pytest

from anthology.render.pdf import weasy

pytestmark = pytest.mark.slow

TEXT = (
    "It led workers, soldiers and eventually the peasantry to see the need to carry the "
    "revolution further. Tirelessly the <span>Bolshevik</span> Marxist workers' party "
    "continued <em>its agitation in </em>the factories and at the front."
)


def _lines(width: int, text: str, hyphens: str) -> list[str]:
    import weasyprint

    html = (
        '<html lang="en"><body style="font-family: serif; font-size: 12px">'
        f'<p style="width: {width}px; hyphens: {hyphens}; text-align: justify">{text}</p>'
        "</body></html>"
    )
    page = weasyprint.HTML(string=html).render().pages[0]
    rows: dict[int, list[str]] = {}
    stack = [page._page_box]
    while stack:
        box = stack.pop()
        if getattr(box, "text", None) is not None:
            rows.setdefault(round(box.position_y), []).append((box.position_x, box.text))
        stack.extend(getattr(box, "children", None) or [])
    return ["".join(t for _, t in sorted(row)).strip() for _, row in sorted(rows.items())]


@pytest.mark.parametrize("hyphens", ["auto", "none"])
def test_inline_elements_do_not_move_line_breaks(hyphens: str) -> None:
    weasy.install_linebreak()
    plain = re.sub(r"</?(span|em)>", "", TEXT)
    moved = [
        width
        for width in range(90, 400, 7)
        if _lines(width, TEXT, hyphens) != _lines(width, plain, hyphens)
    ]
    assert moved == []


def test_install_is_idempotent() -> None:
    from weasyprint.layout import inline

    weasy.install_linebreak()
    first = inline.split_first_line
    weasy.install_linebreak()
    assert inline.split_first_line is first
