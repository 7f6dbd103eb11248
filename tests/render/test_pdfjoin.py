"""Tagged PDF parts rendered by WeasyPrint, joined: pages, tags, bookmarks, links, labels.

The parts are laid out by WeasyPrint, so these tests are in the slow tier.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from anthology.core.errors import BuildError
from anthology.render.pdf.join import (
    Bookmark,
    PageLabels,
    join_parts,
    part_href,
)
from anthology.resources import ResourceGate

pytestmark = pytest.mark.slow

# Three parts of one small book: links within a part, links across parts (one to an id that is
# not ASCII), an anchor id used in two parts (#note), a list, a table and a picture.
PARTS = [
    f"""<h1 id="contents">Contents</h1>
    <ul>
      <li><a href="#preface">Preface</a></li>
      <li><a href="{part_href("chapter-2")}">Chapter two</a></li>
      <li><a href="{part_href("chapter-3")}">Chapter three</a></li>
      <li><a href="{part_href("épilogue")}">Épilogue</a></li>
    </ul>
    <h2 id="preface" style="break-before: page">Preface</h2>
    <p>Words before the chapters.</p>
    <table><thead><tr><th>Year</th><th>Event</th></tr></thead>
      <tbody><tr><td>1917</td><td>February</td></tr></tbody></table>""",
    """<h1 id="chapter-2">Chapter two</h1>
    <p id="note">A note in chapter two.</p>
    <img src="plate.png" alt="A red plate">
    <p style="break-before: page">Second page of chapter two.</p>""",
    f"""<h1 id="chapter-3">Chapter three</h1>
    <p>Back to the <a href="{part_href("contents")}">contents</a>;
      see the <a href="#note">note</a>.</p>
    <p id="note" style="break-before: page">
      <span id="épilogue">A note</span> in chapter three.</p>""",
]
LANGUAGES = ["en", "de", "en"]  # the second part is another language
# The words that open each page of the joined book, in order.
PAGE_TEXT = [
    "Contents",
    "Preface",
    "Chapter two",
    "Second page of chapter two.",
    "Chapter three",
    "A note in chapter three.",
]


class _Errors(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def render(
    body: str, first_folio: int, folder: Path, variant: str | None = "pdf/ua-1", lang: str = "en"
) -> bytes:
    """One part as the book's renderer makes it: its own folios, a fixed identifier."""
    import weasyprint

    html = f"""<!doctype html><html lang="{lang}"><head><title>A Joined Book</title>
    <meta name="author" content="The Editor"></head><body>{body}</body></html>"""
    css = (
        "@page { size: A5; @bottom-center { content: counter(page) } }"
        f"@page :first {{ counter-reset: page {first_folio} }}"
        "img { width: 2cm }"
    )
    fetcher = ResourceGate([folder]).weasyprint_fetcher()
    errors = _Errors()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(errors)
    try:
        document = weasyprint.HTML(
            string=html, base_url=folder.as_uri() + "/", url_fetcher=fetcher
        ).render(stylesheets=[weasyprint.CSS(string=css, url_fetcher=fetcher)])
        pdf = document.write_pdf(pdf_variant=variant, pdf_identifier=b"0" * 32)
    finally:
        logger.removeHandler(errors)
    assert errors.messages == []
    return pdf


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("parts")
    Image.new("RGB", (40, 30), (200, 30, 30)).save(folder / "plate.png")
    return folder


@pytest.fixture(scope="module")
def parts(folder: Path) -> list[bytes]:
    """The three parts, each starting at the folio after the last part's."""
    rendered, folio = [], 1
    for body, lang in zip(PARTS, LANGUAGES, strict=True):
        rendered.append(render(body, folio, folder, lang=lang))
        folio += len(PdfReader(io.BytesIO(rendered[-1])).pages)
    return rendered


@pytest.fixture(scope="module")
def joined(parts: list[bytes], tmp_path_factory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("joined") / "book.pdf"
    return out, join_parts(parts, out)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0]


def test_pages_come_in_order_with_continuous_folios(joined) -> None:
    out, result = joined
    assert result.page_count == len(PAGE_TEXT)
    assert result.starts == (0, 2, 4)
    with pdfplumber.open(out) as pdf:
        texts = [page.extract_text() for page in pdf.pages]
    assert [_first_line(text) for text in texts] == PAGE_TEXT
    assert [text.strip().splitlines()[-1] for text in texts] == ["1", "2", "3", "4", "5", "6"]


def test_only_the_shared_anchor_is_reported(joined) -> None:
    _, result = joined
    assert [(d.code, d.file) for d in result.diagnostics] == [("join-001", "part 3")]
    assert "#note" in result.diagnostics[0].message


def test_one_document_element_holds_every_parts_elements(joined, parts) -> None:
    out, _ = joined
    reader = PdfReader(out)
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    top = tree["/K"]
    assert len(top) == 1
    document = top[0].get_object()
    assert document["/S"] == "/Document"
    assert document.raw_get("/P").idnum == tree.indirect_reference.idnum
    expected = []  # every part's Document's kids, in order
    for part in parts:
        part_document = PdfReader(io.BytesIO(part)).trailer["/Root"]["/StructTreeRoot"]["/K"][0]
        expected.extend(kid.get_object()["/S"] for kid in part_document.get_object()["/K"])
    kids = [kid.get_object() for kid in document["/K"]]
    assert [kid["/S"] for kid in kids] == expected
    assert {kid.raw_get("/P").idnum for kid in kids} == {top[0].idnum}
    roles = {element["/S"] for element in _elements(document)}
    assert {"/H1", "/H2", "/L", "/LI", "/Table", "/TH", "/TD", "/Figure", "/Link"} <= roles
    assert sum(element["/S"] == "/Document" for element in _elements(document)) == 1


def _elements(element) -> list[DictionaryObject]:
    """``element`` and every structure element below it, in order."""
    found, stack = [], [element]
    while stack:
        current = stack.pop()
        found.append(current)
        kids = current.get("/K", [])
        kids = kids if isinstance(kids, ArrayObject) else [kids]
        for kid in reversed(kids):
            kid = kid.get_object() if isinstance(kid, IndirectObject) else kid
            if isinstance(kid, DictionaryObject) and "/S" in kid:
                stack.append(kid)
    return found


def test_every_marked_content_and_link_finds_its_element(joined) -> None:
    out, _ = joined
    reader = PdfReader(out)
    root = reader.trailer["/Root"]
    tree = root["/StructTreeRoot"]
    # What the tree says: (page, MCID) → element; annotation → element; each kid's /P.
    marked: dict[tuple[int, int], int] = {}
    linked: dict[int, int] = {}
    stack = [(tree["/K"][0], None)]
    while stack:
        reference, page = stack.pop()
        element = reference.get_object()
        page = element.raw_get("/Pg") if "/Pg" in element else page
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, ArrayObject) else [kids]:
            if isinstance(kid, int):
                marked[(page.idnum, kid)] = reference.idnum
                continue
            child = kid.get_object()
            if "/S" in child:
                assert child.raw_get("/P").idnum == reference.idnum
                stack.append((kid, page))
            elif child.get("/Type") == "/MCR":
                on = child.raw_get("/Pg") if "/Pg" in child else page
                marked[(on.idnum, child["/MCID"])] = reference.idnum
            elif child.get("/Type") == "/OBJR":
                assert child.raw_get("/Pg").idnum in {
                    p.indirect_reference.idnum for p in reader.pages
                }
                linked[child.raw_get("/Obj").idnum] = reference.idnum
    nums = tree["/ParentTree"]["/Nums"]
    document, folios = tree["/K"][0].idnum, []
    keys = list(nums[0::2])
    assert keys == sorted(set(keys))
    assert tree["/ParentTreeNextKey"] > keys[-1]
    parents = dict(zip(keys, nums[1::2], strict=True))
    used = []
    for page in reader.pages:
        page_ref = page.indirect_reference.idnum
        used.append(page["/StructParents"])
        entry = parents[page["/StructParents"]].get_object()
        assert isinstance(parents[page["/StructParents"]], IndirectObject)
        content = page.get_contents().get_data().decode("latin-1")
        mcids = {int(n) for n in re.findall(r"/MCID (\d+)", content)}
        assert {mcid for (p, mcid) in marked if p == page_ref} <= mcids
        for mcid in mcids:
            assert entry[mcid].get_object().raw_get("/Pg").idnum == page_ref
            if (page_ref, mcid) in marked:
                assert entry[mcid].idnum == marked[(page_ref, mcid)]
            else:
                # WeasyPrint's folio: its parent names the Document but is not among its kids.
                folios.append(mcid)
                assert _ancestors(entry[mcid])[-2:] == [document, tree.indirect_reference.idnum]
        for annotation in page.get("/Annots", []):
            used.append(annotation.get_object()["/StructParent"])
            parent = parents[annotation.get_object()["/StructParent"]]
            assert parent.idnum == linked[annotation.idnum]
    assert len(used) == len(set(used)) == len(keys)
    assert len(linked) == 6
    assert len(folios) == len(reader.pages)


def _ancestors(reference: IndirectObject) -> list[int]:
    """The object numbers of ``reference``'s ancestors, by their /P, up to the tree root."""
    found, current = [], reference.get_object()
    while "/P" in current:
        found.append(current.raw_get("/P").idnum)
        current = current["/P"]
    return found


def test_no_part_leaves_its_old_tree_behind(joined) -> None:
    out, _ = joined
    with pikepdf.open(out) as pdf:
        roots = [
            o
            for o in pdf.objects
            if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/StructTreeRoot"
        ]
        documents = [
            o
            for o in pdf.objects
            if isinstance(o, pikepdf.Dictionary) and o.get("/S") == "/Document"
        ]
        outlines = [
            o
            for o in pdf.objects
            if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Outlines"
        ]
    assert len(roots) == len(documents) == len(outlines) == 1


def test_catalog_keeps_what_pdf_ua_needs(joined) -> None:
    out, _ = joined
    with pikepdf.open(out) as pdf:
        catalog = pdf.Root
        assert catalog.MarkInfo.Marked is True
        assert str(catalog.Lang) == "en"
        assert catalog.ViewerPreferences.DisplayDocTitle is True
        assert b'pdfuaid:part="1"' in catalog.Metadata.read_bytes()
        assert b"A Joined Book" in catalog.Metadata.read_bytes()
        assert "/Filter" not in catalog.Metadata  # XMP stays readable
        assert str(pdf.docinfo.Title) == "A Joined Book"
        assert str(pdf.docinfo.Author) == "The Editor"
        assert pdf.pdf_version == "1.7"
        assert pdf.check_pdf_syntax() == []
        ids = pdf.trailer.ID
        assert ids[0] == ids[1]


def test_a_strict_reader_finds_nothing_to_complain_about(joined, caplog) -> None:
    out, _ = joined
    with caplog.at_level(logging.WARNING, logger="pypdf"):
        reader = PdfReader(out, strict=True)
        for page in reader.pages:
            page.extract_text()
        reader.outline  # noqa: B018 (reads the whole outline)
        reader.named_destinations  # noqa: B018
    assert caplog.records == []


def _outline(reader: PdfReader, items=None, level: int = 1) -> list[tuple[str, int, int]]:
    found = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            found.extend(_outline(reader, item, level + 1))
        else:
            found.append((item.title, level, reader.get_destination_page_number(item)))
    return found


def test_bookmarks_lead_to_their_joined_pages(joined) -> None:
    out, _ = joined
    reader = PdfReader(out)
    assert _outline(reader) == [
        ("Contents", 1, 0),
        ("Preface", 2, 1),
        ("Chapter two", 1, 2),
        ("Chapter three", 1, 4),
    ]
    assert reader.trailer["/Root"]["/Outlines"]["/Count"] == 4


def _links(reader: PdfReader, page: int) -> list:
    """Where each link on a page leads: a page index, or None."""
    names = reader.named_destinations
    found = []
    for annotation in reader.pages[page].get("/Annots", []):
        annotation = annotation.get_object()
        assert "/A" not in annotation or "x-part-anchor" not in str(annotation["/A"])
        dest = annotation.get("/Dest")
        if isinstance(dest, str):
            found.append((dest, reader.get_destination_page_number(names[dest])))
        elif dest is not None:
            found.append((None, reader.get_page_number(dest[0].get_object())))
    return found


def test_links_across_parts_lead_to_the_right_pages(joined) -> None:
    out, _ = joined
    reader = PdfReader(out)
    assert _links(reader, 0) == [
        ("preface", 1),
        ("chapter-2", 2),
        ("chapter-3", 4),
        ("épilogue", 5),
    ]
    # #note is in parts 2 and 3: the name is part 2's, part 3's own link goes to its own note.
    assert _links(reader, 4) == [("contents", 0), (None, 5)]
    assert reader.get_destination_page_number(reader.named_destinations["note"]) == 2
    contents = [a.get_object().get("/Contents") for a in reader.pages[0]["/Annots"]]
    assert contents == ["preface", "chapter-2", "chapter-3", "épilogue"]


def test_the_same_parts_give_the_same_bytes(parts, joined, tmp_path) -> None:
    out, _ = joined
    paths = []
    for number, part in enumerate(parts, 1):
        paths.append(tmp_path / f"part-{number}.pdf")
        paths[-1].write_bytes(part)
    again = tmp_path / "again.pdf"
    join_parts(paths, again)
    assert again.read_bytes() == out.read_bytes()


def test_a_link_to_an_anchor_no_part_has_is_reported(folder, parts, tmp_path) -> None:
    stray = render(f'<p>See <a href="{part_href("nowhere")}">nowhere</a>.</p>', 7, folder)
    result = join_parts([parts[1], stray], tmp_path / "book.pdf")
    assert [(d.code, d.file) for d in result.diagnostics] == [("join-002", "part 2")]
    reader = PdfReader(tmp_path / "book.pdf")
    (annotation,) = reader.pages[-1]["/Annots"]
    assert "/A" not in annotation.get_object() and "/Dest" not in annotation.get_object()


def test_untagged_parts_join_without_a_structure_tree(folder, tmp_path) -> None:
    plain = [render(body, 1, folder, variant=None) for body in PARTS]
    result = join_parts(plain, tmp_path / "book.pdf")
    reader = PdfReader(tmp_path / "book.pdf")
    assert "/StructTreeRoot" not in reader.trailer["/Root"]
    assert "/MarkInfo" not in reader.trailer["/Root"]
    assert len(reader.pages) == result.page_count == 6
    assert [page for _, page in _links(reader, 0)] == [1, 2, 4, 5]


def test_tagged_and_untagged_parts_are_not_joined(folder, parts, tmp_path) -> None:
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(render(PARTS[1], 3, folder, variant=None))
    with pytest.raises(BuildError, match="plain.pdf: cannot join tagged and untagged parts"):
        join_parts([parts[0], plain], tmp_path / "book.pdf")


def test_a_part_that_is_not_a_pdf_is_named(parts, tmp_path) -> None:
    with pytest.raises(BuildError, match="part 2: cannot read this PDF part"):
        join_parts([parts[0], b"<html>not a pdf</html>"], tmp_path / "book.pdf")


def test_conflicting_role_maps_are_reported(parts, tmp_path) -> None:
    mapped = []
    for part, role in zip(parts[:2], ("/P", "/H1"), strict=True):
        with pikepdf.open(io.BytesIO(part)) as pdf:
            pdf.Root.StructTreeRoot.RoleMap = pikepdf.Dictionary(
                {"/Standfirst": pikepdf.Name(role)}
            )
            buffer = io.BytesIO()
            pdf.save(buffer)
            mapped.append(buffer.getvalue())
    result = join_parts(mapped, tmp_path / "book.pdf")
    conflicts = [(d.code, d.file) for d in result.diagnostics if d.code == "join-003"]
    assert conflicts == [("join-003", "part 2")]
    with pikepdf.open(tmp_path / "book.pdf") as pdf:
        assert pdf.Root.StructTreeRoot.RoleMap.Standfirst == pikepdf.Name.P


def test_a_given_outline_replaces_the_parts_bookmarks(joined, parts, tmp_path) -> None:
    outline = [
        ("Front matter", 1, 0),
        Bookmark("Preface", 3, 1),
        ("Chapters", 1, 2),
        Bookmark("Chapter two", 2, 2, open=False),
        ("Its second page", 3, 3),
        ("Chapter three", 2, 4),
    ]
    join_parts(parts, tmp_path / "book.pdf", outline=outline)
    reader = PdfReader(tmp_path / "book.pdf")
    # pypdf tells nesting, not levels: a level 3 under a level 1 is one step down.
    assert _outline(reader) == [
        ("Front matter", 1, 0),
        ("Preface", 2, 1),
        ("Chapters", 1, 2),
        ("Chapter two", 2, 2),
        ("Its second page", 3, 3),
        ("Chapter three", 2, 4),
    ]
    root = reader.trailer["/Root"]["/Outlines"]
    chapters = root["/Last"]
    assert chapters["/Count"] == 2  # "Its second page" is folded under "Chapter two"
    assert chapters["/First"]["/Count"] == -1
    assert root["/Count"] == 5
    with pytest.raises(ValueError, match="past the last page"):
        join_parts(parts, tmp_path / "bad.pdf", outline=[("Beyond", 1, 6)])


def test_given_page_labels_are_written(parts, tmp_path) -> None:
    labels = [PageLabels(0, "lower-roman"), PageLabels(2, "decimal"), PageLabels(5, None, 1, "N")]
    join_parts(parts, tmp_path / "book.pdf", page_labels=labels)
    assert PdfReader(tmp_path / "book.pdf").page_labels == ["i", "ii", "1", "2", "3", "N"]


def test_the_parts_own_page_labels_move_with_their_pages(parts, tmp_path) -> None:
    labelled = []
    for part, labels in zip(
        parts, ({"/S": "/r"}, None, {"/S": "/D", "/P": "C-", "/St": 10}), strict=True
    ):
        with pikepdf.open(io.BytesIO(part)) as pdf:
            if labels:
                entry = pikepdf.Dictionary(
                    {k: pikepdf.Name(v) if k == "/S" else v for k, v in labels.items()}
                )
                pdf.Root.PageLabels = pikepdf.Dictionary(Nums=[0, entry])
            buffer = io.BytesIO()
            pdf.save(buffer)
            labelled.append(buffer.getvalue())
    join_parts(labelled, tmp_path / "book.pdf")
    assert PdfReader(tmp_path / "book.pdf").page_labels == ["i", "ii", "3", "4", "C-10", "C-11"]


def test_given_metadata_replaces_the_first_parts(parts, tmp_path) -> None:
    xmp = b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"/>'
    join_parts(parts, tmp_path / "book.pdf", metadata=xmp)
    with pikepdf.open(tmp_path / "book.pdf") as pdf:
        assert pdf.Root.Metadata.read_bytes() == xmp
        assert pdf.Root.Metadata.Subtype == pikepdf.Name.XML
        assert "/Filter" not in pdf.Root.Metadata


def test_a_part_in_another_language_says_so(joined) -> None:
    out, result = joined
    reader = PdfReader(out)
    document = reader.trailer["/Root"]["/StructTreeRoot"]["/K"][0].get_object()
    part_two = range(result.starts[1], result.starts[2])
    pages = {reader.pages[i].indirect_reference.idnum for i in part_two}
    languages = {
        kid.get_object()["/Pg"].indirect_reference.idnum: kid.get_object().get("/Lang")
        for kid in document["/K"]
    }
    assert {page: lang for page, lang in languages.items() if lang} == dict.fromkeys(pages, "de")


def test_pdfium_follows_the_links_too(joined) -> None:
    """PDFium (Chrome's PDF reader, under pdfplumber) resolves the joined names the same way."""
    import ctypes

    import pypdfium2
    import pypdfium2.raw as raw

    out, _ = joined
    document = pypdfium2.PdfDocument(out)
    targets = {}
    try:
        for number in (0, 4):
            page = document[number]
            position, link = ctypes.c_int(0), raw.FPDF_LINK()
            found = []
            while raw.FPDFLink_Enumerate(page.raw, ctypes.byref(position), ctypes.byref(link)):
                dest = raw.FPDFLink_GetDest(document.raw, link)
                found.append(raw.FPDFDest_GetDestPageIndex(document.raw, dest) if dest else None)
            targets[number] = found
            page.close()
    finally:
        document.close()
    assert targets == {0: [1, 2, 4, 5], 4: [0, 5]}


def test_element_ids_are_merged_and_the_first_kept(parts, tmp_path) -> None:
    with_ids = []
    for number, part in enumerate(parts, 1):
        with pikepdf.open(io.BytesIO(part)) as pdf:
            tree = pdf.Root.StructTreeRoot
            heading = tree.K[0].K[0]
            heading.ID = pikepdf.String("opening")
            names = ["opening", heading]
            if number == 3:
                heading.T = pikepdf.String("part three's own")
                names = ["closing", heading]
            tree.IDTree = pdf.make_indirect(pikepdf.Dictionary(Names=names))
            buffer = io.BytesIO()
            pdf.save(buffer)
            with_ids.append(buffer.getvalue())
    result = join_parts(with_ids, tmp_path / "book.pdf")
    conflicts = [(d.code, d.file) for d in result.diagnostics if d.code == "join-003"]
    assert conflicts == [("join-003", "part 2")]
    reader = PdfReader(tmp_path / "book.pdf")
    names = reader.trailer["/Root"]["/StructTreeRoot"]["/IDTree"]["/Names"]
    assert names[0::2] == ["closing", "opening"]
    closing, opening = names[1].get_object(), names[3].get_object()
    assert closing["/T"] == "part three's own"
    assert opening["/Pg"].indirect_reference.idnum == reader.pages[0].indirect_reference.idnum
