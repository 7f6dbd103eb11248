"""A long book's PDF in parts: laid out side by side in worker processes, then joined.

WeasyPrint holds a whole document in memory and lays it out on one core. A long book is
therefore cut at its top-level sections into chunks: the front matter (up to the contents),
each part (a long one in several chunks of whole chapters) and the back matter. Each chunk
is an HTML document of its own, laid out and written as a PDF in a worker process, and
``pdfjoin.join_parts`` makes one book of them. What one document would have done by itself:

- **Folios run on.** A chunk's page count does not depend on the folio it starts at (every
  chunk starts on a right-hand page), so each chunk is laid out counting from 1, and just
  before WeasyPrint draws its margin boxes (the only place a folio is printed) its page
  counter is moved on to the chunk's first folio. A chunk waits for the page counts of the
  chunks before it only after its own layout, so chunks lay out in parallel.
- **Right-hand starts.** Each chunk but the last ends with an empty element that starts a
  right-hand page; that page is dropped, leaving the blank page a single document would have.
- **Contents, glossary and index numbers.** ``target-counter()`` cannot see another document:
  the contents gets each entry's folio as ``data-page`` and ``target-counter(attr(href),
  page)`` in the stylesheets reads ``attr(data-page)`` instead; the glossary's and index's page
  references come from the anchors of the laid-out body. The back matter is laid out after the
  body, the front matter last.
- **Links across chunks** are written with ``pdfjoin.part_href`` and rejoined.
- **Running heads and part numbers.** A chunk that starts inside a part sets that part's title
  as its ``part-title`` string, and each chunk carries the ``part-number`` counter on (the
  names print.css uses).
- **Only what changed.** Each chunk's PDF is kept (``build/.cache/pdf-parts``) under a key of
  its HTML, the stylesheets, its first folio and WeasyPrint's version; a rebuild reuses every
  chunk whose key is unchanged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from anthology.core.errors import BuildError
from anthology.core.files import write_atomic

CHUNK_CHARS = 300_000  # a part with more text than this is laid out in several chunks
FORMAT = 1  # of the cache entries
_FAILED = -2  # a chunk's page count when its layout failed
_WAIT_STEP = 0.5  # seconds between looks at the other chunks' progress
_TARGET_COUNTER = re.compile(r"target-counter\(\s*attr\(\s*href\s*\)\s*,\s*page\s*(?:,[^)]*)?\)")
_LOCAL_HREF = re.compile(r'href="#([^"]+)"')
_ID = re.compile(r'\sid="([^"]+)"')


@dataclass(frozen=True)
class Chunk:
    """One separately laid-out document of the book."""

    name: str  # "front", "body-1" …, "back"
    kind: str  # front | body | back
    html: str  # a whole HTML document

    @property
    def key(self) -> str:
        return hashlib.sha256(self.html.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Setup:
    """What a worker needs besides the chunk: the same for every chunk of a book."""

    layers: tuple[tuple[str, str | None], ...]  # (CSS text, base URL), in cascade order
    base_url: str  # of the HTML (the sources folder)
    roots: tuple[str, ...]  # folders the resource gate lets WeasyPrint read
    variant: str | None  # WeasyPrint's pdf_variant
    doc_ids: frozenset[str]  # the EPUB's documents, for the page map
    shop: bool  # report images printed below 300 dpi

    @property
    def key(self) -> str:
        from importlib.metadata import version

        digest = hashlib.sha256(f"{FORMAT}\0{version('weasyprint')}\0{self.variant}".encode())
        for text, url in self.layers:
            digest.update(f"\0{text}\0{url}".encode())
        return digest.hexdigest()


@dataclass
class ChunkResult:
    """A laid-out chunk: its PDF and what the book needs to know of its pages."""

    name: str
    pdf: str  # path of the chunk's PDF (in the cache's records, its name)
    first_folio: int
    page_count: int
    anchors: dict[str, int]  # anchor → index of its page in the chunk
    bookmarks: list[tuple[int, str, int, str]]  # (level, label, page index, open|closed)
    places: list  # pagemap places, one per page
    images: list[tuple[int, str, float]]  # (page index, image, dpi) below the shop's minimum
    warnings: list[str] = field(default_factory=list)
    sha256: str = ""  # of the PDF

    @classmethod
    def load(cls, data: dict) -> ChunkResult:
        result = cls(**data)
        result.places = [tuple(p) if p else None for p in result.places]
        result.bookmarks = [tuple(b) for b in result.bookmarks]
        result.images = [tuple(i) for i in result.images]
        return result


# ------------------------------------------------------------------------------ splitting


def split_html(
    html: str, back_ids: Sequence[str], chunk_chars: int = CHUNK_CHARS, even: bool = False
) -> list[Chunk]:
    """The print HTML cut into chunks: front matter, body (by part, by size), back matter.

    The front matter runs up to the element marked ``body-start``; the back matter starts
    at the first section whose id is in ``back_ids``. Links to anchors in another chunk become
    ``part_href`` links; every chunk but the last (and with ``even`` the last too) ends by
    starting a right-hand page, so that it has an even number of pages.
    """
    import lxml.html

    root = lxml.html.document_fromstring(html)
    body = root.find("body")
    children = list(body)
    start = next(
        (i for i, e in enumerate(children) if "body-start" in e.get("class", "").split()), None
    )
    if start is None:
        raise BuildError("the print HTML has no body-start section (a stylesheet template?)")
    back = next((i for i, e in enumerate(children) if e.get("id") in back_ids), len(children))
    groups: list[tuple[str, list, str]] = [("front", children[:start], "")]
    groups += _body_groups(children[start:back], chunk_chars)
    if back < len(children):
        groups.append(("back", children[back:], ""))
    for element in children:
        body.remove(element)
    head = root.find("head")
    front_head = lxml.html.tostring(head, encoding="unicode")
    # The joined book takes its metadata from the front matter: without the build's date,
    # the other chunks stay the same from one build to the next (and in the cache).
    for meta in head.findall("meta"):
        if meta.get("name", "").startswith("dcterms."):
            head.remove(meta)
    other_head = lxml.html.tostring(head, encoding="unicode")
    lang = root.get("lang", "")
    chunks = []
    for number, (kind, elements, css) in enumerate(groups):
        last = number == len(groups) - 1 and not even
        parts = [lxml.html.tostring(e, encoding="unicode") for e in elements]
        name = f"body-{number}" if kind == "body" else kind
        head_html = front_head if kind == "front" else other_head
        chunks.append(Chunk(name, kind, _document(head_html, lang, parts, css, end=not last)))
    return [_linked(chunk) for chunk in chunks]


def _body_groups(elements: list, chunk_chars: int) -> list[tuple[str, list, str]]:
    """The body's sections grouped into chunks, with the CSS that carries each one on."""
    groups: list[tuple[str, list, str]] = []
    current: list = []
    size = 0
    parts_before = 0
    part_title = ""
    css = ""
    for element in elements:
        is_part = "part" in element.get("class", "").split()
        text = len(element.text_content())
        if current and (is_part or size + text > chunk_chars):
            groups.append(("body", current, css))
            current, size = [], 0
            css = _carried_css(parts_before, "" if is_part else part_title)
        if is_part:
            parts_before += 1
            title = element.find_class("part-title")
            part_title = title[0].text_content().strip() if title else ""
        current.append(element)
        size += text
    if current:
        groups.append(("body", current, css))
    return groups


def _carried_css(parts_before: int, part_title: str) -> str:
    """What a chunk needs from the chunks before it: the part counter, the running head."""
    rules = [f"counter-reset: part-number {parts_before};"] if parts_before else []
    if part_title:
        rules.append(f"string-set: part-title {css_string(part_title)};")
    return f"html {{ {' '.join(rules)} }}\n" if rules else ""


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string that is safe inside a ``<style>`` element."""
    unsafe = {"\\", '"', "<", ">", "\n", "\r", "\f"}
    return '"' + "".join(f"\\{ord(c):x} " if c in unsafe else c for c in text) + '"'


def _document(head: str, lang: str, parts: list[str], css: str, end: bool) -> str:
    style = css + (".chunk-end { break-before: right; }\n" if end else "")
    if style:
        head = head.replace("</head>", f"<style>{style}</style></head>", 1)
    ending = '<div class="chunk-end"></div>' if end else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">{head}<body>\n'
        + "\n".join(parts)
        + f"{ending}</body></html>\n"
    )


def _linked(chunk: Chunk) -> Chunk:
    """Links to an anchor that is not in the chunk point across chunks."""
    from anthology.render.pdfjoin import part_href

    ids = set(_ID.findall(chunk.html))

    def href(match: re.Match[str]) -> str:
        anchor = match.group(1)
        return match.group(0) if anchor in ids else f'href="{part_href(anchor)}"'

    return Chunk(chunk.name, chunk.kind, _LOCAL_HREF.sub(href, chunk.html))


def without_target_counters(css: str) -> str:
    """A stylesheet for chunks: the page of a link's target is read from ``data-page``."""
    return _TARGET_COUNTER.sub("attr(data-page)", css)


# ------------------------------------------------------------------------------ the cache


class PartCache:
    """Laid-out chunks by key, checked before use: a damaged entry is laid out again."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.used: set[str] = set()
        self.laid_out = 0  # chunks laid out in this build (not found here)
        self._counts: dict[str, int] | None = None  # page counts, by count_key
        self._new_counts: dict[str, int] = {}

    def key(self, setup_key: str, chunk: Chunk, first_folio: int) -> str:
        text = f"{setup_key}\0{chunk.key}\0{first_folio}"
        return hashlib.sha256(text.encode()).hexdigest()[:40]

    def get(self, key: str) -> ChunkResult | None:
        try:
            result = ChunkResult.load(json.loads((self.folder / f"{key}.json").read_bytes()))
            pdf = self.folder / f"{key}.pdf"
            if result.pdf != pdf.name or _sha256(pdf) != result.sha256:
                return None
        except (OSError, ValueError, TypeError, KeyError):
            return None
        self.used.add(key)
        result.pdf = str(pdf)
        return result

    def put(self, key: str, result: ChunkResult) -> ChunkResult:
        """Keep a chunk just laid out (its PDF is moved into the cache)."""
        pdf = self.folder / f"{key}.pdf"
        Path(result.pdf).replace(pdf)
        result.pdf = pdf.name  # the folder may move
        write_atomic(self.folder / f"{key}.json", json.dumps(asdict(result)).encode())
        result.pdf = str(pdf)
        self.used.add(key)
        self.laid_out += 1
        return result

    def scratch(self, chunk: Chunk) -> str:
        """Where a worker writes a chunk's PDF before it is kept."""
        self.folder.mkdir(parents=True, exist_ok=True)
        return str(self.folder / f".{chunk.key[:24]}.pdf.tmp")

    def count_key(self, setup_key: str, chunk: Chunk) -> str:
        return hashlib.sha256(f"{setup_key}\0{chunk.key}".encode()).hexdigest()[:40]

    def known_count(self, setup_key: str, chunk: Chunk) -> int | None:
        """The page count of this chunk with these stylesheets, from an earlier build."""
        if self._counts is None:
            try:
                data = json.loads((self.folder / "counts.json").read_text(encoding="utf-8"))
                self._counts = {str(k): int(v) for k, v in data.items()}
            except (OSError, ValueError, TypeError, AttributeError):
                self._counts = {}
        return self._counts.get(self.count_key(setup_key, chunk))

    def remember(self, setup_key: str, chunk: Chunk, count: int) -> None:
        self._new_counts[self.count_key(setup_key, chunk)] = count

    def finish(self) -> None:
        """Keep this build's entries and page counts; drop the rest."""
        self.folder.mkdir(parents=True, exist_ok=True)
        counts = json.dumps(self._new_counts, sort_keys=True).encode()
        write_atomic(self.folder / "counts.json", counts)
        for path in self.folder.iterdir():
            stale = path.suffix in (".pdf", ".json") and path.stem not in self.used | {"counts"}
            if stale or path.suffix == ".tmp":
                path.unlink(missing_ok=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ------------------------------------------------------------------------------ a worker


@dataclass(frozen=True)
class _Task:
    chunk: Chunk
    setup: Setup
    out: str  # where to write the chunk's PDF
    first_folio: int | None  # None: known once the chunks before it are laid out
    body_index: int = -1  # place among the body chunks, for the shared page counts


# Set in each worker process: the body chunks' page counts (-1 while unknown) and the
# condition that announces a new one.
_shared: tuple | None = None
# The chunk being laid out in this process: how its page counter moves on.
_numbering: _Numbering | None = None


def _init_worker(counts, condition) -> None:
    global _shared
    _shared = (counts, condition)
    _install_hook()


class _Numbering:
    """Moves a chunk's page counter on by its first folio, once its pages are known."""

    def __init__(self, first_folio: Callable[[int], int], has_end: bool):
        self.first_folio = first_folio  # given the chunk's page count
        self.has_end = has_end  # the last page is the chunk-end page, to be dropped
        self.delta: int | None = None

    def state(self, context, state):
        if self.delta is None:
            pages = len(context.page_maker) - 1 - self.has_end  # pagination is over
            self.delta = self.first_folio(pages) - 1
        if not self.delta:
            return state
        quote_depth, counters, *rest = state
        moved = dict(counters)
        moved["page"] = [value + self.delta for value in counters.get("page", [0])]
        return (quote_depth, moved, *rest)


def _install_hook() -> None:
    """Route WeasyPrint's margin boxes through the chunk's numbering (once per process), and
    mend its line breaking as a whole-book layout does."""
    import weasyprint.layout as layout

    from anthology.render import linebreak

    linebreak.install()

    original = layout.make_margin_boxes
    if getattr(original, "_anthology", False):
        return

    def make_margin_boxes(context, page, state):
        if _numbering is not None:
            state = _numbering.state(context, state)
        return original(context, page, state)

    make_margin_boxes._anthology = True
    layout.make_margin_boxes = make_margin_boxes


def hook_available() -> bool:
    """Whether this WeasyPrint lets a chunk's folios be moved on (see ``_install_hook``)."""
    import weasyprint.layout as layout

    return callable(getattr(layout, "make_margin_boxes", None))


def _wait_for_start(index: int, pages: int) -> int:
    """Publish a body chunk's page count; its first folio, once every earlier one is known."""
    counts, condition = _shared
    with condition:
        counts[index] = pages
        condition.notify_all()
        while True:
            before = counts[:index]
            if _FAILED in before:
                raise BuildError("an earlier part of the book could not be laid out")
            if all(count >= 0 for count in before):
                return 1 + sum(before)
            condition.wait(_WAIT_STEP)


def _publish_failure(index: int) -> None:
    if _shared is None or index < 0:
        return
    counts, condition = _shared
    with condition:
        if counts[index] < 0:
            counts[index] = _FAILED
        condition.notify_all()


def render_chunk(task: _Task) -> ChunkResult:
    """Lay out one chunk and write its PDF (in a worker process, or in this one)."""
    global _numbering
    try:
        return _render(task)
    except BaseException:
        _publish_failure(task.body_index)
        raise
    finally:
        _numbering = None


def _render(task: _Task) -> ChunkResult:
    global _numbering
    import weasyprint

    from anthology.render.pagemap import page_places
    from anthology.render.pdfdocument import (
        WarningCollector,
        anchor_pages,
        image_resolutions,
        stable_document_id,
    )
    from anthology.resources import ResourceGate

    _install_hook()
    setup, chunk = task.setup, task.chunk
    fetcher = ResourceGate([Path(r) for r in setup.roots]).weasyprint_fetcher()
    profiles: dict = {}
    sheets = [
        weasyprint.CSS(string=text, base_url=url, url_fetcher=fetcher, color_profiles=profiles)
        for text, url in setup.layers
    ]
    html = weasyprint.HTML(string=chunk.html, base_url=setup.base_url, url_fetcher=fetcher)
    has_end = 'class="chunk-end"' in chunk.html
    first = task.first_folio

    def first_folio(pages: int) -> int:
        nonlocal first
        if first is None:
            first = _wait_for_start(task.body_index, pages)
        elif task.body_index >= 0 and _shared is not None:
            _wait_for_start(task.body_index, pages)  # others may be waiting for this count
        return first

    options = {"custom_metadata": True, "attachments": [], "pdf_variant": setup.variant}
    collector = WarningCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        _numbering = _Numbering(first_folio, has_end)
        document = html.render(stylesheets=sheets, color_profiles=profiles, **options)
        _numbering = None
        if has_end:
            document = document.copy(document.pages[:-1])
        pages = document.pages
        result = ChunkResult(
            name=chunk.name,
            pdf=task.out,
            first_folio=first or 1,
            page_count=len(pages),
            anchors=anchor_pages(pages),
            bookmarks=[
                (level, label, index, state)
                for index, page in enumerate(pages)
                for level, label, _, state in page.bookmarks
            ],
            places=page_places(pages, html.etree_element, set(setup.doc_ids)),
            images=image_resolutions(document) if setup.shop else [],
        )
        stable_document_id(document, chunk.key[:32])
        document.write_pdf(task.out, pdf_identifier=chunk.key[:32].encode(), **options)
    finally:
        logger.removeHandler(collector)
    result.warnings = collector.messages
    result.sha256 = _sha256(Path(task.out))
    return result


# ------------------------------------------------------------------------------ the body


def render_body(
    chunks: list[Chunk], setup: Setup, cache: PartCache, jobs: int
) -> list[ChunkResult]:
    """Lay out the body chunks (or take them from the cache), in order.

    A chunk whose page count is known from an earlier build does not hold up the chunks
    after it.
    """
    setup_key = setup.key
    if jobs <= 1 or len(chunks) < 2:
        results = _body_serially(chunks, setup, setup_key, cache)
    else:
        results = _body_in_parallel(chunks, setup, setup_key, cache, jobs)
    for chunk, result in zip(chunks, results, strict=True):
        cache.remember(setup_key, chunk, result.page_count)
    return results


def _task(chunk: Chunk, setup: Setup, cache: PartCache, first_folio, index=-1) -> _Task:
    return _Task(chunk, setup, cache.scratch(chunk), first_folio, index)


def _body_serially(chunks, setup, setup_key, cache: PartCache) -> list[ChunkResult]:
    results = []
    folio = 1
    for chunk in chunks:
        results.append(lay_out(chunk, setup, cache, folio, setup_key))
        folio += results[-1].page_count
    return results


def _body_in_parallel(chunks, setup, setup_key, cache, jobs) -> list[ChunkResult]:
    """Chunks never laid out before start at once and learn their first folio from the
    others; the rest, whose page counts are known, are looked up in the cache (or laid out)
    as soon as their first folio is known."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    known = [cache.known_count(setup_key, chunk) for chunk in chunks]
    shared = multiprocessing.Array("q", [-1 if n is None else n for n in known], lock=False)
    condition = multiprocessing.Condition()
    results: list[ChunkResult | None] = [None] * len(chunks)
    waiting = [i for i, count in enumerate(known) if count is not None]
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(chunks)), initializer=_init_worker, initargs=(shared, condition)
    ) as pool:
        running = {
            pool.submit(render_chunk, _task(c, setup, cache, None, i)): i
            for i, c in enumerate(chunks)
            if known[i] is None
        }
        while running or waiting:
            with condition:
                now = list(shared)
            for i in list(waiting):
                if any(count < 0 for count in now[:i]):
                    continue
                waiting.remove(i)
                folio = 1 + sum(now[:i])
                results[i] = cache.get(cache.key(setup_key, chunks[i], folio))
                if results[i] is None:
                    task = _task(chunks[i], setup, cache, folio, i)
                    running[pool.submit(render_chunk, task)] = i
            if not running:
                continue
            done, _ = wait(running, timeout=_WAIT_STEP, return_when=FIRST_COMPLETED)
            for future in done:
                index = running.pop(future)
                try:
                    result = future.result()
                except BaseException:
                    with condition:
                        for i, count in enumerate(shared):
                            if count < 0:
                                shared[i] = _FAILED
                        condition.notify_all()
                    raise
                key = cache.key(setup_key, chunks[index], result.first_folio)
                results[index] = cache.put(key, result)
    for chunk, result, count in zip(chunks, results, known, strict=True):
        if count is not None and result.page_count != count:
            # The chunks after it were numbered from the count of an earlier build.
            raise BuildError(f"the PDF's {chunk.name} changed length between layouts; build again")
    return results


def lay_out(
    chunk: Chunk, setup: Setup, cache: PartCache, first_folio: int, setup_key: str = ""
) -> ChunkResult:
    """One chunk with a known first folio, from the cache or laid out in this process."""
    key = cache.key(setup_key or setup.key, chunk, first_folio)
    cached = cache.get(key)
    if cached is not None:
        return cached
    return cache.put(key, render_chunk(_task(chunk, setup, cache, first_folio)))


# ------------------------------------------------------------------------------ the book


def render_in_parts(renderer, book, out: Path) -> None:
    """Write ``book`` at ``out`` as chunks laid out apart and joined (for ``PdfRenderer``).

    Sets the renderer's ``page_count``, ``page_starts``, ``parts``, ``warnings`` and
    ``diagnostics`` as a whole-book layout would.
    """
    import tempfile

    from anthology.render.documents import epub_doc_ids, print_html
    from anthology.render.pagemap import starts_from_places
    from anthology.render.pdfdocument import FONTS, references, resolution_warnings
    from anthology.render.pdfjoin import Bookmark, PageLabels, join_parts

    options = renderer.options
    setup = Setup(
        layers=tuple((without_target_counters(t), u) for t, u in renderer._layers(book)),
        base_url=renderer.base_dir.resolve().as_uri() + "/",
        roots=tuple(str(root) for root in renderer.gate.roots),
        variant=options.pdf_variant,
        doc_ids=frozenset(epub_doc_ids(book)),
        shop=options.shop,
    )
    back_ids = [doc_id for doc_id, _ in book.back_matter]
    chunk_chars = renderer.chunk_chars or CHUNK_CHARS

    def chunks(references=None, folios=None) -> list[Chunk]:
        html = print_html(book, FONTS, references, renderer._image_href, folios)
        return split_html(html, back_ids, chunk_chars, even=options.shop)

    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".parts-") as scratch:
        cache = PartCache(renderer.cache_dir or Path(scratch))
        body = [c for c in chunks() if c.kind == "body"]
        laid_out = render_body(body, setup, cache, renderer.jobs)
        folio_of: dict[str, int] = {}
        for result in laid_out:
            for anchor, index in result.anchors.items():
                folio_of.setdefault(anchor, result.first_folio + index)
        pages = references(book, folio_of)
        back_folio = 1 + sum(result.page_count for result in laid_out)
        back = [c for c in chunks(pages) if c.kind == "back"]
        if back:
            laid_out.append(lay_out(back[0], setup, cache, back_folio))
            for anchor, index in laid_out[-1].anchors.items():
                folio_of.setdefault(anchor, back_folio + index)
        folios = {doc: str(folio_of.get(doc, "")) for doc in epub_doc_ids(book)}
        front = lay_out(chunks(pages, folios)[0], setup, cache, 1)
        results = [front, *laid_out]
        starts = [0]
        for result in results[:-1]:
            starts.append(starts[-1] + result.page_count)
        outline = [
            Bookmark(label, level, start + index, state == "open")
            for result, start in zip(results, starts, strict=True)
            for level, label, index, state in result.bookmarks
        ]
        labels = [PageLabels(0, "lower-roman"), PageLabels(front.page_count, "decimal")]
        joined = join_parts(
            [Path(result.pdf) for result in results], out, outline=outline, page_labels=labels
        )
        if renderer.cache_dir is not None:
            cache.finish()
    renderer.parts = len(results)
    renderer.laid_out = cache.laid_out
    renderer.page_count = joined.page_count
    places = [place for result in results for place in result.places]
    renderer.page_starts = starts_from_places(places, front.page_count)
    renderer.warnings = list(dict.fromkeys(w for result in results for w in result.warnings))
    renderer.diagnostics.extend(joined.diagnostics)
    renderer.diagnostics.extend(
        resolution_warnings(
            (start + index, name, dpi)
            for result, start in zip(results, starts, strict=True)
            for index, name, dpi in result.images
        )
    )
