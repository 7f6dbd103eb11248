"""A page's structure survives cleaning: code verbatim, tables, numbered and nested lists,
definition lists, quotations with their source, figures with credits, formulas; literal text
(code, addresses) is never typographed."""

from __future__ import annotations

from pathlib import Path

import pytest

from anthology.cache import ArticleCache
from anthology.clean.formats import body_text, render
from anthology.clean.html import clean_html
from anthology.clean.rules import default_rules
from anthology.core.model import (
    Article,
    Code,
    DefinitionList,
    Figure,
    ListBlock,
    Math,
    Paragraph,
    Quote,
    Table,
    block_xhtml,
)
from anthology.sources import Page
from tests.allowlist import assert_allowlisted
from tests.paths import FIXTURES

PAGE = FIXTURES / "structure" / "sources" / "lock-keeper.html"


def _clean_text(name: str, text: str) -> Article:
    page = Page(path=PAGE.parent / name, name=name, shown=f"sources/{name}", kind="html", text=text)
    return clean_html(page, default_rules())


@pytest.fixture(scope="module")
def article() -> Article:
    return _clean_text(PAGE.name, PAGE.read_text(encoding="utf-8"))


def _one(article: Article, kind: type):
    found = [b for b in article.body if isinstance(b, kind)]
    assert len(found) == 1, article.body
    return found[0]


def test_code_is_kept_verbatim(article: Article) -> None:
    code = _one(article, Code)
    assert code.language == "python"
    assert code.text.splitlines() == [
        "def count(boats):",
        '    """Count the boats -- both ways."""',
        "    total = 0",
        "",
        "    for boat in boats:",
        '        total += 1  # "one more" -> next',
        '        log.write(f"{boat.name} passed at {boat.time:%H:%M} going {boat.direction} '
        'with {boat.crew} aboard")',
        "    return total",
    ]


def test_inline_code_and_addresses_are_never_typographed(article: Article) -> None:
    text = next(b.html for b in article.body if isinstance(b, Paragraph) and "<code>" in b.html)
    assert '<code>logs/"today".txt</code>' in text
    assert "<kbd>Ctrl</kbd>+<kbd>C</kbd>" in text
    assert "https://canal.example.org/code?x=1--2" in text  # not "code-x=1—2"
    assert "keeper@canal.example.org" in text
    assert "\u201cmost days\u201d" in text  # the sentence around them is typographed


def test_a_data_table_keeps_rows_header_and_caption(article: Article) -> None:
    table = _one(article, Table)
    assert table.caption == "Boats through Mill Lock, by season"
    assert [c.html for c in table.rows[0]] == ["Season", "Narrowboats", "Cruisers"]
    assert all(c.header for c in table.rows[0])
    assert not any(c.header for c in table.rows[1])
    assert table.rows[3][0].colspan == 2 and table.columns == 3
    markup = block_xhtml(table)
    assert markup.startswith("<table><caption>") and '<th scope="col">Season</th>' in markup
    assert "<thead>" in markup and '<td colspan="2">' in markup


def test_an_ordered_list_keeps_its_start_and_nested_list(article: Article) -> None:
    steps = _one(article, ListBlock)
    assert steps.ordered and steps.start == 3
    assert steps.items[0] == "Close the bottom gates."
    assert steps.nested[0] is not None and steps.nested[0].items == (
        "Check the paddles are down.",
        "Wave the crew ashore.",
    )
    assert block_xhtml(steps).startswith('<ol start="3"><li>Close the bottom gates.<ul><li>')


def test_definitions_quotation_figure_and_formula(article: Article) -> None:
    terms = _one(article, DefinitionList)
    assert terms.items[0] == ("dt", "Pound") and terms.items[-1][0] == "dd"
    quote = _one(article, Quote)
    assert quote.attribution == "<em>Joan Pike, lock keeper, 1971</em>"
    assert "Joan Pike" not in "".join(quote.paragraphs)
    figure = _one(article, Figure)
    assert figure.caption == "Mill Lock in the spring, the gates open."
    assert figure.credit == "Photo: Tom Reed"
    formula = _one(article, Math)
    assert formula.mathml.startswith('<math xmlns="http://www.w3.org/1998/Math/MathML"')
    assert "<msqrt>" in formula.mathml and formula.text == "Q = A 2 g h"


def test_structured_article_is_allowlisted_and_survives_the_cache(
    article: Article, tmp_path: Path
) -> None:
    assert_allowlisted(article)
    cache = ArticleCache(tmp_path, "fingerprint")
    key = cache.key(article.source, b"page")
    cache.put(key, article)
    assert ArticleCache(tmp_path, "fingerprint").get(key, article.source) == article


def test_body_text_holds_code_and_table_text(article: Article) -> None:
    text = body_text(article)
    assert '    total += 1  # "one more" -> next' in text
    assert "Summer | 1,204 | 310" in text
    assert "  Wave the crew ashore." in text
    assert "Joan Pike" in text and "Photo: Tom Reed" in text


def test_markdown_fences_code_and_pipes_tables(article: Article) -> None:
    markdown = render(article, "markdown", body_only=True)
    assert "```python\ndef count(boats):" in markdown
    assert "| Season | Narrowboats | Cruisers |\n| --- | --- | --- |" in markdown
    assert "3. Close the bottom gates.\n   - Check the paddles are down." in markdown
    assert "Pound\n: The stretch of water between two locks." in markdown


def test_a_long_cite_in_a_reference_list_is_not_italic() -> None:
    refs = "".join(
        f"<li><cite>Author {n}, A. B. and Other, C. D. A study of locks and weirs on the "
        f"canals of England, volume {n}. Journal of Waterways, 1990.</cite></li>"
        for n in range(1, 4)
    )
    body = "".join(
        f"<p>Paragraph {n} of the article says something long enough to be kept as the "
        f"article's own text, with a sentence that ends properly.</p>"
        for n in range(6)
    )
    article = _clean_text(
        "refs.html",
        f"<html><head><title>Locks</title></head><body><article><h1>Locks</h1>{body}"
        f"<h2>References</h2><ol>{refs}</ol></article></body></html>",
    )
    references = [b for b in article.body if isinstance(b, ListBlock)]
    assert references and not any("<em>" in i for i in references[0].items)


def test_a_table_of_one_cell_is_text() -> None:
    body = "".join(
        f"<p>Paragraph {n} of the article says something long enough to be kept as the "
        f"article's own text, with a sentence that ends properly.</p>"
        for n in range(6)
    )
    article = _clean_text(
        "one-cell.html",
        f"<html><head><title>Cells</title></head><body><article><h1>Cells</h1>{body}"
        "<table><tr><td>A note set in a box, alone in its table.</td></tr></table>"
        "</article></body></html>",
    )
    assert not any(isinstance(b, Table) for b in article.body)
    assert any(isinstance(b, Paragraph) and "alone in its table" in b.html for b in article.body)


def test_path_is_the_fixture() -> None:
    assert isinstance(PAGE, Path) and PAGE.is_file()


def test_a_wide_table_is_marked_and_a_list_counting_down_has_its_start() -> None:
    body = "".join(
        f"<p>Paragraph {n} of the article says something long enough to be kept as the "
        f"article's own text, with a sentence that ends properly.</p>"
        for n in range(6)
    )
    row = "".join(f"<td>Lock {n}, {n * 3} boats</td>" for n in range(6))
    article = _clean_text(
        "wide.html",
        f"<html><head><title>Wide</title></head><body><article><h1>Wide</h1>{body}"
        f"<table><tr>{row}</tr><tr>{row}</tr></table>"
        "<ol reversed><li>Third place</li><li>Second place</li><li>First place</li></ol>"
        "</article></body></html>",
    )
    assert block_xhtml(_one(article, Table)).startswith('<table class="table-wide">')
    countdown = _one(article, ListBlock)
    assert countdown.reversed and countdown.start == 3
    assert block_xhtml(countdown).startswith('<ol start="3" reversed="reversed">')


def test_a_numbered_list_in_a_text_dump_keeps_its_first_number() -> None:
    from anthology.clean.text import clean_text

    text = (
        "The lock\n\nThe keeper counts every boat through the lock and writes the number in a "
        "ledger each evening.\n\n3. Close the bottom gates.\n4. Open the top paddles.\n\n"
        "That is how the passage ends, and the keeper goes back to the ledger.\n"
    )
    page = Page(
        path=PAGE.parent / "t.txt", name="t.txt", shown="sources/t.txt", kind="text", text=text
    )
    article = clean_text(page, default_rules())
    steps = _one(article, ListBlock)
    assert steps.ordered and steps.start == 3 and steps.items[0] == "Close the bottom gates."


def test_a_list_whose_items_carry_their_numbers_is_numbered_by_the_book() -> None:
    body = "".join(
        f"<p>Paragraph {n} of the article says something long enough to be kept as the "
        f"article's own text, with a sentence that ends properly.</p>"
        for n in range(6)
    )
    items = "".join(
        f"<li><strong>{n}.</strong>The {word} goes through the lock.</li>"
        for n, word in ((4, "fish"), (5, "boat"), (6, "barge"))
    )
    figures = "<ul><li>3.5 million boats a year</li><li>4.5 million people</li></ul>"
    article = _clean_text(
        "numbers.html",
        f"<html><head><title>Numbers</title></head><body><article><h1>Numbers</h1>{body}"
        f"<ul>{items}</ul>{figures}</article></body></html>",
    )
    steps, amounts = [b for b in article.body if isinstance(b, ListBlock)]
    assert steps.ordered and steps.start == 4
    assert steps.items[0] == "The fish goes through the lock."
    assert not amounts.ordered and amounts.items[0] == "3.5 million boats a year"
