"""Book → the editions. ``documents.py`` makes the XHTML documents both editions share (from
``templates/``, with ``styles.py``, ``images.py`` and ``cover.py``); ``epub/`` and ``pdf/``
wrap them; ``targets.renderer_for`` picks the renderer of an edition, and every renderer
returns a ``Rendered`` value (``rendered.py``) instead of changing itself."""
