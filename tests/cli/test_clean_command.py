"""compile clean: a quick look at cleaned pages, files per page, and the explain report."""

from __future__ import annotations

import gzip
import json
import tomllib
from pathlib import Path

from click.testing import CliRunner

from anthology.cli import main
from tests.paths import FIXTURES, SOURCES

HTML = FIXTURES / "html" / "sources"


def test_text_markdown_and_xhtml(tmp_path: Path) -> None:
    page = str(SOURCES / "what-do-we-mean-by-socialism.txt")
    text = CliRunner().invoke(main, ["clean", page]).output
    assert text.startswith("title: What do we mean by socialism? October 1917\nbyline: Janine\n")
    assert "uses cookies" not in text
    markdown = CliRunner().invoke(main, ["clean", "--format", "markdown", page]).output
    front = markdown.split("---")[1]
    assert tomllib.loads(front.replace(": ", " = "))["date"] == "2003-04-15"
    assert "\n# What do we mean by socialism? October 1917\n" in markdown
    xhtml = CliRunner().invoke(main, ["clean", "-f", "xhtml", str(HTML / "blog-post.html")])
    assert "<ol><li>Mix the flour" in xhtml.output and xhtml.output.startswith("<?xml")


def test_body_only_files_per_page_including_gzip(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "42.html.gz").write_bytes(gzip.compress((HTML / "news-article.html").read_bytes()))
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "clean",
            "--body-only",
            "--format",
            "text",
            "--output-dir",
            str(out),
            str(pages / "42.html.gz"),
        ],
    )
    assert result.exit_code == 0, result.output
    body = (out / "42.txt").read_text(encoding="utf-8")
    assert body.startswith("The city council has approved the long-delayed eastern extension")
    assert "\n\nCouncillors voted 31 to 9" in body
    assert "title:" not in body


def test_explain_report_and_bad_pages(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    result = CliRunner().invoke(
        main,
        [
            "clean",
            "-o",
            str(tmp_path / "o"),
            "--explain",
            str(report),
            str(HTML / "blog-post.html"),
            str(HTML / "listing-home.html"),
        ],
    )
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert errors == [
        "Error: sources/listing-home.html: not an article: only lists of links and headlines "
        "(a listing or home page)"
    ]
    html = report.read_text(encoding="utf-8")
    assert "Dropped, and why" in html and "furniture by class or id (area comments)" in html
    assert "14 thoughts on" in html  # the dropped comments are shown, struck through
    assert "not an article" in html


def test_json_one_object_a_line_refused_pages_too() -> None:
    result = CliRunner().invoke(
        main,
        [
            "clean",
            "--format",
            "json",
            str(HTML / "news-article.html"),
            str(HTML / "not-found.html"),
        ],
    )
    assert result.exit_code == 1  # a refused page fails the command, as in every format
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 2
    article, refused = (json.loads(line) for line in lines)
    assert article["title"] == "Council approves new tram line after decade of delays"
    assert article["byline"] == "Priya Natarajan"
    assert article["date"] == "2023-05-17"
    assert (article["language"], article["direction"]) == ("en-GB", "ltr")
    assert article["url"] == "https://www.harbourgazette.example/news/2023/05/tram-line-approved"
    assert article["publication"] == "The Harbour Gazette"
    assert article["standfirst"].startswith("Councillors voted 31 to 9")
    assert article["page_type"] == "article"
    assert article["body"].startswith("The city council has approved the long-delayed")
    assert article["kept"]["words"] == len(article["body"].split())
    assert article["kept"]["blocks"] > 0 and article["dropped"]["blocks"] > 0
    assert "uses cookies" not in article["body"]
    assert refused["source"].endswith("not-found.html")
    assert refused["refused"].startswith("not an article")
    assert set(refused) == {"source", "refused"}


def test_json_direction_follows_the_language() -> None:
    from anthology.clean.formats import direction
    from anthology.core.model import Article, Paragraph

    def article(language: str, text: str = "words") -> Article:
        return Article(source="a", title="t", body=(Paragraph(text),), language=language)

    assert direction(article("ar")) == "rtl"
    assert direction(article("he-IL")) == "rtl"
    assert direction(article("en")) == "ltr"
    assert direction(article("", "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd")) == "rtl"


def test_text_keeps_a_line_break_between_the_words_it_separates(tmp_path: Path) -> None:
    page = tmp_path / "calendar.html"
    lines = [
        f"Round {n}: the {n}th of March at the northern circuit, weather permitting"
        for n in range(1, 9)
    ]
    page.write_text(
        "<html><head><title>Calendar</title></head><body><article><h1>Calendar</h1>"
        f"<p>{'<br>'.join(lines)}</p><p>The calendar may change, as it often does, without "
        "notice from the organisers, who publish it every January.</p></article></body></html>",
        encoding="utf-8",
    )
    text = CliRunner().invoke(main, ["clean", "--body-only", "-f", "text", str(page)]).output
    assert "permitting\nRound 2:" in text
    assert "permittingRound" not in text
