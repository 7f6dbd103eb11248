"""The renderer of each edition, set up from the edition: its style layers, what it may read,
its options. Renderers are imported only when asked for (``compile --help`` stays light)."""

from __future__ import annotations

from anthology.config.edition import Edition
from anthology.core.errors import BuildError

TARGETS = ("epub", "pdf", "kepub", "azw3")


def renderer_for(target: str, edition: Edition, style: str = "", jobs: int = 0):
    """The renderer that makes ``target`` ("epub", "pdf", "kepub" or "azw3") of ``edition``.

    Args:
        target: the edition to make.
        edition: the edition's settings (its folder, [print], [limits]).
        style: a look from ``styles/`` layered over the default.
        jobs: processes for laying out a long PDF in parts (0: one per core).

    Raises:
        BuildError: an unknown target, or the AZW3 without calibre.
    """
    from anthology.render.styles import default_styles_dir, style_layers
    from anthology.resources import ResourceGate

    root = edition.root
    if target == "epub":
        from anthology.render.epub.epub import EpubRenderer

        layers = style_layers(root, "epub", style)
        gate = ResourceGate([root / "sources", *(s.path.parent for s in layers)])
        return EpubRenderer(layers, gate, root / "sources", edition.limits)
    if target == "pdf":
        from anthology.render.pdf.renderer import PdfRenderer

        layers = style_layers(root, "print", style)
        gate = ResourceGate([root, default_styles_dir(), *(s.path.parent for s in layers)])
        cache = root / "build" / ".cache" / "pdf-parts"
        return PdfRenderer(
            layers, gate, root / "sources", edition.print, jobs=jobs, cache_dir=cache
        )
    if target in ("kepub", "azw3"):
        # The EPUB edition, made over for Kobo or Kindle devices.
        epub = renderer_for("epub", edition, style)
        if target == "kepub":
            from anthology.render.epub.kepub import KepubRenderer

            return KepubRenderer(epub)
        from anthology.render.epub.azw3 import Azw3Renderer

        return Azw3Renderer(epub)
    raise BuildError(f'unknown target "{target}" (choose epub, pdf, kepub or azw3)')
