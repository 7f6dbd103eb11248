"""The guides in docs/ and the examples in --help stay true to the code."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from anthology.clean.rules import site_rule_from_toml
from anthology.cli import main
from tests.paths import FIXTURES, ROOT

DOCS = ROOT / "docs"


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    # Through click's own listing: the top group imports its commands only when asked.
    for name in group.list_commands(click.Context(group)):
        command = group.get_command(click.Context(group), name)
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("args", [(), *_commands(main)], ids=lambda args: " ".join(args) or "-")
def test_every_help_shows_an_example(args: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*args, "--help"])
    assert result.exit_code == 0, result.output
    assert re.search(r"^\s*Examples?:\n\s+compile ", result.output, re.M), result.output


def _blocks(path: Path, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def test_the_site_rules_in_the_guide_are_valid() -> None:
    rules = [block for block in _blocks(DOCS / "site-rules.md", "toml") if "why =" in block]
    assert len(rules) == 3
    for block in rules:
        rule = site_rule_from_toml("example.org", block, "docs/site-rules.md")
        assert rule.why


def test_compile_clean_uses_the_site_rules_beside_the_page(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    (sources / "sites").mkdir(parents=True)
    page = sources / "news-article.html"
    shutil.copy(FIXTURES / "html" / "sources" / "news-article.html", page)
    before = CliRunner().invoke(main, ["clean", "--body-only", str(page)])
    assert "Councillors voted" in before.output
    (sources / "sites" / "harbourgazette.example.toml").write_text(
        'why = "The Gazette prints its council-leader quotes as pull quotes"\n'
        "drop = [\"p:-soup-contains('Councillors voted')\"]\n"
        'byline = "p.byline a"\n',
        encoding="utf-8",
    )
    after = CliRunner().invoke(main, ["clean", "--body-only", str(page)])
    assert after.exit_code == 0, after.output
    assert "Councillors voted" not in after.output
    assert "The 6.4km line will run" in after.output


def test_the_custom_properties_in_the_guide_are_the_default_looks() -> None:
    guide = (DOCS / "stylesheets.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(--[a-z-]+)` \|", guide, re.M))
    base = (ROOT / "styles" / "base.css").read_text(encoding="utf-8")
    root = re.search(r":root\s*\{([^}]*)\}", base).group(1)
    assert documented == set(re.findall(r"(--[a-z-]+)\s*:", root))


def test_the_readme_pictures_exist_and_are_small() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", readme)
    assert pictures == ["docs/images/pdf-spread.png", "docs/images/epub-page.png"]
    for picture in pictures:
        assert (ROOT / picture).stat().st_size < 200 * 1024
