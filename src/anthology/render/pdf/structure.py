"""The joined PDF's one structure tree (PDF/UA): a Document element holding every part's
top-level elements, the parent tree, role and class maps and element ids merged."""

from __future__ import annotations

from collections.abc import Iterator

from pikepdf import Array, Dictionary, Name, Pdf

from anthology.core.errors import Diagnostic
from anthology.render.pdf.objects import Part, as_items, copy_whole, flat, tree_items


def merge_structure(pdf: Pdf, sources: list[Part], diagnostics: list[Diagnostic]) -> None:
    """One structure tree: a Document element holding the parts' top-level elements."""
    # Each part's tree copied whole (one call, the copies lead to the copied pages); the
    # copied roots and Documents are left unreferenced and are not written.
    trees = [copy_whole(pdf, source, source.pdf.Root.StructTreeRoot) for source in sources]
    first_document = _document_element(trees[0])
    if first_document is not None:
        document = first_document
    else:
        document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document))
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    lang = sources[0].pdf.Root.get("/Lang")
    kids, nums, offset = [], [], 0
    maps: dict[str, dict] = {"/RoleMap": {}, "/ClassMap": {}}
    ids: dict[str, tuple] = {}
    namespaces: list = []
    checked = {document.objgen, root.objgen}  # elements whose ancestors are all joined ones
    for source, tree in zip(sources, trees, strict=True):
        replaced = _document_element(tree)
        part_lang = source.pdf.Root.get("/Lang")
        for kid in _top_kids(tree, replaced):
            if isinstance(kid, Dictionary) and "/S" in kid:
                kid.P = document
                if part_lang is not None and part_lang != lang and "/Lang" not in kid:
                    kid.Lang = part_lang  # the catalog's language is the first part's
            kids.append(kid)
        next_key = int(tree.get("/ParentTreeNextKey", 0))
        parents = tree.get("/ParentTree")
        for key, value in tree_items(parents, "/Nums") if parents is not None else ():
            entry = _parent_entry(pdf, value, replaced, document, checked)
            nums.append((int(key) + offset, entry))
            next_key = max(next_key, int(key) + 1)
        _move_struct_parents(source, offset)
        offset += next_key
        for name, merged in maps.items():
            _merge_map(tree.get(name), merged, name, source.label, diagnostics)
        id_tree = tree.get("/IDTree")
        for key, value in tree_items(id_tree, "/Names") if id_tree is not None else ():
            _merge_id(key, value, ids, source.label, diagnostics, (replaced, document, checked))
        for namespace in as_items(tree.get("/Namespaces")):
            if not any(namespace.is_same_object_as(n) for n in namespaces):
                namespaces.append(namespace)
    document.K, document.P = Array(kids), root
    if "/Pg" in document:
        del document.Pg
    root.K = Array([document])
    nums.sort(key=lambda pair: pair[0])
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=flat(nums)))
    root.ParentTreeNextKey = offset
    for name, merged in maps.items():
        if merged:
            root[name] = Dictionary(merged)
    if ids:
        pairs = sorted(ids.values(), key=lambda pair: pair[0].as_bytes())
        root.IDTree = pdf.make_indirect(Dictionary(Names=flat(pairs)))
    if namespaces:
        root.Namespaces = Array(namespaces)
    pdf.Root.StructTreeRoot = root


def _document_element(tree):
    """The part's single Document element (WeasyPrint writes one), or None."""
    top = as_items(tree.get("/K"))
    if len(top) != 1 or not isinstance(top[0], Dictionary):
        return None
    role = top[0].get("/S")
    role_map = tree.get("/RoleMap")
    mapped = role_map.get(str(role)) if role_map is not None and role is not None else None
    return top[0] if Name.Document in (role, mapped) else None


def _top_kids(tree, document) -> Iterator:
    """The part's top-level kids: the Document element's, or the tree root's."""
    page = document.get("/Pg") if document is not None else None
    for kid in as_items((document if document is not None else tree).get("/K")):
        if page is None:
            yield kid
        elif isinstance(kid, int):
            # A content item of the Document itself: it names its page once hoisted.
            yield Dictionary(Type=Name.MCR, Pg=page, MCID=kid)
        else:
            if "/Pg" not in kid:
                kid.Pg = page  # it inherited the Document's page
            yield kid


def _parent_entry(pdf: Pdf, value, replaced, document, checked: set):
    """A parent tree value with the part's Document element replaced by the joined one.

    A page's entry (an array of parents by MCID) is made an indirect object.
    """
    if isinstance(value, Array):
        entry = value if value.is_indirect else pdf.make_indirect(value)
        for i, item in enumerate(entry):
            entry[i] = _reparent(item, replaced, document, checked)
        return entry
    return _reparent(value, replaced, document, checked)


def _reparent(element, replaced, document, checked: set):
    """``element`` (the joined Document for the part's), its ancestors led to the joined one.

    An ancestor that names the part's Document as its parent is given the joined one.
    WeasyPrint 70 marks the content of page margin boxes (folios, running heads) as children
    of a NonStruct element whose parent is the Document but which is not among its kids; left
    alone, that parent pointer would carry the part's whole old tree into the output.
    ``checked`` holds the elements already followed up, so each is followed once.
    """
    if replaced is None or not isinstance(element, Dictionary):
        return element
    if element.objgen == replaced.objgen:
        return document
    current = element
    while isinstance(current, Dictionary):
        objgen = current.objgen
        if objgen in checked or objgen == (0, 0):  # (0, 0): a direct object
            break
        checked.add(objgen)
        parent = current.get("/P")
        if isinstance(parent, Dictionary) and parent.objgen == replaced.objgen:
            current.P = document
            break
        current = parent
    return element


def _move_struct_parents(source: Part, offset: int) -> None:
    """Add the part's offset to its pages', annotations' and page XObjects' parent tree keys."""
    if not offset:
        return
    seen: set[tuple[int, int]] = set()

    def move(obj, key: str) -> None:
        if key in obj and (not obj.is_indirect or obj.objgen not in seen):
            if obj.is_indirect:
                seen.add(obj.objgen)
            obj[key] = int(obj[key]) + offset

    for page in source.pages:
        move(page, "/StructParents")
        for annotation in page.get("/Annots", ()):
            move(annotation, "/StructParent")
        resources = page.get("/Resources")
        xobjects = resources.get("/XObject") if resources is not None else None
        for xobject in xobjects.values() if xobjects is not None else ():
            move(xobject, "/StructParents")
            move(xobject, "/StructParent")


def _merge_map(part_map, merged: dict, name: str, label: str, diagnostics) -> None:
    for key, value in part_map.items() if part_map is not None else ():
        if key not in merged:
            merged[key] = value
        elif isinstance(value, Name) and merged[key] != value:
            diagnostics.append(
                Diagnostic(
                    "join-003",
                    "warning",
                    label,
                    f"{name[1:]} maps {key} to {value}, an earlier part to {merged[key]}: "
                    "the earlier is kept",
                )
            )


def _merge_id(key, value, ids: dict, label: str, diagnostics, reparent: tuple) -> None:
    name = str(key)
    if name in ids:
        diagnostics.append(
            Diagnostic(
                "join-003",
                "warning",
                label,
                f"the structure element id {name} is also in an earlier part: the earlier is kept",
            )
        )
        return
    ids[name] = (key, _reparent(value, *reparent))
