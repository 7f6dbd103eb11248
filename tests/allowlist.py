"""The body's allowlist, as the tests check it: model blocks, allowed inline XHTML, safe links."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from anthology.core.model import (
    Article,
    Code,
    DefinitionList,
    Figure,
    Heading,
    ListBlock,
    Math,
    Paragraph,
    Quote,
    Table,
    block_fragments,
)

ALLOWED_INLINE = {
    "em",
    "strong",
    "a",
    "abbr",
    "q",
    "sup",
    "sub",
    "br",
    "code",
    "kbd",
    "samp",
    "var",
}
MATHML = "{http://www.w3.org/1998/Math/MathML}"
BLOCKS = Paragraph | Heading | Quote | ListBlock | Figure | Code | Table | DefinitionList | Math
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def inline_fragments(article: Article) -> list[str]:
    """Every inline XHTML fragment of the body, in order."""
    return [fragment for block in article.body for fragment in block_fragments(block)]


def assert_allowlisted(article: Article) -> None:
    """Only model blocks; inline XHTML well formed, with allowed elements and safe links only."""
    for block in article.body:
        assert isinstance(block, BLOCKS)
        if isinstance(block, Heading):
            assert 2 <= block.level <= 4
        if isinstance(block, Figure):
            assert not re.match(r"^([a-z]+:|/|\\)", block.src, re.I)
            assert ".." not in Path(block.src).parts
    for fragment in inline_fragments(article):
        if not fragment:
            continue
        root = etree.fromstring(f"<x>{fragment}</x>".encode(), _PARSER)
        for element in root.iter():
            if element is root:
                continue
            if element.tag.startswith(MATHML):
                # A formula within a line: MathML, never a link, a source or a handler.
                assert not any(
                    name.startswith(("on", "{")) or name in ("href", "src")
                    for name in map(str.lower, element.attrib)
                ), fragment
                continue
            assert element.tag in ALLOWED_INLINE, fragment
            if element.tag == "a":
                assert set(element.attrib) == {"href"}, fragment
                assert re.match(r"^(https?://|mailto:)", element.attrib["href"], re.I), fragment
            else:
                assert not element.attrib, fragment
