"""Is it an article? Real pages of each kind, the packaged model, and pages it does not judge."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from anthology.clean import pagetype
from anthology.clean.html import clean_html
from anthology.clean.rules import default_rules
from anthology.core.errors import SourceError
from anthology.sources import Page, decode, read_page
from tests.pages import EDITION, EXPECTED, HTML
from tests.paths import BENCHMARKS

WCXB = BENCHMARKS / "wcxb-dev"

# Pages of the broad development set (see its truth.jsonl for each page's type and site).
REFUSED = {
    "0581": "a product page",
    "0580": "a product page",
    "0172": "a forum thread",
    "0513": "a forum thread",
    "0264": "a list of links and headlines",
    "1371": "a list of links and headlines",
    "0632": "a collection of items",
    "0633": "a collection of items",
    "0117": "a company or service page",
    "0168": "a company or service page",
}
KEPT = ["0001", "0002", "0003", "0239", "0349", "0423"]  # articles, then documentation


def _bench_page(page_id: str) -> Page:
    path = WCXB / "pages" / f"{page_id}.html.gz"
    if not path.exists():
        pytest.skip("the wcxb-dev benchmark is not here")
    text = decode(gzip.decompress(path.read_bytes()), "html") or ""
    name = f"{page_id}.html"
    return Page(
        path=Path("sources") / name, name=name, shown=f"sources/{name}", kind="html", text=text
    )


@pytest.mark.parametrize("page_id", sorted(REFUSED))
def test_a_non_article_is_refused_with_its_kind(page_id: str) -> None:
    with pytest.raises(SourceError, match=f"not an article: {REFUSED[page_id]}"):
        clean_html(_bench_page(page_id), default_rules())


@pytest.mark.parametrize("page_id", KEPT)
def test_articles_and_documentation_are_kept(page_id: str) -> None:
    assert clean_html(_bench_page(page_id), default_rules()).body


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if "error" not in e))
def test_the_fixture_articles_are_kept(name: str) -> None:
    assert clean_html(read_page(HTML / "sources" / name, EDITION), default_rules()).body


def test_the_model_loads_and_names_its_inputs() -> None:
    model = pagetype.model()
    assert model["version"] == 2
    assert model["classes"][0] == pagetype.ARTICLE
    assert set(model["classes"][1:]) == set(pagetype.REASONS)
    assert set(model["kinds"]["classes"]) == set(pagetype.REASONS)
    assert len(model["kinds"]["trees"]) == len(model["kinds"]["classes"])
    assert len(model["kinds"]["bias"]) == len(model["kinds"]["classes"])
    assert model["decision"]["trees"]
    assert 0.5 < model["threshold"] <= 1.0
    words = model["words"]
    assert len(words["weights"]) == len(words["bias"]) == len(words["classes"])
    assert {f"words_{c}" for c in words["classes"]} <= set(model["features"])


def test_inference_is_deterministic() -> None:
    page = _bench_page("0580")
    from lxml import html as lxml_html

    root = lxml_html.document_fromstring(page.text)
    features = pagetype.kept_features(pagetype.page_features(root, "https://example.com/p/1"), [])
    first = pagetype.classify(features)
    assert first == pagetype.classify(dict(features))
    assert 0.0 <= first.probability <= 1.0
    assert first.probability == pagetype.not_article(features)
    assert first.refused == (first.kind != pagetype.ARTICLE)


def test_a_page_smaller_than_any_the_model_learned_from_is_not_judged() -> None:
    features = dict.fromkeys(pagetype.model()["features"], 0.0)
    features["elements"] = 5.0
    assert pagetype.classify(features) == pagetype.PageType(pagetype.ARTICLE, 0.0)


def _reads(texts: list[str]) -> dict[str, float]:
    page = dict.fromkeys(pagetype.model()["features"], 0.0)
    page["visible_chars"] = 5000.0
    return pagetype.kept_features(page, texts)


def test_kept_text_is_read_for_who_speaks_and_what_it_asks() -> None:
    service = _reads(
        [
            "We help you grow your business with our award-winning team.",
            "Contact us today",
            "Get a free quote",
        ]
    )
    story = _reads(
        [
            "The council voted on Tuesday to close the bridge while engineers inspect it, "
            "the mayor said after a meeting that ran late into the night and left many of "
            "those who had come to speak for the old crossing angry at how little time they "
            "were given.",
            "Residents said they had not been told about the closure before it was announced.",
        ]
    )
    assert service["kept_we_rate"] > story["kept_we_rate"] == 0.0
    assert service["kept_you_rate"] > story["kept_you_rate"] == 0.0
    assert service["kept_call_share"] > story["kept_call_share"] == 0.0
    assert story["kept_sentence_word_share"] == 1.0 > service["kept_sentence_word_share"]
    assert story["kept_long_blocks"] == 1


def test_kept_text_counts_prices_and_the_furniture_of_posts() -> None:
    shop = _reads(["Blue linen shirt", "$49.99", "Add to cart", "In stock"])
    thread = _reads(["alex wrote:", "Same problem here since the update.", "#12", "Reply"])
    assert shop["kept_prices"] == 1
    assert shop["kept_label_share"] == 1.0
    assert thread["kept_post_marks"] == 3
    assert _reads([])["kept_words"] == 0


def test_a_posts_time_stamp_and_its_starter_are_furniture_but_a_sentence_is_not() -> None:
    thread = _reads(
        [
            "longshot · 03/03/2026 19:44",
            "#1 2025-11-01 15:14:37",
            "Original poster",
            "13 answers",
            "We met at the station and the meeting ended at 6:49 pm.",
        ]
    )
    assert thread["kept_post_marks"] == 4


def test_the_words_of_a_pages_furniture_are_read_by_field() -> None:
    from lxml import html as lxml_html

    root = lxml_html.document_fromstring(
        "<html><head><title>Blue shirt | Shop</title><script>var a = 1;</script></head><body>"
        "<h1>Blue linen shirt</h1><a href='/cart'>View cart</a><button>Add to cart</button>"
        "<label>Size</label><input type='submit' value='Buy now'>"
        "<input type='text' placeholder='Search products'><p>Soft and light.</p></body></html>"
    )
    words = pagetype.page_words(root, "https://shop.example.com/men/shirts/blue-linen-shirt")
    assert words == [
        ("t", "Blue shirt | Shop"),
        ("h", "Blue linen shirt"),
        ("a", "View cart"),
        ("b", "Add to cart"),
        ("b", "Size"),
        ("b", "Buy now"),
        ("b", "Search products"),
        ("u", " men shirts blue linen shirt"),
    ]


def test_hashed_words_are_deterministic_and_scaled_to_length_one() -> None:
    words = [("b", "Add to cart"), ("a", "Reply"), ("a", "Reply"), ("t", "Prix 49,99 €")]
    first = pagetype.word_features(words, 1 << 12)
    assert first == pagetype.word_features(list(words), 1 << 12)
    assert all(0 <= h < 1 << 12 for h in first)
    assert abs(sum(v * v for v in first.values()) - 1.0) < 1e-9
    assert pagetype.word_features([], 1 << 12) == {}


def test_the_text_model_reads_a_shop_and_a_thread_by_their_words_alone() -> None:
    shop = pagetype.word_scores(
        [("t", "Wool Runners | Shop"), ("b", "Add to cart"), ("b", "Select size"), ("a", "$98")]
    )
    thread = pagetype.word_scores(
        [("t", "Boot loop after update - Forums"), ("a", "Reply"), ("a", "Quote"),
         ("a", "Last post"), ("h", "Re: Boot loop after update")]
    )  # fmt: skip
    assert set(shop) == {f"words_{c}" for c in pagetype.model()["words"]["classes"]}
    assert abs(sum(shop.values()) - 1.0) < 1e-9
    assert shop["words_product"] + shop["words_collection"] > 0.5 > shop["words_article"]
    assert max(thread, key=thread.__getitem__) == "words_forum"
