"""styles/README.md documents every class the templates emit."""

from __future__ import annotations

import re

from .conftest import ROOT

TEMPLATES = ROOT / "src" / "anthology" / "render" / "templates"


def _emitted_classes() -> set[str]:
    classes = set()
    for template in TEMPLATES.iterdir():
        for value in re.findall(r'class="([^"{]+)"', template.read_text(encoding="utf-8")):
            classes.update(value.split())
    return classes


def test_every_emitted_class_is_documented() -> None:
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", (ROOT / "styles" / "README.md").read_text(
        encoding="utf-8"), re.M))
    emitted = _emitted_classes()
    assert emitted, "no classes found in the templates"
    assert emitted - documented == set(), "classes missing from styles/README.md"
    assert documented - emitted - {"nav"} == set(), "documented classes no template emits"
