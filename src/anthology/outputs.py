"""Where a build writes its books: each to a temporary file beside its destination, all renamed
into place once every edition is made, so that a failed build leaves the previous books."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from anthology.core.errors import BuildError


class Outputs:
    """The books of one build, from their temporary files to their destinations.

    Args:
        root: the edition folder (books go to its ``build/`` by default).
        slug: the book's file name without suffix.
        output: the ``--output`` folder, or a file name when there is one edition.
        renderers: the renderer of each edition (its ``suffix`` ends the file name).

    Raises:
        BuildError: ``output`` names a file that does not fit the editions asked for.
    """

    def __init__(self, root: Path, slug: str, output: Path | None, renderers: dict):
        self.finals = {
            name: destination(
                root, slug, output, name, renderer.suffix, len(renderers), _layout_tag(renderer)
            )
            for name, renderer in renderers.items()
        }
        self.written: list[tuple[Path, Path, str]] = []  # (temporary, final, kind)

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, *exc) -> None:
        for temp, _, _ in self.written:
            temp.unlink(missing_ok=True)

    def temp(self, name: str) -> Path:
        """A new temporary file for the edition ``name``, beside its destination."""
        final = self.finals[name]
        final.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{final.name}.", suffix=".tmp", dir=final.parent
        )
        os.close(handle)
        self.written.append((Path(temp_name), final, name))
        return Path(temp_name)

    def cover(self, name: str) -> Path:
        """A temporary file for the cover of the edition ``name`` (``<book>-cover.pdf``)."""
        temp, final, _ = next(w for w in self.written if w[2] == name)
        cover = temp.with_name(temp.name + ".cover")
        self.written.append((cover, final.with_name(f"{final.stem}-cover.pdf"), "cover"))
        return cover

    def keep(self) -> dict[str, Path]:
        """Rename every book into place; each kind of output and where it now is."""
        kept = {}
        for temp, final, kind in self.written:
            temp.chmod(0o644)
            os.replace(temp, final)
            kept[kind] = final
        return kept


def _layout_tag(renderer) -> str:
    """The PDF's page when the command line changed it from book.toml's ("a4"), else ""."""
    return getattr(getattr(renderer, "options", None), "layout_tag", "")


def destination(
    root: Path,
    slug: str,
    output: Path | None,
    name: str,
    suffix: str,
    count: int,
    layout: str = "",
) -> Path:
    """Where the edition ``name`` goes: ``build/``, the ``--output`` folder or file name.

    A PDF of another layout than book.toml's (``layout``, such as "a4") is named for it,
    ``<slug>-a4.pdf``: the reading PDF, whose pages the EPUB shows, stays as it is.
    """
    named = f"{slug}-{layout}{suffix}" if layout else f"{slug}{suffix}"
    if output is None:
        return root / "build" / named
    lowered = output.name.lower()
    if lowered.endswith((".epub", ".pdf", ".azw3")):
        # A file name of one's own may drop the print shop's "-print" (book.pdf).
        if count > 1 or not lowered.endswith(suffix.removeprefix("-print")):
            raise BuildError(
                f"--output {output} names a {output.suffix} file; "
                + (
                    "give a folder when building several editions"
                    if count > 1
                    else f"the {name} edition's file name ends in {suffix}"
                )
            )
        return output
    return output / named
