"""Book → Kindle AZW3: our EPUB, converted by calibre's ``ebook-convert``.

AZW3 (KF8) has no open writer outside calibre, so this edition needs calibre installed; the
project itself does not. The conversion keeps our table of contents and metadata.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from anthology.core.errors import BuildError
from anthology.core.model import Book
from anthology.render.epub.epub import EpubRenderer
from anthology.render.places import PageStart
from anthology.render.rendered import Rendered

INSTALL = (
    'calibre is needed for AZW3: install it with "sudo apt install calibre" or from '
    "https://calibre-ebook.com/download, then run compile azw3 again"
)
TIMEOUT = 300  # seconds; a long reader converts in well under a minute

# https://manual.calibre-ebook.com/generated/en/ebook-convert.html
OPTIONS = (
    "--no-inline-toc",  # the book has its own contents page
    "--chapter=/",  # no chapter detection: each chapter is already a document of its own
    "--no-chapters-in-toc",  # our navigation is the table of contents, nothing added to it
    "--max-toc-links=0",
)


class Azw3Renderer:
    """Writes the Kindle edition through calibre's ``ebook-convert``.

    Args:
        epub: the EPUB edition's renderer; its book is what calibre converts.
        converter: the ``ebook-convert`` command (None: found on the PATH).

    Raises:
        BuildError: calibre is not installed.
    """

    name = "azw3"
    suffix = ".azw3"
    # Made from an EPUB without the print edition's page numbers (as it always has been).
    print_pages = False

    def __init__(self, epub: EpubRenderer, converter: str | None = None):
        found = converter or shutil.which("ebook-convert")
        if found is None:
            raise BuildError(INSTALL)
        self.epub = epub
        self.converter = found

    def render(self, book: Book, out: Path, page_starts: Sequence[PageStart] = ()) -> Rendered:
        """Write ``book`` as an AZW3 file at ``out`` (the caller makes the write atomic).

        Raises:
            BuildError: calibre failed or took too long; its last line says why.
        """
        with tempfile.TemporaryDirectory(prefix=".azw3-", dir=out.parent) as work:
            folder = Path(work)
            epub = folder / "book.epub"
            made = self.epub.render(book, epub, page_starts)
            azw3 = folder / "book.azw3"
            metadata = folder / "identity.opf"
            metadata.write_text(_IDENTITY.format(uuid=book_uuid(book.identifier)), "utf-8")
            # A private calibre config folder: the user's saved conversion settings do not
            # change the book, and nothing is written to their home folder.
            env = {**os.environ, "CALIBRE_CONFIG_DIRECTORY": str(folder / "calibre")}
            env.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display needed
            try:
                done = subprocess.run(
                    [self.converter, str(epub), str(azw3), *OPTIONS, f"--from-opf={metadata}"],
                    capture_output=True,
                    text=True,
                    errors="replace",
                    timeout=TIMEOUT,
                    env=env,
                    check=False,
                )
            except subprocess.TimeoutExpired as exc:
                raise BuildError(
                    f"ebook-convert took more than {TIMEOUT} s to make the AZW3 and was stopped"
                ) from exc
            except OSError as exc:
                raise BuildError(f"ebook-convert could not be run: {exc.strerror}") from exc
            if done.returncode != 0 or not azw3.is_file():
                raise BuildError(
                    f"ebook-convert could not make the AZW3 (exit status {done.returncode}): "
                    + _last_line(done.stderr or done.stdout)
                )
            shutil.copyfile(azw3, out)
        return replace(made, path=out)


def book_uuid(identifier: str) -> str:
    """The UUID calibre writes as the Kindle book id (ASIN): the book's own, or one made from it.

    Without it calibre makes up a new one at each conversion (src/calibre/ebooks/oeb/reader.py
    adds a random uuid, ebooks/mobi/writer8/exth.py writes it as EXTH 113), so each rebuild
    would be another book to the Kindle.
    """
    if identifier.startswith("urn:uuid:"):
        return identifier.removeprefix("urn:uuid:")
    return str(uuid.uuid5(uuid.NAMESPACE_URL, identifier))


# Merged over the EPUB's metadata (--from-opf): just the identifier, in calibre's OPF 2 form.
_IDENTITY = """<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="uuid_id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">
    <dc:identifier id="uuid_id" opf:scheme="uuid">{uuid}</dc:identifier>
  </metadata>
</package>
"""


def _last_line(output: str) -> str:
    """The last line of calibre's output that says something: usually the error itself."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else "no message"
