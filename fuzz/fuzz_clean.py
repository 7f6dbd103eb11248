"""Coverage-guided fuzzing of page decoding and both cleaners, with atheris (libFuzzer).

Each input is one page: the first byte picks the kind (even: HTML, odd: a text dump), the rest
are the page's bytes, decoded as ``compile`` decodes them. A finding is any exception but
``SourceError``, a body element or attribute outside the allowlist, or an input that runs past
libFuzzer's ``-timeout``.

    python fuzz/fuzz_clean.py --make-corpus build/fuzz-corpus   # seed pages and benchmark pages
    python fuzz/fuzz_clean.py build/fuzz-corpus -max_total_time=600 -timeout=30

Crashing inputs are written as ``crash-*``/``timeout-*`` files in the working folder (or under
``-artifact_prefix=``); ``python fuzz/fuzz_clean.py FILE`` replays one.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import sys
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["anthology"]):
    import anthology.clean.html  # noqa: F401  imported here to be instrumented (clean() imports it late)
    import anthology.clean.text  # noqa: F401
    from anthology.clean import clean
    from anthology.clean.rules import default_rules
    from anthology.core.errors import SourceError
    from anthology.core.limits import Limits
    from anthology.core.model import (
        Article,
        Figure,
        Heading,
        ListBlock,
        Paragraph,
        Quote,
        block_fragments,
    )
    from anthology.sources import Page, decode

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
SEEDS = [
    ROOT / "sources",
    ROOT / "tests" / "fixtures" / "html" / "sources",
    ROOT.parent / "shared" / "seeds",
    ROOT.parent / "shared" / "benchmarks" / "extraction" / "pages",
]
ALLOWED_INLINE = {"em", "strong", "a", "abbr", "q", "sup", "sub", "br"}
RULES = default_rules()
# libFuzzer's own -timeout catches hangs; the cleaner's SIGALRM budget would clash with it.
LIMITS = Limits(clean_seconds=0)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_SAFE_HREF = re.compile(r"^(https?://|mailto:)", re.I)


def page_of(data: bytes) -> Page | None:
    """The page an input stands for, or None when its bytes are not text."""
    kind = "html" if data[0] % 2 == 0 else "text"
    text = decode(data[1:], kind)
    if text is None:
        return None
    name = "fuzz.html" if kind == "html" else "fuzz.txt"
    return Page(
        path=Path("/nonexistent/sources") / name,
        name=name,
        shown=f"sources/{name}",
        kind=kind,
        text=text,
    )


def fragments(article: Article) -> list[str]:
    """Every inline XHTML fragment of the body; a figure must lie inside the edition."""
    found: list[str] = []
    for block in article.body:
        if not isinstance(block, Paragraph | Heading | Quote | ListBlock | Figure):
            raise AssertionError(f"a block outside the model: {block!r}")
        if isinstance(block, Figure) and (
            re.match(r"^([a-z]+:|/|\\)", block.src, re.I) or ".." in block.src.split("/")
        ):
            raise AssertionError(f"figure outside the edition: {block.src!r}")
        found.extend(block_fragments(block))
    return found


def check_allowlisted(article: Article) -> None:
    """Raise AssertionError when the body holds anything the allowlist forbids."""
    for fragment in fragments(article):
        root = etree.fromstring(f"<x>{fragment}</x>".encode(), _PARSER)
        for element in root.iter():
            if element is root:
                continue
            if element.tag not in ALLOWED_INLINE:
                raise AssertionError(f"element {element.tag!r} in {fragment[:200]!r}")
            attributes = dict(element.attrib)
            if element.tag == "a":
                href = attributes.pop("href", "")
                if not _SAFE_HREF.match(href):
                    raise AssertionError(f"unsafe link {href[:200]!r}")
            if attributes:
                raise AssertionError(f"attributes {sorted(attributes)} in {fragment[:200]!r}")


def test_one_input(data: bytes) -> None:
    """The fuzz target: decode and clean one page; only a ``SourceError`` may come out."""
    if len(data) < 2:
        return
    page = page_of(data)
    if page is None:
        return
    try:
        article = clean(page, RULES, limits=LIMITS)
    except SourceError as exc:
        if "\n" in exc.message:
            raise AssertionError(f"an error of more than one line: {exc.message[:200]!r}") from None
        return
    check_allowlisted(article)


def make_corpus(folder: Path) -> int:
    """Write the seed and benchmark pages into ``folder`` as inputs; returns how many."""
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for seeds in SEEDS:
        if not seeds.is_dir():
            continue
        for path in sorted(seeds.iterdir()):
            name = path.name.lower()
            if name.endswith(".gz"):
                data = gzip.decompress(path.read_bytes())
            elif name.endswith((".html", ".htm", ".txt")):
                data = path.read_bytes()
            else:
                continue
            kind = b"\x01" if name.endswith(".txt") else b"\x00"
            entry = kind + data
            (folder / hashlib.sha1(entry).hexdigest()).write_bytes(entry)
            count += 1
    return count


def main(argv: list[str]) -> None:
    """``--make-corpus DIR`` fills a corpus; anything else goes to libFuzzer."""
    if len(argv) == 3 and argv[1] == "--make-corpus":
        print(f"{make_corpus(Path(argv[2]))} inputs in {argv[2]}")
        return
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
