"""The cache of cleaned articles and parallel cleaning: faster, never different."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from anthology.build import prepare, run
from anthology.cache import ArticleCache
from anthology.clean import clean
from anthology.config.book import load_edition
from anthology.core.errors import SourceError
from anthology.sources import discover, read_page
from tests.paths import FIXTURES, ROOT


def _articles(root: Path):
    edition = load_edition(root)
    found = []
    for path in discover(edition):
        try:
            found.append(clean(read_page(path, edition)))
        except SourceError:
            continue  # the fixtures include pages that are not articles
    return found


def test_articles_survive_the_cache_unchanged(tmp_path: Path) -> None:
    store = ArticleCache(tmp_path, "fingerprint")
    html = tmp_path / "html"
    shutil.copytree(FIXTURES / "html" / "sources", html / "sources")
    for article in [*_articles(ROOT), *_articles(html)]:
        key = store.key(article.source, article.title.encode())
        store.put(key, article)
        assert store.get(key, article.source) == article


def test_damaged_or_foreign_entries_are_not_trusted(tmp_path: Path) -> None:
    store = ArticleCache(tmp_path, "fingerprint")
    article = _articles(ROOT)[0]
    key = store.key(article.source, b"page")
    store.put(key, article)
    path = tmp_path / f"{key}.json"
    assert store.get(key, "another-page.txt") is None  # an entry is for one page only
    record = json.loads(path.read_text(encoding="utf-8"))
    record["article"]["title"] = "Changed behind our back"
    path.write_text(json.dumps(record), encoding="utf-8")
    assert store.get(key, article.source) is None  # the checksum no longer matches
    path.write_text('{"format": 1, "sha256": "x", "article": [', encoding="utf-8")
    assert store.get(key, article.source) is None
    record["article"] = {"type": "Article", "source": article.source}
    path.write_text(json.dumps(record), encoding="utf-8")
    assert store.get(key, article.source) is None
    assert store.key(article.source, b"page") != ArticleCache(tmp_path, "other").key(
        article.source, b"page"
    )


def test_a_rebuild_cleans_only_the_page_that_changed(edition: Path) -> None:
    lines: list[str] = []
    prepare(edition, lines.append)
    assert lines[0] == "load: 5 pages from sources/"
    page = edition / "sources" / "what-do-we-mean-by-socialism.txt"
    page.write_text(page.read_text(encoding="utf-8").replace("We want", "We wish"))
    lines.clear()
    _, book = prepare(edition, lines.append)
    assert lines[0] == "load: 5 pages from sources/ (4 unchanged since the last build)"
    assert any("We wish" in str(c.article.body) for c in book.chapters)
    entries = list((edition / "build" / ".cache" / "articles").glob("*.json"))
    assert len(entries) == 5  # the old version of the changed page is gone


@pytest.mark.slow
def test_cached_and_parallel_builds_equal_a_cold_serial_build(
    edition: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    cold = run(edition, targets=("epub",), output=tmp_path / "cold", jobs=1)
    assert list((edition / "build" / ".cache" / "articles").glob("*.json"))
    warm = run(edition, targets=("epub",), output=tmp_path / "warm", jobs=1)
    shutil.rmtree(edition / "build" / ".cache")
    parallel = run(edition, targets=("epub",), output=tmp_path / "parallel", jobs=2)
    expected = cold.outputs["epub"].read_bytes()
    assert warm.outputs["epub"].read_bytes() == expected
    assert parallel.outputs["epub"].read_bytes() == expected


def test_a_bad_page_is_reported_from_a_worker_process(edition: Path) -> None:
    (edition / "sources" / "lessons-from-history-revolution-in-russia.txt").write_bytes(
        b"\x00\x01" * 500
    )
    with pytest.raises(
        Exception,
        match=r"^sources/lessons-from-history-revolution-in-russia.txt: looks like binary",
    ):
        prepare(edition, jobs=2)
