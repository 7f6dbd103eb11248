"""The print edition: WeasyPrint lays out the book (``renderer.py``), a long one in chunks side
by side (``parts.py``: ``split``, ``workers``, ``partcache``) joined into one PDF (``join``,
``structure``); ``pagemap`` carries its page numbers to the EPUB."""
