"""The reflowable editions: EPUB 3 (``epub.py``), Kobo's kepub and Kindle's AZW3 made from it,
and the print edition's page numbers marked in them (``marks.py``)."""
