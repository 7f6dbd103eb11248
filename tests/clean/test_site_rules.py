"""Site rules as data, and boilerplate learned across the pages of one site."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from anthology.build import prepare
from anthology.clean.html import clean_html
from anthology.clean.repeated import drop_repeated_across
from anthology.clean.rules import edition_rules
from anthology.config.edition import Edition
from anthology.core.errors import ConfigError
from anthology.core.model import Article, Paragraph, Quote
from anthology.core.text import strip_tags
from anthology.sources import read_page
from tests.paths import FIXTURES

PAGES = FIXTURES / "html" / "sources"


def _edition(tmp_path: Path, rule: str | None) -> Edition:
    sources = tmp_path / "sources"
    (sources / "sites").mkdir(parents=True)
    shutil.copy(PAGES / "news-article.html", sources / "news-article.html")
    if rule is not None:
        (sources / "sites" / "harbourgazette.example.toml").write_text(rule, encoding="utf-8")
    return Edition(root=tmp_path, title="t")


def _text(article: Article) -> str:
    return "\n".join(strip_tags(b.html) for b in article.body if isinstance(b, Paragraph))


def test_a_site_rule_drops_keeps_and_finds_metadata(tmp_path: Path) -> None:
    edition = _edition(
        tmp_path,
        'why = "The Gazette prints its council-leader quotes as pull quotes and hides the date"\n'
        "drop = [\"p:-soup-contains('Councillors voted')\"]\n"
        'phrases = ["no homes will be demolished"]\n'
        'byline = "p.byline a"\n',
    )
    rules = edition_rules(edition.sources)
    article = clean_html(read_page(edition.sources / "news-article.html", edition), rules)
    text = _text(article)
    assert "Councillors voted" not in text
    assert "no homes will be demolished" not in text
    assert "The 6.4km line will run" in text
    assert article.byline == "Priya Natarajan"
    reasons = [d.reason for d in article.dropped if d.reason.startswith("site rule")]
    assert len(reasons) == 2
    assert all("harbourgazette.example: The Gazette prints" in r for r in reasons)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ('drop = ["nav"]\n', 'a site rule needs a "why"'),
        ('why = "x"\ncolour = "red"\n', 'unknown key "colour"'),
        ('why = "x"\ndrop = ["div[["]\n', "bad CSS selector 'div[['"),
        ('why = "x"\ndrop = "nav"\n', '"drop" must be a list of CSS selectors'),
    ],
)
def test_bad_site_rules_are_one_line_errors(tmp_path: Path, rule: str, message: str) -> None:
    edition = _edition(tmp_path, rule)
    with pytest.raises(ConfigError) as error:
        edition_rules(edition.sources)
    assert error.value.message.startswith("sources/sites/harbourgazette.example.toml: ")
    assert message in error.value.message


def _article(name: str, *paragraphs: str, quote: str = "") -> Article:
    body = [Paragraph(p) for p in paragraphs]
    if quote:
        body.append(Quote((quote,)))
    return Article(source=name, title=name, body=tuple(body), publication="The Weekly Worker")


PROSE = "The dockers met at dawn and voted to stay out until the bosses gave way on pay."


def test_paragraphs_shared_by_pages_of_one_site_are_dropped() -> None:
    appeal = "Donate to the Weekly Worker fighting fund today."
    speech = "“All power to the soviets!”"
    articles = {
        "a.txt": _article("a.txt", PROSE, appeal, quote=speech),
        "b.txt": _article("b.txt", PROSE.replace("dawn", "noon"), appeal, quote=speech),
        "c.txt": Article(
            source="c.txt", title="c", body=(Paragraph(appeal),), publication="Another Paper"
        ),
    }
    cleaned = drop_repeated_across(articles)
    for name in ("a.txt", "b.txt"):
        assert appeal not in _text(cleaned[name])
        assert any(isinstance(b, Quote) for b in cleaned[name].body)  # quotations stay
        assert any(
            d.reason == "repeated on 2 pages from the weekly worker" for d in cleaned[name].dropped
        )
    assert cleaned["c.txt"] == articles["c.txt"]  # one page of its site: nothing to learn


def test_the_default_edition_loses_nothing_across_pages() -> None:
    from tests.paths import ROOT

    _, book = prepare(ROOT)
    assert sum(c.article.word_count for c in book.chapters) == 10987
