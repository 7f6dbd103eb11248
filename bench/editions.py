"""The benchmark editions, generated into a folder: the same seed gives the same files.

``default`` is the repository's own ``sources/`` (copied, so building it touches nothing here).
``study`` (about 300 A5 pages) and ``large`` (1,000 articles, about 3,000 A5 pages) are made of
real text: the five seed pages as they are, saved pages from the extraction benchmark under new
names (when ``../shared/benchmarks/extraction`` exists) and text dumps in the seeds' format
whose paragraphs recombine sentences of the seeds and of the benchmark's annotated articles.
Each generated edition has a ``book.toml`` with several parts and the default glossary.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "sources"
BENCHMARKS = ROOT.parent / "shared" / "benchmarks" / "extraction"
SEED = 1917
SIZES = ("default", "study", "large")

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(]?[A-ZА-Я0-9])")
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*$")
_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]")
_ENGLISH = re.compile(r"\b(?:the|and|of|to)\b")
_NOT_LATIN = re.compile(r"[^\u0000-\u024f\u2000-\u206f\u20ac]")
_FURNITURE = re.compile(r"cookie|website|subscri|sign up|newsletter|privacy|click|http", re.I)
# A title does not end on one of these.
_WEAK_ENDINGS = frozenset(
    ("a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "is", "new", "of",
     "on", "or", "that", "the", "to", "was", "were", "with")
)  # fmt: skip
_FIRST_NAMES = ("Anna", "Boris", "Clare", "David", "Elena", "Farid", "Grace", "Hugo", "Irina")
_LAST_NAMES = ("Adler", "Brandt", "Carver", "Doyle", "Evans", "Fischer", "Grant", "Hale", "Kemp")
_PUBLICATIONS = ("The Socialist", "The Reading Room", "Workers Weekly", "The Review")


@dataclass(frozen=True)
class Spec:
    """What to generate: how many articles in how many parts, and about how many words."""

    title: str
    articles: int
    parts: int
    words: int  # in all, seed and saved pages included
    saved_pages: int  # at most this many pages from the extraction benchmark


SPECS = {
    "study": Spec("A Study Reader", articles=36, parts=4, words=80_000, saved_pages=8),
    "large": Spec("A Thousand Articles", articles=1000, parts=20, words=790_000, saved_pages=181),
}


@dataclass(frozen=True)
class Made:
    """A generated edition: its folder and what went into it."""

    size: str
    root: Path
    articles: int
    saved_pages: int
    text_from: str


def make_edition(size: str, folder: Path, benchmarks: Path = BENCHMARKS) -> Made:
    """Write the edition ``size`` (one of SIZES) into ``folder/size`` and describe it."""
    root = folder / size
    if root.exists():
        shutil.rmtree(root)
    sources = root / "sources"
    if size == "default":
        shutil.copytree(SEEDS, sources)
        count = len([p for p in sources.iterdir() if p.suffix in (".txt", ".html")])
        return Made(size, root, count, 0, "the seed pages")
    spec = SPECS[size]
    sources.mkdir(parents=True)
    rng = random.Random(f"{SEED}-{size}")
    saved = _saved_pages(benchmarks, spec.saved_pages, rng) if benchmarks.is_dir() else []
    documents = _documents(benchmarks if benchmarks.is_dir() else None)
    names = _copy_seeds(sources) + _write_saved(sources, saved)
    used = sum(_seed_words()) + sum(words for _, _, words in saved)
    dumps = spec.articles - len(names)
    names += _write_dumps(sources, dumps, max(spec.words - used, 300 * dumps), documents, rng)
    _write_book_toml(sources, spec, names, documents, rng)
    shutil.copy(SEEDS / "glossary.toml", sources / "glossary.toml")
    text_from = "seeds + extraction benchmark" if saved else "seeds only (no benchmark found)"
    return Made(size, root, len(names), len(saved), text_from)


def change_one_page(root: Path) -> tuple[Path, bytes]:
    """Add a sentence to the middle text page of an edition; return it and its old bytes."""
    pages = sorted((root / "sources").glob("*.txt"))
    page = pages[len(pages) // 2]
    original = page.read_bytes()
    lines = original.decode("utf-8").split("\n")
    longest = max(range(len(lines)), key=lambda i: len(lines[i]))
    lines[longest] += " The editor changed this paragraph before the second build."
    page.write_text("\n".join(lines), encoding="utf-8")
    return page, original


def _seed_words() -> list[int]:
    return [len(p.read_text(encoding="utf-8").split()) for p in sorted(SEEDS.glob("*.txt"))]


def _copy_seeds(sources: Path) -> list[str]:
    names = []
    for page in sorted(SEEDS.glob("*.txt")):
        shutil.copy(page, sources / page.name)
        names.append(page.name)
    return names


def _benchmark_rows(benchmarks: Path) -> list[dict]:
    with (benchmarks / "truth.jsonl").open(encoding="utf-8") as rows:
        return [json.loads(line) for line in rows if line.strip()]


def _saved_pages(benchmarks: Path, count: int, rng: random.Random) -> list[tuple[str, bytes, int]]:
    """Up to ``count`` saved pages (no CJK text: the book faces lack it) as (host, html, words)."""
    rows = [r for r in _benchmark_rows(benchmarks) if not _CJK.search(r["body"])]
    chosen = sorted(rng.sample(rows, min(count, len(rows))), key=lambda r: r["id"])
    pages = []
    for row in chosen:
        host = re.sub(r"^www\.", "", row["url"].split("/")[2])
        slug = re.sub(r"[^a-z0-9]+", "-", host.lower()).strip("-")
        pages.append((slug, _page_html(benchmarks, row["id"]), len(row["body"].split())))
    return pages


def _page_html(benchmarks: Path, page_id: str) -> bytes:
    plain = benchmarks / "pages" / f"{page_id}.html"
    if plain.exists():
        return plain.read_bytes()
    return gzip.decompress((benchmarks / "pages" / f"{page_id}.html.gz").read_bytes())


def _write_saved(sources: Path, saved: list[tuple[str, bytes, int]]) -> list[str]:
    names = []
    for number, (host, data, _) in enumerate(saved, start=1):
        name = f"saved-{number:03d}-{host}.html"
        (sources / name).write_bytes(data)
        names.append(name)
    return names


def _documents(benchmarks: Path | None) -> list[list[str]]:
    """Real prose as lists of sentences: each seed page and each English benchmark article."""
    texts = [page.read_text(encoding="utf-8") for page in sorted(SEEDS.glob("*.txt"))]
    if benchmarks is not None:
        texts += [row["body"] for row in _benchmark_rows(benchmarks)]
    documents = []
    for text in texts:
        sentences = [s for line in text.splitlines() for s in _prose_sentences(line.strip())]
        if len(sentences) >= 5:
            documents.append(sentences)
    return documents


def _prose_sentences(paragraph: str) -> list[str]:
    """The sentences of an English paragraph of prose, or [] for anything else."""
    if len(paragraph.split()) < 12 or not _SENTENCE_END.search(paragraph):
        return []
    if not _ENGLISH.search(paragraph) or _NOT_LATIN.search(paragraph):
        return []
    return [
        sentence
        for sentence in _SENTENCE_SPLIT.split(paragraph)
        if 6 <= len(sentence.split()) <= 60
        and _SENTENCE_END.search(sentence)
        and not _FURNITURE.search(sentence)
    ]


def _phrase(document: list[str], rng: random.Random, low: int, high: int) -> str:
    """A title-like phrase: the opening words of a sentence, no weak word or stop at its end."""
    while True:
        words = [w.strip("\"“”‘’'()[].,;:!?") for w in rng.choice(document).split()]
        words = [w for w in words if w][: rng.randint(low, high)]
        while words and words[-1].lower() in _WEAK_ENDINGS:
            words.pop()
        if len(words) >= low:
            text = " ".join(words)
            return text[0].upper() + text[1:]


def _paragraph(document: list[str], rng: random.Random, words: int) -> str:
    """Consecutive sentences of one document, from a random place, to about ``words`` words."""
    index = rng.randrange(len(document))
    sentences: list[str] = []
    while sum(len(s.split()) for s in sentences) < words:
        sentences.append(document[index % len(document)])
        index += 1
    return " ".join(sentences)


def _dump(documents: list[list[str]], rng: random.Random, words: int, day: date) -> str:
    """One page as a scraper dumps it: furniture, dateline, head, paragraphs, furniture.

    The paragraphs follow one document, now and then turning to another.
    """
    document = rng.choice(documents)
    lines = [
        "Printable version Printable version",
        "Facebook   Twitter",
        "Link to this page:",
        f"From {rng.choice(_PUBLICATIONS)} newspaper, {day.day} {day:%B} {day.year}",
        _phrase(document, rng, 3, 8),
        _phrase(document, rng, 7, 11),
        f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}",
    ]
    written = 0
    while written < words:
        if rng.random() < 0.15:
            document = rng.choice(documents)
        lines.append(_paragraph(document, rng, rng.randint(40, 160)))
        written += len(lines[-1].split())
        if rng.random() < 0.12 and written < words - 100:
            lines.append(_phrase(document, rng, 2, 6))
    month = day.replace(day=1)
    lines += ["Related articles", "Share this Article"]
    lines += [f"{(month - timedelta(days=31 * k)):%B %Y}" for k in range(6)]
    return "\n\n".join(lines) + "\n"


def _write_dumps(
    sources: Path, count: int, words: int, documents: list[list[str]], rng: random.Random
) -> list[str]:
    """``count`` text dumps of about ``words`` words in all, lengths varying by up to half."""
    names = []
    day = date(2014, 1, 6)
    for number in range(1, count + 1):
        length = int(words / count * rng.uniform(0.5, 1.5))
        name = f"dump-{number:04d}.txt"
        (sources / name).write_text(_dump(documents, rng, length, day), encoding="utf-8")
        names.append(name)
        day += timedelta(days=rng.randint(1, 9))
    return names


def _toml(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _write_book_toml(
    sources: Path, spec: Spec, names: list[str], documents: list[list[str]], rng: random.Random
) -> None:
    """Parts of about equal size, each with a title and a two-paragraph introduction."""
    order = list(names)
    rng.shuffle(order)
    seed_toml = (SEEDS / "book.toml").read_text(encoding="utf-8")
    extra = re.search(r"^\[index\]\s*\nextra = .*$", seed_toml, re.M)
    out = [
        f"title = {_toml(spec.title)}",
        f'subtitle = "A benchmark edition of {len(names)} articles"',
        'editor = "The Benchmark Reading Group"',
        'language = "en-GB"',
        "date = 2026-01-01",
        "",
        extra.group(0) if extra else "",
    ]
    per_part = -(-len(order) // spec.parts)
    for start in range(0, len(order), per_part):
        document = rng.choice(documents)
        intro = "\n\n".join(_paragraph(document, rng, 50) for _ in range(2))
        out += ["", "[[parts]]", f"title = {_toml(_phrase(document, rng, 2, 6))}"]
        out.append(f"intro = {_toml(intro)}")
        out.append("articles = [")
        out += [f"  {_toml(name)}," for name in order[start : start + per_part]]
        out.append("]")
    (sources / "book.toml").write_text("\n".join(out) + "\n", encoding="utf-8")
