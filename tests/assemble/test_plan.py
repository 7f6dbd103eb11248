"""compile plan: a folder of pages on three subjects becomes three named parts, kept when
planned again; near-duplicates are set aside; a build without parts uses the plan."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from anthology.build import clean_edition, prepare
from anthology.cli import main
from anthology.config.book import load_edition
from anthology.plan import find_duplicates, plan
from anthology.plan.draft import draft
from tests.paths import FIXTURES

THEMED = FIXTURES / "themed"
BEES = {"hive-inspection.html", "varroa-mites.html", "first-honey-harvest.html"}
BREAD = {"sourdough-starter.html", "shaping-loaves.html", "baking-in-dutch-oven.html"}
STARS = {"choosing-telescope.html", "observing-planets.html", "dark-sky-sites.html"}
LATE = "swarm-control.html"  # a fourth page on bees, added after the first plan
# Words of each subject a name may use: the subject's own words, as its pages write them.
NAMES = {
    "bees": ("bee", "hive", "honey", "colony", "brood", "beekeep"),
    "bread": ("bread", "sourdough", "dough", "loaf", "flour", "baking"),
    "stars": ("telescope", "star", "observ", "planet", "sky", "astronom"),
}


@pytest.fixture
def themed(tmp_path: Path) -> Path:
    """An edition of nine pages on bees, bread and stars, with no book.toml."""
    root = tmp_path / "themed-reader"
    (root / "sources").mkdir(parents=True)
    for page in sorted(BEES | BREAD | STARS):
        shutil.copy(THEMED / page, root / "sources" / page)
    return root


def _articles(root: Path):
    return list(clean_edition(root)[1].values())


def _subject(sources) -> str:
    sources = set(sources)
    for subject, pages in (("bees", BEES), ("bread", BREAD), ("stars", STARS)):
        if sources <= pages | {LATE}:
            return subject
    raise AssertionError(f"a part mixes subjects: {sorted(sources)}")


def test_groups_pages_by_subject_and_names_each_part(themed):
    result = plan(_articles(themed))
    assert sorted(map(sorted, (p.sources for p in result.parts))) == sorted(
        map(sorted, [BEES, STARS, BREAD])
    )
    for part in result.parts:
        title = part.title
        assert any(w in title.lower() for w in NAMES[_subject(part.sources)]), title
        assert len(title.split()) <= 4
        assert all(w[:1].isupper() for w in title.split() if w != "and"), title
        assert part.terms, "each part says why its articles go together"


def test_chapters_within_a_part_by_date(themed):
    articles = {a.source: a for a in _articles(themed)}
    for part in plan(list(articles.values())).parts:
        dates = [articles[s].date for s in part.sources]
        assert dates == sorted(dates)


def test_same_pages_same_plan_in_any_order(themed):
    articles = _articles(themed)
    assert plan(articles) == plan(list(reversed(articles)))


def test_a_handful_of_articles_is_one_part(themed):
    articles = [a for a in _articles(themed) if a.source in BEES | {"choosing-telescope.html"}]
    result = plan(articles)
    assert len(result.parts) == 1
    assert set(result.parts[0].sources) == BEES | {"choosing-telescope.html"}


def test_near_duplicate_left_out_and_named(themed):
    original = (themed / "sources" / "hive-inspection.html").read_text(encoding="utf-8")
    # The same article saved again from another site, its last paragraph cut.
    copy = re.sub(r"<p>Beekeepers keep a notebook.*?</p>", "", original, flags=re.S)
    (themed / "sources" / "hive-inspection-syndicated.html").write_text(copy, encoding="utf-8")
    articles = _articles(themed)
    duplicates = find_duplicates(articles)
    assert [(d.source, d.kept) for d in duplicates] == [
        ("hive-inspection-syndicated.html", "hive-inspection.html")
    ]
    assert "longer" in duplicates[0].reason
    result = plan(articles)
    assert "hive-inspection-syndicated.html" not in result.sources
    assert result.duplicates == duplicates


def test_different_articles_on_one_subject_are_not_duplicates(themed):
    assert find_duplicates(_articles(themed)) == ()


def test_compile_plan_print_writes_nothing(themed):
    out = CliRunner().invoke(main, ["plan", "--print", "-p", str(themed)])
    assert out.exit_code == 0, out.output
    assert out.output.count("Part ") == 3
    assert "hive-inspection.html" in out.output
    assert not (themed / "sources" / "book.toml").exists()


def test_plan_then_replan_keeps_edits_and_places_the_new_page(themed):
    runner = CliRunner()
    out = runner.invoke(main, ["plan", "-p", str(themed)])
    assert out.exit_code == 0, out.output
    path = themed / "sources" / "book.toml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#") and "# Why together:" in text
    data = tomllib.loads(text)
    assert len(data["parts"]) == 3
    assert load_edition(themed).parts  # the draft is a valid book.toml

    # The editor renames the bees part, adds an intro and a comment, and moves it last.
    bees = next(p for p in data["parts"] if _subject(p["articles"]) == "bees")
    edited = text.replace(
        f'title = "{bees["title"]}"',
        'title = "Keeping Bees"  # my title\nintro = "Hives through the year."',
    )
    edited = "# Notes of the editor\n" + edited
    path.write_text(edited, encoding="utf-8")
    shutil.copy(THEMED / LATE, themed / "sources" / LATE)

    out = runner.invoke(main, ["plan", "-p", str(themed)])
    assert out.exit_code == 0, out.output
    again = path.read_text(encoding="utf-8")
    assert again.startswith("# Notes of the editor\n")
    assert 'title = "Keeping Bees"  # my title' in again
    assert 'intro = "Hives through the year."' in again
    parts = tomllib.loads(again)["parts"]
    keeping = next(p for p in parts if p["title"] == "Keeping Bees")
    assert set(keeping["articles"]) == BEES | {LATE}
    # Nothing else moved: the old text is all still there, in order.
    assert [line for line in again.splitlines() if LATE not in line] == edited.splitlines()

    out = runner.invoke(main, ["plan", "-p", str(themed)])
    assert "up to date" in out.output
    assert path.read_text(encoding="utf-8") == again


def test_draft_into_a_book_toml_without_parts_keeps_its_settings(themed):
    articles = _articles(themed)
    existing = '# mine\ntitle = "Field Notes"\neditor = "Me"\n'
    text = draft(plan(articles), articles, "ignored", existing)
    assert text.startswith(existing)
    data = tomllib.loads(text)
    assert data["title"] == "Field Notes" and len(data["parts"]) == 3


def test_build_without_parts_uses_the_plan(themed):
    lines: list[str] = []
    edition, book = prepare(themed, lines.append)
    assert len(book.parts) == 3
    assert {_subject(c.article.source for c in p.chapters) for p in book.parts} == {
        "bees",
        "bread",
        "stars",
    }
    assert any(line.startswith("plan: 3 parts by theme") for line in lines)


def test_build_warns_about_a_near_duplicate_and_keeps_both(themed):
    source = themed / "sources" / "varroa-mites.html"
    shutil.copy(source, themed / "sources" / "varroa-mites-copy.html")
    notes: list = []
    _, book = prepare(themed, notes=notes)
    assert [n.code for n in notes] == ["plan-001"]
    assert "both are in the book" in notes[0].message
    order = [c.article.source for c in book.chapters]
    copy = notes[0].file.removeprefix("sources/")
    kept = ({"varroa-mites.html", "varroa-mites-copy.html"} - {copy}).pop()
    assert order.index(copy) == order.index(kept) + 1  # the copy follows the article it copies


def test_an_edition_whose_book_toml_has_parts_is_not_planned(edition):
    lines: list[str] = []
    prepare(edition, lines.append)
    assert not any(line.startswith("plan:") for line in lines)


@pytest.mark.slow
def test_themed_edition_builds_after_plan_and_replan(themed, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["plan", "-p", str(themed)]).exit_code == 0
    shutil.copy(THEMED / LATE, themed / "sources" / LATE)
    assert runner.invoke(main, ["plan", "-p", str(themed)]).exit_code == 0
    out = runner.invoke(main, ["epub", "-p", str(themed)])
    assert out.exit_code == 0, out.output
    from anthology.build import run

    result = run(themed, targets=("epub",), output=tmp_path / "book.epub")
    assert len(result.book.parts) == 3
    assert len(result.book.chapters) == 10


def test_part_names_are_made_of_nouns_not_verbs_or_adjectives():
    from anthology.plan.text import roles, stopwords

    texts = [
        "We reduce waste at home. To reduce the waste, you can reduce plastic. The waste piles "
        "up, and wastes cost money. Financial advice helps; a financial plan and financial "
        "goals help more. Finance is a habit."
    ]
    found = roles(texts, stopwords())
    assert found.names_a_thing("waste") and found.names_a_thing("finance")
    assert not found.names_a_thing("reduce")  # a verb: "to reduce", "can reduce"
    assert not found.names_a_thing("financial")  # describes the next word, every time
