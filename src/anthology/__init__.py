"""Turn folders of scraped web pages into a themed reader (EPUB 3 and print PDF)."""

__version__ = "0.1.0"
