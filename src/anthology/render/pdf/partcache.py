"""Laid-out chunks kept between builds (``build/.cache/pdf-parts``), checked before use."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from anthology.core.files import write_atomic
from anthology.render.pdf.split import Chunk

FORMAT = 1  # of the cache entries


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
            if result.pdf != pdf.name or sha256_of(pdf) != result.sha256:
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


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
