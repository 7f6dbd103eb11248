"""The cleaner weighs a page with the models it is given (a benchmark cross-validated by site
passes models that never saw the page's site), and with the packaged ones otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from anthology.clean import pagetype
from anthology.clean.formats import body_text
from anthology.clean.html import Models, clean_html, vote
from anthology.core.errors import SourceError
from anthology.sources import Page

PROSE = (
    "The river rose through the night, and by morning the lower streets of the town were under "
    "water, the shops closed, the bridge shut to traffic while engineers checked its piers. "
)
ASIDE = (
    "Readers of this column also enjoyed a long feature about gardening, which we recommend, "
    "with pictures, tips and a recipe for the autumn harvest, all in our weekend supplement."
)
HTML = f"""<html><head><title>The flood</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>The flood</h1>{"".join(f"<p>{PROSE}</p>" for _ in range(6))}</article>
<aside class="related"><p>{ASIDE}</p></aside>
<footer><p>Copyright the paper.</p></footer>
</body></html>"""


def _page() -> Page:
    return Page(
        path=Path("flood.html"), name="flood.html", shown="flood.html", kind="html", text=HTML
    )


def _vote_model(bias: float) -> vote.Model:
    """A vote model of one leaf: every block kept (a high bias) or none (a low one), and the
    vote always asked."""
    leaf = {"feature": [-2], "threshold": [-2.0], "left": [-1], "right": [-1], "value": [0.0]}
    return vote.Model(
        {
            "features": list(vote.FEATURES),
            "bias": bias,
            "rate": 0.1,
            "trees": [leaf],
            "threshold": 0.5,
            "threshold_added": 0.5,
            "sure_share": 2.0,
        }
    )


def test_without_models_the_packaged_ones_clean_the_page() -> None:
    default = clean_html(_page())
    assert clean_html(_page(), models=Models()) == default
    assert "The river rose" in body_text(default)
    assert "gardening" not in body_text(default)


def test_an_injected_vote_model_decides_the_blocks() -> None:
    pytest.importorskip("trafilatura")
    text = body_text(clean_html(_page(), models=Models(vote=_vote_model(50.0))))
    # a model that keeps every block keeps the aside our scorer left out
    assert "The river rose" in text
    assert "gardening" in text


def test_an_injected_page_type_model_decides_the_refusal() -> None:
    refusing = dict(pagetype.model(), threshold=0.0, min_elements=0, min_links=0)
    with pytest.raises(SourceError, match="not an article"):
        clean_html(_page(), models=Models(pagetype=refusing))
    # the packaged model is untouched: the page is still an article without the injection
    assert clean_html(_page()).title == "The flood"
