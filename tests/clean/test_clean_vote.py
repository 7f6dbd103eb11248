"""The block vote (clean/html/vote.py) and the doubtful-loss warning (clean-010)."""

from __future__ import annotations

from lxml import etree

from anthology.clean import doubtful_loss
from anthology.clean.html import vote
from anthology.core.model import Article, Paragraph


def test_blocks_keep_inline_text_in_reading_order() -> None:
    body = etree.HTML(
        "<html><body><div>One <a href='/x'>two <b>three</b></a> four<p>Five six.</p>"
        "seven</div><script>no</script></body></html>"
    ).find("body")
    blocks = vote.blocks_of(body)
    assert [b.text for b in blocks] == ["One two three four seven", "Five six."]
    assert blocks[0].links == len("two three")


def test_the_shipped_model_reads_the_features_it_was_trained_on() -> None:
    model = vote.default_model()
    assert model is not None
    row = [0.0] * len(vote.FEATURES)
    assert 0.0 <= model.probability(row) <= 1.0


def test_all_blocks_at_once_score_exactly_as_one_by_one() -> None:
    model = vote.default_model()
    assert model is not None
    width = len(vote.FEATURES)
    rows = [[((i * 7 + j * 13) % 17) / 8 - 0.5 for j in range(width)] for i in range(40)]
    rows += [[0.0] * width, [1.0] * width]
    assert model.probabilities(rows) == [model.probability(row) for row in rows]
    assert model.probabilities([]) == []


def test_a_score_past_what_exp_can_take_is_a_sure_answer() -> None:
    # one tree whose leaves are far out, as a model trained on few pages can have
    leaf = {"feature": [0, -2, -2], "threshold": [0.5, -2.0, -2.0], "left": [1, -1, -1]}
    tree = leaf | {"right": [2, -1, -1], "value": [0.0, -900.0, 900.0]}
    model = vote.Model({"features": list(vote.FEATURES), "bias": 0.0, "rate": 1.0, "trees": [tree]})
    rows = [_row(ours=0.0), _row(ours=1.0)]
    assert model.probabilities(rows) == [model.probability(r) for r in rows]
    assert model.probability(rows[0]) < 1e-200 and model.probability(rows[1]) == 1.0


def _row(**values: float) -> list[float]:
    row = [0.0] * len(vote.FEATURES)
    for name, value in values.items():
        row[vote.FEATURES.index(name)] = value
    return row


def test_a_heading_both_voters_chose_goes_with_the_section_it_heads() -> None:
    heading = _row(ours=1, theirs=1, tag_h=1)
    text = _row(ours=1, theirs=1, tag_p=1)
    rows = [heading, heading, text, heading, text, heading, text]
    kept = [False, False, True, False, False, True, True]
    # the two headings before kept text are kept; the one over a dropped section is not
    assert vote.with_headings(rows, kept) == [True, True, True, False, False, True, True]
    # a heading one voter alone chose is left to the classifier
    alone = _row(ours=1, theirs=0, tag_h=1)
    assert vote.with_headings([alone, text], [False, True]) == [False, True]


def _article(kept_words: int, prose_words: int) -> Article:
    body = (Paragraph(" ".join(["word"] * kept_words)),)
    return Article(source="a.html", title="A", body=body, page_prose_words=prose_words)


def test_an_article_much_shorter_than_its_page_prose_is_a_warning() -> None:
    warning = doubtful_loss(_article(200, 1_000), "sources/a.html")
    assert warning is not None and warning.code == "clean-010"
    assert warning.file == "sources/a.html"
    assert "kept 200 words of the page's 1,000 words of prose" in warning.message


def test_no_warning_when_most_prose_is_kept_or_the_page_is_short() -> None:
    assert doubtful_loss(_article(600, 1_000), "sources/a.html") is None
    assert doubtful_loss(_article(10, 200), "sources/a.html") is None
    assert doubtful_loss(_article(10, 0), "sources/a.html") is None


def _ballot_page(article_paragraphs: int, other_paragraphs: int):
    prose = "A sentence of the article that carries on for a while, as prose does, to its end. "
    html = (
        "<html><body><div id='other'>"
        + "".join(f"<p>Other {i}. {prose}</p>" for i in range(other_paragraphs))
        + "</div><article>"
        + "".join(f"<p>Part {i}. {prose}</p>" for i in range(article_paragraphs))
        + "</article></body></html>"
    )
    body = etree.HTML(html).find("body")
    return vote.Ballot(body), body.find("article")


def test_the_other_voter_is_asked_only_when_our_choice_is_a_small_part_of_the_page(
    monkeypatch,
) -> None:
    model = vote.default_model()
    assert model is not None and model.sure_share < 1
    asked: list[str] = []
    monkeypatch.setattr(vote, "theirs", lambda text, fast=False: asked.append(text) or "")
    ballot, chosen = _ballot_page(8, 1)  # our scorer's choice holds most of the page's text
    outcome = ballot.count("page one", [chosen], model)
    assert asked == []
    assert outcome is not None and "Part 7." in outcome.kept_text
    ballot, chosen = _ballot_page(1, 8)
    ballot.count("page two", [chosen], model)
    assert asked == ["page two"]
