"""Laying out a book's chunks: in this process or in worker processes side by side.

A chunk's page count does not depend on the folio it starts at (every chunk starts on a
right-hand page), so each chunk is laid out counting from 1, and just before WeasyPrint draws
its margin boxes (the only place a folio is printed) its page counter is moved on to the
chunk's first folio. A chunk waits for the page counts of the chunks before it only after its
own layout, so chunks lay out in parallel.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from anthology.core.errors import BuildError
from anthology.render.pdf.partcache import FORMAT, ChunkResult, PartCache, sha256_of
from anthology.render.pdf.split import Chunk
from anthology.render.pdf.weasy import Numbering, install_margin_hook, moved_folios

_FAILED = -2  # a chunk's page count when its layout failed
_WAIT_STEP = 0.5  # seconds between looks at the other chunks' progress


@dataclass(frozen=True)
class Setup:
    """What a worker needs besides the chunk: the same for every chunk of a book."""

    layers: tuple[tuple[str, str | None], ...]  # (CSS text, base URL), in cascade order
    base_url: str  # of the HTML (the sources folder)
    roots: tuple[str, ...]  # folders the resource gate lets WeasyPrint read
    variant: str | None  # WeasyPrint's pdf_variant
    doc_ids: frozenset[str]  # the EPUB's documents, for the page map
    shop: bool  # report images printed below 300 dpi; bleed box, no link annotations
    bleed_mm: float = 3.0  # the print shop's bleed
    lang: str = ""  # the book's language, whose hyphenation dictionary a process loads first

    @property
    def key(self) -> str:
        from importlib.metadata import version

        digest = hashlib.sha256(f"{FORMAT}\0{version('weasyprint')}\0{self.variant}".encode())
        for text, url in self.layers:
            digest.update(f"\0{text}\0{url}".encode())
        return digest.hexdigest()


@dataclass(frozen=True)
class _Task:
    chunk: Chunk
    setup: Setup
    out: str  # where to write the chunk's PDF
    first_folio: int | None  # None: known once the chunks before it are laid out
    body_index: int = -1  # place among the chunks laid out together, for the shared counts
    base_folio: int = 1  # the first folio of the first of the chunks laid out together


# Set in each worker process: the body chunks' page counts (-1 while unknown) and the
# condition that announces a new one.
_shared: tuple | None = None


def _init_worker(counts, condition) -> None:
    global _shared
    _shared = (counts, condition)
    install_margin_hook()


def _wait_for_start(index: int, pages: int, base: int = 1) -> int:
    """Publish a chunk's page count; its first folio, once every earlier one is known."""
    counts, condition = _shared
    with condition:
        counts[index] = pages
        condition.notify_all()
        while True:
            before = counts[:index]
            if _FAILED in before:
                raise BuildError("an earlier part of the book could not be laid out")
            if all(count >= 0 for count in before):
                return base + sum(before)
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
    try:
        return _render(task)
    except BaseException:
        _publish_failure(task.body_index)
        raise


# The stylesheets parsed for the setup last used in this process: every chunk of a book has the
# same, and a worker forked after ``stylesheets`` was called here starts with them parsed.
_parsed: dict[Setup, tuple[list, dict]] = {}
_WARM_UP = '<html lang="{lang}"><body><p style="hyphens: auto">Text, <i>text</i>.</p></body></html>'


def stylesheets(setup: Setup) -> tuple[list, dict]:
    """The book's stylesheets parsed by WeasyPrint, and their colour profiles (kept for the
    next chunk: WeasyPrint reads them and does not change them).

    The first call for a book also readies this process for laying out: the hyphenation
    dictionary loaded, a page of text laid out and written (WeasyPrint's first layout and
    write in a process cost several tenths of a second more than the next). Workers forked
    after it start ready.
    """
    if setup not in _parsed:
        import weasyprint

        from anthology.resources import ResourceGate

        fetcher = ResourceGate([Path(r) for r in setup.roots]).weasyprint_fetcher()
        profiles: dict = {}
        sheets = [
            weasyprint.CSS(string=text, base_url=url, url_fetcher=fetcher, color_profiles=profiles)
            for text, url in setup.layers
        ]
        _parsed.clear()
        _parsed[setup] = (sheets, profiles)
        _warm_up(setup, sheets, profiles, fetcher)
    return _parsed[setup]


def _warm_up(setup: Setup, sheets: list, profiles: dict, fetcher) -> None:
    import io

    import weasyprint
    from weasyprint.text import line_break

    install_margin_hook()
    lang = setup.lang and line_break.pyphen.language_fallback(setup.lang)
    if lang:
        line_break.pyphen.Pyphen(lang=lang)  # pyphen keeps the dictionary for the process
    html = weasyprint.HTML(string=_WARM_UP.format(lang=setup.lang), url_fetcher=fetcher)
    options = {"pdf_variant": setup.variant}
    html.render(stylesheets=sheets, color_profiles=profiles, **options).write_pdf(
        io.BytesIO(), **options
    )


def _render(task: _Task) -> ChunkResult:
    import weasyprint

    from anthology.render.pdf.document import (
        WarningCollector,
        anchor_pages,
        image_resolutions,
        print_shop_finisher,
        stable_document_id,
    )
    from anthology.render.pdf.pagemap import page_places
    from anthology.resources import ResourceGate

    install_margin_hook()
    setup, chunk = task.setup, task.chunk
    fetcher = ResourceGate([Path(r) for r in setup.roots]).weasyprint_fetcher()
    sheets, profiles = stylesheets(setup)
    html = weasyprint.HTML(string=chunk.html, base_url=setup.base_url, url_fetcher=fetcher)
    has_end = 'class="chunk-end"' in chunk.html
    first = task.first_folio

    def first_folio(pages: int) -> int:
        nonlocal first
        if first is None:
            first = _wait_for_start(task.body_index, pages, task.base_folio)
        elif task.body_index >= 0 and _shared is not None:
            _wait_for_start(task.body_index, pages)  # others may be waiting for this count
        return first

    options = {"custom_metadata": True, "attachments": [], "pdf_variant": setup.variant}
    collector = WarningCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        with moved_folios(Numbering(first_folio, has_end).state):
            document = html.render(stylesheets=sheets, color_profiles=profiles, **options)
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
        finisher = print_shop_finisher(setup.bleed_mm) if setup.shop else None
        document.write_pdf(
            task.out, pdf_identifier=chunk.key[:32].encode(), finisher=finisher, **options
        )
    finally:
        logger.removeHandler(collector)
    result.warnings = collector.messages
    result.sha256 = sha256_of(Path(task.out))
    return result


def render_body(
    chunks: list[Chunk],
    setup: Setup,
    cache: PartCache,
    jobs: int,
    progress=None,
    first_folio: int = 1,
) -> list[ChunkResult]:
    """Lay out chunks whose folios run on from ``first_folio`` (the body's, or the back
    matter's), or take them from the cache, in order.

    A chunk whose page count is known from an earlier build does not hold up the chunks
    after it. ``progress(done, total)``, when given, is called as each chunk is ready.
    """
    return _run(chunks, setup, cache, jobs, progress, first_folio)[0]


def render_back(
    chunks: list[Chunk], setup: Setup, cache: PartCache, jobs: int, first_folio: int, front
) -> tuple[list[ChunkResult], ChunkResult]:
    """Lay out the back matter's chunks as ``render_body`` does, and the front matter beside
    the last of them.

    ``front(counts)`` makes the front matter's chunk from the page counts of every back
    chunk but the last (which are all the contents needs of the back matter): it is laid out
    from folio 1 as soon as they are known.
    """
    return _run(chunks, setup, cache, jobs, None, first_folio, front)


def _run(chunks, setup: Setup, cache: PartCache, jobs: int, progress, base: int, then=None):
    """(the chunks' results, the result of ``then``'s chunk or None)."""
    setup_key = setup.key
    tick = progress or (lambda done, total: None)
    if jobs <= 1 or len(chunks) + (then is not None) < 2:
        results = _body_serially(chunks, setup, setup_key, cache, tick, base)
        extra = None
        if then is not None:
            extra = lay_out(then([r.page_count for r in results[:-1]]), setup, cache, 1, setup_key)
    else:
        results, extra = _body_in_parallel(chunks, setup, setup_key, cache, jobs, tick, base, then)
    for chunk, result in zip(chunks, results, strict=True):
        cache.remember(setup_key, chunk, result.page_count)
    return results, extra


def _task(chunk: Chunk, setup: Setup, cache: PartCache, first_folio, index=-1, base=1) -> _Task:
    return _Task(chunk, setup, cache.scratch(chunk), first_folio, index, base)


def _body_serially(chunks, setup, setup_key, cache: PartCache, tick, base) -> list[ChunkResult]:
    results = []
    folio = base
    for chunk in chunks:
        results.append(lay_out(chunk, setup, cache, folio, setup_key))
        folio += results[-1].page_count
        tick(len(results), len(chunks))
    return results


def _body_in_parallel(chunks, setup, setup_key, cache, jobs, tick, base, then=None):
    """Chunks never laid out before start at once and learn their first folio from the
    others; the rest, whose page counts are known, are looked up in the cache (or laid out)
    as soon as their first folio is known. ``then(counts)``, when given, makes one more chunk
    (first folio 1) once the page counts of all the chunks but the last are known.

    Returns the chunks' results, and the result of ``then``'s chunk or None."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    known = [cache.known_count(setup_key, chunk) for chunk in chunks]
    shared = multiprocessing.Array("q", [-1 if n is None else n for n in known], lock=False)
    condition = multiprocessing.Condition()
    results: list[ChunkResult | None] = [None] * len(chunks)
    waiting = [i for i, count in enumerate(known) if count is not None]
    extra: list = [then, None, None]  # the function, its chunk, the chunk's result
    if None in known:
        stylesheets(setup)  # parsed once here: the workers are forked with them
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(chunks) + (then is not None)),
        initializer=_init_worker,
        initargs=(shared, condition),
    ) as pool:
        running = {
            pool.submit(render_chunk, _task(c, setup, cache, None, i, base)): i
            for i, c in enumerate(chunks)
            if known[i] is None
        }
        while running or waiting or extra[0]:
            with condition:
                now = list(shared)
            if extra[0] and all(count >= 0 for count in now[:-1]):
                extra[1] = extra[0](now[:-1])
                extra[0] = None
                extra[2] = cache.get(cache.key(setup_key, extra[1], 1))
                if extra[2] is None:
                    stylesheets(setup)
                    running[pool.submit(render_chunk, _task(extra[1], setup, cache, 1))] = -1
            for i in list(waiting):
                if any(count < 0 for count in now[:i]):
                    continue
                waiting.remove(i)
                folio = base + sum(now[:i])
                results[i] = cache.get(cache.key(setup_key, chunks[i], folio))
                if results[i] is not None:
                    tick(sum(r is not None for r in results), len(chunks))
                else:
                    stylesheets(setup)
                    task = _task(chunks[i], setup, cache, folio, i, base)
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
                if index < 0:
                    extra[2] = cache.put(cache.key(setup_key, extra[1], 1), result)
                    continue
                key = cache.key(setup_key, chunks[index], result.first_folio)
                results[index] = cache.put(key, result)
                tick(sum(r is not None for r in results), len(chunks))
    for chunk, result, count in zip(chunks, results, known, strict=True):
        if count is not None and result.page_count != count:
            # The chunks after it were numbered from the count of an earlier build.
            raise BuildError(f"the PDF's {chunk.name} changed length between layouts; build again")
    return results, extra[2]


def lay_out(
    chunk: Chunk, setup: Setup, cache: PartCache, first_folio: int, setup_key: str = ""
) -> ChunkResult:
    """One chunk with a known first folio, from the cache or laid out in this process."""
    key = cache.key(setup_key or setup.key, chunk, first_folio)
    cached = cache.get(key)
    if cached is not None:
        return cached
    return cache.put(key, render_chunk(_task(chunk, setup, cache, first_folio)))
