"""styles/README.md documents every class the templates (and the glossary stage) emit."""

from __future__ import annotations

import re

from tests.paths import ROOT

TEMPLATES = ROOT / "src" / "anthology" / "render" / "templates"


def _emitted_classes() -> set[str]:
    classes = set()
    emitters = [
        *TEMPLATES.iterdir(),
        ROOT / "src" / "anthology" / "glossary.py",
        ROOT / "src" / "anthology" / "render" / "documents.py",
        ROOT / "src" / "anthology" / "render" / "printing.py",
        ROOT / "src" / "anthology" / "core" / "model.py",
    ]
    for template in emitters:
        text = template.read_text(encoding="utf-8")
        if template.suffix == ".py":
            text = re.sub(r"\{[a-z_.]+\}", "", text)  # an f-string's value: class="language-"
        for value in re.findall(r'class="([^"]+)"', re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", text)):
            classes.update(value.split())
    return classes


def test_every_emitted_class_is_documented() -> None:
    documented = set(
        re.findall(
            r"^\| `([a-z-]+)` \|", (ROOT / "styles" / "README.md").read_text(encoding="utf-8"), re.M
        )
    )
    emitted = _emitted_classes()
    readme = (ROOT / "styles" / "README.md").read_text(encoding="utf-8")
    prefixes = {c for c in emitted if c.endswith("-")}  # class="category-{{ … }}"
    assert all(f"`{p}" in readme for p in prefixes)
    emitted -= prefixes
    assert emitted, "no classes found in the templates"
    assert emitted - documented == set(), "classes missing from styles/README.md"
    assert documented - emitted - {"nav"} == set(), "documented classes no template emits"


def test_epub_stylesheets_carry_plain_values_for_old_reading_engines() -> None:
    from anthology.render.styles import resolve_variables, style_layers

    base = ":root { --face: Georgia, serif; --ink: var(--accent); --accent: #123; }\n"
    look = ":root { --accent: #456; } /* :root { --accent: red; } */\n"
    rules = "h1 { font-family: var(--face); color: var(--ink); border: var(--none, 1px solid) }"
    resolved = resolve_variables([base, look, rules])
    assert resolved[2] == "h1 { font-family: Georgia, serif; color: #456; border: 1px solid }"
    for look_name in ("", "modern", "study-pack"):
        texts = [s.text for s in style_layers(ROOT, "epub", look_name)]
        for text in resolve_variables(texts):
            body = re.sub(r":root\s*\{[^}]*\}", "", text)
            assert "var(" not in body, look_name
