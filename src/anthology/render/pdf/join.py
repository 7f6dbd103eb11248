"""Separately rendered PDF parts → one PDF, tagging, bookmarks, links and page labels kept.

A long book is laid out as several WeasyPrint documents (each part starting at the right folio,
for example with ``@page :first { counter-reset: page 241 }``) and joined here. A plain page
copy (``pypdf.PdfWriter.append``, ``pikepdf``'s ``pages.extend``) keeps the pages but loses
what PDF/UA needs from the catalog: the structure tree, ``/MarkInfo``, ``/Lang``, the XMP
metadata and ``/ViewerPreferences``. ``join_parts`` copies the pages with pikepdf (qpdf), then
rebuilds those from the parts:

- one ``/StructTreeRoot`` whose ``Document`` element holds every part's top-level elements in
  order, each page's ``/StructParents`` and each annotation's ``/StructParent`` moved by the
  part's offset, one flat ``/ParentTree`` with ``/ParentTreeNextKey``, the parts' ``/RoleMap``,
  ``/ClassMap`` and ``/IDTree`` merged;
- one ``/Names /Dests`` tree with every part's named destinations (WeasyPrint writes one per
  ``id``), so that links between parts resolve (see ``part_href``);
- the parts' bookmarks in order, or an outline given by the caller;
- the parts' ``/PageLabels`` moved to their joined pages, or labels given by the caller;
- ``/Lang``, ``/MarkInfo``, ``/ViewerPreferences``, ``/Metadata``, ``/OutputIntents`` and the
  document information from the first part, and an ``/ID`` computed from the content, so that
  the same parts always give the same bytes.

Links between parts: WeasyPrint resolves ``href="#id"`` only within one document and drops a
link whose anchor is not in it (logging ``No anchor #id for internal URI reference``), leaving
no annotation to repair. A part must therefore write a link to another part's anchor as
``href=part_href("id")``: WeasyPrint keeps it as a URI link and ``join_parts`` turns it into a
link to the named destination ``id``, wherever that lies in the joined book.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, String

from anthology.core.errors import BuildError, Diagnostic
from anthology.render.pdf.objects import (
    Part,
    copy_object,
    copy_whole,
    flat,
    tree_items,
)
from anthology.render.pdf.structure import merge_structure

# The scheme of links to an anchor in another part: WeasyPrint treats an absolute URI as an
# external link and keeps it, where it would drop "#id" for an id outside the document.
CROSS_PART_SCHEME = "x-part-anchor"
_CROSS_PART_PREFIX = CROSS_PART_SCHEME + ":"
# CSS counter styles (as print.css names them) → PDF page label styles.
_LABEL_STYLES = {
    "decimal": Name.D,
    "lower-roman": Name.r,
    "upper-roman": Name.R,
    "lower-alpha": Name.a,
    "upper-alpha": Name.A,
}


@dataclass(frozen=True)
class Bookmark:
    """One outline entry of the joined PDF."""

    title: str
    level: int  # 1 for the top level, as CSS ``bookmark-level``
    page: int  # 0-based index of the page in the joined PDF
    open: bool = True  # whether the entries below it show at first


@dataclass(frozen=True)
class PageLabels:
    """A range of page labels (the folios a viewer shows), from ``start`` to the next range."""

    start: int  # 0-based index of the range's first page in the joined PDF
    style: str | None = "decimal"  # a CSS counter style in ``_LABEL_STYLES``, or None
    first: int = 1  # the number of the range's first page
    prefix: str = ""


@dataclass(frozen=True)
class JoinResult:
    """What ``join_parts`` wrote, and what the caller should know about it."""

    page_count: int
    starts: tuple[int, ...]  # 0-based index of each part's first page in the joined PDF
    diagnostics: tuple[Diagnostic, ...] = ()


@dataclass
class _Dests:
    """The joined named destinations: the first part that defines a name owns it."""

    owner: dict[str, int] = field(default_factory=dict)
    key: dict[str, pikepdf.Object] = field(default_factory=dict)  # the name as first written
    value: dict[str, pikepdf.Object] = field(default_factory=dict)


def part_href(anchor: str) -> str:
    """The ``href`` of a link to ``anchor`` when its ``id`` is in another part.

    Args:
        anchor: the target element's ``id``.

    Returns:
        A URI that WeasyPrint keeps as a link and ``join_parts`` points at the anchor.
    """
    return _CROSS_PART_PREFIX + quote(anchor, safe="")


def join_parts(
    parts: Sequence[bytes | Path],
    out: Path,
    *,
    outline: Sequence[Bookmark | tuple[str, int, int]] | None = None,
    metadata: bytes | None = None,
    page_labels: Sequence[PageLabels] | None = None,
) -> JoinResult:
    """Join PDF parts, in order, into one PDF at ``out`` (the caller makes the write atomic).

    Parts given as paths are read as the copy needs them; nothing is decoded. The same parts
    and arguments give the same bytes.

    Args:
        parts: the parts' PDF files or bytes, in reading order; all tagged or all untagged.
        out: where to write the joined PDF.
        outline: the bookmarks to write instead of the parts' own, joined in order.
        metadata: an XMP packet to use instead of the first part's ``/Metadata``.
        page_labels: the page label ranges to write instead of the parts' own, moved to their
            joined pages (a part without labels in a labelled book is numbered by position).

    Returns:
        The page count, where each part starts, and diagnostics: ``join-001`` an anchor in
        more than one part, ``join-002`` a link to an anchor that no part has, ``join-003``
        parts whose structure role or class maps or element ids disagree.

    Raises:
        BuildError: a part is not a readable PDF, or tagged and untagged parts are mixed.
    """
    if not parts:
        raise BuildError("no PDF parts to join", out)
    bookmarks = _bookmarks(outline) if outline is not None else None
    diagnostics: list[Diagnostic] = []
    with ExitStack() as stack:
        sources = [_open(part, number, stack) for number, part in enumerate(parts, 1)]
        pdf = stack.enter_context(Pdf.new())
        tagged = _tagged(sources)
        _append_pages(pdf, sources)
        dests = _merge_dests(pdf, sources, diagnostics)
        if tagged:
            merge_structure(pdf, sources, diagnostics)
        _fix_links(pdf, sources, dests, diagnostics)
        if bookmarks is not None:
            _write_outline(pdf, bookmarks)
        else:
            _merge_outlines(pdf, sources, dests)
        _write_page_labels(pdf, sources, page_labels)
        _copy_catalog(pdf, sources[0], metadata, tagged=tagged)
        _save(pdf, sources, out)
        return JoinResult(len(pdf.pages), tuple(s.start for s in sources), tuple(diagnostics))


# Reading the parts


def _open(part: bytes | Path, number: int, stack: ExitStack) -> Part:
    label = str(part) if isinstance(part, Path) else f"part {number}"
    try:
        source = pikepdf.open(io.BytesIO(part) if isinstance(part, bytes) else part)
    except (pikepdf.PdfError, OSError) as exc:
        raise BuildError(f"cannot read this PDF part ({exc})", label) from None
    return Part(stack.enter_context(source), label)


def _tagged(sources: list[Part]) -> bool:
    """Whether the parts carry structure trees (all do, or none)."""
    untagged = [s.label for s in sources if "/StructTreeRoot" not in s.pdf.Root]
    if untagged and len(untagged) < len(sources):
        raise BuildError(
            "cannot join tagged and untagged parts: this part has no structure tree",
            untagged[0],
        )
    return not untagged


# Pages and names


def _append_pages(pdf: Pdf, sources: list[Part]) -> None:
    """Copy every part's pages first, so that anything copied later leads to the copies."""
    with warnings.catch_warnings():
        # pikepdf warns that extend() leaves named destinations behind: _merge_dests takes them.
        warnings.filterwarnings("ignore", message="Copying pages from another Pdf")
        for source in sources:
            source.start, source.count = len(pdf.pages), len(source.pdf.pages)
            pdf.pages.extend(source.pdf.pages)
    pages = [page.obj for page in pdf.pages]  # iterating is fast, indexing is not
    for source in sources:
        source.pages = pages[source.start : source.start + source.count]


def _merge_dests(pdf: Pdf, sources: list[Part], diagnostics: list[Diagnostic]) -> _Dests:
    """Every part's named destinations in one table; the first part to define a name owns it."""
    dests = _Dests()
    for index, source in enumerate(sources):
        names = source.pdf.Root.get("/Names")
        tree = names.get("/Dests") if names is not None else None
        tree = copy_whole(pdf, source, tree) if tree is not None else None
        for key, value in tree_items(tree, "/Names") if tree is not None else ():
            name = str(key)
            if name in source.dests:
                continue  # WeasyPrint keeps the first of two equal ids; so does a viewer
            source.dests[name] = value
            if name not in dests.owner:
                dests.owner[name], dests.key[name] = index, key
                dests.value[name] = source.dests[name]
            else:
                owner = sources[dests.owner[name]].label
                diagnostics.append(
                    Diagnostic(
                        "join-001",
                        "warning",
                        source.label,
                        f"the anchor #{name} is also in {owner}: links from other parts go "
                        "there, links within this part still go to its own",
                    )
                )
    if dests.owner:
        ordered = sorted(dests.owner, key=lambda name: dests.key[name].as_bytes())
        pairs = [(dests.key[name], dests.value[name]) for name in ordered]
        names = pdf.Root.get("/Names") or Dictionary()
        names.Dests = pdf.make_indirect(Dictionary(Names=flat(pairs)))
        pdf.Root.Names = names
    return dests


def _resolve(name: str, index: int, sources: list[Part], dests: _Dests):
    """What a destination named ``name`` in part ``index`` should become, or None if unknown.

    The joined name where the part owns it (or has no such anchor of its own); the part's own
    explicit destination where an earlier part took the name.
    """
    if dests.owner.get(name, index) == index or name not in sources[index].dests:
        return dests.key.get(name)
    own = sources[index].dests[name]
    return own.get("/D") if isinstance(own, Dictionary) else own


def _fix_links(pdf: Pdf, sources: list[Part], dests: _Dests, diagnostics: list[Diagnostic]) -> None:
    """Point every link annotation at the right place in the joined PDF."""
    for index, source in enumerate(sources):
        for page in source.pages:
            for annotation in page.get("/Annots", ()):
                if annotation.get("/Subtype") != Name.Link:
                    continue
                _fix_goto(annotation, index, sources, dests)
                action = annotation.get("/A")
                if action is None or action.get("/S") != Name.URI:
                    continue
                uri = str(action.get("/URI", ""))
                if not uri.startswith(_CROSS_PART_PREFIX):
                    continue
                name = unquote(uri[len(_CROSS_PART_PREFIX) :])
                del annotation.A
                if name in dests.owner:
                    annotation.Dest = dests.key[name]
                    if str(annotation.get("/Contents", "")) == uri:
                        annotation.Contents = String(name)
                else:
                    diagnostics.append(
                        Diagnostic(
                            "join-002",
                            "warning",
                            source.label,
                            f"a link goes to #{name}, which no part has: it leads nowhere",
                        )
                    )


def _fix_goto(item, index: int, sources: list[Part], dests: _Dests) -> None:
    """Resolve a link's or bookmark's named destination as part ``index`` meant it."""
    dest = item.get("/Dest")
    if isinstance(dest, String):
        target = _resolve(str(dest), index, sources, dests)
        if target is not None:
            item.Dest = target
    action = item.get("/A")
    if action is not None and action.get("/S") == Name.GoTo:
        goto = action.get("/D")
        if isinstance(goto, String):
            target = _resolve(str(goto), index, sources, dests)
            if target is not None:
                action.D = target


# Bookmarks


def _bookmarks(outline: Iterable[Bookmark | tuple[str, int, int]]) -> list[Bookmark]:
    bookmarks = [b if isinstance(b, Bookmark) else Bookmark(*b) for b in outline]
    for bookmark in bookmarks:
        if bookmark.level < 1 or bookmark.page < 0:
            raise ValueError(f"a bookmark needs a level from 1 and a page from 0: {bookmark}")
    return bookmarks


def _merge_outlines(pdf: Pdf, sources: list[Part], dests: _Dests) -> None:
    """The parts' bookmarks in order, each leading to its copied page."""
    root = pdf.make_indirect(Dictionary(Type=Name.Outlines))
    top, visible = [], 0
    for index, source in enumerate(sources):
        outlines = source.pdf.Root.get("/Outlines")
        item = outlines.get("/First") if outlines is not None else None
        seen: set[tuple[int, int]] = set()
        while item is not None and item.objgen not in seen:
            seen.add(item.objgen)
            copied = copy_object(pdf, item)
            _fix_outline_links(copied, index, sources, dests)
            top.append(copied)
            count = int(copied.get("/Count", 0))
            visible += 1 + max(count, 0)
            item = item.get("/Next")
    if not top:
        return
    for previous, item in zip([None, *top], top, strict=False):
        item.Parent = root
        if previous is not None:
            previous.Next, item.Prev = item, previous
        elif "/Prev" in item:
            del item.Prev
    if "/Next" in top[-1]:
        del top[-1].Next
    root.First, root.Last, root.Count = top[0], top[-1], visible
    pdf.Root.Outlines = root


def _fix_outline_links(item, index: int, sources: list[Part], dests: _Dests) -> None:
    stack, seen = [item], set()
    while stack:
        entry = stack.pop()
        if entry.objgen in seen:
            continue
        seen.add(entry.objgen)
        _fix_goto(entry, index, sources, dests)
        child = entry.get("/First")
        while child is not None and child.objgen not in seen:
            stack.append(child)
            child = child.get("/Next")


def _write_outline(pdf: Pdf, bookmarks: list[Bookmark]) -> None:
    """An outline from the caller's bookmarks; a level deeper than the last nests under it."""
    if "/Outlines" in pdf.Root:
        del pdf.Root.Outlines
    if not bookmarks:
        return
    root = pdf.make_indirect(Dictionary(Type=Name.Outlines))
    # (level, item, its children) from the root down to the last bookmark written
    path: list[tuple[int, Dictionary, list]] = [(0, root, [])]
    nodes: list[tuple[Dictionary, list, bool]] = [(root, path[0][2], True)]
    for bookmark in bookmarks:
        if bookmark.page >= len(pdf.pages):
            raise ValueError(f"a bookmark leads past the last page: {bookmark}")
        page = pdf.pages[bookmark.page]
        top = page.mediabox[3]
        item = pdf.make_indirect(
            Dictionary(
                Title=String(bookmark.title),
                Dest=Array([page.obj, Name.XYZ, None, top, None]),
            )
        )
        while path[-1][0] >= bookmark.level:
            path.pop()
        parent, siblings = path[-1][1], path[-1][2]
        item.Parent = parent
        if siblings:
            siblings[-1].Next, item.Prev = item, siblings[-1]
        siblings.append(item)
        children: list = []
        path.append((bookmark.level, item, children))
        nodes.append((item, children, bookmark.open))
    # Counts bottom up: an open entry counts what shows below it, a closed one the negative.
    shown: dict[tuple[int, int], int] = {}
    for node, children, is_open in reversed(nodes):
        if children:
            node.First, node.Last = children[0], children[-1]
            below = sum(1 + max(shown[c.objgen], 0) for c in children)
            shown[node.objgen] = below if is_open else -below
            node.Count = shown[node.objgen]
        else:
            shown[node.objgen] = 0
    pdf.Root.Outlines = root


# Page labels and the catalog


def _write_page_labels(
    pdf: Pdf, sources: list[Part], page_labels: Sequence[PageLabels] | None
) -> None:
    ranges: list[tuple[int, Dictionary]] = []
    if page_labels is not None:
        for labels in page_labels:
            ranges.append((labels.start, _label_dict(labels)))
    elif any("/PageLabels" in s.pdf.Root for s in sources):
        for source in sources:
            tree = source.pdf.Root.get("/PageLabels")
            tree = copy_whole(pdf, source, tree) if tree is not None else None
            items = [
                (int(k), v)
                for k, v in (tree_items(tree, "/Nums") if tree is not None else ())
                if 0 <= int(k) < source.count
            ]
            if not items or items[0][0] != 0:
                # Without a label of its own the part's first page shows its position.
                start = PageLabels(source.start, first=source.start + 1)
                items.insert(0, (0, _label_dict(start)))
            ranges.extend((source.start + key, value) for key, value in items)
    if not ranges:
        return
    ranges.sort(key=lambda pair: pair[0])
    pdf.Root.PageLabels = Dictionary(Nums=flat(ranges))


def _label_dict(labels: PageLabels) -> Dictionary:
    if labels.style is not None and labels.style not in _LABEL_STYLES:
        raise ValueError(f"unknown page label style {labels.style!r}")
    entry = Dictionary(Type=Name.PageLabel)
    if labels.style is not None:
        entry.S = _LABEL_STYLES[labels.style]
    if labels.first != 1:
        entry.St = labels.first
    if labels.prefix:
        entry.P = String(labels.prefix)
    return entry


def _copy_catalog(pdf: Pdf, first: Part, metadata: bytes | None, *, tagged: bool) -> None:
    """The first part's document-wide entries; PDF/UA's marks when the parts are tagged."""
    catalog = first.pdf.Root
    for key in ("/Lang", "/ViewerPreferences", "/OutputIntents", "/PageMode", "/PageLayout"):
        if key in catalog:
            pdf.Root[key] = copy_object(pdf, catalog[key])
    if tagged:
        pdf.Root.MarkInfo = Dictionary(Marked=True)
        preferences = pdf.Root.get("/ViewerPreferences") or Dictionary()
        preferences.DisplayDocTitle = True
        pdf.Root.ViewerPreferences = preferences
    if metadata is not None:
        stream = pikepdf.Stream(pdf, metadata)
        stream.Type, stream.Subtype = Name.Metadata, Name.XML
        pdf.Root.Metadata = pdf.make_indirect(stream)
    elif "/Metadata" in catalog:
        pdf.Root.Metadata = copy_object(pdf, catalog.Metadata)
    info = first.pdf.trailer.get("/Info")
    if info is not None:
        copied = copy_object(pdf, info)
        pdf.trailer.Info = copied if copied.is_indirect else pdf.make_indirect(copied)


def _save(pdf: Pdf, sources: list[Part], out: Path) -> None:
    version = max((s.pdf.pdf_version for s in sources), key=_version_key)
    streams = (
        pikepdf.ObjectStreamMode.generate
        if _version_key(version) >= (1, 5)
        else pikepdf.ObjectStreamMode.disable
    )
    try:
        pdf.save(
            out,
            min_version=version,
            object_stream_mode=streams,
            # The parts' streams are copied as they are, not decoded and compressed again.
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            compress_streams=True,
            # The /ID is a digest of the content: the same parts give the same bytes.
            deterministic_id=True,
            # pikepdf would parse the XMP to update its PDF version, and replace what it
            # cannot parse: the metadata is written as the part or the caller gave it.
            fix_metadata_version=False,
        )
    except OSError as exc:
        raise BuildError(f"cannot write the joined PDF ({exc.strerror or exc})", out) from None


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())
