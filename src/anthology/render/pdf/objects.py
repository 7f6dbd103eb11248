"""What joining PDF parts needs of pikepdf: the parts, their name and number trees, copies."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Pdf

from anthology.core.errors import BuildError

# Name and number trees deeper than this are taken as broken (a /Kids loop).
_MAX_TREE_DEPTH = 64
_TREE_NAMES = {"/Names": "name", "/Nums": "number"}


@dataclass
class Part:
    """One PDF being joined: where its pages went, its named destinations."""

    pdf: Pdf
    label: str  # how diagnostics and errors name the part
    start: int = 0
    count: int = 0
    pages: list[Dictionary] = field(default_factory=list)  # its copied pages
    dests: dict[str, pikepdf.Object] = field(default_factory=dict)  # copied, by name


def tree_items(node, kind: str, depth: int = 0) -> Iterator[tuple]:
    """The (key, value) pairs of a name tree (``kind="/Names"``) or number tree (``"/Nums"``)."""
    if depth > _MAX_TREE_DEPTH:
        raise BuildError(f"a {_TREE_NAMES[kind]} tree nests deeper than {_MAX_TREE_DEPTH} levels")
    pairs = node.get(kind)
    if pairs is not None:
        for i in range(0, len(pairs) - 1, 2):
            yield pairs[i], pairs[i + 1]
    for kid in node.get("/Kids", ()):
        yield from tree_items(kid, kind, depth + 1)


def as_items(value) -> list:
    """An entry that may be one item or an array of them, as a list."""
    if value is None:
        return []
    return list(value) if isinstance(value, Array) else [value]


def copy_whole(pdf: Pdf, source: Part, obj):
    """A dictionary or array from a part and all it holds, copied into ``pdf`` in one call."""
    return pdf.copy_foreign(obj if obj.is_indirect else source.pdf.make_indirect(obj))


def flat(pairs: Iterable[tuple]) -> Array:
    """The ``/Names`` or ``/Nums`` array of a one-node tree from its (key, value) pairs.

    Built at once: extending a pikepdf ``Array`` pair by pair takes time that grows with its
    length, minutes for a long book's parent tree.
    """
    return Array([item for pair in pairs for item in pair])


def copy_object(pdf: Pdf, obj):
    """``obj`` from a part, copied into ``pdf``; references to copied pages lead to the copies.

    qpdf remembers what it copied from each part, so an object reached twice is copied once.
    """
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return pdf.copy_foreign(obj)
    if isinstance(obj, Array):
        return Array([copy_object(pdf, item) for item in obj])
    if isinstance(obj, Dictionary):
        return Dictionary({key: copy_object(pdf, value) for key, value in obj.items()})
    return obj
